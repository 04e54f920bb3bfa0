//! The crate's error: one variant per module's own error, plus the vault's, each worded for users.

pub use crate::blobs::BlobError;
pub use crate::bundle::BundleError;
pub use crate::checkpoint::{CheckpointError, OutsideError};
pub use crate::custody::CustodyError;
pub use crate::harm::HarmError;
pub use crate::keys::KeyError;
pub use crate::records::import::ImportError;
pub use crate::records::RecordError;
pub use crate::store::StoreError;
pub use crate::vault::VaultError;

/// Any error the vault can return. `Display` is a sentence for the user; `code()` is stable for programs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error(transparent)]
    Custody(CustodyError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Harm(#[from] HarmError),
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    #[error(transparent)]
    Outside(#[from] OutsideError),
    #[error(transparent)]
    Bundle(#[from] BundleError),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store(StoreError::from_sqlite(e))
    }
}

impl From<CustodyError> for Error {
    fn from(e: CustodyError) -> Self {
        match e {
            // A damaged page met while reading the log is database damage, and is reported as such.
            CustodyError::Database(e) => Error::Store(StoreError::from_sqlite(e)),
            other => Error::Custody(other),
        }
    }
}

impl Error {
    /// A stable identifier for the kind of error, for programs and translations.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Key(KeyError::WrongPassphrase) => "wrong_passphrase",
            // No recovery slot at all (a passphrase change dropped a format 1 one): to the user, this key
            // does not open the vault.
            Error::Key(KeyError::WrongRecoveryKey | KeyError::MalformedRecoveryKey(_) | KeyError::NoRecoverySlot) => {
                "wrong_recovery_key"
            }
            Error::Key(KeyError::SlotFileMissing(_)) | Error::Vault(VaultError::NotAVault(_)) => "not_a_vault",
            Error::Key(KeyError::SlotFileCorrupt { .. }) => "keyslots_damaged",
            Error::Key(KeyError::PassphraseTooShort { .. }) => "passphrase_too_short",
            Error::Key(KeyError::PassphraseTooLong { .. }) => "passphrase_too_long",
            Error::Key(KeyError::WeakPassphrase { .. }) => "weak_passphrase",
            Error::Key(KeyError::KdfParams(_)) => "kdf_params",
            Error::Key(KeyError::PassphraseNeeded) => "passphrase_needed",
            Error::Key(_) => "key_error",
            Error::Store(StoreError::Unreadable(_)) => "database_damaged",
            Error::Store(StoreError::DiskFull(_)) => "disk_full",
            Error::Store(StoreError::DiskError(_)) => "disk_error",
            Error::Store(_) => "database_error",
            Error::Blob(BlobError::Cancelled) => "cancelled",
            Error::Blob(_) => "storage_error",
            Error::Custody(_) => "custody_error",
            Error::Vault(VaultError::Busy) => "vault_busy",
            Error::Vault(VaultError::ItemNotFound(_)) => "item_not_found",
            Error::Vault(VaultError::OutputExists(_)) => "output_exists",
            Error::Vault(
                VaultError::SourceNotFound(_) | VaultError::SourceIsDirectory(_) | VaultError::SourceNotAFile(_),
            ) => "bad_source",
            Error::Vault(VaultError::SourceUnreadable { .. }) => "source_unreadable",
            Error::Vault(VaultError::TooLargeToPreview { .. }) => "too_large_to_preview",
            Error::Vault(VaultError::ContentMismatch { .. }) => "stored_copy_altered",
            Error::Vault(VaultError::OutputInsideVault(_)) => "output_inside_vault",
            Error::Vault(VaultError::TextTooLong { .. } | VaultError::TextHasControlChars { .. }) => "bad_text",
            Error::Vault(_) => "vault_error",
            Error::Record(RecordError::PersonNotFound(_)) => "person_not_found",
            Error::Record(RecordError::InterviewNotFound(_)) => "interview_not_found",
            Error::Record(RecordError::IncidentNotFound(_)) => "incident_not_found",
            Error::Record(RecordError::ItemNotFound(_)) => "item_not_found",
            Error::Record(RecordError::Missing { .. }) => "missing_field",
            Error::Record(RecordError::BadDate { .. } | RecordError::RangeReversed { .. }) => "bad_date",
            Error::Record(RecordError::BadChoice { .. }) => "bad_choice",
            Error::Record(RecordError::TooMany { .. }) => "too_many",
            Error::Record(RecordError::RefTaken(_)) => "ref_taken",
            Error::Record(RecordError::Merged { .. }) => "person_merged",
            Error::Record(RecordError::Consent(_)) => "bad_consent",
            Error::Record(RecordError::EmptySearch) => "empty_search",
            Error::Record(RecordError::SamePerson | RecordError::AlreadyReviewed { .. }) => "bad_review",
            Error::Record(RecordError::Damaged { .. }) => "database_damaged",
            Error::Import(_) => "bad_import",
            Error::Harm(HarmError::JustificationNeeded { .. }) => "justification_needed",
            Error::Harm(HarmError::Blocked { .. }) => "harm_blocked",
            Error::Harm(HarmError::JustificationTooShort) => "justification_too_short",
            Error::Harm(HarmError::BadSetting { .. }) => "bad_setting",
            Error::Harm(HarmError::TooManyChecks { .. }) => "too_many_checks",
            // The signing key lives in the database: losing it is database damage.
            Error::Checkpoint(CheckpointError::SigningKeyDamaged) => "database_damaged",
            Error::Outside(_) => "checkpoint_mismatch",
            Error::Bundle(e) => bundle_code(e),
        }
    }
}

