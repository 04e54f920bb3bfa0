//! Remote addresses as file managers write them: `file:///PATH`, `dav://HOST[:PORT]/PATH`,
//! `davs://HOST[:PORT]/PATH`, `s3://BUCKET/PREFIX?endpoint=URL&region=R` and `sftp://USER@HOST[:PORT]/PATH`.
//! Anything else is refused, and so are the tricks a typed or pasted address can hide: control or bidi
//! characters, spaces, `..` or `.` segments, user names or passwords inside a WebDAV or S3 address
//! (credentials go in the credentials file, which the vault keeps encrypted), unknown query keys.

use super::RemoteError;
use crate::vocabulary::vocabulary;
use std::fmt;

/// Addresses longer than this are not addresses.
const MAX_URL_CHARS: usize = 2048;

vocabulary! {
    /// The kinds of storage a remote can be, as the custody log, listings and the page name them.
    pub enum RemoteKind {
        Folder = "folder",
        WebDav = "webdav",
        S3 = "s3",
        Sftp = "sftp",
    }
}

/// A checked remote address. Its `Display` is the canonical form stored in the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteUrl {
    /// A folder on this computer or a mounted drive: an absolute path.
    Folder { path: String },
    /// WebDAV (Nextcloud, ownCloud, `rclone serve webdav`, Apache mod_dav); `tls` for `davs://`.
    WebDav { tls: bool, host: String, port: Option<u16>, path: String },
    /// An S3-compatible store: bucket, a prefix inside it (no leading or trailing slash, may be empty),
    /// its endpoint (an http or https URL) and region.
    S3 { bucket: String, prefix: String, endpoint: String, region: String },
    /// SFTP (OpenSSH's `sftp-server` or `internal-sftp`, or any SFTP server), reached with the system's
    /// `ssh` client; `path` is absolute on the server.
    Sftp { user: String, host: String, port: Option<u16>, path: String },
}

impl RemoteUrl {
    /// Parses and checks an address.
    pub fn parse(text: &str) -> Result<RemoteUrl, RemoteError> {
        let bad = |why: &'static str| RemoteError::BadUrl { why };
        if text.chars().count() > MAX_URL_CHARS {
            return Err(bad("it is too long"));
        }
        if text.chars().any(|c| c.is_control() || c.is_whitespace() || is_bidi_control(c)) {
            return Err(bad("it contains spaces, control or direction characters"));
        }
        if text.contains('%') && !text.starts_with("s3://") {
            return Err(bad("percent-escapes are not accepted; write the path as it is"));
        }
        let (scheme, rest) =
            text.split_once("://").ok_or(bad("it has no scheme (file://, dav://, davs://, s3://, sftp://)"))?;
        match scheme {
            "file" => {
                if !rest.starts_with('/') {
                    return Err(bad("a file:// address needs an absolute path (file:///media/usb/copies)"));
                }
                Ok(RemoteUrl::Folder { path: clean_path(rest)? })
            }
            "dav" | "davs" => {
                let (authority, path) = split_authority(rest)?;
                if authority.contains('@') {
                    return Err(bad("put the user name and password in the credentials file, not in the address"));
                }
                let (host, port) = host_port(authority)?;
                Ok(RemoteUrl::WebDav { tls: scheme == "davs", host, port, path: clean_path(path)? })
            }
            "sftp" => {
                let (authority, path) = split_authority(rest)?;
                let (user, hostport) =
                    authority.split_once('@').ok_or(bad("an sftp:// address names the user: sftp://USER@HOST/PATH"))?;
                if user.is_empty() || !user.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
                    return Err(bad("the user name may hold only letters, digits, '.', '_' and '-'"));
                }
                if user.contains(':') {
                    return Err(bad("put the password in the credentials file, not in the address"));
                }
                let (host, port) = host_port(hostport)?;
                Ok(RemoteUrl::Sftp { user: user.to_string(), host, port, path: clean_path(path)? })
            }
            "s3" => parse_s3(rest),
            _ => Err(bad("only file://, dav://, davs://, s3:// and sftp:// addresses are accepted")),
        }
    }

    /// The kind of storage, as the custody log and listings name it.
    pub fn kind(&self) -> RemoteKind {
        match self {
            RemoteUrl::Folder { .. } => RemoteKind::Folder,
            RemoteUrl::WebDav { .. } => RemoteKind::WebDav,
            RemoteUrl::S3 { .. } => RemoteKind::S3,
            RemoteUrl::Sftp { .. } => RemoteKind::Sftp,
        }
    }
}

