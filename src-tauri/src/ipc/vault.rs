//! The vault's status, device settings and passphrase strength.

use serde::{Deserialize, Serialize};
use specta::Type;

/// What an unlock found worth telling the user: each a sentence the page words.
#[derive(Debug, Clone, Serialize, Type)]
pub struct UnlockedDto {
    pub notices: Vec<OpenNotice>,
}

/// Something the open did or found on its own: an interrupted key change settled, files an interrupted
/// run left set aside, this computer's copy of the newest checkpoint unusable (`why`: the core's English).
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(tag = "notice", rename_all = "snake_case")]
pub enum OpenNotice {
    RotationFinished,
    RotationUndone,
    Quarantined { files: f64 },
    LocalCopyUnusable { why: String },
}

impl UnlockedDto {
    pub fn of(vault: &custodia_core::Vault) -> UnlockedDto {
        let mut notices = Vec::new();
        match vault.resumed_rotation() {
            Some("finished") => notices.push(OpenNotice::RotationFinished),
            Some(_) => notices.push(OpenNotice::RotationUndone),
            None => {}
        }
        let found = vault.reconciliation();
        let set_aside = found.tmp_leftovers.len() + found.unreferenced_blobs.len() + found.other_files.len();
        if set_aside > 0 {
            notices.push(OpenNotice::Quarantined { files: set_aside as f64 });
        }
        if let Some(custodia_core::checkpoint::LocalNotice::Unusable { why, .. }) = vault.local_notice() {
            notices.push(OpenNotice::LocalCopyUnusable { why: why.clone() });
        }
        UnlockedDto { notices }
    }
}

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
