//! Full-text search over transcripts, summaries, item descriptions and incident descriptions, with
//! SQLite's FTS5 inside the encrypted database (the index is as encrypted as the texts). Triggers in
//! `store/v2.sql` keep the index in step with every writer.

use super::fields;
use super::RecordError;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::vault::Vault;
use crate::vocabulary::vocabulary;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeSet;

const MAX_QUERY_CHARS: usize = 500;
const MAX_HITS: usize = 200;

vocabulary! {
    /// Which text of which record matched.
    pub enum HitKind {
        Transcript = "transcript",
        Summary = "summary",
        Item = "item",
        Incident = "incident",
    }
}

/// One record whose text matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub kind: HitKind,
    /// The interview, item or incident id.
    pub record: String,
    /// The matching passage, with the matched words between `[` and `]`.
    pub snippet: String,
}

/// Turns what a person typed into an FTS5 query that means "all these words": each word is quoted, so
/// FTS5 operators and punctuation in the text are taken literally and cannot make the query fail.
fn to_query(text: &str) -> String {
    text.split_whitespace().map(|word| format!("\"{}\"", word.replace('"', "\"\""))).collect::<Vec<_>>().join(" ")
}

impl Vault {
    /// Records containing every word of `text` (accents and case ignored), best matches first. A snippet
    /// of a transcript or summary is testimony shown: each interview shown is logged as viewed (by search),
    /// as `read_interview` is; the words searched for are not logged, since they may be names.
    pub fn search(&mut self, text: &str) -> Result<Vec<Hit>> {
        let text = fields::text("search text", text, MAX_QUERY_CHARS)?;
        let query = to_query(&text);
        if query.is_empty() {
            return Err(RecordError::EmptySearch.into());
        }
        let mut stmt = self.conn.prepare(
            "SELECT kind, record_id, snippet(search, 2, '[', ']', '…', 12) FROM search
             WHERE search MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let rows = stmt.query_map(rusqlite::params![query, MAX_HITS as i64], |r| {
            Ok(Hit { kind: r.get(0)?, record: r.get(1)?, snippet: r.get(2)? })
        })?;
        let hits: Vec<Hit> = rows.collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        let shown: BTreeSet<&str> = hits
            .iter()
            .filter(|h| matches!(h.kind, HitKind::Transcript | HitKind::Summary))
            .map(|h| h.record.as_str())
            .collect();
        if !shown.is_empty() {
            let tx = self.conn.transaction()?;
            for interview in shown {
                let details = json!({ "what": "search snippet" });
                custody::append(&tx, &self.session, Action::InterviewViewed, Some(interview), details)?;
            }
            tx.commit()?;
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_are_quoted_so_operators_are_literal() {
        assert_eq!(to_query("market  NEAR"), "\"market\" \"NEAR\"");
        assert_eq!(to_query("say \"hi\""), "\"say\" \"\"\"hi\"\"\"");
        assert_eq!(to_query("   "), "");
    }
}
