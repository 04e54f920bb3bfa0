//! Wall-clock time in the one format the vault records: RFC 3339, UTC, milliseconds.

use chrono::{SecondsFormat, Utc};

/// The current UTC time, e.g. `2026-11-26T05:39:26.123Z`.
pub fn now_rfc3339() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}
