//! The duplicate review queue: suspected pairs of persons, and a reviewer's decision on each.
//!
//! "Same person" merges without losing anything: both records stay, with their histories; the second
//! points at the first with `merged_into`; its interviews and consent records move to the first (each move
//! kept in the history); the survivor takes on the vulnerability flags of either record, since protection
//! must not be lost in a merge. Moved consent records keep their sequence numbers, so the most recent
//! decision of the person, on either record, is the one in force. "Different people" is remembered and the
//! pair is never flagged again. Both decisions are custody events.

use super::fields::{self, Change};
use super::harm_facts;
use super::persons::{self, Person};
use super::RecordError;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::harm::findings::Reason;
use crate::harm::{probe, HarmSettings};
use crate::vault::Vault;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;

/// Two persons the matcher takes for one, awaiting review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuspectedPair {
    pub a: Person,
    pub b: Person,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

fn ordered<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

fn decision(conn: &Connection, a: &str, b: &str) -> Result<Option<String>> {
    let (a, b) = ordered(a, b);
    Ok(conn
        .query_row("SELECT decision FROM person_decisions WHERE a = ?1 AND b = ?2", params![a, b], |r| r.get(0))
        .optional()?)
}

/// Both persons of a decision, current (not merged away), distinct, not yet decided.
fn reviewable(conn: &Connection, a: &str, b: &str) -> Result<(Person, Person)> {
    let a = persons::find_current(conn, a)?;
    let b = persons::find_current(conn, b)?;
    if a.id == b.id {
        return Err(RecordError::SamePerson.into());
    }
    if let Some(decision) = decision(conn, &a.id, &b.id)? {
        return Err(RecordError::AlreadyReviewed { a: a.id, b: b.id, decision }.into());
    }
    Ok((a, b))
}

impl Vault {
    /// Every suspected duplicate pair at `threshold` (the vault's setting when `None`), best first, without
    /// pairs already reviewed and with merged records standing for their survivor.
    pub fn person_duplicates(&self, threshold: Option<f64>) -> Result<Vec<SuspectedPair>> {
        let threshold = match threshold {
            Some(t) => {
                let settings = HarmSettings { duplicate_threshold: t, ..self.harm_settings()? };
                settings.check()?;
                t
            }
            None => self.harm_settings()?.duplicate_threshold,
        };
        let people = harm_facts::people(&self.conn)?;
        let mut out = Vec::new();
        for (a, b, score, reasons) in people.pairs(threshold) {
            let reasons = reasons.iter().map(|r| Reason { code: r.code(), text: r.to_string() }).collect();
            out.push(SuspectedPair { a: self.person(&a)?, b: self.person(&b)?, score, reasons });
        }
        let codes = out.iter().flat_map(|pair| pair.reasons.iter().map(|r| r.code.as_str()));
        probe::log_listing(&self.conn, &self.session, out.len(), codes)?;
        Ok(out)
    }

    /// Records that `a` and `b` are the same person: `b` is merged into `a`. Returns the survivor.
    pub fn review_same(&mut self, a: &str, b: &str) -> Result<Person> {
        let (a, b) = reviewable(&self.conn, a, b)?;
        let tx = self.conn.transaction()?;
        let moved = |table: &str| -> Result<Vec<String>> {
            let mut stmt = tx.prepare(&format!("SELECT id FROM {table} WHERE person_id = ?1 ORDER BY id"))?;
            let rows = stmt.query_map([&b.id], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let interviews = moved("interviews")?;
        let consents = moved("consents")?;
        let event = custody::append(
            &tx,
            &self.session,
            Action::PersonMerged,
            Some(&b.id),
            json!({ "into": a.id, "interviews": interviews, "consents": consents }),
        )?;
        for (kind, table, ids) in [("interview", "interviews", &interviews), ("consent", "consents", &consents)] {
            for id in ids.iter() {
                tx.execute(
                    "INSERT INTO record_history (kind, record_id, field, seq, previous) VALUES (?1, ?2, 'person_id', ?3, ?4)",
                    params![kind, id, event.seq, b.id],
                )?;
                // `table` is one of the two names above.
                tx.execute(&format!("UPDATE {table} SET person_id = ?1 WHERE id = ?2"), params![a.id, id])?;
            }
        }
        tx.execute("UPDATE persons SET merged_into = ?1 WHERE id = ?2", params![a.id, b.id])?;
        let mut flags = Vec::new();
        for (field, survivor, merged) in
            [("minor", a.minor, b.minor), ("sgbv_survivor", a.sgbv_survivor, b.sgbv_survivor)]
        {
            if merged && !survivor {
                flags.push(Change { field, old: "false".into(), new: "true".into() });
                // `field` is one of the two names above.
                tx.execute(&format!("UPDATE persons SET {field} = 1 WHERE id = ?1"), [&a.id])?;
            }
        }
        fields::record_changes(&tx, &self.session, Action::PersonEdited, "person", &a.id, &flags)?;
        let (x, y) = ordered(&a.id, &b.id);
        tx.execute(
            "INSERT INTO person_decisions (a, b, decision, seq) VALUES (?1, ?2, 'same', ?3)",
            params![x, y, event.seq],
        )?;
        tx.commit()?;
        self.person(&a.id)
    }

    /// Records that `a` and `b` are different people: the pair is never flagged again.
    pub fn review_different(&mut self, a: &str, b: &str) -> Result<()> {
        let (a, b) = reviewable(&self.conn, a, b)?;
        let (x, y) = ordered(&a.id, &b.id);
        let tx = self.conn.transaction()?;
        let event = custody::append(&tx, &self.session, Action::PersonsDistinct, Some(x), json!({ "a": x, "b": y }))?;
        tx.execute(
            "INSERT INTO person_decisions (a, b, decision, seq) VALUES (?1, ?2, 'different', ?3)",
            params![x, y, event.seq],
        )?;
        tx.commit()?;
        Ok(())
    }
}