impl fmt::Display for RemoteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let port = |p: &Option<u16>| p.map(|p| format!(":{p}")).unwrap_or_default();
        match self {
            RemoteUrl::Folder { path } => write!(f, "file://{path}"),
            RemoteUrl::WebDav { tls, host, port: p, path } => {
                write!(f, "{}://{host}{}{path}", if *tls { "davs" } else { "dav" }, port(p))
            }
            RemoteUrl::S3 { bucket, prefix, endpoint, region } => {
                let slash = if prefix.is_empty() { "" } else { "/" };
                write!(f, "s3://{bucket}{slash}{prefix}?endpoint={endpoint}&region={region}")
            }
            RemoteUrl::Sftp { user, host, port: p, path } => write!(f, "sftp://{user}@{host}{}{path}", port(p)),
        }
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `HOST[:PORT]` and `/PATH` (the path may be empty, meaning `/`).
fn split_authority(rest: &str) -> Result<(&str, &str), RemoteError> {
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if rest.contains('?') || rest.contains('#') {
        return Err(RemoteError::BadUrl { why: "this kind of address takes no '?' or '#' part" });
    }
    Ok((authority, path))
}

fn host_port(text: &str) -> Result<(String, Option<u16>), RemoteError> {
    let bad = |why: &'static str| RemoteError::BadUrl { why };
    // `[v6]:port` or `name:port`; a colon elsewhere is not a port.
    let split = if text.starts_with('[') {
        match text.find(']') {
            Some(end) if end + 1 == text.len() => (text, None),
            Some(end) if text[end + 1..].starts_with(':') => (&text[..=end], Some(&text[end + 2..])),
            _ => return Err(bad("the host name is not valid")),
        }
    } else {
        match text.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        }
    };
    let (host, port) = split;
    let port = match port {
        Some(p) => {
            Some(p.parse::<u16>().ok().filter(|p| *p > 0).ok_or(bad("the port is not a number from 1 to 65535"))?)
        }
        None => None,
    };
    let name_ok = host.len() <= 253
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !host.starts_with(['-', '.']);
    let v6_ok = host.len() > 2
        && host.starts_with('[')
        && host.ends_with(']')
        && host[1..host.len() - 1].parse::<std::net::Ipv6Addr>().is_ok();
    if host.is_empty() || !(name_ok || v6_ok) {
        return Err(bad("the host name is not valid"));
    }
    Ok((host.to_ascii_lowercase(), port))
}

/// An absolute path without `.` or `..` segments, doubled slashes or a backslash; a trailing slash is
/// dropped (except for `/` itself).
fn clean_path(path: &str) -> Result<String, RemoteError> {
    let bad = |why: &'static str| RemoteError::BadUrl { why };
    if path.contains('\\') {
        return Err(bad("the path holds a backslash"));
    }
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    for (i, segment) in segments.iter().enumerate() {
        if *segment == "." || *segment == ".." {
            return Err(bad("the path holds a '.' or '..' part"));
        }
        if segment.is_empty() && i != last {
            return Err(bad("the path holds an empty part ('//')"));
        }
    }
    let trimmed = path.trim_end_matches('/');
    Ok(if trimmed.is_empty() { "/".to_string() } else { trimmed.to_string() })
}

