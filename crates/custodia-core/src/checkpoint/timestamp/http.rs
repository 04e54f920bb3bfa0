//! The one HTTP exchange: POST the request, read at most `MAX_REPLY_BYTES` back, within `TIMEOUT`.

use super::TimestampError;
use std::time::Duration;

/// A reply larger than this is refused unread: real tokens are a few KiB (the certificate chain included).
pub const MAX_REPLY_BYTES: u64 = 64 * 1024;
/// The whole exchange, connection to last byte.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// A URL longer than this is refused before anything is stored.
const MAX_URL_CHARS: usize = 2048;

/// Refuses what is not an `http://` or `https://` URL of printable ASCII without spaces, before anything
/// is stored or sent.
pub fn check_url(url: &str) -> Result<(), TimestampError> {
    let lower = url.to_ascii_lowercase();
    let scheme_ok = ["http://", "https://"].iter().any(|s| lower.starts_with(s) && lower.len() > s.len());
    let chars_ok = url.len() <= MAX_URL_CHARS && url.bytes().all(|b| b.is_ascii_graphic());
    if scheme_ok && chars_ok && url.parse::<ureq::http::Uri>().is_ok() {
        Ok(())
    } else {
        Err(TimestampError::BadUrl)
    }
}

/// What sending gave.
#[derive(Debug)]
pub(crate) enum Sent {
    /// The body of a 200 reply.
    Reply(Vec<u8>),
    /// Nothing came back: no route, refused connection, time out. The request may be tried again later.
    Unreachable(String),
}

/// POSTs `request` (a DER TimeStampReq) to `url`. An answer other than a bounded 200 is an error;
/// redirects are not followed (a time-stamping authority has no reason to send one).
pub(crate) fn post(url: &str, request: &[u8]) -> Result<Sent, TimestampError> {
    post_within(url, request, TIMEOUT)
}

/// `post`, the whole exchange bounded by `timeout`.
pub(crate) fn post_within(url: &str, request: &[u8], timeout: Duration) -> Result<Sent, TimestampError> {
    check_url(url)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let sent = agent.post(url).header("Content-Type", "application/timestamp-query").send(request);
    let mut response = match sent {
        Ok(response) => response,
        Err(e) if unreachable(&e) => return Ok(Sent::Unreachable(e.to_string())),
        Err(ureq::Error::BadUri(_) | ureq::Error::Http(_)) => return Err(TimestampError::BadUrl),
        Err(_) => return Err(TimestampError::Malformed("the HTTP reply could not be read".into())),
    };
    let status = response.status().as_u16();
    if status != 200 {
        return Err(TimestampError::HttpStatus(status));
    }
    match response.body_mut().with_config().limit(MAX_REPLY_BYTES).read_to_vec() {
        Ok(body) => Ok(Sent::Reply(body)),
        Err(ureq::Error::BodyExceedsLimit(_)) => Err(TimestampError::TooLarge { max: MAX_REPLY_BYTES }),
        Err(e) if unreachable(&e) => Ok(Sent::Unreachable(e.to_string())),
        Err(_) => Err(TimestampError::Malformed("the HTTP reply could not be read".into())),
    }
}

/// The errors that say the authority was not reached (or stopped answering), as opposed to a bad answer.
fn unreachable(e: &ureq::Error) -> bool {
    matches!(
        e,
        ureq::Error::Io(_)
            | ureq::Error::Timeout(_)
            | ureq::Error::HostNotFound
            | ureq::Error::ConnectionFailed
            | ureq::Error::ConnectProxyFailed(_)
            | ureq::Error::Tls(_)
            | ureq::Error::Rustls(_)
    )
}
