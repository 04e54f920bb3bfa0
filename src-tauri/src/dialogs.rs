//! Native file dialogs, opened by the shell itself: the page never hands the shell a path.
//!
//! WebDriver cannot drive a native GTK dialog, so builds with the `e2e` feature answer from files named by
//! `CUSTODIA_E2E_PICK` (paths to add, one per line; a single-file pick takes the first) and
//! `CUSTODIA_E2E_SAVE_DIR` (where saves go, and the folder a folder pick answers) instead. Release builds
//! have no such seam.

use std::path::PathBuf;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

/// Asks the user for files to add. `None` when they cancel.
pub fn pick_files(app: &AppHandle) -> Option<Vec<PathBuf>> {
    #[cfg(feature = "e2e")]
    if let Some(paths) = e2e::picked() {
        return Some(paths);
    }
    let picked = app.dialog().file().set_title("Add evidence").blocking_pick_files()?;
    Some(picked.into_iter().filter_map(|p| p.into_path().ok()).collect())
}

/// Asks the user for one file (a bundle, a key file). `None` when they cancel.
pub fn pick_file(app: &AppHandle, title: &str) -> Option<PathBuf> {
    #[cfg(feature = "e2e")]
    if let Some(paths) = e2e::picked() {
        return paths.into_iter().next();
    }
    app.dialog().file().set_title(title).blocking_pick_file()?.into_path().ok()
}

/// Asks the user for a folder to extract into. `None` when they cancel.
pub fn pick_folder(app: &AppHandle, title: &str) -> Option<PathBuf> {
    #[cfg(feature = "e2e")]
    if let Some(dir) = e2e::save_dir() {
        return Some(dir);
    }
    app.dialog().file().set_title(title).blocking_pick_folder()?.into_path().ok()
}

/// Asks the user where to save a file named `suggested`. `None` when they cancel.
pub fn save_file(app: &AppHandle, title: &str, suggested: &str) -> Option<PathBuf> {
    #[cfg(feature = "e2e")]
    if let Some(dir) = e2e::save_dir() {
        return Some(dir.join(suggested));
    }
    app.dialog().file().set_title(title).set_file_name(suggested).blocking_save_file()?.into_path().ok()
}

#[cfg(feature = "e2e")]
mod e2e {
    use std::path::PathBuf;

    pub fn picked() -> Option<Vec<PathBuf>> {
        let list = std::env::var_os("CUSTODIA_E2E_PICK")?;
        let text = std::fs::read_to_string(list).ok()?;
        Some(text.lines().filter(|l| !l.is_empty()).map(PathBuf::from).collect())
    }

    pub fn save_dir() -> Option<PathBuf> {
        std::env::var_os("CUSTODIA_E2E_SAVE_DIR").map(PathBuf::from)
    }
}
