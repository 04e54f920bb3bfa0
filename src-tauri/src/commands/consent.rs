//! Consent: recording a decision with its scope, withdrawing it (a new record; the history stays), and a
//! person's history of decisions.

use super::blocking;
use crate::ipc::{ConsentDto, ConsentInputDto, IpcError};
use crate::state::AppState;
use custodia_core::{ConsentInput, ConsentMethod};
use tauri::AppHandle;

pub(crate) fn record(state: &AppState, input: ConsentInputDto) -> Result<ConsentDto, IpcError> {
    let input = ConsentInput::from(input);
    state.with_vault(|vault| Ok(vault.record_consent(&input)?.into()))
}

pub(crate) fn withdraw(
    state: &AppState,
    person: &str,
    date: &str,
    method: &str,
    scan_item: Option<String>,
) -> Result<ConsentDto, IpcError> {
    let method = ConsentMethod::parse(method)?;
    let scan_item = scan_item.filter(|s| !s.trim().is_empty());
    state.with_vault(|vault| Ok(vault.withdraw_consent(person, date, method, scan_item)?.into()))
}

/// Records consent given or refused, with its scope (recipient kinds, identity yes or no for each).
#[tauri::command]
#[specta::specta]
pub async fn record_consent(app: AppHandle, input: ConsentInputDto) -> Result<ConsentDto, IpcError> {
    blocking(app, move |state| record(state, input)).await
}

/// Withdraws the person's consent as of `date`; earlier records are kept.
#[tauri::command]
#[specta::specta]
pub async fn withdraw_consent(
    app: AppHandle,
    person: String,
    date: String,
    method: String,
    scan_item: Option<String>,
) -> Result<ConsentDto, IpcError> {
    blocking(app, move |state| withdraw(state, &person, &date, &method, scan_item)).await
}

/// Every consent record of a person, oldest first; the last one is in force.
#[tauri::command]
#[specta::specta]
pub async fn consent_history(app: AppHandle, person: String) -> Result<Vec<ConsentDto>, IpcError> {
    blocking(app, move |state| {
        state.with_vault(|vault| Ok(vault.consents_of(&person)?.into_iter().map(Into::into).collect()))
    })
    .await
}
