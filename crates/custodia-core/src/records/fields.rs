//! Checks shared by the record modules (bounded text, lists, dates, choices), new readable ids, and the
//! edit history: the previous value goes into `record_history`, its SHA-256 into the custody event.

use super::RecordError;
use crate::custody::{self, Action, Session};
use crate::error::Result;
use crate::ids;
use crate::vault::check_text;
use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde_json::json;
use sha2::{Digest, Sha256};

/// A name, place, phone, language or similar one-line field.
pub(crate) const SHORT: usize = 200;
/// Notes, summaries, descriptions.
pub(crate) const MEDIUM: usize = 10_000;
/// A transcript: about 100,000 words.
pub(crate) const LONG: usize = 1_000_000;
/// Other names, interviewers, linked records.
pub(crate) const MAX_LIST: usize = 50;

/// Checks a one-line text field: bounded, no control characters (not even line breaks), trimmed.
pub(crate) fn line(field: &'static str, text: &str) -> Result<String> {
    let text = text.trim();
    check_text(field, text, SHORT)?;
    if text.contains(['\n', '\r', '\t']) {
        return Err(crate::vault::VaultError::TextHasControlChars { field }.into());
    }
    Ok(text.to_string())
}

/// Checks a multi-line text field (line breaks and tabs allowed).
pub(crate) fn text(field: &'static str, text: &str, max: usize) -> Result<String> {
    check_text(field, text, max)?;
    Ok(text.trim().to_string())
}

/// Checks a list of one-line values: each bounded, empty ones dropped, duplicates removed, order kept.
pub(crate) fn list(field: &'static str, values: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for value in values {
        let value = line(field, value)?;
        if !value.is_empty() && !out.contains(&value) {
            out.push(value);
        }
    }
    if out.len() > MAX_LIST {
        return Err(RecordError::TooMany { field, max: MAX_LIST }.into());
    }
    Ok(out)
}

/// A calendar date written `YYYY-MM-DD`, between 1900 and 2200.
pub(crate) fn day(field: &'static str, value: &str) -> Result<NaiveDate> {
    let value = value.trim();
    let bad = || RecordError::BadDate { field, value: shorten(value), expected: "YYYY-MM-DD, e.g. 2026-03-02" };
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad())?;
    if value.len() != 10 || !(1900..=2200).contains(&chrono::Datelike::year(&date)) {
        return Err(bad().into());
    }
    Ok(date)
}

/// Input echoed back in an error message is cut short, so a huge value cannot flood the screen.
pub(crate) fn shorten(value: &str) -> String {
    let mut out: String = value.chars().take(40).filter(|c| !c.is_control()).collect();
    if value.chars().count() > 40 {
        out.push('…');
    }
    out
}

pub(crate) fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A new id with `prefix` that no row of `table` uses yet. The table name is one of ours, never input.
pub(crate) fn new_id(conn: &Connection, table: &'static str, prefix: &str, groups: &[usize]) -> Result<String> {
    loop {
        let candidate = ids::new_id(prefix, groups)?;
        let sql = format!("SELECT EXISTS(SELECT 1 FROM {table} WHERE id = ?1)");
        let taken: bool = conn.query_row(&sql, [&candidate], |r| r.get(0))?;
        if !taken {
            return Ok(candidate);
        }
    }
}

/// One changed field of a record, as stored (text; lists and flags in their stored form).
#[derive(Debug)]
pub(crate) struct Change {
    pub field: &'static str,
    pub old: String,
    pub new: String,
}

/// Records the edits of one record: for each change, the previous value into `record_history` and one
/// custody event with the field name and the SHA-256 of the previous and new values (never the values:
/// the log travels in exports, and these fields can name people). The caller updates the row itself.
pub(crate) fn record_changes(
    tx: &Connection,
    session: &Session,
    action: Action,
    kind: &str,
    id: &str,
    changes: &[Change],
) -> Result<()> {
    for change in changes {
        let details = json!({
            "field": change.field,
            "previous_sha256": sha256_hex(&change.old),
            "sha256": sha256_hex(&change.new),
        });
        let event = custody::append(tx, session, action, Some(id), details)?;
        tx.execute(
            "INSERT INTO record_history (kind, record_id, field, seq, previous) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![kind, id, change.field, event.seq, change.old],
        )?;
    }
    Ok(())
}

/// One earlier value of a field, with the custody event that replaced it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryEntry {
    pub field: String,
    pub seq: u64,
    pub previous: String,
}

pub(crate) fn history(conn: &Connection, kind: &str, id: &str) -> Result<Vec<HistoryEntry>> {
    let mut stmt = conn
        .prepare("SELECT field, seq, previous FROM record_history WHERE kind = ?1 AND record_id = ?2 ORDER BY seq")?;
    let rows = stmt
        .query_map(params![kind, id], |r| Ok(HistoryEntry { field: r.get(0)?, seq: r.get(1)?, previous: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Checks that an evidence item exists; returns its normalised id.
pub(crate) fn existing_item(conn: &Connection, typed: &str) -> Result<String> {
    let id = ids::normalize(typed);
    let found: bool = conn.query_row("SELECT EXISTS(SELECT 1 FROM items WHERE id = ?1)", [&id], |r| r.get(0))?;
    if found {
        Ok(id)
    } else {
        Err(RecordError::ItemNotFound(shorten(typed)).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_must_be_real_calendar_dates() {
        assert!(day("date", "2026-03-02").is_ok());
        for bad in ["2026-02-30", "2026-3-2", "02/03/2026", "", "1850-01-01", "2026-03-02x"] {
            assert!(day("date", bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn lines_refuse_line_breaks_and_lists_drop_blanks_and_repeats() {
        assert!(line("name", "A\nB").is_err());
        assert!(line("name", &"x".repeat(SHORT + 1)).is_err());
        assert_eq!(line("name", "  Amina  ").expect("ok"), "Amina");
        let got = list("other names", &["A".into(), " ".into(), "A".into(), "B".into()]).expect("ok");
        assert_eq!(got, ["A", "B"]);
        let many: Vec<String> = (0..=MAX_LIST).map(|i| i.to_string()).collect();
        assert!(list("other names", &many).is_err());
    }

    #[test]
    fn echoed_values_are_cut_short() {
        assert_eq!(shorten(&"a".repeat(100)).chars().count(), 41);
    }
}
