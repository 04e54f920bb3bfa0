//! Incidents (what happened, when, where) linked to interviews and documents, and full-text search over
//! transcripts, summaries and descriptions.

use super::blocking;
use crate::ipc::{HitDto, IncidentDto, IncidentInputDto, IpcError};
use tauri::AppHandle;

#[tauri::command]
#[specta::specta]
pub async fn list_incidents(app: AppHandle) -> Result<Vec<IncidentDto>, IpcError> {
    blocking(app, |state| state.with_vault(|vault| Ok(vault.incidents()?.into_iter().map(Into::into).collect()))).await
}

#[tauri::command]
#[specta::specta]
pub async fn add_incident(app: AppHandle, input: IncidentInputDto) -> Result<IncidentDto, IpcError> {
    blocking(app, move |state| state.with_vault(|vault| Ok(vault.add_incident(&input.into())?.into()))).await
}

/// Links an incident to an interview (`T-…`) or an evidence item (`E-…`); linking twice changes nothing.
#[tauri::command]
#[specta::specta]
pub async fn link_incident(app: AppHandle, incident: String, target: String) -> Result<IncidentDto, IpcError> {
    blocking(app, move |state| state.with_vault(|vault| Ok(vault.link_incident(&incident, &target)?.into()))).await
}

/// Interviews, items and incidents whose texts contain every word of `text`.
#[tauri::command]
#[specta::specta]
pub async fn search_records(app: AppHandle, text: String) -> Result<Vec<HitDto>, IpcError> {
    blocking(app, move |state| state.with_vault(|vault| Ok(vault.search(&text)?.into_iter().map(Into::into).collect())))
        .await
}
