//! The score of a pair: each field's evidence becomes a weight (log-odds, in the manner of Fellegi and
//! Sunter), the weights add up, and a logistic curve turns the sum into a score in 0..=1.
//!
//! The weights were set by hand from what each kind of evidence means, then adjusted on the tuning part of
//! the development set and on FEBRL3 (see `examples/match_eval.rs`); they are constants here, one per line,
//! so that a change is one reviewable line.

use super::date::{self, DateEvidence};
use super::name::{self, Given, Name, NameEvidence};
use super::numbers::{normalize_id_number, normalize_phone, one_typo_apart};
use super::place::{self, Place, PlaceEvidence};
use super::reason::Reason;
use super::record::PersonRecord;
use super::translit::Script;

/// Weight of one agreeing name part, scaled by how alike the two spellings are.
const NAME_PART: f64 = 1.8;
/// Extra weight when both names are complete, identical and have at least two parts.
const NAME_IDENTICAL: f64 = 0.8;
/// A part of the shorter name with no partner in the other: another father's or family name.
const NAME_PART_CONFLICT: f64 = -2.5;
/// A part in one name only: dropping the grandfather's name is common, so this costs little.
const NAME_PART_DROPPED: f64 = -0.25;
/// Different given names with agreeing family parts is what siblings look like.
const GIVEN_DIFFERS: f64 = -8.0;
/// No name part in common.
const NAME_UNRELATED: f64 = -4.0;

const BIRTH_FULL: f64 = 5.0;
const BIRTH_YEAR: f64 = 2.5;
const BIRTH_SWAPPED: f64 = 3.5;
const BIRTH_TYPO: f64 = 1.5;
const BIRTH_YEAR_OFF_SAME_DAY: f64 = 2.5;
const BIRTH_YEAR_OFF: f64 = 0.8;
const BIRTH_CONFLICT_SAME_YEAR: f64 = -3.0;
const BIRTH_CONFLICT_NEAR_YEAR: f64 = -4.0;
const BIRTH_CONFLICT: f64 = -6.0;
/// Years given as ages drift; two years apart is suspicious but not decisive when a side is only a year.
const BIRTH_YEARS_APART_2: f64 = -2.0;
const BIRTH_MONTH_CONFLICT: f64 = -2.0;

const PLACE_AGREES: f64 = 1.0;
const PLACE_PARTIAL: f64 = 0.3;
const PLACE_DIFFERS: f64 = -1.5;

/// Residence agreement per specific word (a street address says more than a camp's name), capped.
const RESIDENCE_WORD: f64 = 0.4;
const RESIDENCE_MAX: f64 = 3.0;
/// People move, so a different residence says little.
const RESIDENCE_DIFFERS: f64 = -0.3;

const SAME_PHONE: f64 = 5.0;
const PHONE_TYPO: f64 = 1.0;
/// Phones change and families share them: a different phone says little.
const DIFFERENT_PHONE: f64 = -0.5;

const SAME_ID: f64 = 12.0;
const ID_TYPO: f64 = 3.0;
/// Two different numbers may come from two registration systems (a camp card, a national identity card).
const DIFFERENT_ID: f64 = -2.0;

const SEX_CONFLICT: f64 = -4.0;

/// The weight sum at which the score is one half.
const OFFSET: f64 = 4.5;
/// How steeply the score rises around `OFFSET`.
const SLOPE: f64 = 0.6;

/// A person record with every field in its comparable form, made once at insertion.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub record: PersonRecord,
    /// `full_name` first, then `other_names`.
    pub names: Vec<Name>,
    pub birth_place: Option<Place>,
    pub residence: Option<Place>,
    pub phone: Option<String>,
    pub id_number: Option<String>,
}

/// The index keeps a prepared copy of every person for as long as the vault is unlocked: its names and
/// numbers are wiped when it goes, so "Lock now" leaves none of them in freed memory. Wiping costs a
/// write over bytes just read; the matcher's speed does not change.
impl Drop for Prepared {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.record.zeroize();
        self.phone.zeroize();
        self.id_number.zeroize();
    }
}

pub(crate) fn prepare(record: &PersonRecord) -> Prepared {
    let names = std::iter::once(&record.full_name)
        .chain(record.other_names.iter())
        .map(|n| name::prepare(n))
        .filter(|n| !n.parts.is_empty())
        .collect();
    Prepared {
        names,
        birth_place: record.birth_place.as_deref().and_then(|p| place::prepare(p, true)),
        residence: record.residence.as_deref().and_then(|p| place::prepare(p, false)),
        phone: record.phone.as_deref().and_then(normalize_phone),
        id_number: record.id_number.as_deref().and_then(normalize_id_number),
        record: record.clone(),
    }
}

