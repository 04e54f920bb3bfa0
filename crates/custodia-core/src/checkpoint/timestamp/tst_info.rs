//! RFC 3161's TSTInfo, as x509-tsp defines it but for genTime: der 0.7's `GeneralizedTime` takes no
//! fraction of a second, and many authorities write milliseconds (`20261207123722.662Z`, which RFC 3161
//! allows). Here genTime is read as the DER value it is, and its text as a time by chrono.

use super::TimestampError;
use chrono::{NaiveDateTime, SecondsFormat};
use der::asn1::{Any, Int};
use der::{Sequence, Tag, Tagged};
use std::time::Duration;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::Extensions;
use x509_tsp::{Accuracy, MessageImprint, TsaPolicyId, TspVersion};

/// ```text
/// TSTInfo ::= SEQUENCE  {
///     version                      INTEGER  { v1(1) },
///     policy                       TSAPolicyId,
///     messageImprint               MessageImprint,
///     serialNumber                 INTEGER,
///     genTime                      GeneralizedTime,
///     accuracy                     Accuracy                 OPTIONAL,
///     ordering                     BOOLEAN             DEFAULT FALSE,
///     nonce                        INTEGER                  OPTIONAL,
///     tsa                          [0] GeneralName          OPTIONAL,
///     extensions                   [1] IMPLICIT Extensions   OPTIONAL  }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct TstInfo {
    pub version: TspVersion,
    pub policy: TsaPolicyId,
    pub message_imprint: MessageImprint,
    pub serial_number: Int,
    /// A GeneralizedTime (checked by `gen_time`).
    pub gen_time: Any,
    #[asn1(optional = "true")]
    pub accuracy: Option<Accuracy>,
    #[asn1(default = "Default::default")]
    pub ordering: bool,
    #[asn1(optional = "true")]
    pub nonce: Option<Int>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub tsa: Option<GeneralName>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// The longest genTime read: `YYYYMMDDHHMMSS.` with nanoseconds and `Z` is 25 characters.
const MAX_TIME_CHARS: usize = 25;

impl TstInfo {
    /// genTime: a GeneralizedTime in UTC (`YYYYMMDDHHMMSS[.f...]Z`), as seconds since 1970 and as
    /// RFC 3339 text with the precision the authority gave.
    pub(crate) fn time(&self) -> Result<(Duration, String), TimestampError> {
        let bad = || TimestampError::Malformed("the token's time is not a GeneralizedTime in UTC".into());
        let value = self.gen_time.value();
        if self.gen_time.tag() != Tag::GeneralizedTime || value.len() > MAX_TIME_CHARS || !value.is_ascii() {
            return Err(bad());
        }
        let text = std::str::from_utf8(value).map_err(|_| bad())?;
        let time = NaiveDateTime::parse_from_str(text, "%Y%m%d%H%M%S%.fZ").map_err(|_| bad())?.and_utc();
        let since_epoch = u64::try_from(time.timestamp()).map_err(|_| bad())?;
        let exact = Duration::new(since_epoch, time.timestamp_subsec_nanos());
        Ok((exact, time.to_rfc3339_opts(SecondsFormat::AutoSi, true)))
    }
}
