//! The vault's persons as the matcher sees them: an index over every stored person (filled by
//! `records::harm_facts`), kept between checks by a `PersonChecker`, and the suspected duplicates with reviewers' decisions applied (a pair marked
//! "different people" is never flagged again; a merged record speaks for the person it was merged into).

use crate::error::Result;
use custodia_matching::{self as matching, MatchIndex, PersonRecord};
use std::collections::{BTreeMap, HashMap, HashSet};

pub const DEFAULT_THRESHOLD: f64 = matching::DEFAULT_THRESHOLD;

/// Every stored person in a match index, and where each merged record now points. Filled by
/// `records::harm_facts`, which reads the persons and the reviewers' decisions.
pub(crate) struct People {
    index: MatchIndex,
    merged_into: HashMap<String, String>,
    different: HashSet<(String, String)>,
    stamp: Stamp,
}

/// What changes when persons, their edits or reviewers' decisions change: the largest rowid of each
/// table (rows are only ever added to them), read by `records::harm_facts::stamp`.
pub(crate) type Stamp = (i64, i64, i64);

impl People {
    /// An empty index of the persons as they were at `stamp`.
    pub(crate) fn new(stamp: Stamp) -> People {
        People { index: MatchIndex::new(), merged_into: HashMap::new(), different: HashSet::new(), stamp }
    }

    /// Adds a stored person; `merged_into` is the record a reviewer merged it into, if any. The index
    /// keeps its own prepared copy of the record.
    pub(crate) fn insert(&mut self, record: &PersonRecord, merged_into: Option<String>) {
        self.index.insert(record);
        if let Some(into) = merged_into {
            self.merged_into.insert(record.id.clone(), into);
        }
    }

    /// Remembers that a reviewer found `a` and `b` to be different people.
    pub(crate) fn mark_different(&mut self, a: String, b: String) {
        self.different.insert(if a < b { (a, b) } else { (b, a) });
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
    team: Option<crate::team::held::Held>,
    budget: super::probe::Budget,
}

impl std::fmt::Debug for PersonChecker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print what it holds: names.
        f.debug_struct("PersonChecker")
            .field("loaded", &self.people.is_some())
            .field("team", &self.team.is_some())
            .finish()
    }
}

impl PersonChecker {
    /// Takes one live check from this checker's budget (see `harm::probe`), or refuses with the wait.
    pub(crate) fn take_live_check(&mut self, now: std::time::Instant) -> Result<()> {
        self.budget
            .take(now)
            .map_err(|wait| super::HarmError::TooManyChecks { wait_secs: wait.as_secs_f64().ceil() as u64 }.into())
    }

    /// The team tokens held as they are at `stamp`: the ones kept, or loaded anew by `load`.
    pub(crate) fn team_tokens(
        &mut self,
        stamp: crate::team::held::Stamp,
        load: impl FnOnce() -> Result<crate::team::held::Held>,
    ) -> Result<&crate::team::held::Held> {
        let held = match self.team.take() {
            Some(held) if held.stamp == stamp => held,
            _ => load()?,
        };
        Ok(self.team.insert(held))
    }

    /// The index of the persons as they are at `stamp`: the one kept, or a new one from `load` when the
    /// persons changed since it was built (or none was built yet).
    pub(crate) fn people(&mut self, stamp: Stamp, load: impl FnOnce() -> Result<People>) -> Result<&People> {
        let people = match self.people.take() {
            Some(people) if people.stamp == stamp => people,
            _ => load()?,
        };
        Ok(self.people.insert(people))
    }
}
