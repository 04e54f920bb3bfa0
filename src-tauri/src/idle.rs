//! The idle lock, enforced by the shell (a frozen or hostile page cannot keep the vault open): a watcher
//! thread locks the vault once nobody has touched the app for the configured time.

use crate::events::VaultLocked;
use crate::state::AppState;
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

const CHECK_EVERY: Duration = Duration::from_secs(5);

pub fn watch(app: AppHandle) {
    std::thread::spawn(move || loop {
        std::thread::sleep(CHECK_EVERY);
        let state = app.state::<AppState>();
        if state.idle_expired() && state.lock_vault() {
            let _ = VaultLocked { reason: "idle".into() }.emit(&app);
        }
    });
}
