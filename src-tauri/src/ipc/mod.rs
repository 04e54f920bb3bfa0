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
mod secret;
mod vault;

pub use bundle::*;
pub use custody::*;
pub use harm::*;
pub use interviews::*;
pub use items::*;
pub use people::*;
pub use secret::Secret;
pub use vault::*;

use serde::{Deserialize, Serialize};
use specta::Type;

/// Every error the page sees: a stable code the UI translates, and an English sentence as detail. When a
/// do-no-harm rule stopped the action (`justification_needed`, `harm_blocked`), the findings come along,
/// so the page can show what stopped it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct IpcError {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<FindingDto>>,
}

impl IpcError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        IpcError { code: code.into(), message: message.into(), findings: None }
    }

    pub fn locked() -> Self {
        IpcError::new("locked", "the vault is locked; unlock it first")
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
        IpcError { code: e.code().into(), message: e.to_string(), findings }
    }
}

impl From<custodia_core::settings::SettingsError> for IpcError {
    fn from(e: custodia_core::settings::SettingsError) -> Self {
        IpcError::new("bad_settings", e.to_string())
    }
}

/// The codes the shell itself adds to the core's (`custodia_core::error::CODES`).
pub const SHELL_ERROR_CODES: &[&str] = &[
    "locked",
    "reauth_required",
    "bad_settings",
    "passphrase_mismatch",
    "not_previewable",
    "no_bundle_chosen",
    "key_file_exists",
    "internal",
];

/// What the UI must have a translation for: every error code, verification problem and language, and
/// the words of the do-no-harm rules (rule ids, finding message codes, match reasons, consent-scope
/// reasons), of the records (recipient kinds, incident kinds, referral kinds) and of bundle checks.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Catalog {
    pub error_codes: Vec<String>,
    pub problem_kinds: Vec<String>,
    pub languages: Vec<String>,
    pub rule_ids: Vec<String>,
    pub finding_codes: Vec<String>,
    pub reason_codes: Vec<String>,
    pub consent_scope_reasons: Vec<String>,
    pub recipient_kinds: Vec<String>,
    pub incident_kinds: Vec<String>,
    pub referral_kinds: Vec<String>,
    pub bundle_checks: Vec<String>,
    pub bundle_problems: Vec<String>,
    pub refusal_reasons: Vec<String>,
}

impl Catalog {
    pub fn new() -> Self {
        let strings = |list: &[&str]| list.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let codes: Vec<&str> = custodia_core::error::CODES.iter().chain(SHELL_ERROR_CODES).copied().collect();
        Catalog {
            error_codes: strings(&codes),
            problem_kinds: strings(PROBLEM_KINDS),
            languages: strings(&custodia_core::settings::LANGUAGES),
            rule_ids: strings(&harm::rule_ids()),
            finding_codes: strings(FINDING_CODES),
            reason_codes: strings(REASON_CODES),
            consent_scope_reasons: strings(CONSENT_SCOPE_REASONS),
            recipient_kinds: custodia_core::RecipientKind::ALL.iter().map(|k| k.as_str().to_string()).collect(),
            incident_kinds: custodia_core::IncidentKind::ALL.iter().map(|k| k.as_str().to_string()).collect(),
            referral_kinds: custodia_core::ReferralKind::ALL.iter().map(|k| k.as_str().to_string()).collect(),
            bundle_checks: strings(BUNDLE_CHECKS),
            bundle_problems: strings(BUNDLE_PROBLEMS),
            refusal_reasons: strings(REFUSAL_REASONS),
        }
    }
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog::new()
    }
}
