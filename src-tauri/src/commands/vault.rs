//! Creating, unlocking and locking the vault; passphrase, its confirmation before sensitive acts, recovery
//! key and settings.

use super::blocking;
use crate::events::VaultLocked;
use crate::idle::LockReason;
use crate::ipc::{AppStatus, IpcError, Secret, SettingsDto, ShellErrorCode, StrengthDto, UnlockedDto};
use crate::state::AppState;
use custodia_core::{KdfParams, Settings, StrengthPolicy, Unlock, Vault};
use secrecy::ExposeSecret;
use tauri::{AppHandle, State};
use tauri_specta::Event;

#[tauri::command]
#[specta::specta]
pub fn app_status(state: State<'_, AppState>) -> AppStatus {
    AppStatus {
        vault_exists: state.vault_dir.join(custodia_core::vault::KEYSLOTS_FILE).exists(),
        unlocked: state.is_unlocked(),
        vault_path: state.vault_dir.display().to_string(),
        settings: state.settings().into(),
    }
}

#[tauri::command]
#[specta::specta]
pub fn passphrase_strength(passphrase: Secret) -> StrengthDto {
    let s = custodia_core::strength(passphrase.expose());
    StrengthDto { score: s.score, acceptable: s.acceptable }
}

/// Creates the vault and opens it. With `with_recovery_key`, returns a recovery key to show once.
#[tauri::command]
#[specta::specta]
pub async fn create_vault(
    app: AppHandle,
    passphrase: Secret,
    repeat: Secret,
    with_recovery_key: bool,
) -> Result<Option<String>, IpcError> {
    if passphrase.expose() != repeat.expose() {
        return Err(IpcError::new(ShellErrorCode::PassphraseMismatch, "the two passphrases differ"));
    }
    blocking(app, move |state| {
        let secret = passphrase.into_secret_string();
        // The app never lets a weak passphrase through: that override is for scripts, at the command line.
        let mut vault = Vault::create(
            &state.vault_dir,
            &secret,
            StrengthPolicy::Required,
            KdfParams::DEFAULT,
            state.session.clone(),
        )?;
        let key = if with_recovery_key {
            Some(vault.create_recovery_key()?.to_display().expose_secret().to_string())
        } else {
            None
        };
        state.set_vault(vault);
        Ok(key)
    })
    .await
}

#[tauri::command]
#[specta::specta]
/// `accept_rollback`: the user's reason to go on with a vault folder older than this computer last saw
/// (after a `vault_rolled_back` error); `None` for an ordinary unlock.
pub async fn unlock_vault(
    app: AppHandle,
    passphrase: Secret,
    accept_rollback: Option<String>,
) -> Result<UnlockedDto, IpcError> {
    blocking(app, move |state| open(state, Unlock::Passphrase(passphrase.into_secret_string()), accept_rollback)).await
}

#[tauri::command]
#[specta::specta]
pub async fn unlock_with_recovery_key(
    app: AppHandle,
    recovery_key: Secret,
    accept_rollback: Option<String>,
) -> Result<UnlockedDto, IpcError> {
    blocking(app, move |state| {
        let key = custodia_core::RecoveryKey::parse(recovery_key.expose()).map_err(custodia_core::Error::from)?;
        open(state, Unlock::Recovery(key), accept_rollback)
    })
    .await
}

/// Opens the vault, and says what the open found worth telling (an already open vault: nothing).
fn open(state: &AppState, unlock: Unlock, accept_rollback: Option<String>) -> Result<UnlockedDto, IpcError> {
    if state.is_unlocked() {
        return Ok(UnlockedDto { notices: Vec::new() });
    }
    let (dir, session) = (&state.vault_dir, state.session.clone());
    let vault = match accept_rollback {
        Some(reason) => Vault::open_accepting_rollback(dir, &unlock, session, &reason)?,
        None => Vault::open(dir, &unlock, session)?,
    };
    let opened = UnlockedDto::of(&vault);
    state.set_vault(vault);
    Ok(opened)
}

#[tauri::command]
#[specta::specta]
pub async fn lock_vault(app: AppHandle) -> Result<(), IpcError> {
    let handle = app.clone();
    blocking(app, move |state| {
        if state.lock_vault() {
            let _ = VaultLocked { reason: LockReason::User }.emit(&handle);
        }
        Ok(())
    })
    .await
}

/// The page reports user input (throttled), which postpones the idle lock while the window has focus
/// (`AppState::page_activity` decides what counts).
#[tauri::command]
#[specta::specta]
pub fn touch_activity(state: State<'_, AppState>) {
    state.page_activity();
}

/// Checks the passphrase again and, when it is right, opens the short window in which sensitive commands
/// run (`reauth::GRACE`). A wrong one closes any open window. Each check costs a full key derivation, and
/// checks run one at a time behind the vault's lock, so guessing here is no faster than at unlock.
pub(crate) fn confirm(state: &AppState, passphrase: Secret) -> Result<(), IpcError> {
    let checked = state.with_vault(|vault| vault.check_passphrase(&passphrase.into_secret_string()));
    match checked {
        Ok(()) => {
            state.reauth().confirmed();
            state.page_activity();
            Ok(())
        }
        Err(e) => {
            state.reauth().clear();
            Err(e)
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn confirm_passphrase(app: AppHandle, passphrase: Secret) -> Result<(), IpcError> {
    blocking(app, move |state| confirm(state, passphrase)).await
}

/// A new recovery key replaces the old one and opens the vault without the passphrase: it is asked first.
pub(crate) fn new_recovery_key(state: &AppState) -> Result<String, IpcError> {
    state.reauth().require()?;
    state.with_vault(|vault| Ok(vault.create_recovery_key()?.to_display().expose_secret().to_string()))
}

#[tauri::command]
#[specta::specta]
pub async fn create_recovery_key(app: AppHandle) -> Result<String, IpcError> {
    blocking(app, new_recovery_key).await
}

/// Changes the passphrase after checking the current one again.
#[tauri::command]
#[specta::specta]
pub async fn change_passphrase(
    app: AppHandle,
    current: Secret,
    new_passphrase: Secret,
    repeat: Secret,
) -> Result<(), IpcError> {
    if new_passphrase.expose() != repeat.expose() {
        return Err(IpcError::new(ShellErrorCode::PassphraseMismatch, "the two new passphrases differ"));
    }
    blocking(app, move |state| {
        state.with_vault(|vault| {
            vault.check_passphrase(&current.into_secret_string())?;
            vault.change_passphrase(
                &new_passphrase.into_secret_string(),
                StrengthPolicy::Required,
                KdfParams::DEFAULT,
            )?;
            Ok(())
        })
    })
    .await
}

/// Saves the device settings. Keeping the vault open longer when nobody is there weakens protection, so
/// raising the idle lock needs the passphrase confirmed; shortening it or changing the language does not.
pub(crate) fn save(state: &AppState, settings: SettingsDto) -> Result<SettingsDto, IpcError> {
    let settings: Settings = settings.into();
    if settings.idle_lock_minutes > state.settings().idle_lock_minutes {
        state.reauth().require()?;
    }
    settings.save(&state.settings_path)?;
    state.set_settings(settings.clone());
    Ok(settings.into())
}

#[tauri::command]
#[specta::specta]
pub fn save_settings(state: State<'_, AppState>, settings: SettingsDto) -> Result<SettingsDto, IpcError> {
    save(&state, settings)
}
