//! The duplicate review queue (suspected pairs; "same person" merges, "different people" is remembered)
//! and the rules' thresholds and cooldowns.

use super::blocking;
use crate::ipc::{DuplicatePairDto, HarmSettingsDto, IpcError, PersonDto};
use tauri::AppHandle;

/// Every suspected pair at the vault's threshold, best first, without pairs already reviewed.
#[tauri::command]
#[specta::specta]
pub async fn person_duplicates(app: AppHandle) -> Result<Vec<DuplicatePairDto>, IpcError> {
    blocking(app, |state| {
        state.with_vault(|vault| Ok(vault.person_duplicates(None)?.into_iter().map(Into::into).collect()))
    })
    .await
}

/// `a` and `b` are one person: `b` is merged into `a`, both histories kept. Answers the survivor.
#[tauri::command]
#[specta::specta]
pub async fn review_same(app: AppHandle, a: String, b: String) -> Result<PersonDto, IpcError> {
    blocking(app, move |state| state.with_vault(|vault| Ok(vault.review_same(&a, &b)?.into()))).await
}

/// `a` and `b` are different people: the pair is never flagged again.
#[tauri::command]
#[specta::specta]
pub async fn review_different(app: AppHandle, a: String, b: String) -> Result<(), IpcError> {
    blocking(app, move |state| state.with_vault(|vault| vault.review_different(&a, &b))).await
}

#[tauri::command]
#[specta::specta]
pub async fn harm_settings(app: AppHandle) -> Result<HarmSettingsDto, IpcError> {
    blocking(app, |state| state.with_vault(|vault| Ok(vault.harm_settings()?.into()))).await
}

/// Changes the rules' settings (each change logged); answers the settings in force.
#[tauri::command]
#[specta::specta]
pub async fn save_harm_settings(app: AppHandle, settings: HarmSettingsDto) -> Result<HarmSettingsDto, IpcError> {
    blocking(app, move |state| state.with_vault(|vault| Ok(vault.set_harm_settings(&settings.into())?.into()))).await
}