/// Scores a pair and explains it. The same pair scores the same whichever side comes first: the two are put
/// in a fixed order before comparing, so tie-breaks inside the comparison cannot depend on the caller.
pub(crate) fn score(a: &Prepared, b: &Prepared) -> (f64, Vec<Reason>) {
    score_at_least(a, b, 0.0).unwrap_or((0.0, Vec::new()))
}

/// Scores a pair if it can reach `threshold`, and says `None` early when even perfectly agreeing names could
/// not lift it there: names are the costly part, so this keeps a duplicate scan fast.
pub(crate) fn score_at_least(a: &Prepared, b: &Prepared, threshold: f64) -> Option<(f64, Vec<Reason>)> {
    let (a, b) = if order_key(&a.record) <= order_key(&b.record) { (a, b) } else { (b, a) };
    let mut numbers = Tally::default();
    match (&a.id_number, &b.id_number) {
        (Some(x), Some(y)) if x == y => numbers.add(SAME_ID, Some(Reason::SameIdNumber)),
        (Some(x), Some(y)) if one_typo_apart(x, y) => numbers.add(ID_TYPO, Some(Reason::IdNumberNearlySame)),
        (Some(_), Some(_)) => numbers.add(DIFFERENT_ID, Some(Reason::DifferentIdNumber)),
        _ => {}
    }
    match (&a.phone, &b.phone) {
        (Some(x), Some(y)) if x == y => numbers.add(SAME_PHONE, Some(Reason::SamePhone)),
        (Some(x), Some(y)) if one_typo_apart(x, y) => numbers.add(PHONE_TYPO, None),
        (Some(_), Some(_)) => numbers.add(DIFFERENT_PHONE, Some(Reason::DifferentPhone)),
        _ => {}
    }

    // Cheap evidence first; places and names only while the pair can still reach the threshold.
    let needed = weight_for(threshold);
    let name_bound = best_possible_name(a, b);
    let mut rest = Tally::default();
    let (w, r) = birth_weight(date::compare(&a.record.birth_date, &b.record.birth_date));
    rest.add(w, r);
    if let (Some(x), Some(y)) = (a.record.sex, b.record.sex) {
        if x != y {
            rest.add(SEX_CONFLICT, Some(Reason::SexConflicts));
        }
    }
    if numbers.total + rest.total + name_bound + PLACE_AGREES + RESIDENCE_MAX < needed {
        return None;
    }
    if let (Some(x), Some(y)) = (&a.birth_place, &b.birth_place) {
        match place::compare(x, y) {
            PlaceEvidence::Same { .. } => rest.add(PLACE_AGREES, Some(Reason::PlaceMatches)),
            PlaceEvidence::Variant { .. } => rest.add(PLACE_AGREES, Some(Reason::PlaceVariant)),
            PlaceEvidence::Partial { .. } => rest.add(PLACE_PARTIAL, Some(Reason::PlaceVariant)),
            PlaceEvidence::Differs => rest.add(PLACE_DIFFERS, Some(Reason::PlaceDiffers)),
        }
    }
    if let (Some(x), Some(y)) = (&a.residence, &b.residence) {
        match place::compare(x, y) {
            PlaceEvidence::Same { words } | PlaceEvidence::Variant { words } => {
                rest.add(residence_weight(words), Some(Reason::ResidenceMatches))
            }
            PlaceEvidence::Partial { words, .. } => rest.add(residence_weight(words) / 2.0, None),
            PlaceEvidence::Differs => rest.add(RESIDENCE_DIFFERS, Some(Reason::ResidenceDiffers)),
        }
    }
    if numbers.total + rest.total + name_bound < needed {
        return None;
    }
    let (name_weight, name_reasons) = best_name(a, b);
    let total = numbers.total + name_weight + rest.total;
    let mut reasons = numbers.reasons;
    reasons.extend(name_reasons);
    reasons.extend(rest.reasons);
    Some((logistic(total), reasons))
}

/// The weight sum at which the score equals `threshold`: the inverse of `logistic`.
fn weight_for(threshold: f64) -> f64 {
    if threshold <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if threshold >= 1.0 {
        return f64::INFINITY;
    }
    OFFSET + (threshold / (1.0 - threshold)).ln() / SLOPE
}

/// An upper bound of the name weight: every part of the shorter name agreeing identically, plus one part
/// for a name whose spaces stood elsewhere (the joined comparison may cover one part more).
fn best_possible_name(a: &Prepared, b: &Prepared) -> f64 {
    let parts = |p: &Prepared| p.names.iter().map(|n| n.parts.len()).max().unwrap_or(0);
    NAME_PART * (parts(a).min(parts(b)) + 1) as f64 + NAME_IDENTICAL
}

/// The running sum of weights and the reasons behind them.
#[derive(Default)]
struct Tally {
    total: f64,
    reasons: Vec<Reason>,
}