fn bundle_code(e: &BundleError) -> &'static str {
    use BundleError::*;
    match e {
        NothingSelected => "export_empty",
        ConsentRefused(_) => "export_refused",
        BadRecipient { .. } | RecipientKindMismatch { .. } | NoRecipient => "bad_recipient",
        BadBundleName => "bad_bundle_name",
        LogDamaged { .. } => "custody_error",
        NotABundle(..) => "not_a_bundle",
        WrongKey(_) => "bundle_wrong_key",
        NeedsPassphrase => "bundle_needs_passphrase",
        NeedsIdentity => "bundle_needs_identity",
        WrongPassphrase => "bundle_wrong_passphrase",
        BadIdentityFile { .. } => "bad_key_file",
        Damaged { .. } => "bundle_damaged",
        UnsafeEntry { .. } | TooLarge { .. } | TooManyEntries { .. } => "bundle_unsafe",
        TooMuchWork { .. } => "bundle_too_much_work",
        NotABag(_) | MalformedArchive(_) => "bundle_malformed",
        NotVerified { .. } => "bundle_not_verified",
        AlreadyImported { .. } => "bundle_already_imported",
        TargetExists(_) => "output_exists",
        Cancelled => "cancelled",
        Encrypt(_) | Encoding(_) | Io { .. } => "bundle_error",
    }
}

/// Every value `Error::code()` can return, for the translation checks of the shells.
pub const CODES: &[&str] = &[
    "checkpoint_mismatch",
    "disk_full",
    "disk_error",
    "wrong_passphrase",
    "wrong_recovery_key",
    "not_a_vault",
    "keyslots_damaged",
    "passphrase_too_short",
    "passphrase_too_long",
    "weak_passphrase",
    "kdf_params",
    "passphrase_needed",
    "key_error",
    "database_damaged",
    "database_error",
    "cancelled",
    "storage_error",
    "custody_error",
    "vault_busy",
    "item_not_found",
    "output_exists",
    "bad_source",
    "source_unreadable",
    "too_large_to_preview",
    "stored_copy_altered",
    "output_inside_vault",
    "bad_text",
    "vault_error",
    "person_not_found",
    "interview_not_found",
    "incident_not_found",
    "missing_field",
    "bad_date",
    "bad_choice",
    "too_many",
    "ref_taken",
    "person_merged",
    "bad_consent",
    "empty_search",
    "bad_review",
    "bad_import",
    "justification_needed",
    "harm_blocked",
    "justification_too_short",
    "too_many_checks",
    "bad_setting",
    "export_empty",
    "export_refused",
    "bad_recipient",
    "bad_bundle_name",
    "not_a_bundle",
    "bundle_wrong_key",
    "bundle_needs_passphrase",
    "bundle_needs_identity",
    "bundle_wrong_passphrase",
    "bad_key_file",
    "bundle_damaged",
    "bundle_unsafe",
    "bundle_too_much_work",
    "bundle_malformed",
    "bundle_not_verified",
    "bundle_already_imported",
    "bundle_error",
];

pub type Result<T, E = Error> = std::result::Result<T, E>;
