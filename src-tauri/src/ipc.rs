//! The types that cross the IPC boundary, converted by hand from core types. Only these are serialised
//! for the page; TypeScript bindings are generated from them (`ui/src/lib/bindings.ts`).

use custodia_core::audit::Problem;
use custodia_core::custody::ChainProblem;
use serde::{Deserialize, Serialize};
use specta::Type;

/// Every error the page sees: a stable code the UI translates, and an English sentence as detail.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct IpcError {
    pub code: String,
    pub message: String,
}

impl IpcError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        IpcError { code: code.into(), message: message.into() }
    }

    pub fn locked() -> Self {
        IpcError::new("locked", "the vault is locked; unlock it first")
    }
}

impl From<custodia_core::Error> for IpcError {
    fn from(e: custodia_core::Error) -> Self {
        IpcError { code: e.code().into(), message: e.to_string() }
    }
}

impl From<custodia_core::settings::SettingsError> for IpcError {
    fn from(e: custodia_core::settings::SettingsError) -> Self {
        IpcError::new("bad_settings", e.to_string())
    }
}

/// The codes the shell itself adds to the core's (`custodia_core::error::CODES`).
pub const SHELL_ERROR_CODES: &[&str] =
    &["locked", "bad_settings", "passphrase_mismatch", "not_previewable", "internal"];

/// What the UI must have a translation for: every error code, every verification problem, every language.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Catalog {
    pub error_codes: Vec<String>,
    pub problem_kinds: Vec<String>,
    pub languages: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct AppStatus {
    pub vault_exists: bool,
    pub unlocked: bool,
    pub vault_path: String,
    pub settings: SettingsDto,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct SettingsDto {
    pub language: String,
    pub idle_lock_minutes: u32,
}

impl From<custodia_core::Settings> for SettingsDto {
    fn from(s: custodia_core::Settings) -> Self {
        SettingsDto { language: s.language, idle_lock_minutes: s.idle_lock_minutes }
    }
}

impl From<SettingsDto> for custodia_core::Settings {
    fn from(s: SettingsDto) -> Self {
        custodia_core::Settings { language: s.language, idle_lock_minutes: s.idle_lock_minutes }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct StrengthDto {
    /// 0 (trivially guessed) to 4 (very strong).
    pub score: u8,
    pub acceptable: bool,
}

/// The whole document list in columns: compact enough to send 100k rows at once, so the page can sort
/// and filter without asking again.
#[derive(Debug, Clone, Default, Serialize, Type)]
pub struct ItemTable {
    pub ids: Vec<String>,
    pub names: Vec<String>,
    pub sizes: Vec<f64>,
    pub media_types: Vec<String>,
    pub added_at: Vec<String>,
    pub added_by: Vec<String>,
    pub descriptions: Vec<String>,
}

impl ItemTable {
    pub fn from_items(items: Vec<custodia_core::Item>) -> Self {
        let mut t = ItemTable::default();
        for item in items {
            t.ids.push(item.id);
            t.names.push(item.name);
            t.sizes.push(item.size as f64);
            t.media_types.push(item.media_type);
            t.added_at.push(item.added_at);
            t.added_by.push(item.added_by);
            t.descriptions.push(item.description);
        }
        t
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ItemDto {
    pub id: String,
    pub name: String,
    pub sha256: String,
    pub size: f64,
    pub media_type: String,
    pub description: String,
    pub source: String,
    pub added_at: String,
    pub added_by: String,
    pub duplicate_of: Option<String>,
}

impl From<custodia_core::Item> for ItemDto {
    fn from(i: custodia_core::Item) -> Self {
        ItemDto {
            id: i.id,
            name: i.name,
            sha256: i.sha256,
            size: i.size as f64,
            media_type: i.media_type,
            description: i.description,
            source: i.source,
            added_at: i.added_at,
            added_by: i.added_by,
            duplicate_of: i.duplicate_of,
        }
    }
}

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

#[derive(Debug, Clone, Serialize, Type)]
pub struct ItemDetail {
    pub item: ItemDto,
    pub events: Vec<EventDto>,
    /// True when the page may ask for an in-memory image preview.
    pub previewable: bool,
}

#[derive(Debug, Clone, Deserialize, Type)]
pub struct ItemEditDto {
    pub description: String,
    pub source: String,
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

#[derive(Debug, Clone, Serialize, Type)]
pub struct PreviewDto {
    pub media_type: String,
    pub data_base64: String,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct SavedCopy {
    pub path: String,
    pub sha256: String,
}

/// One verification problem, with the fields the UI puts into its translated sentence.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ProblemDto {
    pub kind: String,
    pub item: Option<String>,
    pub seq: Option<f64>,
    pub last_seq: Option<f64>,
    /// The English sentence, shown as detail.
    pub message: String,
}

impl From<Problem> for ProblemDto {
    fn from(p: Problem) -> Self {
        let message = p.to_string();
        let (kind, item, seq, last_seq) = match p {
            Problem::DatabaseDamaged { .. } => ("database_damaged", None, None, None),
            Problem::Custody(ChainProblem::EventsMissing { first, last }) => {
                ("events_missing", None, Some(first as f64), Some(last as f64))
            }
            Problem::Custody(ChainProblem::EventAltered { seq }) => ("event_altered", None, Some(seq as f64), None),
            Problem::Custody(ChainProblem::ChainBroken { seq }) => ("chain_broken", None, Some(seq as f64), None),
            Problem::IngestEventMissing { item, seq } => ("ingest_event_missing", Some(item), Some(seq as f64), None),
            Problem::IngestEventMismatch { item, seq } => ("ingest_event_mismatch", Some(item), Some(seq as f64), None),
            Problem::WrongStoredCopy { item } => ("wrong_stored_copy", Some(item), None, None),
            Problem::StoredCopyMissing { item } => ("stored_copy_missing", Some(item), None, None),
            Problem::ContentAltered { item, .. } => ("content_altered", Some(item), None, None),
            Problem::StoredCopyDamaged { item, .. } => ("stored_copy_damaged", Some(item), None, None),
            _ => ("other", None, None, None),
        };
        ProblemDto { kind: kind.into(), item, seq, last_seq, message }
    }
}

/// The problem kinds above, for the UI's translation check.
pub const PROBLEM_KINDS: &[&str] = &[
    "database_damaged",
    "events_missing",
    "event_altered",
    "chain_broken",
    "ingest_event_missing",
    "ingest_event_mismatch",
    "wrong_stored_copy",
    "stored_copy_missing",
    "content_altered",
    "stored_copy_damaged",
    "other",
];

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
