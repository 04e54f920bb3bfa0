//! The commands the page may call. Each is a few lines: check nothing itself, call the core on a worker
//! thread, convert the answer. The core validates everything the page sends.

pub mod bundles;
pub mod consent;
pub mod custody;
pub mod incidents;
pub mod interviews;
pub mod items;
pub mod panic;
pub mod persons;
pub mod receiving;
pub mod remotes;
pub mod restore;
pub mod review;
pub mod vault;

#[cfg(test)]
mod bundle_tests;
#[cfg(all(test, target_os = "linux"))]
mod memory_tests;
#[cfg(test)]
mod reauth_tests;
#[cfg(test)]
mod remote_tests;
#[cfg(test)]
mod tests;

use crate::ipc::{EventDto, IpcError, ShellErrorCode};
use crate::state::AppState;
use custodia_core::{EventQuery, Vault};
use tauri::{AppHandle, Manager};

/// Runs vault work off the UI thread.
pub(crate) async fn blocking<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&AppState) -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(move || f(&app.state::<AppState>()))
        .await
        .map_err(|e| IpcError::new(ShellErrorCode::Internal, e.to_string()))?
}

/// A justification as typed: blank means none, so the core answers "justification needed" rather than
/// "too short" to someone who wrote nothing.
pub(crate) fn justification(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

/// How many custody events a person's or an interview's detail shows, newest first.
const SUBJECT_EVENTS: u32 = 200;

/// The custody events about one record, newest first.
pub(crate) fn subject_events(vault: &Vault, subject: &str) -> custodia_core::Result<Vec<EventDto>> {
    let query = EventQuery { subject: Some(subject.to_string()), limit: SUBJECT_EVENTS, ..Default::default() };
    Ok(vault.events(&query)?.into_iter().map(Into::into).collect())
}
