//! The panic wipe: the key slots on this computer are destroyed so that no passphrase or recovery key
//! opens the folder any more; with `remove_ciphertext`, the rest of the folder goes too. Afterwards the
//! vault comes back only from an off-site copy, with the recovery key (`remote::restore`).
//!
//! `keyslots.json` is overwritten with random bytes of its length, synced, then removed, and the folder
//! synced. Without a slot the master key exists nowhere, so the database and the stored copies are
//! ciphertext under a key no one has. On flash storage (SSDs, USB sticks) the old blocks of the file may
//! survive inside the drive until it reuses them; the overwrite is what a program can do, not a promise
//! about the hardware. Nothing is written to the custody log: there is no key left to write it with.

use super::{io_error, VaultError, DATABASE_FILE, KEYSLOTS_FILE};
use crate::checkpoint::LocalCopies;
use crate::error::Result;
use crate::fsutil;
use crate::keys::KeySlots;
use serde::Serialize;
use std::fs;
use std::io::Write;
use std::path::Path;

/// What the wipe did.
#[derive(Debug, Clone, Serialize)]
pub struct PanicReport {
    pub slots_destroyed: bool,
    pub ciphertext_removed: bool,
}

/// Destroys the key slots of the vault in `root` (and with `remove_ciphertext` the whole folder), and this
/// computer's copy of its checkpoint in `local`. Needs no secret: it must work in a hurry.
pub fn panic_wipe(root: &Path, remove_ciphertext: bool, local: Option<&LocalCopies>) -> Result<PanicReport> {
    let slots_path = root.join(KEYSLOTS_FILE);
    if !root.is_dir() || !slots_path.exists() && !root.join(DATABASE_FILE).exists() {
        return Err(VaultError::NotAVault(root.into()).into());
    }
    let vault_id = KeySlots::load(&slots_path).ok().map(|s| s.vault_id().to_string());
    let mut report = PanicReport { slots_destroyed: false, ciphertext_removed: false };
    for path in [slots_path.clone(), root.join(format!("{KEYSLOTS_FILE}.new"))] {
        if let Ok(meta) = fs::metadata(&path) {
            let mut noise = vec![0u8; meta.len() as usize];
            crate::keys::random_fill(&mut noise)?;
            let mut file = fs::OpenOptions::new().write(true).open(&path).map_err(io_error("overwrite", &path))?;
            file.write_all(&noise).map_err(io_error("overwrite", &path))?;
            file.sync_all().map_err(io_error("sync", &path))?;
            drop(file);
            fs::remove_file(&path).map_err(io_error("remove", &path))?;
            report.slots_destroyed = true;
        }
    }
    fsutil::sync_dir(root).map_err(io_error("sync", root))?;
    if let (Some(local), Some(id)) = (local, &vault_id) {
        let _ = local.forget(id);
    }
    if remove_ciphertext {
        fs::remove_dir_all(root).map_err(io_error("remove", root))?;
        if let Some(parent) = root.parent().filter(|p| !p.as_os_str().is_empty()) {
            let _ = fsutil::sync_dir(parent);
        }
        report.ciphertext_removed = true;
    }
    Ok(report)
}
