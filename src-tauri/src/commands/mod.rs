//! The commands the page may call. Each is a few lines: check nothing itself, call the core on a worker
//! thread, convert the answer. The core validates everything the page sends.

pub mod custody;
pub mod items;
pub mod vault;

use crate::ipc::IpcError;
use crate::state::AppState;
use tauri::{AppHandle, Manager};

/// Runs vault work off the UI thread.
pub(crate) async fn blocking<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&AppState) -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(move || f(&app.state::<AppState>()))
        .await
        .map_err(|e| IpcError::new("internal", e.to_string()))?
}
