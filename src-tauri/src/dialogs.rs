//! Native file dialogs, opened by the shell itself: the page never hands the shell a path. Their titles
//! come from the page, already in the reader's language (all words live in the page's translations);
//! `Title` bounds that text and it is used as nothing but a window title.
//!
//! WebDriver cannot drive a native GTK dialog, so builds with the `e2e` feature answer from files named by
//! `CUSTODIA_E2E_PICK` (paths to add, one per line; a single-file pick takes the first) and
//! `CUSTODIA_E2E_SAVE_DIR` (where saves go, and the folder a folder pick answers) instead. Release builds
//! have no such seam.

use std::path::PathBuf;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

/// A dialog title as the page sent it, made harmless: control characters and bidi embedding or override
/// marks (which could reorder what the title seems to say) become spaces, runs of spaces one, and at
/// most `Title::MAX_CHARS` characters are kept. Blank text gives the app's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub const MAX_CHARS: usize = 120;

    pub fn from_page(text: &str) -> Title {
        let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        let cleaned: String = text.chars().map(|c| if c.is_control() || bidi(c) { ' ' } else { c }).collect();
        let words: Vec<&str> = cleaned.split_whitespace().collect();
        let joined: String = words.join(" ").chars().take(Self::MAX_CHARS).collect();
        Title(if joined.is_empty() { "Custodia".into() } else { joined })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Asks the user for files to add. `None` when they cancel.
pub fn pick_files(app: &AppHandle, title: &Title) -> Option<Vec<PathBuf>> {
    #[cfg(feature = "e2e")]
    if let Some(paths) = e2e::picked() {
        return Some(paths);
    }
    let picked = app.dialog().file().set_title(title.as_str()).blocking_pick_files()?;
    Some(picked.into_iter().filter_map(|p| p.into_path().ok()).collect())
}

/// Asks the user for one file (a bundle, a key file). `None` when they cancel.
pub fn pick_file(app: &AppHandle, title: &Title) -> Option<PathBuf> {
    #[cfg(feature = "e2e")]
    if let Some(paths) = e2e::picked() {
        return paths.into_iter().next();
    }
    app.dialog().file().set_title(title.as_str()).blocking_pick_file()?.into_path().ok()
}

/// Asks the user for a folder to extract into. `None` when they cancel.
pub fn pick_folder(app: &AppHandle, title: &Title) -> Option<PathBuf> {
    #[cfg(feature = "e2e")]
    if let Some(dir) = e2e::save_dir() {
        return Some(dir);
    }
    app.dialog().file().set_title(title.as_str()).blocking_pick_folder()?.into_path().ok()
}

/// Asks the user where to save a file named `suggested`. `None` when they cancel.
pub fn save_file(app: &AppHandle, title: &Title, suggested: &str) -> Option<PathBuf> {
    #[cfg(feature = "e2e")]
    if let Some(dir) = e2e::save_dir() {
        return Some(dir.join(suggested));
    }
    app.dialog().file().set_title(title.as_str()).set_file_name(suggested).blocking_save_file()?.into_path().ok()
}

#[cfg(test)]
mod tests {
    use super::Title;

    #[test]
    fn a_title_from_the_page_is_one_bounded_line() {
        assert_eq!(Title::from_page("Enregistrer une copie").as_str(), "Enregistrer une copie");
        assert_eq!(Title::from_page("  two\nlines\u{7}\tand   tabs ").as_str(), "two lines and tabs");
        assert_eq!(Title::from_page("حفظ نسخة").as_str(), "حفظ نسخة", "any script is kept");
        assert_eq!(Title::from_page("a\u{202E}txt.exe").as_str(), "a txt.exe", "no bidi override");
        let long = "é".repeat(500);
        assert_eq!(Title::from_page(&long).as_str().chars().count(), Title::MAX_CHARS);
        assert_eq!(Title::from_page(" \n ").as_str(), "Custodia", "a blank title falls back to the app's name");
    }
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
