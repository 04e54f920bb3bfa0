//! Restoring on a computer's first run (the app's "Restore from an off-site copy"): into this computer's
//! own vault folder, opened with the recovery key, and given a new passphrase at once, since a copy holds
//! only the recovery-key slots by default.
//!
//! The folder must hold no vault. What an emergency wipe (or an interrupted restore) left there, which no
//! key opens any more, is set aside beside it under a new name, never deleted: it is the user's to remove.

use super::credentials::Credentials;
use super::restore::{restore, RestoreProgress, Restored};
use super::url::RemoteUrl;
use super::RemoteError;
use crate::blobs::Flow;
use crate::custody::Session;
use crate::error::Result;
use crate::keys::{KdfParams, RecoveryKey, StrengthPolicy, Unlock, MIN_PASSPHRASE_CHARS};
use crate::vault::{Vault, VaultError, KEYSLOTS_FILE};
use secrecy::SecretString;
use std::path::{Path, PathBuf};

/// What the first-run restore needs besides the folder (`Debug` shows no secret: the key and passphrase
/// types hide theirs).
#[derive(Debug)]
pub struct FirstRun<'a> {
    pub url: &'a RemoteUrl,
    pub credentials: &'a Credentials,
    pub recovery: RecoveryKey,
    pub new_passphrase: &'a SecretString,
    /// The vault's verifier key as the user has it (on paper, from a colleague), when they have it.
    pub verifier_key: Option<&'a str>,
    pub kdf: KdfParams,
}

/// The open vault, what the restore did, and where a left-over folder was set aside.
#[derive(Debug)]
pub struct RestoredHere {
    pub vault: Vault,
    pub restored: Restored,
    pub set_aside: Option<PathBuf>,
}

/// Restores into `dir` and opens the vault with a new passphrase. The passphrase is checked before
/// anything is fetched, and a folder holding a vault is refused before anything is moved.
pub fn restore_here(
    dir: &Path,
    first_run: FirstRun<'_>,
    session: Session,
    progress: &mut dyn FnMut(RestoreProgress) -> Flow,
) -> Result<RestoredHere> {
    StrengthPolicy::Required.check(first_run.new_passphrase, MIN_PASSPHRASE_CHARS)?;
    if dir.join(KEYSLOTS_FILE).exists() {
        return Err(VaultError::AlreadyExists(dir.into()).into());
    }
    let set_aside = set_aside_leftover(dir)?;
    let unlock = Unlock::Recovery(first_run.recovery);
    let restored = restore(
        first_run.url,
        first_run.credentials,
        dir,
        &unlock,
        session.clone(),
        first_run.verifier_key,
        None,
        progress,
    )?;
    let mut vault = Vault::open(dir, &unlock, session)?;
    vault.change_passphrase(first_run.new_passphrase, StrengthPolicy::Required, first_run.kdf)?;
    Ok(RestoredHere { vault, restored, set_aside })
}

/// Moves a non-empty `dir` without key slots to `<dir>-set-aside-<UTC time>`; `None` when there was
/// nothing to move.
fn set_aside_leftover(dir: &Path) -> Result<Option<PathBuf>> {
    let local = |source| RemoteError::Local { path: dir.to_path_buf(), source };
    let empty = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(local(e).into()),
    };
    if empty {
        return Ok(None);
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(format!("-set-aside-{stamp}"));
    let aside = dir.with_file_name(name);
    std::fs::rename(dir, &aside).map_err(local)?;
    Ok(Some(aside))
}
