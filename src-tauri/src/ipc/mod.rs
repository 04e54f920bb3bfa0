//! The types that cross the IPC boundary, converted by hand from core types. Only these are serialised
//! for the page; TypeScript bindings are generated from them (`ui/src/lib/bindings.ts`). One file per
//! concern: the vault and device settings, evidence items, the custody log, persons and consent,
//! interviews and incidents, the do-no-harm findings, and bundles.

mod bundle;
mod custody;
mod harm;
mod interviews;
mod items;
mod people;
mod remote;
mod secret;
mod vault;

pub use bundle::*;
pub use custody::*;
pub use harm::*;
pub use interviews::*;
pub use items::*;
pub use people::*;
pub use remote::*;
pub use secret::Secret;
pub use vault::*;

use custodia_core::bundle::verify::BundleCheck;
use custodia_core::custody::Action;
use custodia_core::matching::ReasonCode;
use custodia_core::{ErrorCode, IncidentKind, RecipientKind, ReferralKind, Rule};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Every error the page sees: a stable code the UI translates, and an English sentence as detail. When a
/// do-no-harm rule stopped the action (`justification_needed`, `harm_blocked`), the findings come along,
/// so the page can show what stopped it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct IpcError {
    pub code: IpcErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<FindingDto>>,
    /// With `vault_rolled_back`: what this computer saw last and what the folder holds, for the warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback: Option<Box<RollbackDto>>,
}

/// A vault folder older than this computer last saw: both sides, for the user to recognise.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct RollbackDto {
    pub seen_size: f64,
    pub seen_last: Option<LastEventDto>,
    pub found_size: f64,
    pub found_last: Option<LastEventDto>,
}

/// The last event of a log: its number, time, and action (a custody action's name).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct LastEventDto {
    pub seq: f64,
    pub time: String,
    pub action: String,
}

impl From<&custodia_core::checkpoint::LastEvent> for LastEventDto {
    fn from(e: &custodia_core::checkpoint::LastEvent) -> Self {
        LastEventDto { seq: e.seq as f64, time: e.time.clone(), action: e.action.clone() }
    }
}

impl From<&custodia_core::checkpoint::Rollback> for RollbackDto {
    fn from(r: &custodia_core::checkpoint::Rollback) -> Self {
        RollbackDto {
            seen_size: r.seen_size as f64,
            seen_last: r.seen_last.as_ref().map(Into::into),
            found_size: r.found_size as f64,
            found_last: r.found_last.as_ref().map(Into::into),
        }
    }
}

/// An error's code: the core's, or one the shell adds. Both cross as their names, one union for the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(untagged)]
pub enum IpcErrorCode {
    Core(ErrorCode),
    Shell(ShellErrorCode),
}

/// The codes of errors the shell itself finds, beside the core's `ErrorCode`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ShellErrorCode {
    /// The vault is locked; unlock it first.
    Locked,
    /// A sensitive act asks for the passphrase again.
    ReauthRequired,
    BadSettings,
    PassphraseMismatch,
    NotPreviewable,
    NoBundleChosen,
    KeyFileExists,
    /// A fault of the shell itself.
    Internal,
}

impl ShellErrorCode {
    /// Every shell code, for the page's translation check.
    pub const ALL: [ShellErrorCode; 8] = [
        ShellErrorCode::Locked,
        ShellErrorCode::ReauthRequired,
        ShellErrorCode::BadSettings,
        ShellErrorCode::PassphraseMismatch,
        ShellErrorCode::NotPreviewable,
        ShellErrorCode::NoBundleChosen,
        ShellErrorCode::KeyFileExists,
        ShellErrorCode::Internal,
    ];
}

impl From<ErrorCode> for IpcErrorCode {
    fn from(code: ErrorCode) -> Self {
        IpcErrorCode::Core(code)
    }
}

impl From<ShellErrorCode> for IpcErrorCode {
    fn from(code: ShellErrorCode) -> Self {
        IpcErrorCode::Shell(code)
    }
}

impl IpcError {
    pub fn new(code: ShellErrorCode, message: impl Into<String>) -> Self {
        IpcError { code: code.into(), message: message.into(), findings: None, rollback: None }
    }

    pub fn locked() -> Self {
        IpcError::new(ShellErrorCode::Locked, "the vault is locked; unlock it first")
    }

    /// Whether the work was cancelled (by the user, or by the lock).
    pub fn is_cancelled(&self) -> bool {
        self.code == ErrorCode::Cancelled.into()
    }
}

impl From<custodia_core::Error> for IpcError {
    fn from(e: custodia_core::Error) -> Self {
        let findings = match &e {
            custodia_core::Error::Harm(harm) if !harm.findings().is_empty() => {
                Some(harm.findings().iter().cloned().map(FindingDto::from).collect())
            }
            _ => None,
        };
        let rollback = match &e {
            custodia_core::Error::Vault(custodia_core::vault::VaultError::RolledBack(found)) => {
                Some(Box::new(found.as_ref().into()))
            }
            _ => None,
        };
        IpcError { code: e.code().into(), message: e.to_string(), findings, rollback }
    }
}

impl From<custodia_core::settings::SettingsError> for IpcError {
    fn from(e: custodia_core::settings::SettingsError) -> Self {
        IpcError::new(ShellErrorCode::BadSettings, e.to_string())
    }
}

/// What the page iterates over at run time: every error code (for the translation check), the
/// languages, the custody actions (the log may hold names of other versions, so the page asks whether a
/// stored one is known), and the choices its forms offer. Each list is its enum's `ALL`; the TypeScript
/// compiler checks the page's words for every other code through the generated unions.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Catalog {
    pub error_codes: Vec<IpcErrorCode>,
    pub languages: Vec<String>,
    pub actions: Vec<Action>,
    pub rule_ids: Vec<Rule>,
    pub reason_codes: Vec<ReasonCode>,
    pub recipient_kinds: Vec<RecipientKind>,
    pub incident_kinds: Vec<IncidentKind>,
    pub referral_kinds: Vec<ReferralKind>,
    pub bundle_checks: Vec<BundleCheck>,
}

impl Catalog {
    pub fn new() -> Self {
        let core = ErrorCode::ALL.into_iter().map(IpcErrorCode::from);
        Catalog {
            error_codes: core.chain(ShellErrorCode::ALL.into_iter().map(IpcErrorCode::from)).collect(),
            languages: custodia_core::settings::LANGUAGES.iter().map(|c| c.to_string()).collect(),
            actions: Action::ALL.to_vec(),
            rule_ids: Rule::ALL.to_vec(),
            reason_codes: ReasonCode::ALL.to_vec(),
            recipient_kinds: RecipientKind::ALL.to_vec(),
            incident_kinds: IncidentKind::ALL.to_vec(),
            referral_kinds: ReferralKind::ALL.to_vec(),
            bundle_checks: BundleCheck::ALL.to_vec(),
        }
    }
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog::new()
    }
}
