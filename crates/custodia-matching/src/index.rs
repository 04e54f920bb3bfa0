//! The in-memory index of known persons: records filed under their blocking keys, and the two questions
//! asked of it: who is this new person probably, and which pairs among the known are probably one person.

use std::collections::HashMap;

use super::blocking::{keys, query_keys, strong_keys, Key};

/// Blocks with more records than this are not searched (see `candidate_slots`). At 100,000 persons from the
/// development distributions the largest name-and-year blocks hold a few hundred; true duplicates almost
/// always share a smaller block too (measured: no recall change on the dev set and FEBRL3).
const MAX_BLOCK: usize = 100;
use super::record::{Match, PersonRecord};
use super::score::{prepare, score_at_least, Prepared};

/// Known persons, ready for matching. Insert every person once; inserting an id again replaces its record.
#[derive(Debug, Default)]
pub struct MatchIndex {
    slots: Vec<Option<Prepared>>,
    by_id: HashMap<String, u32>,
    blocks: HashMap<Key, Vec<u32>>,
    free: Vec<u32>,
}

impl MatchIndex {
    pub fn new() -> MatchIndex {
        MatchIndex::default()
    }

    /// Adds a person, or replaces the record with the same id.
    pub fn insert(&mut self, person: &PersonRecord) {
        self.remove(&person.id);
        let prepared = prepare(person);
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.slots.push(None);
                u32::try_from(self.slots.len() - 1).unwrap_or(u32::MAX)
            }
        };
        for key in keys(&prepared) {
            self.blocks.entry(key).or_default().push(slot);
        }
        if let Some(cell) = self.slots.get_mut(slot as usize) {
            *cell = Some(prepared);
        }
        self.by_id.insert(person.id.clone(), slot);
    }

    /// Removes a person; returns whether the id was known.
    pub fn remove(&mut self, id: &str) -> bool {
        let Some(slot) = self.by_id.remove(id) else {
            return false;
        };
        if let Some(prepared) = self.slots.get_mut(slot as usize).and_then(Option::take) {
            for key in keys(&prepared) {
                if let Some(block) = self.blocks.get_mut(&key) {
                    block.retain(|s| *s != slot);
                    if block.is_empty() {
                        self.blocks.remove(&key);
                    }
                }
            }
        }
        self.free.push(slot);
        true
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The known persons that `person` probably is, best first, each scoring at least `threshold`.
    /// A known person with the same id as `person` is skipped: a record is not its own duplicate.
    pub fn candidates(&self, person: &PersonRecord, threshold: f64) -> Vec<Match> {
        let prepared = prepare(person);
        let mut found: Vec<Match> = self
            .candidate_slots(&prepared)
            .into_iter()
            .filter_map(|slot| self.slots.get(slot as usize)?.as_ref())
            .filter(|other| other.record.id != person.id)
            .filter_map(|other| {
                let (s, reasons) = score_at_least(&prepared, other, threshold)?;
                (s >= threshold).then(|| Match { a: person.id.clone(), b: other.record.id.clone(), score: s, reasons })
            })
            .collect();
        sort_best_first(&mut found);
        found
    }

    /// Every pair of known persons that scores at least `threshold`, best first. Each pair once, with `a`
    /// the id that sorts first.
    pub fn duplicate_pairs(&self, threshold: f64) -> Vec<Match> {
        let live: Vec<u32> = (0..self.slots.len() as u32).filter(|s| self.slots[*s as usize].is_some()).collect();
        let workers = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 8);
        let chunk = live.len().div_ceil(workers).max(1);
        let mut found: Vec<Match> = std::thread::scope(|scope| {
            let handles: Vec<_> =
                live.chunks(chunk).map(|part| scope.spawn(move || self.pairs_from(part, threshold))).collect();
            handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
        });
        sort_best_first(&mut found);
        found
    }

    /// The pairs found from each of `slots` towards records in later slots.
    fn pairs_from(&self, slots: &[u32], threshold: f64) -> Vec<Match> {
        let mut found = Vec::new();
        for &slot in slots {
            let Some(me) = self.slots.get(slot as usize).and_then(Option::as_ref) else {
                continue;
            };
            for other_slot in self.candidate_slots(me) {
                if other_slot <= slot {
                    continue;
                }
                let Some(other) = self.slots.get(other_slot as usize).and_then(Option::as_ref) else {
                    continue;
                };
                let Some((s, reasons)) = score_at_least(me, other, threshold) else {
                    continue;
                };
                if s >= threshold {
                    let (a, b) = if me.record.id <= other.record.id { (me, other) } else { (other, me) };
                    found.push(Match { a: a.record.id.clone(), b: b.record.id.clone(), score: s, reasons });
                }
            }
        }
        found
    }

    /// The slots sharing at least one blocking key with `p`, each once.
    ///
    /// A block larger than `MAX_BLOCK` is skipped (unless its key is an identity number or phone): a key
    /// shared by that many people (a common family name in a common birth year) no longer narrows anything,
    /// and the records a duplicate shares it with are still reached through its other keys.
    fn candidate_slots(&self, p: &Prepared) -> Vec<u32> {
        let strong = strong_keys(p);
        let mut slots: Vec<u32> = query_keys(p)
            .iter()
            .filter_map(|k| self.blocks.get(k).filter(|b| b.len() <= MAX_BLOCK || strong.contains(k)))
            .flat_map(|b| b.iter().copied())
            .collect();
        slots.sort_unstable();
        slots.dedup();
        slots
    }
}

fn sort_best_first(found: &mut [Match]) {
    found.sort_by(|x, y| y.score.total_cmp(&x.score).then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b))));
}
