//! Device settings that apply before a vault is unlocked: the interface language and the idle-lock time.
//! They are stored in plain JSON by the shell (nothing in them is secret) and checked here, because the
//! page that edits them is not trusted.

use crate::fsutil;
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;

/// The languages Custodia ships.
pub const LANGUAGES: [&str; 4] = ["en", "fr", "es", "ar"];
pub const IDLE_LOCK_MINUTES_MIN: u32 = 1;
pub const IDLE_LOCK_MINUTES_MAX: u32 = 240;
const MAX_BYTES: u64 = 4096;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub language: String,
    pub idle_lock_minutes: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { language: "en".into(), idle_lock_minutes: 10 }
    }
}

/// Why a setting was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingsError {
    #[error("unknown language {0:?}; Custodia speaks en, fr, es and ar")]
    UnknownLanguage(String),
    #[error("the idle lock must be between {IDLE_LOCK_MINUTES_MIN} and {IDLE_LOCK_MINUTES_MAX} minutes")]
    IdleOutOfRange,
    #[error("the settings could not be saved: {0}")]
    Write(String),
}

impl Settings {
    pub fn check(&self) -> Result<(), SettingsError> {
        if !LANGUAGES.contains(&self.language.as_str()) {
            return Err(SettingsError::UnknownLanguage(self.language.chars().take(20).collect()));
        }
        if !(IDLE_LOCK_MINUTES_MIN..=IDLE_LOCK_MINUTES_MAX).contains(&self.idle_lock_minutes) {
            return Err(SettingsError::IdleOutOfRange);
        }
        Ok(())
    }

    /// Reads settings; a missing, oversized, unreadable or invalid file gives the defaults.
    pub fn load(path: &Path) -> Settings {
        let read = || -> Option<Settings> {
            let mut text = String::new();
            std::fs::File::open(path).ok()?.take(MAX_BYTES).read_to_string(&mut text).ok()?;
            let settings: Settings = serde_json::from_str(&text).ok()?;
            settings.check().ok()?;
            Some(settings)
        };
        read().unwrap_or_default()
    }

    /// Checks and writes settings atomically.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        self.check()?;
        if let Some(dir) = path.parent() {
            fsutil::create_dir_durable(dir).map_err(|e| SettingsError::Write(e.to_string()))?;
        }
        let json = serde_json::to_vec_pretty(self).map_err(|e| SettingsError::Write(e.to_string()))?;
        fsutil::write_atomic(path, &json).map_err(|e| SettingsError::Write(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_are_refused_and_bad_files_fall_back_to_defaults() {
        assert!(Settings { language: "de".into(), ..Default::default() }.check().is_err());
        assert!(Settings { idle_lock_minutes: 0, ..Default::default() }.check().is_err());
        assert!(Settings { idle_lock_minutes: 241, ..Default::default() }.check().is_err());
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("settings.json");
        std::fs::write(&path, r#"{"language":"xx","idle_lock_minutes":5}"#).expect("write");
        assert_eq!(Settings::load(&path), Settings::default());
        let arabic = Settings { language: "ar".into(), idle_lock_minutes: 3 };
        arabic.save(&path).expect("save");
        assert_eq!(Settings::load(&path), arabic);
    }
}
