//! The sending side of bundles: the address book, the export plan (the consent check, shown before
//! anything is written), and the export itself to a file chosen in the native save dialog.

use super::blocking;
use crate::dialogs;
use crate::ipc::{
    AddressBookDto, ExportPlanDto, ExportRequestDto, ExportSelectionDto, ExportedDto, IpcError, RecipientDto,
    RecipientInputDto,
};
use crate::jobs;
use crate::state::AppState;
use custodia_core::bundle::{RecipientInput, EXTENSION, MIN_BUNDLE_PASSPHRASE_CHARS};
use custodia_core::{ExportRequest, ExportSelection, Protection, StrengthPolicy};
use std::path::PathBuf;
use tauri::AppHandle;

#[tauri::command]
#[specta::specta]
pub async fn address_book(app: AppHandle) -> Result<AddressBookDto, IpcError> {
    blocking(app, |state| {
        let recipients = state.with_vault(|vault| vault.recipients())?;
        Ok(AddressBookDto {
            recipients: recipients.into_iter().map(Into::into).collect(),
            min_passphrase_chars: MIN_BUNDLE_PASSPHRASE_CHARS as u32,
        })
    })
    .await
}

/// Adds a recipient (logged); the core checks the key and refuses one already in the book.
#[tauri::command]
#[specta::specta]
pub async fn add_recipient(app: AppHandle, input: RecipientInputDto) -> Result<RecipientDto, IpcError> {
    blocking(app, move |state| {
        let input = RecipientInput::from(input);
        state.with_vault(|vault| Ok(vault.add_recipient(&input)?.into()))
    })
    .await
}

/// What an export would hold and what consent refuses. Writes nothing.
#[tauri::command]
#[specta::specta]
pub async fn plan_export(app: AppHandle, selection: ExportSelectionDto) -> Result<ExportPlanDto, IpcError> {
    blocking(app, move |state| {
        let selection = ExportSelection::from(selection);
        state.with_vault(|vault| Ok(vault.plan_export(&selection)?.into()))
    })
    .await
}

/// A name for the save dialog that no earlier export from this vault took: the moment it is made.
fn suggested_name() -> String {
    format!("{}{EXTENSION}", chrono::Utc::now().format("custodia-%Y%m%d-%H%M%S"))
}

/// The chosen file, ending in the bundle extension so that the core (and the recipient) know it.
fn bundle_path(mut chosen: PathBuf) -> PathBuf {
    let named = chosen.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(EXTENSION));
    if !named {
        let mut name = chosen.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(EXTENSION);
        chosen.set_file_name(name);
    }
    chosen
}

fn protection(request: &ExportRequestDto) -> Protection {
    match request.passphrase.as_ref().filter(|p| !p.is_empty()) {
        // The app never lets a weak passphrase through: that override is for scripts, at the command line.
        Some(passphrase) => Protection::Passphrase(passphrase.to_secret_string(), StrengthPolicy::Required),
        None => Protection::Recipients(request.recipient.iter().cloned().collect()),
    }
}

fn export(
    app: &AppHandle,
    state: &AppState,
    request: ExportRequestDto,
    title: &dialogs::Title,
) -> Result<Option<ExportedDto>, IpcError> {
    if !state.is_unlocked() {
        return Err(IpcError::locked());
    }
    // Evidence leaves the vault: asked before the save dialog, so a refusal costs the user nothing.
    state.reauth().require()?;
    let Some(chosen) = dialogs::save_file(app, title, &suggested_name()) else { return Ok(None) };
    let output = bundle_path(chosen);
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let request = ExportRequest {
        protection: protection(&request),
        selection: ExportSelection::from(request.selection),
        output,
        description: request.description,
        organisation: String::new(),
        contact_name: String::new(),
    };
    let exported = jobs::run(app, jobs::JobKind::Export, &name, |report| {
        state.with_vault(|vault| vault.export(&request, &mut |p| report(p.done, p.total)))
    })?;
    Ok(exported.map(Into::into))
}

/// Needs the passphrase confirmed (`confirm_passphrase`). Asks where to save the bundle, then writes it as a cancellable job with progress events (kind
/// "export"). The core plans again and writes nothing if consent refuses any part. `None` when the user
/// cancels the dialog or the export.
#[tauri::command]
#[specta::specta]
pub async fn export_bundle(
    app: AppHandle,
    request: ExportRequestDto,
    title: String,
) -> Result<Option<ExportedDto>, IpcError> {
    let handle = app.clone();
    blocking(app, move |state| export(&handle, state, request, &dialogs::Title::from_page(&title))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_name_always_ends_as_a_bundle() {
        assert_eq!(bundle_path(PathBuf::from("/x/for-icc")), PathBuf::from("/x/for-icc.custodia.age"));
        assert_eq!(bundle_path(PathBuf::from("/x/a.custodia.age")), PathBuf::from("/x/a.custodia.age"));
        let suggested = suggested_name();
        assert!(suggested.starts_with("custodia-") && suggested.ends_with(EXTENSION), "{suggested}");
    }
}
