//! The panic wipe from the app (issue 13, point 5): when the vault is open and the user asks, a last copy
//! to one remote (a cancellable job: Cancel skips it and wipes at once), then the vault is closed and
//! this computer's key slots destroyed, so that no passphrase opens the folder here again; with
//! `remove_files`, the whole folder goes too. Needs no secret and works from the unlock screen: the
//! person may have seconds. The vault comes back from an off-site copy with the recovery key.

use super::blocking;
use crate::events::VaultLocked;
use crate::idle::LockReason;
use crate::ipc::{IpcError, PanicDto};
use crate::jobs::{self, JobKind};
use custodia_core::remote::PushOptions;
use tauri::AppHandle;
use tauri_specta::Event;

#[tauri::command]
#[specta::specta]
pub async fn panic_wipe(
    app: AppHandle,
    last_copy_to: Option<String>,
    remove_files: bool,
) -> Result<PanicDto, IpcError> {
    let handle = app.clone();
    blocking(app, move |state| {
        let mut done = PanicDto { last_copy_seq: None, last_copy_error: None, files_removed: false };
        if let Some(name) = last_copy_to.filter(|_| state.is_unlocked()) {
            let pushed = jobs::run(&handle, JobKind::Push, &name, |report| {
                state.with_vault(|vault| vault.push(&name, &PushOptions::default(), &mut |p| report(p.done, p.total)))
            });
            match pushed {
                Ok(report) => done.last_copy_seq = report.map(|r| r.seq as f64),
                // A failed last copy does not stop the wipe.
                Err(error) => done.last_copy_error = Some(error),
            }
        }
        if state.lock_vault() {
            let _ = VaultLocked { reason: LockReason::User }.emit(&handle);
        }
        let report = custodia_core::vault::panic_wipe(&state.vault_dir, remove_files, state.session.local_copies())?;
        done.files_removed = report.ciphertext_removed;
        Ok(done)
    })
    .await
}
