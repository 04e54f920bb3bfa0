//! Keys: the vault's master key, the subkeys derived from it, and the key slots that wrap it under a
//! passphrase or a recovery key (`keyslots.json`).

mod kdf;
mod recovery;
pub mod secret_text;
mod slots;
mod strength;

pub use kdf::KdfParams;
pub use recovery::RecoveryKey;
pub(crate) use slots::PassphraseKek;
pub(crate) use slots::MIN_PASSPHRASE_CHARS;
pub use slots::{KeySlots, SlotInfo, SlotKind, KEYSLOTS_MAX_BYTES};
pub(crate) use strength::Verdict;
pub use strength::{strength, Strength, StrengthPolicy};

use hkdf::Hkdf;
use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox, SecretString};
use sha2::Sha256;
use std::path::PathBuf;

/// The secret that opens a vault.
#[derive(Debug)]
pub enum Unlock {
    Passphrase(SecretString),
    Recovery(RecoveryKey),
}

/// The vault's 256-bit master key. Never stored in clear; only its wraps live in `keyslots.json`.
pub struct MasterKey(SecretBox<[u8; 32]>);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

/// What a subkey is for; each purpose gets an independent key from HKDF.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    /// The SQLCipher raw key of `vault.db`.
    Database,
    /// The HMAC key that turns a content hash into a blob file name.
    BlobNames,
}

impl Purpose {
    fn info(self) -> &'static [u8] {
        match self {
            Purpose::Database => b"custodia/v1/database",
            Purpose::BlobNames => b"custodia/v1/blob-names",
        }
    }
}

impl MasterKey {
    pub(crate) fn generate() -> Result<Self, KeyError> {
        let mut key = SecretBox::new(Box::new([0u8; 32]));
        random_fill(key.expose_secret_mut())?;
        Ok(MasterKey(key))
    }

    fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(MasterKey(SecretBox::new(Box::new(array))))
    }

    fn expose(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }

    /// Derives the subkey for `purpose`, bound to this vault's id so two vaults never share subkeys.
    pub(crate) fn derive(&self, purpose: Purpose, vault_id: &str) -> SecretBox<[u8; 32]> {
        let hk = Hkdf::<Sha256>::new(Some(vault_id.as_bytes()), self.expose());
        let mut out = SecretBox::new(Box::new([0u8; 32]));
        // 32 bytes is far below HKDF-SHA256's 8160-byte limit, so expand cannot fail.
        hk.expand(purpose.info(), out.expose_secret_mut()).expect("32-byte HKDF output is always valid");
        out
    }
}

/// Fills `buf` from the operating system's random source.
pub(crate) fn random_fill(buf: &mut [u8]) -> Result<(), KeyError> {
    getrandom::getrandom(buf).map_err(|e| KeyError::Random(e.to_string()))
}

/// Returns `n` random bytes as lower-case hex, for identifiers.
pub(crate) fn random_hex(n: usize) -> Result<String, KeyError> {
    let mut bytes = vec![0u8; n];
    random_fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

/// Errors about keys and key slots, in the user's terms.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error("the passphrase is not correct for this vault; check it and try again")]
    WrongPassphrase,
    #[error("this recovery key does not open this vault; check that it belongs to this vault")]
    WrongRecoveryKey,
    #[error("this is not a valid recovery key: {0}; copy it again exactly as it was shown")]
    MalformedRecoveryKey(&'static str),
    #[error("no key slot file at {0}: this folder is not a Custodia vault, or its keyslots.json was removed; check the folder (`--vault DIR`)")]
    SlotFileMissing(PathBuf),
    #[error("the key slot file {path} is damaged ({reason}), so no passphrase can open the vault; nothing was changed. Keep the folder as it is and have it examined")]
    SlotFileCorrupt { path: PathBuf, reason: String },
    #[error(
        "the key slot file uses format version {0}, which this version of Custodia does not know; update Custodia"
    )]
    UnsupportedVersion(u32),
    #[error("{0}")]
    KdfParams(String),
    #[error("a passphrase must be at least {min} characters long; choose a longer one")]
    PassphraseTooShort { min: usize },
    #[error("this passphrase is too easy to guess (strength {score} of 4); choose a longer passphrase of several unrelated words")]
    WeakPassphrase { score: u8 },
    #[error("a passphrase can be at most {max} characters long")]
    PassphraseTooLong { max: usize },
    #[error("the recovery key can be replaced only in a vault unlocked with its passphrase, so that the passphrase keeps working with the new vault key; nothing was changed. Lock, unlock with the passphrase (or set a new passphrase first), then try again")]
    PassphraseNeeded,
    #[error("this vault has no recovery key slot")]
    NoRecoverySlot,
    #[error("the key slot {0} is the last way to open this vault and cannot be removed")]
    LastSlot(String),
    #[error("the vault already has the maximum of {0} key slots; remove one first")]
    TooManySlots(usize),
    #[error("the key slot file could not be written: {0}")]
    Write(#[source] std::io::Error),
    #[error("the key slot file could not be read: {0}")]
    Read(#[source] std::io::Error),
    #[error("the system's random number source failed: {0}")]
    Random(String),
}
