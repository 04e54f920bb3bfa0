//! The custody log and the vault check: events, filters, facets, verification problems and reports.

use custodia_core::audit::Problem;
use custodia_core::custody::ChainProblem;
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Serialize, Type)]
pub struct EventDto {
    pub seq: f64,
    pub time: String,
    pub actor: String,
    pub device: String,
    pub action: String,
    pub subject: Option<String>,
    /// The event's details as canonical JSON text.
    pub details: String,
    pub hash: String,
}

impl From<custodia_core::Event> for EventDto {
    fn from(e: custodia_core::Event) -> Self {
        EventDto {
            seq: e.seq as f64,
            time: e.time,
            actor: e.actor,
            device: e.device,
            action: e.action,
            subject: e.subject,
            details: e.details.to_string(),
            hash: e.hash,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Type)]
pub struct EventFilter {
    pub item: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub before_seq: Option<f64>,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct EventPage {
    pub events: Vec<EventDto>,
    /// True when older events match too (ask again with `before_seq`).
    pub more: bool,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct Facets {
    pub actors: Vec<String>,
    pub actions: Vec<String>,
}

/// One verification problem, with the fields the UI puts into its translated sentence.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ProblemDto {
    pub kind: ProblemKind,
    pub item: Option<String>,
    pub seq: Option<f64>,
    pub last_seq: Option<f64>,
    /// The English sentence, shown as detail.
    pub message: String,
}

impl From<Problem> for ProblemDto {
    fn from(p: Problem) -> Self {
        use ProblemKind as K;
        let message = p.to_string();
        let (kind, item, seq, last_seq) = match p {
            Problem::DatabaseDamaged { .. } => (K::DatabaseDamaged, None, None, None),
            Problem::Custody(ChainProblem::EventsMissing { first, last }) => {
                (K::EventsMissing, None, Some(first as f64), Some(last as f64))
            }
            Problem::Custody(ChainProblem::EventAltered { seq }) => (K::EventAltered, None, Some(seq as f64), None),
            Problem::Custody(ChainProblem::ChainBroken { seq }) => (K::ChainBroken, None, Some(seq as f64), None),
            Problem::IngestEventMissing { item, seq } => (K::IngestEventMissing, Some(item), Some(seq as f64), None),
            Problem::IngestEventMismatch { item, seq } => (K::IngestEventMismatch, Some(item), Some(seq as f64), None),
            Problem::WrongStoredCopy { item } => (K::WrongStoredCopy, Some(item), None, None),
            Problem::StoredCopyMissing { item } => (K::StoredCopyMissing, Some(item), None, None),
            Problem::ContentAltered { item, .. } => (K::ContentAltered, Some(item), None, None),
            Problem::StoredCopyDamaged { item, .. } => (K::StoredCopyDamaged, Some(item), None, None),
            _ => (K::Other, None, None, None),
        };
        ProblemDto { kind, item, seq, last_seq, message }
    }
}

/// The kinds of verification problem the page words; `Other` stands for those it has no words for
/// (only the English sentence describes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    DatabaseDamaged,
    EventsMissing,
    EventAltered,
    ChainBroken,
    IngestEventMissing,
    IngestEventMismatch,
    WrongStoredCopy,
    StoredCopyMissing,
    ContentAltered,
    StoredCopyDamaged,
    Other,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct VerifyReportDto {
    pub ok: bool,
    pub items: f64,
    pub stored_copies: f64,
    pub events: f64,
    pub bytes_hashed: f64,
    pub problems: Vec<ProblemDto>,
}

impl From<custodia_core::VerifyReport> for VerifyReportDto {
    fn from(r: custodia_core::VerifyReport) -> Self {
        VerifyReportDto {
            ok: r.ok,
            items: r.items as f64,
            stored_copies: r.stored_copies as f64,
            events: r.events as f64,
            bytes_hashed: r.bytes_hashed as f64,
            problems: r.problems.into_iter().map(Into::into).collect(),
        }
    }
}
