//! The vault's persons as the matcher sees them: conversion to `matching::PersonRecord`, an index over
//! every stored person, and the suspected duplicates with reviewers' decisions applied (a pair marked
//! "different people" is never flagged again; a merged record speaks for the person it was merged into).

use custodia_matching::{self as matching, MatchIndex, PartialDate, PersonRecord};
use crate::error::Result;
use crate::records::persons::{Checked, Sex};
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap, HashSet};
use zeroize::Zeroizing;

pub const DEFAULT_THRESHOLD: f64 = matching::DEFAULT_THRESHOLD;

/// The matcher's view of a person's fields.
pub(crate) fn record(id: &str, p: &Checked) -> PersonRecord {
    let some = |s: &String| (!s.is_empty()).then(|| s.clone());
    PersonRecord {
        id: id.to_string(),
        full_name: p.full_name.clone(),
        other_names: p.other_names.clone(),
        sex: p.sex.map(|s| match s {
            Sex::Male => matching::Sex::Male,
            Sex::Female => matching::Sex::Female,
        }),
        // Stored birth dates were checked by the same parser on the way in.
        birth_date: PartialDate::parse(&p.birth_date).unwrap_or_default(),
        birth_place: some(&p.birth_place),
        residence: some(&p.residence),
        phone: some(&p.phone),
        id_number: some(&p.id_number),
    }
}

/// Every stored person in a match index, and where each merged record now points.
pub(crate) struct People {
    index: MatchIndex,
    merged_into: HashMap<String, String>,
    different: HashSet<(String, String)>,
    stamp: Stamp,
}

/// What changes when persons, their edits or reviewers' decisions change: the largest rowid of each
/// table (rows are only ever added to them). Reading it costs three B-tree descents, not a scan.
type Stamp = (i64, i64, i64);

fn stamp(conn: &Connection) -> Result<Stamp> {
    Ok(conn.query_row(
        "SELECT (SELECT ifnull(max(rowid), 0) FROM persons), (SELECT ifnull(max(rowid), 0) FROM record_history),
                (SELECT ifnull(max(rowid), 0) FROM person_decisions)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

impl People {
    /// Whether the vault's persons changed since this index was built.
    pub(crate) fn is_stale(&self, conn: &Connection) -> Result<bool> {
        Ok(stamp(conn)? != self.stamp)
    }

    pub(crate) fn load(conn: &Connection) -> Result<People> {
        let stamp = stamp(conn)?;
        let mut index = MatchIndex::new();
        let mut merged_into = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT id, full_name, other_names, sex, birth_date, birth_place, residence, phone, id_number,
                    merged_into FROM persons",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let other: String = r.get(2)?;
            let sex: String = r.get(3)?;
            let birth: String = r.get(4)?;
            let some = |s: String| (!s.is_empty()).then_some(s);
            let record = Zeroizing::new(PersonRecord {
                id: id.clone(),
                full_name: r.get(1)?,
                other_names: serde_json::from_str(&other).unwrap_or_default(),
                sex: matching::Sex::parse(&sex),
                birth_date: PartialDate::parse(&birth).unwrap_or_default(),
                birth_place: some(r.get(5)?),
                residence: some(r.get(6)?),
                phone: some(r.get(7)?),
                id_number: some(r.get(8)?),
            });
            // The index keeps its own prepared copy; this one, read from the database, is wiped now.
            index.insert(&record);
            if let Some(into) = r.get::<_, Option<String>>(9)? {
                merged_into.insert(id, into);
            }
        }
        let mut different = HashSet::new();
        let mut stmt = conn.prepare("SELECT a, b FROM person_decisions WHERE decision = 'different'")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            different.insert(row?);
        }
        Ok(People { index, merged_into, different, stamp })
    }

    /// The person a record now stands for: itself, or the end of its `merged_into` chain.
    pub(crate) fn root<'a>(&'a self, mut id: &'a str) -> &'a str {
        // Bounded: a chain longer than the number of persons would be a loop.
        for _ in 0..=self.merged_into.len() {
            match self.merged_into.get(id) {
                Some(next) => id = next,
                None => break,
            }
        }
        id
    }

    fn decided_different(&self, a: &str, b: &str) -> bool {
        let key = if a < b { (a.to_string(), b.to_string()) } else { (b.to_string(), a.to_string()) };
        self.different.contains(&key)
    }

    /// Stored persons probably the same as `probe`, by surviving record, best first. `probe.id` is the
    /// stored person being checked (left out, with everything merged into it), or a placeholder.
    pub(crate) fn candidates(&self, probe: &PersonRecord, threshold: f64) -> Vec<(String, f64, Vec<matching::Reason>)> {
        let own_root = self.root(&probe.id).to_string();
        let mut best: BTreeMap<String, (f64, Vec<matching::Reason>)> = BTreeMap::new();
        for m in self.index.candidates(probe, threshold) {
            let other = if m.a == probe.id { &m.b } else { &m.a };
            let root = self.root(other).to_string();
            if root == own_root || self.decided_different(&own_root, &root) {
                continue;
            }
            if best.get(&root).is_none_or(|(score, _)| m.score > *score) {
                best.insert(root, (m.score, m.reasons));
            }
        }
        let mut out: Vec<_> = best.into_iter().map(|(id, (score, reasons))| (id, score, reasons)).collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// Every suspected pair among stored persons, by surviving records, without pairs already decided.
    pub(crate) fn pairs(&self, threshold: f64) -> Vec<(String, String, f64, Vec<matching::Reason>)> {
        let mut best: BTreeMap<(String, String), (f64, Vec<matching::Reason>)> = BTreeMap::new();
        for m in self.index.duplicate_pairs(threshold) {
            let (a, b) = (self.root(&m.a).to_string(), self.root(&m.b).to_string());
            if a == b || self.decided_different(&a, &b) {
                continue;
            }
            let key = if a < b { (a, b) } else { (b, a) };
            if best.get(&key).is_none_or(|(score, _)| m.score > *score) {
                best.insert(key, (m.score, m.reasons));
            }
        }
        let mut out: Vec<_> = best.into_iter().map(|((a, b), (score, reasons))| (a, b, score, reasons)).collect();
        out.sort_by(|x, y| y.2.total_cmp(&x.2).then_with(|| (&x.0, &x.1).cmp(&(&y.0, &y.1))));
        out
    }
}

/// The stored persons, indexed for the duplicate check, kept by a caller between checks (see
/// `Vault::check_person_with`). Starts empty and fills on first use.
#[derive(Default)]
pub struct PersonChecker {
    people: Option<People>,
    budget: super::probe::Budget,
}

impl std::fmt::Debug for PersonChecker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print what it holds: names.
        f.debug_struct("PersonChecker").field("loaded", &self.people.is_some()).finish()
    }
}

impl PersonChecker {
    /// Takes one live check from this checker's budget (see `harm::probe`), or refuses with the wait.
    pub(crate) fn take_live_check(&mut self, now: std::time::Instant) -> Result<()> {
        self.budget
            .take(now)
            .map_err(|wait| super::HarmError::TooManyChecks { wait_secs: wait.as_secs_f64().ceil() as u64 }.into())
    }

    pub(crate) fn fresh(&mut self, conn: &Connection) -> Result<&People> {
        let stale = match &self.people {
            Some(people) => people.is_stale(conn)?,
            None => true,
        };
        if stale {
            self.people = Some(People::load(conn)?);
        }
        self.people.as_ref().ok_or_else(|| crate::records::RecordError::Missing { field: "person index" }.into())
    }
}
