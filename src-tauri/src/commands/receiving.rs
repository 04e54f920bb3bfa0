//! The receiving side of bundles, for a lawyer who may have no vault: choosing the bundle and the key file
//! in native dialogs (the shell keeps the paths; the page sees only the names), checking the bundle,
//! extracting it to a chosen folder, and importing it into this vault when one is unlocked.

use super::blocking;
use crate::dialogs;
use crate::ipc::{
    BundleReportDto, ImportedDto, IpcError, MadeKeyDto, OpenWithDto, OpenedDto, ReceivingDto, ShellErrorCode,
};
use crate::jobs;
use crate::state::{AppState, Receiving};
use custodia_core::bundle::{self, keys, BundleError};
use custodia_core::{Flow, Limits, ReadProgress, Unlocker};
use std::path::{Path, PathBuf};
use tauri::AppHandle;

fn file_name(path: &Option<PathBuf>) -> Option<String> {
    path.as_ref().map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
}

impl From<Receiving> for ReceivingDto {
    fn from(r: Receiving) -> Self {
        ReceivingDto { bundle: file_name(&r.bundle), identity: file_name(&r.identity) }
    }
}

/// The bundle and key file chosen so far (names only).
#[tauri::command]
#[specta::specta]
pub fn receiving_files(state: tauri::State<'_, AppState>) -> ReceivingDto {
    state.receiving().into()
}

/// Asks for the bundle file in the native dialog; a cancelled dialog keeps the earlier choice.
#[tauri::command]
#[specta::specta]
pub async fn choose_bundle_file(app: AppHandle, title: String) -> Result<ReceivingDto, IpcError> {
    let handle = app.clone();
    blocking(app, move |state| {
        let picked = dialogs::pick_file(&handle, &dialogs::Title::from_page(&title));
        Ok(state.set_receiving(|r| r.bundle = picked.or(r.bundle.take())).into())
    })
    .await
}

/// Asks for the age key file (as `age-keygen` or `custodia keygen` write it) in the native dialog.
#[tauri::command]
#[specta::specta]
pub async fn choose_key_file(app: AppHandle, title: String) -> Result<ReceivingDto, IpcError> {
    let handle = app.clone();
    blocking(app, move |state| {
        let picked = dialogs::pick_file(&handle, &dialogs::Title::from_page(&title));
        Ok(state.set_receiving(|r| r.identity = picked.or(r.identity.take())).into())
    })
    .await
}

/// For a lawyer without a key: asks where to save a new age key file (native save dialog; an existing
/// file is never overwritten), writes it, and chooses it to open bundles. The page sees the file's name,
/// the public key to give senders and its fingerprint words, never the secret. `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn make_key(app: AppHandle, title: String) -> Result<Option<MadeKeyDto>, IpcError> {
    let handle = app.clone();
    blocking(app, move |state| {
        let title = dialogs::Title::from_page(&title);
        let Some(path) = dialogs::save_file(&handle, &title, KEY_FILE_NAME) else { return Ok(None) };
        let made = keys::generate_identity(&path).map_err(key_error)?;
        state.set_receiving(|r| r.identity = Some(made.path.clone()));
        Ok(Some(made.into()))
    })
    .await
}

/// The name the save dialog suggests for a new key file.
const KEY_FILE_NAME: &str = "custodia-key.txt";

/// What opens the bundle: a passphrase when one is typed, otherwise the chosen key file.
pub(super) fn unlocker(receiving: &Receiving, with: &OpenWithDto) -> Result<Unlocker, IpcError> {
    if let Some(passphrase) = with.passphrase.as_ref().filter(|p| !p.is_empty()) {
        return Ok(Unlocker::Passphrase(passphrase.to_secret_string()));
    }
    let path = receiving.identity.as_deref().ok_or(BundleError::NeedsIdentity).map_err(core_error)?;
    keys::read_identity_file(path).map_err(core_error)
}

/// A key file that is already there gets its own code: the page says that nothing was overwritten,
/// rather than a generic disk error.
pub(super) fn key_error(e: BundleError) -> IpcError {
    match &e {
        BundleError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists => IpcError::new(
            ShellErrorCode::KeyFileExists,
            "a file of that name already exists; Custodia never overwrites a key: choose another name",
        ),
        _ => core_error(e),
    }
}

fn core_error(e: BundleError) -> IpcError {
    custodia_core::Error::from(e).into()
}

/// Runs one read of the chosen bundle as a job with progress events (kind "bundle").
fn read_bundle<T>(
    app: &AppHandle,
    with: &OpenWithDto,
    read: impl FnOnce(&Path, &Unlocker, Option<&str>, &mut dyn FnMut(ReadProgress) -> Flow) -> Result<T, IpcError>,
) -> Result<Option<T>, IpcError> {
    let state = tauri::Manager::state::<AppState>(app);
    let receiving = state.receiving();
    let Some(path) = receiving.bundle.clone() else {
        return Err(IpcError::new(ShellErrorCode::NoBundleChosen, "choose the bundle file first"));
    };
    let unlocker = unlocker(&receiving, with)?;
    let signer = with.signer.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let name = file_name(&receiving.bundle).unwrap_or_default();
    jobs::run(app, jobs::JobKind::Bundle, &name, |report| {
        read(&path, &unlocker, signer, &mut |p| report(p.done, p.total))
    })
}

/// Decrypts and checks the chosen bundle, writing nothing; every check comes back, held or not.
#[tauri::command]
#[specta::specta]
pub async fn check_bundle(app: AppHandle, opener: OpenWithDto) -> Result<Option<BundleReportDto>, IpcError> {
    let handle = app.clone();
    blocking(app, move |_| {
        let report = read_bundle(&handle, &opener, |path, unlocker, signer, progress| {
            bundle::verify_bundle(path, unlocker, signer, &Limits::default(), progress).map_err(core_error)
        })?;
        Ok(report.map(Into::into))
    })
    .await
}

/// Asks for a folder and extracts the verified bag into it (nothing is left behind if it does not verify).
#[tauri::command]
#[specta::specta]
pub async fn extract_bundle(app: AppHandle, opener: OpenWithDto, title: String) -> Result<Option<OpenedDto>, IpcError> {
    let handle = app.clone();
    blocking(app, move |_| {
        let Some(folder) = dialogs::pick_folder(&handle, &dialogs::Title::from_page(&title)) else {
            return Ok(None);
        };
        let opened = read_bundle(&handle, &opener, |path, unlocker, signer, progress| {
            bundle::open_bundle(path, unlocker, signer, &folder, &Limits::default(), progress).map_err(core_error)
        })?;
        Ok(opened.map(|o| OpenedDto { report: o.report.into(), folder: o.bag.display().to_string() }))
    })
    .await
}

/// Verifies the chosen bundle and brings its items into the unlocked vault, continuing their custody.
#[tauri::command]
#[specta::specta]
pub async fn import_bundle(app: AppHandle, opener: OpenWithDto) -> Result<Option<ImportedDto>, IpcError> {
    let handle = app.clone();
    blocking(app, move |state| {
        if !state.is_unlocked() {
            return Err(IpcError::locked());
        }
        let imported = read_bundle(&handle, &opener, |path, unlocker, signer, progress| {
            state.with_vault(|vault| vault.import_bundle(path, unlocker, signer, &Limits::default(), progress))
        })?;
        Ok(imported.map(Into::into))
    })
    .await
}
