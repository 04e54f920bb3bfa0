//! The custody log and the vault check: events, filters, facets, verification problems and reports.

/// The custody review crosses as the core's own types (they derive `specta::Type` under the core's
/// `specta` feature, numbers as JavaScript numbers, closed sets as the core's vocabularies), so there is no
/// shell copy to keep in step.
pub use custodia_core::audit::review::{
    Cosigned, CustodyReview, ExportSeen, LocalCopy, ReviewedCheckpoint, Timestamped, WitnessSeen,
};
use custodia_core::audit::Problem;
pub use custodia_core::{Anomaly, AnomalyKind, CheckpointReason};
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

/// One verification problem: the core's own (its code, tagged `problem`, and the names its sentence
/// needs, so the page words it in the reader's language), and the core's English sentence as detail.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ProblemDto {
    pub found: Problem,
    /// The English sentence, shown as detail.
    pub message: String,
}

impl From<Problem> for ProblemDto {
    fn from(found: Problem) -> Self {
        ProblemDto { message: found.to_string(), found }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
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

/// What the reviewer asks a custody report of. Ids are checked by the core (an unknown one is refused).
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ReportScopeDto {
    Item(String),
    Interview(String),
    Incident(String),
    All,
}

impl From<ReportScopeDto> for custodia_core::report::ReportScope {
    fn from(s: ReportScopeDto) -> Self {
        use custodia_core::report::ReportScope;
        match s {
            ReportScopeDto::Item(id) => ReportScope::Item(id.trim().to_string()),
            ReportScopeDto::Interview(id) => ReportScope::Interview(id.trim().to_string()),
            ReportScopeDto::Incident(id) => ReportScope::Incident(id.trim().to_string()),
            ReportScopeDto::All => ReportScope::All,
        }
    }
}

/// The two renderings of a report.
#[derive(Debug, Clone, Copy, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormatDto {
    Pdf,
    Html,
}

/// A report written and recorded: where (the file's name only), its SHA-256 as the log keeps it, and
/// whether checking again found every thing holding.
#[derive(Debug, Clone, Serialize, Type)]
pub struct MadeReportDto {
    pub file_name: String,
    pub sha256: String,
    pub items: f64,
    pub events: f64,
    pub ok: bool,
}
