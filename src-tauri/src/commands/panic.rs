//! The panic wipe from the app (issue 13, point 5): when the vault is open and the user asks, a last copy
//! to one remote (a cancellable job: Cancel skips it and wipes at once), then the vault is closed and
//! this computer's key slots destroyed, so that no passphrase opens the folder here again; with
//! `remove_files`, the whole folder goes too. Needs no secret and works from the unlock screen: the
//! person may have seconds. The vault comes back from an off-site copy with the recovery key.
//!
//! The answer says nothing of what was done: the page then shows the first-run screen as on a new
//! computer, so that nothing tells whoever holds the laptop next that a vault, or a copy of it, existed.
//! A last copy that fails does not stop the wipe.

use super::blocking;
use crate::events::VaultLocked;
use crate::idle::LockReason;
use crate::ipc::IpcError;
use crate::jobs::{self, JobKind};
use custodia_core::remote::PushOptions;
use tauri::AppHandle;
use tauri_specta::Event;

#[tauri::command]
#[specta::specta]
pub async fn panic_wipe(app: AppHandle, last_copy_to: Option<String>, remove_files: bool) -> Result<(), IpcError> {
    let handle = app.clone();
    blocking(app, move |state| {
        if let Some(name) = last_copy_to.filter(|_| state.is_unlocked()) {
            let _ = jobs::run(&handle, JobKind::Push, &name, |report| {
                state.with_vault(|vault| vault.push(&name, &PushOptions::default(), &mut |p| report(p.done, p.total)))
            });
        }
        if state.lock_vault() {
            let _ = VaultLocked { reason: LockReason::User }.emit(&handle);
        }
        custodia_core::vault::panic_wipe(&state.vault_dir, remove_files, state.session.local_copies())?;
        Ok(())
    })
    .await
}
