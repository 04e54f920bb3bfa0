//! Custodia's core: the evidence vault. Key slots and the master key (`keys`), the SQLCipher database
//! (`store`), the streaming content store (`blobs`), the custody log (`custody`), evidence records
//! (`records`), open-time reconcile (`reconcile`), full verification (`audit`), signed checkpoints of the
//! log (`checkpoint`) and evidence bundles for lawyers, sent and received (`bundle`).
//!
//! This crate has no user interface: it never prints, never reads environment variables, and knows nothing
//! of Tauri or terminals. The CLI and the desktop shell translate its calls and errors.

#![forbid(unsafe_code)]

pub mod audit;
pub mod blobs;
pub mod bundle;
pub mod checkpoint;
mod clock;
pub mod custody;
mod direct;
pub mod error;
pub mod faults;
#[cfg(test)]
mod format_vectors;
mod fsutil;
/// Wrappers for the fuzz targets in `fuzz/`; not an API.
#[doc(hidden)]
pub mod fuzzing;
pub mod harm;
pub mod host;
mod ids;
pub mod keys;
pub mod media;
pub mod merkle;
mod pipe;
pub mod reconcile;
pub mod records;
pub mod remote;
pub mod report;
pub mod settings;
pub mod store;
pub mod team;
pub mod vault;
mod vocabulary;

pub use audit::anomalies::{Anomaly, AnomalyKind};
pub use audit::review::CustodyReview;
pub use audit::{Problem, VerifyProgress, VerifyReport};
pub use blobs::Flow;
pub use bundle::{
    BundleError, BundleReport, ExportPlan, ExportProgress, ExportRequest, ExportSelection, Exported, Limits,
    Protection, ReadProgress, Unlocker,
};
pub use checkpoint::{CheckpointReason, StoredCheckpoint};
/// The person matcher, a crate of its own that knows nothing of the vault; re-exported so that the shell and
/// the CLI reach it through the core.
pub use custodia_matching as matching;
pub use custody::{device_id, Action, Event, EventQuery, Session};
pub use error::{Error, ErrorCode, Result};
pub use harm::{ConsentRefusal, Finding, FindingCode, HarmError, HarmSettings, Rule, Severity};
pub use keys::{strength, KdfParams, RecoveryKey, Strength, StrengthPolicy, Unlock};
pub use reconcile::Reconciliation;
pub use records::consent::{
    Consent, ConsentDecision, ConsentInput, ConsentMethod, ConsentStatus, RecipientKind, Scope,
};
pub use records::import::{ImportError, Imported};
pub use records::incidents::{Incident, IncidentInput, IncidentKind};
pub use records::interviews::{Interview, InterviewEdit, InterviewInput, InterviewStatus, InterviewText};
pub use records::item_list::ItemSummary;
pub use records::items::{AddOptions, Added, Extracted, Item, ItemEdit};
pub use records::person_edits::PersonEdit;
pub use records::persons::{Identity, Person, PersonAdded, PersonInput, Sex};
pub use records::review::SuspectedPair;
pub use records::safeguards::{Referral, ReferralKind, Referrals};
pub use records::search::{Hit, HitKind};
pub use records::{HistoryEntry, RecordError};
/// Re-exported for forensic access through `Vault::open_raw_database`.
pub use rusqlite;
/// Re-exported so callers build passphrases with the same type.
pub use secrecy::SecretString;
pub use settings::Settings;
pub use team::{Team, TeamError, TeamPair, TokensAdded, TokensExported};
pub use vault::Vault;
