//! Off-site copies (issue 13, point 6): the remotes, a connection test, a push and a check of a copy as
//! cancellable jobs with progress, and the status bar's line. The core checks every address, name and
//! credential; the credentials go to it from the page and are kept only in the encrypted database.

use super::blocking;
use crate::ipc::{IpcError, OffsiteStatusDto, ProbeDto, PushedDto, RemoteDto, RemoteInputDto, RemoteReportDto};
use crate::jobs::{self, JobKind};
use custodia_core::remote::{self, Credentials, PushOptions, RemoteUrl};
use tauri::AppHandle;

/// The address and credentials the form sent, checked by the core.
pub(super) fn address_and_credentials(
    url: &str,
    credentials: &crate::ipc::Secret,
) -> Result<(RemoteUrl, Credentials), IpcError> {
    let url = RemoteUrl::parse(url).map_err(custodia_core::Error::from)?;
    let credentials = Credentials::parse(credentials.expose().as_bytes(), &url).map_err(custodia_core::Error::from)?;
    Ok((url, credentials))
}

#[tauri::command]
#[specta::specta]
pub async fn list_remotes(app: AppHandle) -> Result<Vec<RemoteDto>, IpcError> {
    blocking(app, |state| {
        let remotes = state.with_vault(|vault| vault.remotes())?;
        Ok(remotes.into_iter().map(Into::into).collect())
    })
    .await
}

/// Adds a remote (logged as `remote.added`, naming its kind, never its address or credentials).
#[tauri::command]
#[specta::specta]
pub async fn add_remote(app: AppHandle, input: RemoteInputDto) -> Result<Vec<RemoteDto>, IpcError> {
    blocking(app, move |state| {
        let (url, credentials) = address_and_credentials(&input.url, &input.credentials)?;
        state
            .with_vault(|vault| {
                vault.add_remote(&input.name, &url, &credentials, input.keep_snapshots)?;
                vault.remotes()
            })
            .map(|remotes| remotes.into_iter().map(Into::into).collect())
    })
    .await
}

/// Removes a remote's settings and credentials from the vault; the copy on the storage stays.
#[tauri::command]
#[specta::specta]
pub async fn remove_remote(app: AppHandle, name: String) -> Result<Vec<RemoteDto>, IpcError> {
    blocking(app, move |state| {
        state
            .with_vault(|vault| {
                vault.remove_remote(&name)?;
                vault.remotes()
            })
            .map(|remotes| remotes.into_iter().map(Into::into).collect())
    })
    .await
}

/// Tests an address with its credentials before it is added: reached, accepted, and whether a copy is
/// already there. Needs the vault unlocked (only someone who may add a remote tests one); sends nothing.
#[tauri::command]
#[specta::specta]
pub async fn test_remote(app: AppHandle, url: String, credentials: crate::ipc::Secret) -> Result<ProbeDto, IpcError> {
    blocking(app, move |state| {
        if !state.is_unlocked() {
            return Err(IpcError::locked());
        }
        let (url, credentials) = address_and_credentials(&url, &credentials)?;
        let probe = remote::probe(&url, &credentials)?;
        Ok(ProbeDto { holds_copy: probe.holds_copy })
    })
    .await
}

/// Pushes to remote `name` as a cancellable job (kind "push") with progress events. Only ciphertext
/// leaves: the stored copies, the database snapshot, the recovery-key slots (never the passphrase's from
/// the app) and the signed manifest, written last. `None` when cancelled: what was sent stays, and the
/// next push goes on from there.
#[tauri::command]
#[specta::specta]
pub async fn push_remote(app: AppHandle, name: String) -> Result<Option<PushedDto>, IpcError> {
    let handle = app.clone();
    blocking(app, move |state| {
        let pushed = jobs::run(&handle, JobKind::Push, &name, |report| {
            state.with_vault(|vault| vault.push(&name, &PushOptions::default(), &mut |p| report(p.done, p.total)))
        })?;
        Ok(pushed.map(Into::into))
    })
    .await
}

/// Checks the copy on remote `name` (with `full`, every object's hash) as a cancellable job (kind
/// "remote_verify"); `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn verify_remote(app: AppHandle, name: String, full: bool) -> Result<Option<RemoteReportDto>, IpcError> {
    let handle = app.clone();
    blocking(app, move |state| {
        let checked = jobs::run(&handle, JobKind::RemoteVerify, &name, |report| {
            state.with_vault(|vault| vault.verify_remote(&name, full, &mut |done, total| report(done, total)))
        })?;
        Ok(checked.map(Into::into))
    })
    .await
}

/// The status bar's off-site line: how many remotes, the newest push, the items on no copy yet.
#[tauri::command]
#[specta::specta]
pub async fn offsite_status(app: AppHandle) -> Result<OffsiteStatusDto, IpcError> {
    blocking(app, |state| Ok(state.with_vault(|vault| vault.offsite_status())?.into())).await
}
