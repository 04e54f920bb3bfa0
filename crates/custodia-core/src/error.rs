//! The crate's error: one variant per module's own error, plus the vault's, each worded for users.

pub use crate::blobs::BlobError;
pub use crate::bundle::BundleError;
pub use crate::checkpoint::timestamp::TimestampError;
pub use crate::checkpoint::{CheckpointError, OutsideError, WitnessError};
pub use crate::custody::CustodyError;
pub use crate::harm::HarmError;
pub use crate::keys::KeyError;
pub use crate::records::import::ImportError;
pub use crate::records::RecordError;
pub use crate::remote::RemoteError;
pub use crate::store::StoreError;
pub use crate::team::TeamError;
pub use crate::vault::VaultError;
use crate::vocabulary::vocabulary;

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
    Witness(#[from] WitnessError),
    #[error(transparent)]
    Bundle(#[from] BundleError),
    #[error(transparent)]
    Timestamp(#[from] TimestampError),
    #[error(transparent)]
    Team(#[from] TeamError),
    #[error(transparent)]
    Remote(#[from] RemoteError),
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

vocabulary! {
    /// What kind of error it is, for programs and translations: `Error::code()`. Several errors may share a
    /// code when the user does the same about them. The shells word each code in every language.
    #[non_exhaustive]
    pub enum ErrorCode {
        WrongPassphrase = "wrong_passphrase",
        WrongRecoveryKey = "wrong_recovery_key",
        NotAVault = "not_a_vault",
        VaultExists = "vault_exists",
        KeyslotsDamaged = "keyslots_damaged",
        PassphraseTooShort = "passphrase_too_short",
        PassphraseTooLong = "passphrase_too_long",
        WeakPassphrase = "weak_passphrase",
        KdfParams = "kdf_params",
        PassphraseNeeded = "passphrase_needed",
        KeyError = "key_error",
        DatabaseDamaged = "database_damaged",
        DiskFull = "disk_full",
        DiskError = "disk_error",
        DatabaseError = "database_error",
        Cancelled = "cancelled",
        StorageError = "storage_error",
        CustodyError = "custody_error",
        VaultBusy = "vault_busy",
        ItemNotFound = "item_not_found",
        OutputExists = "output_exists",
        BadSource = "bad_source",
        SourceUnreadable = "source_unreadable",
        TooLargeToPreview = "too_large_to_preview",
        StoredCopyAltered = "stored_copy_altered",
        OutputInsideVault = "output_inside_vault",
        BadText = "bad_text",
        VaultError = "vault_error",
        VaultRolledBack = "vault_rolled_back",
        RollbackReasonNeeded = "rollback_reason_needed",
        PersonNotFound = "person_not_found",
        InterviewNotFound = "interview_not_found",
        IncidentNotFound = "incident_not_found",
        MissingField = "missing_field",
        BadDate = "bad_date",
        BadChoice = "bad_choice",
        TooMany = "too_many",
        RefTaken = "ref_taken",
        PersonMerged = "person_merged",
        BadConsent = "bad_consent",
        EmptySearch = "empty_search",
        BadReview = "bad_review",
        BadImport = "bad_import",
        JustificationNeeded = "justification_needed",
        HarmBlocked = "harm_blocked",
        JustificationTooShort = "justification_too_short",
        BadSetting = "bad_setting",
        TooManyChecks = "too_many_checks",
        CheckpointMismatch = "checkpoint_mismatch",
        CosignRefused = "cosign_refused",
        BadCosignature = "bad_cosignature",
        ExportEmpty = "export_empty",
        ExportRefused = "export_refused",
        BadRecipient = "bad_recipient",
        BadBundleName = "bad_bundle_name",
        NotABundle = "not_a_bundle",
        BundleWrongKey = "bundle_wrong_key",
        BundleNeedsPassphrase = "bundle_needs_passphrase",
        BundleNeedsIdentity = "bundle_needs_identity",
        BundleWrongPassphrase = "bundle_wrong_passphrase",
        BadKeyFile = "bad_key_file",
        BundleDamaged = "bundle_damaged",
        BundleUnsafe = "bundle_unsafe",
        BundleTooMuchWork = "bundle_too_much_work",
        BundleMalformed = "bundle_malformed",
        BundleNotVerified = "bundle_not_verified",
        BundleAlreadyImported = "bundle_already_imported",
        SenderLogRewritten = "sender_log_rewritten",
        BundleError = "bundle_error",
        BadTsaUrl = "bad_tsa_url",
        BadTsaCertificate = "bad_tsa_certificate",
        TimestampRefused = "timestamp_refused",
        TeamNotFound = "team_not_found",
        TeamNameTaken = "team_name_taken",
        BadTeamFile = "bad_team_file",
        TeamWrongKey = "team_wrong_key",
        TeamAlreadyJoined = "team_already_joined",
        TokensRefused = "tokens_refused",
        BadRemoteUrl = "bad_remote_url",
        BadCredentials = "bad_credentials",
        RemoteNotFound = "remote_not_found",
        RemoteExists = "remote_exists",
        RemoteUnreachable = "remote_unreachable",
        RemoteRefused = "remote_refused",
        RemoteHostKey = "remote_host_key",
        RemoteFull = "remote_full",
        RemoteIncomplete = "remote_incomplete",
        RemoteAltered = "remote_altered",
        RemoteError = "remote_error",
        RecoveryKeyNeeded = "recovery_key_needed",
    }
}

impl Error {
    /// A stable identifier for the kind of error, for programs and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Key(KeyError::WrongPassphrase) => ErrorCode::WrongPassphrase,
            // No recovery slot at all (a passphrase change dropped a format 1 one): to the user, this key
            // does not open the vault.
            Error::Key(KeyError::WrongRecoveryKey | KeyError::MalformedRecoveryKey(_) | KeyError::NoRecoverySlot) => {
                ErrorCode::WrongRecoveryKey
            }
            Error::Key(KeyError::SlotFileMissing(_)) | Error::Vault(VaultError::NotAVault(_)) => ErrorCode::NotAVault,
            Error::Key(KeyError::SlotFileCorrupt { .. }) => ErrorCode::KeyslotsDamaged,
            Error::Key(KeyError::PassphraseTooShort { .. }) => ErrorCode::PassphraseTooShort,
            Error::Key(KeyError::PassphraseTooLong { .. }) => ErrorCode::PassphraseTooLong,
            Error::Key(KeyError::WeakPassphrase { .. }) => ErrorCode::WeakPassphrase,
            Error::Key(KeyError::KdfParams(_)) => ErrorCode::KdfParams,
            Error::Key(KeyError::PassphraseNeeded) => ErrorCode::PassphraseNeeded,
            Error::Key(_) => ErrorCode::KeyError,
            Error::Store(StoreError::Unreadable(_)) => ErrorCode::DatabaseDamaged,
            Error::Store(StoreError::DiskFull(_)) => ErrorCode::DiskFull,
            Error::Store(StoreError::DiskError(_)) => ErrorCode::DiskError,
            Error::Store(_) => ErrorCode::DatabaseError,
            Error::Blob(BlobError::Cancelled) => ErrorCode::Cancelled,
            Error::Blob(_) => ErrorCode::StorageError,
            Error::Custody(_) => ErrorCode::CustodyError,
            Error::Vault(VaultError::Busy) => ErrorCode::VaultBusy,
            Error::Vault(VaultError::ItemNotFound(_)) => ErrorCode::ItemNotFound,
            Error::Vault(VaultError::OutputExists(_)) => ErrorCode::OutputExists,
            Error::Vault(
                VaultError::SourceNotFound(_) | VaultError::SourceIsDirectory(_) | VaultError::SourceNotAFile(_),
            ) => ErrorCode::BadSource,
            Error::Vault(VaultError::SourceUnreadable { .. }) => ErrorCode::SourceUnreadable,
            Error::Vault(VaultError::TooLargeToPreview { .. }) => ErrorCode::TooLargeToPreview,
            Error::Vault(VaultError::ContentMismatch { .. }) => ErrorCode::StoredCopyAltered,
            Error::Vault(VaultError::OutputInsideVault(_)) => ErrorCode::OutputInsideVault,
            Error::Vault(VaultError::RolledBack(_)) => ErrorCode::VaultRolledBack,
            Error::Vault(VaultError::AlreadyExists(_)) => ErrorCode::VaultExists,
            Error::Vault(VaultError::RollbackReasonNeeded) => ErrorCode::RollbackReasonNeeded,
            Error::Vault(VaultError::TextTooLong { .. } | VaultError::TextHasControlChars { .. }) => ErrorCode::BadText,
            Error::Vault(_) => ErrorCode::VaultError,
            Error::Record(RecordError::PersonNotFound(_)) => ErrorCode::PersonNotFound,
            Error::Record(RecordError::InterviewNotFound(_)) => ErrorCode::InterviewNotFound,
            Error::Record(RecordError::IncidentNotFound(_)) => ErrorCode::IncidentNotFound,
            Error::Record(RecordError::ItemNotFound(_)) => ErrorCode::ItemNotFound,
            Error::Record(RecordError::Missing { .. }) => ErrorCode::MissingField,
            Error::Record(RecordError::BadDate { .. } | RecordError::RangeReversed { .. }) => ErrorCode::BadDate,
            Error::Record(RecordError::BadChoice { .. }) => ErrorCode::BadChoice,
            Error::Record(RecordError::TooMany { .. }) => ErrorCode::TooMany,
            Error::Record(RecordError::RefTaken(_)) => ErrorCode::RefTaken,
            Error::Record(RecordError::Merged { .. }) => ErrorCode::PersonMerged,
            Error::Record(RecordError::Consent(_)) => ErrorCode::BadConsent,
            Error::Record(RecordError::EmptySearch) => ErrorCode::EmptySearch,
            Error::Record(RecordError::SamePerson | RecordError::AlreadyReviewed { .. }) => ErrorCode::BadReview,
            Error::Record(RecordError::Damaged { .. }) => ErrorCode::DatabaseDamaged,
            Error::Import(_) => ErrorCode::BadImport,
            Error::Harm(HarmError::JustificationNeeded { .. }) => ErrorCode::JustificationNeeded,
            Error::Harm(HarmError::Blocked { .. }) => ErrorCode::HarmBlocked,
            Error::Harm(HarmError::JustificationTooShort) => ErrorCode::JustificationTooShort,
            Error::Harm(HarmError::BadSetting { .. }) => ErrorCode::BadSetting,
            Error::Harm(HarmError::TooManyChecks { .. }) => ErrorCode::TooManyChecks,
            // The signing key lives in the database: losing it is database damage.
            Error::Checkpoint(CheckpointError::SigningKeyDamaged) => ErrorCode::DatabaseDamaged,
            Error::Outside(_) => ErrorCode::CheckpointMismatch,
            Error::Witness(e) => witness_code(e),
            Error::Bundle(e) => bundle_code(e),
            Error::Timestamp(e) => timestamp_code(e),
            Error::Team(e) => team_code(e),
            Error::Remote(e) => remote_code(e),
        }
    }
}

fn witness_code(e: &WitnessError) -> ErrorCode {
    use WitnessError::*;
    match e {
        Outside(_) | NotOurCheckpoint { .. } => ErrorCode::CheckpointMismatch,
        LogKeyNeeded { .. } | LogKeyChanged { .. } | Older { .. } | Fork { .. } | ProofNeeded { .. } | OwnLog => {
            ErrorCode::CosignRefused
        }
        BadName | BadKeyFile | StateFile(_) => ErrorCode::BadKeyFile,
        BadWitnessKey | NoCosignature(_) | BadCosignature(_) | FromTheFuture { .. } => ErrorCode::BadCosignature,
    }
}

fn timestamp_code(e: &TimestampError) -> ErrorCode {
    match e {
        TimestampError::BadUrl => ErrorCode::BadTsaUrl,
        TimestampError::BadCertificate => ErrorCode::BadTsaCertificate,
        // Closing the vault signs one: to the user, the vault is not ready yet.
        TimestampError::NoCheckpoint => ErrorCode::VaultError,
        _ => ErrorCode::TimestampRefused,
    }
}

fn team_code(e: &TeamError) -> ErrorCode {
    match e {
        TeamError::BadName => ErrorCode::BadText,
        TeamError::NameTaken(_) => ErrorCode::TeamNameTaken,
        TeamError::NotFound(_) => ErrorCode::TeamNotFound,
        TeamError::NotATeamFile { .. } => ErrorCode::BadTeamFile,
        TeamError::WrongKey { .. } => ErrorCode::TeamWrongKey,
        TeamError::AlreadyJoined { .. } => ErrorCode::TeamAlreadyJoined,
        TeamError::NotATokenFile { .. } | TeamError::OtherSecret { .. } | TeamError::OwnTokens { .. } => {
            ErrorCode::TokensRefused
        }
        TeamError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => ErrorCode::SourceUnreadable,
        TeamError::Io { .. } => ErrorCode::DiskError,
    }
}

fn remote_code(e: &RemoteError) -> ErrorCode {
    use RemoteError::*;
    match e {
        BadUrl { .. } | BadName => ErrorCode::BadRemoteUrl,
        BadCredentials { .. } | CredentialsTooLarge { .. } | UnknownCredential { .. } => ErrorCode::BadCredentials,
        NotFound(_) => ErrorCode::RemoteNotFound,
        NameTaken(_) => ErrorCode::RemoteExists,
        Unreachable(_) => ErrorCode::RemoteUnreachable,
        // A host key not trusted is a refusal to go on, of this computer's: the remedy is in the
        // credentials (or the user's known_hosts) too.
        Refused(_) => ErrorCode::RemoteRefused,
        HostKeyNotTrusted(_) => ErrorCode::RemoteHostKey,
        Full(_) => ErrorCode::RemoteFull,
        NoManifest => ErrorCode::RemoteIncomplete,
        TooLarge { .. }
        | SizeChanged { .. }
        | TooManyObjects { .. }
        | ManifestInvalid { .. }
        | ObjectsAltered { .. }
        | OtherVault
        | RestoredMismatch { .. } => ErrorCode::RemoteAltered,
        TargetNotEmpty(_) => ErrorCode::OutputExists,
        Cancelled => ErrorCode::Cancelled,
        NoRecoveryKey => ErrorCode::RecoveryKeyNeeded,
        Local { .. } | SshMissing => ErrorCode::RemoteError,
    }
}

fn bundle_code(e: &BundleError) -> ErrorCode {
    use BundleError::*;
    match e {
        NothingSelected => ErrorCode::ExportEmpty,
        ConsentRefused(_) => ErrorCode::ExportRefused,
        BadRecipient { .. } | RecipientKindMismatch { .. } | NoRecipient => ErrorCode::BadRecipient,
        BadBundleName => ErrorCode::BadBundleName,
        LogDamaged { .. } => ErrorCode::CustodyError,
        NotABundle(..) => ErrorCode::NotABundle,
        WrongKey(_) => ErrorCode::BundleWrongKey,
        NeedsPassphrase => ErrorCode::BundleNeedsPassphrase,
        NeedsIdentity => ErrorCode::BundleNeedsIdentity,
        WrongPassphrase => ErrorCode::BundleWrongPassphrase,
        BadIdentityFile { .. } => ErrorCode::BadKeyFile,
        Damaged { .. } => ErrorCode::BundleDamaged,
        UnsafeEntry { .. } | TooLarge { .. } | TooManyEntries { .. } => ErrorCode::BundleUnsafe,
        TooMuchWork { .. } => ErrorCode::BundleTooMuchWork,
        NotABag(_) | MalformedArchive(_) => ErrorCode::BundleMalformed,
        NotVerified { .. } => ErrorCode::BundleNotVerified,
        AlreadyImported { .. } => ErrorCode::BundleAlreadyImported,
        Fork(_) => ErrorCode::SenderLogRewritten,
        TargetExists(_) => ErrorCode::OutputExists,
        Cancelled => ErrorCode::Cancelled,
        Encrypt(_) | Encoding(_) | Io { .. } => ErrorCode::BundleError,
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
