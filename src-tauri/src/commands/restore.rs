//! "Restore from an off-site copy" on the first-run screen (issue 13, point 6): the copy is fetched into
//! this computer's vault folder as a cancellable job (kind "restore"), checked against its signed
//! manifest, opened with the recovery key and given a new passphrase, then left open. The core does all
//! of it (`remote::restore_here`); this only translates.

use super::blocking;
use super::remotes::address_and_credentials;
use crate::ipc::{IpcError, RestoreRequestDto, RestoredDto, ShellErrorCode};
use crate::jobs::{self, JobKind};
use custodia_core::remote::{restore_here, FirstRun};
use custodia_core::{KdfParams, RecoveryKey};
use tauri::AppHandle;

#[tauri::command]
#[specta::specta]
pub async fn restore_vault(app: AppHandle, request: RestoreRequestDto) -> Result<Option<RestoredDto>, IpcError> {
    if request.new_passphrase.expose() != request.repeat.expose() {
        return Err(IpcError::new(ShellErrorCode::PassphraseMismatch, "the two new passphrases differ"));
    }
    let handle = app.clone();
    blocking(app, move |state| {
        let (url, credentials) = address_and_credentials(&request.url, &request.credentials)?;
        let recovery = RecoveryKey::parse(request.recovery_key.expose()).map_err(custodia_core::Error::from)?;
        let new_passphrase = request.new_passphrase.to_secret_string();
        let verifier_key = Some(request.verifier_key.trim()).filter(|k| !k.is_empty());
        let first_run = FirstRun {
            url: &url,
            credentials: &credentials,
            recovery,
            new_passphrase: &new_passphrase,
            verifier_key,
            kdf: KdfParams::DEFAULT,
        };
        let here = jobs::run(&handle, JobKind::Restore, "", |report| {
            let progress = &mut |p: custodia_core::remote::RestoreProgress| report(p.done, p.total);
            Ok(restore_here(&state.vault_dir, first_run, state.session.clone(), progress)?)
        })?;
        let Some(here) = here else { return Ok(None) };
        let restored = RestoredDto {
            seq: here.restored.seq as f64,
            objects: here.restored.objects as f64,
            bytes: here.restored.bytes as f64,
            verifier_key: here.restored.verifier_key.clone(),
            key_given: here.restored.key_given,
            verify: here.restored.verify.clone().into(),
            set_aside: here.set_aside.as_ref().map(|p| p.display().to_string()),
        };
        state.set_vault(here.vault);
        Ok(Some(restored))
    })
    .await
}
