//! Is this new interviewee someone already interviewed? Person matching across spellings, scripts and
//! half-remembered dates, with the reasons for each suspected match.
//!
//! A record is prepared once (names transliterated to ASCII, folded to their sound and split into parts;
//! places likewise; phone and identity numbers reduced to keys), filed under a few blocking keys, and
//! compared only with records sharing a key. A comparison adds up the weight of each piece of evidence and
//! turns the sum into a score in 0..=1; `DEFAULT_THRESHOLD` is where a pair is reported.
//!
//! Two rules protect against the harm of a false merge: siblings (same father's and grandfather's names)
//! are kept apart because their given names differ, and namesakes are kept apart by birth dates and places.

mod blocking;
mod date;
mod index;
mod linkage;
mod name;
mod names;
mod numbers;
mod phonetic;
mod place;
mod reason;
mod record;
mod score;
mod translit;

pub use date::PartialDate;
pub use index::MatchIndex;
pub use linkage::{linkage_features, LinkageFeatures};
pub use numbers::{normalize_id_number, normalize_phone};
pub use reason::{Reason, ReasonCode};
pub use record::{Match, PersonRecord, Sex};
pub use translit::Script;

/// The score from which a pair is reported as probably one person.
///
/// Chosen from measurements (`scripts/eval-matching.sh`, 2026-11-26): at 0.5 precision is 1.000 on the
/// tuning part of the development set, its held-out part and FEBRL3, with recall 0.958, 0.958 and 0.963; the
/// first false pair of the tuning part appears at 0.4, so 0.5 keeps a margin against merging two people while
/// losing little recall. In weights, 0.5 is where a name agreeing part for part needs one more independent
/// agreement (a birth year, a place, a phone) to be reported.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// What can go wrong reading matcher input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MatchingError {
    /// A birth date that is none of the accepted forms, or a day or month that does not exist.
    #[error("not a birth date: {input:?} (use 1990, 1990-04, 1990-04-26 or 26/04/1990)")]
    InvalidDate { input: String },
}

/// Scores two records against each other, outside any index: the score and reasons `MatchIndex` would
/// report for the pair.
pub fn compare(a: &PersonRecord, b: &PersonRecord) -> Match {
    let (score, reasons) = score::score(&score::prepare(a), &score::prepare(b));
    Match { a: a.id.clone(), b: b.id.clone(), score, reasons }
}
