//! The vault's status, device settings and passphrase strength.

use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Serialize, Type)]
pub struct AppStatus {
    pub vault_exists: bool,
    pub unlocked: bool,
    pub vault_path: String,
    pub settings: SettingsDto,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct SettingsDto {
    pub language: String,
    pub idle_lock_minutes: u32,
}

impl From<custodia_core::Settings> for SettingsDto {
    fn from(s: custodia_core::Settings) -> Self {
        SettingsDto { language: s.language, idle_lock_minutes: s.idle_lock_minutes }
    }
}

impl From<SettingsDto> for custodia_core::Settings {
    fn from(s: SettingsDto) -> Self {
        custodia_core::Settings { language: s.language, idle_lock_minutes: s.idle_lock_minutes }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct StrengthDto {
    /// 0 (trivially guessed) to 4 (very strong).
    pub score: u8,
    pub acceptable: bool,
}