fn parse_s3(rest: &str) -> Result<RemoteUrl, RemoteError> {
    let bad = |why: &'static str| RemoteError::BadUrl { why };
    let (location, query) = rest.split_once('?').ok_or(bad("an s3:// address needs ?endpoint=URL&region=R"))?;
    if location.contains('@') || location.contains('%') || location.contains('#') {
        return Err(bad("put the access keys in the credentials file, not in the address"));
    }
    let (bucket, prefix) = location.split_once('/').unwrap_or((location, ""));
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && !bucket.starts_with(['-', '.'])
        && !bucket.ends_with(['-', '.']);
    if !bucket_ok {
        return Err(bad("the bucket name is not valid (3 to 63 lowercase letters, digits, '-' or '.')"));
    }
    let prefix = prefix.trim_end_matches('/');
    if !prefix.is_empty() {
        clean_path(&format!("/{prefix}"))?;
    }
    let (mut endpoint, mut region) = (None, None);
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').ok_or(bad("the part after '?' must be KEY=VALUE pairs"))?;
        let value = percent_decode(value)?;
        let slot = match key {
            "endpoint" => &mut endpoint,
            "region" => &mut region,
            _ => return Err(bad("only endpoint= and region= are accepted after '?'")),
        };
        if slot.replace(value).is_some() {
            return Err(bad("endpoint= or region= is given twice"));
        }
    }
    let endpoint = endpoint.ok_or(bad("an s3:// address needs endpoint=URL"))?;
    let region = region.unwrap_or_else(|| "us-east-1".to_string());
    let (scheme, host) = endpoint.split_once("://").ok_or(bad("the endpoint must be an http:// or https:// URL"))?;
    if !matches!(scheme, "http" | "https") || host.contains(['/', '?', '#', '@']) {
        return Err(bad("the endpoint must be an http:// or https:// URL of a host and port, nothing else"));
    }
    host_port(host)?;
    if region.is_empty() || !region.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(bad("the region is not valid"));
    }
    Ok(RemoteUrl::S3 { bucket: bucket.to_string(), prefix: prefix.to_string(), endpoint, region })
}

/// `%2F`-style escapes in a query value (an endpoint is often written escaped); the result is checked
/// again for controls.
fn percent_decode(text: &str) -> Result<String, RemoteError> {
    let bad = RemoteError::BadUrl { why: "a '%' escape after '?' is not valid" };
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex =
                text.get(i + 1..i + 3).ok_or(RemoteError::BadUrl { why: "a '%' escape after '?' is cut short" })?;
            out.push(
                u8::from_str_radix(hex, 16)
                    .map_err(|_| RemoteError::BadUrl { why: "a '%' escape after '?' is not valid" })?,
            );
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let decoded = String::from_utf8(out).map_err(|_| bad)?;
    if decoded.chars().any(|c| c.is_control() || c.is_whitespace() || is_bidi_control(c)) {
        return Err(RemoteError::BadUrl { why: "it contains spaces, control or direction characters" });
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> RemoteUrl {
        RemoteUrl::parse(text).unwrap_or_else(|e| panic!("{text} should parse: {e}"))
    }

    #[test]
    fn each_kind_of_address_parses_and_prints_back() {
        for text in [
            "file:///media/usb/copies",
            "dav://127.0.0.1:8080/remote.php/dav/files/amal",
            "davs://cloud.example.org/dav",
            "s3://evidence/team-a?endpoint=http://127.0.0.1:9000&region=us-east-1",
            "s3://evidence?endpoint=https://s3.example.org&region=eu-west-3",
            "sftp://amal@backup.example.org:2222/srv/copies",
        ] {
            assert_eq!(ok(text).to_string(), text, "{text} should print as written");
        }
        assert_eq!(ok("file:///media/usb/").to_string(), "file:///media/usb", "a trailing slash is dropped");
        assert_eq!(ok("dav://HOST.example").to_string(), "dav://host.example/", "no path is the root");
    }

    #[test]
    fn other_schemes_and_path_tricks_are_refused() {
        for text in [
            "http://example.org/dav",
            "ftp://example.org/",
            "file://relative/path",
            "file:///a/../etc",
            "file:///a/./b",
            "file:///a//b",
            "file:///a\\b",
            "file:///a%2f..",
            "dav://user:pw@example.org/dav",
            "dav://example.org:0/",
            "dav://example.org:99999/",
            "dav://exa mple.org/",
            "dav://example.org/a\u{202E}b",
            "dav://example.org/a\nb",
            "dav://example.org/a?x=1",
            "dav://-bad/",
            "s3://Bad_Bucket?endpoint=http://127.0.0.1:9000",
            "s3://bucket",
            "s3://bucket?region=x",
            "s3://bucket?endpoint=ftp://x&region=r",
            "s3://bucket?endpoint=http://x/path&region=r",
            "s3://bucket?endpoint=http://x&other=1",
            "s3://key:secret@bucket?endpoint=http://x",
            "s3://bucket/../x?endpoint=http://x",
            "sftp://example.org/srv",
            "sftp://a b@example.org/srv",
            "",
        ] {
            assert!(RemoteUrl::parse(text).is_err(), "{text:?} should be refused");
        }
        assert!(RemoteUrl::parse(&format!("file:///{}", "a".repeat(3000))).is_err(), "a huge address is refused");
    }
}