impl Tally {
    fn add(&mut self, weight: f64, reason: Option<Reason>) {
        self.total += weight;
        if let Some(r) = reason {
            self.reasons.push(r);
        }
    }
}

fn residence_weight(words: usize) -> f64 {
    (RESIDENCE_WORD * words as f64).min(RESIDENCE_MAX)
}

fn logistic(total: f64) -> f64 {
    1.0 / (1.0 + (-(total - OFFSET) * SLOPE).exp())
}

/// A total order over records' contents, used only to put a pair in a fixed order.
fn order_key(r: &PersonRecord) -> impl Ord + '_ {
    (
        &r.id,
        &r.full_name,
        &r.other_names,
        r.birth_date.to_string(),
        &r.birth_place,
        &r.residence,
        &r.phone,
        &r.id_number,
        r.sex.map(|s| s as u8),
    )
}

/// Compares every name of one record with every name of the other and keeps the strongest.
fn best_name(a: &Prepared, b: &Prepared) -> (f64, Vec<Reason>) {
    let mut best: Option<(f64, NameEvidence, Script)> = None;
    for x in &a.names {
        for y in &b.names {
            let e = name::compare(x, y);
            let w = name_weight(&e);
            let script = if x.script != y.script {
                if x.script == Script::Latin {
                    y.script
                } else {
                    x.script
                }
            } else {
                Script::Latin
            };
            if best.as_ref().is_none_or(|(bw, _, _)| w > *bw) {
                best = Some((w, e, script));
            }
        }
    }
    let Some((w, e, script)) = best else {
        return (0.0, Vec::new());
    };
    (w, name_reasons(&e, script))
}

fn name_weight(e: &NameEvidence) -> f64 {
    if e.matched == 0 {
        return NAME_UNRELATED;
    }
    // The given name is counted once: as the sibling signal when it differs, not again as a conflicting part.
    let conflicts = if e.given == Given::Differs { e.conflicts.saturating_sub(1) } else { e.conflicts };
    let mut w = NAME_PART * e.similarity + NAME_PART_CONFLICT * conflicts as f64 + NAME_PART_DROPPED * e.dropped as f64;
    if e.conflicts == 0 && e.dropped == 0 && e.identical == e.matched && e.matched >= 2 {
        w += NAME_IDENTICAL;
    }
    if e.given == Given::Differs {
        w += GIVEN_DIFFERS;
    }
    w
}

fn name_reasons(e: &NameEvidence, script: Script) -> Vec<Reason> {
    let mut r = Vec::new();
    if e.given == Given::Differs {
        r.push(Reason::GivenNameDiffers);
    }
    if e.matched > 0 {
        let parts = e.matched;
        r.push(if script != Script::Latin {
            Reason::NameTransliterated { script, parts }
        } else if e.identical == e.matched && !e.joined {
            Reason::NameMatches { parts }
        } else {
            Reason::NameSpellingVariant { parts }
        });
    }
    if e.dropped > 0 {
        r.push(Reason::NamePartsDropped { n: e.dropped });
    }
    // A differing given name is reported as such, not again among the differing parts.
    let conflicts = if e.given == Given::Differs { e.conflicts.saturating_sub(1) } else { e.conflicts };
    if conflicts > 0 {
        r.push(Reason::NamePartsDiffer { n: conflicts });
    }
    if e.reordered {
        r.push(Reason::NameReordered);
    }
    if e.joined {
        r.push(Reason::NameSpacingDiffers);
    }
    r
}

fn birth_weight(e: DateEvidence) -> (f64, Option<Reason>) {
    match e {
        DateEvidence::Unknown => (0.0, None),
        DateEvidence::FullMatch => (BIRTH_FULL, Some(Reason::BirthDateMatches)),
        DateEvidence::YearMatch => (BIRTH_YEAR, Some(Reason::BirthYearMatches)),
        DateEvidence::DayMonthSwapped => (BIRTH_SWAPPED, Some(Reason::BirthDayMonthSwapped)),
        DateEvidence::NearlyMatches => (BIRTH_TYPO, Some(Reason::BirthDateNearlyMatches)),
        DateEvidence::YearOffByOne { same_day: true } => (BIRTH_YEAR_OFF_SAME_DAY, Some(Reason::BirthYearOffByOne)),
        DateEvidence::YearOffByOne { same_day: false } => (BIRTH_YEAR_OFF, Some(Reason::BirthYearOffByOne)),
        DateEvidence::Conflict { years, both_full } => {
            let w = match (years, both_full) {
                (0, true) => BIRTH_CONFLICT_SAME_YEAR,
                (0, false) => BIRTH_MONTH_CONFLICT,
                (1, true) => BIRTH_CONFLICT_NEAR_YEAR,
                (2, false) => BIRTH_YEARS_APART_2,
                _ => BIRTH_CONFLICT,
            };
            (w, Some(Reason::BirthDateConflicts { years }))
        }
    }
}
