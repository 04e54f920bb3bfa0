//! What the shell keeps between calls: where the vault and settings live, who is acting, the open vault
//! (if unlocked) with its person index, the time of the last user activity, the cancel flags of
//! running jobs, the files the native dialogs gave for a received bundle, and when the passphrase was last
//! confirmed for a sensitive act.

use crate::ipc::IpcError;
use crate::reauth::Reauth;
use custodia_core::harm::PersonChecker;
use custodia_core::{Session, Settings, Vault};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

pub struct AppState {
    pub vault_dir: PathBuf,
    pub settings_path: PathBuf,
    pub session: Session,
    vault: Mutex<Option<OpenVault>>,
    settings: Mutex<Settings>,
    last_activity: Mutex<Instant>,
    jobs: Mutex<HashMap<u32, Arc<AtomicBool>>>,
    next_job: AtomicU32,
    receiving: Mutex<Receiving>,
    reauth: Reauth,
}

/// The received bundle and the key file that opens it, as the native dialogs gave them: the page names
/// neither, it only asks the shell to use what was chosen.
#[derive(Debug, Clone, Default)]
pub struct Receiving {
    pub bundle: Option<PathBuf>,
    pub identity: Option<PathBuf>,
}

/// The unlocked vault and what lives only as long as it does: the index of stored persons that the
/// duplicate check keeps between keystrokes. The index holds names, so it goes when the vault goes.
struct OpenVault {
    vault: Vault,
    checker: Option<PersonChecker>,
}

/// Locks a mutex, recovering from a panic in another holder (the data stays consistent: the vault's own
/// transactions protect it).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    pub fn new(vault_dir: PathBuf, settings_path: PathBuf, session: Session) -> Self {
        let settings = Settings::load(&settings_path);
        AppState {
            vault_dir,
            settings_path,
            session,
            vault: Mutex::new(None),
            settings: Mutex::new(settings),
            last_activity: Mutex::new(Instant::now()),
            jobs: Mutex::new(HashMap::new()),
            next_job: AtomicU32::new(1),
            receiving: Mutex::new(Receiving::default()),
            reauth: Reauth::default(),
        }
    }

    /// Runs `f` on the open vault, or answers "locked".
    pub fn with_vault<T>(&self, f: impl FnOnce(&mut Vault) -> custodia_core::Result<T>) -> Result<T, IpcError> {
        let mut guard = lock(&self.vault);
        let open = guard.as_mut().ok_or_else(IpcError::locked)?;
        f(&mut open.vault).map_err(IpcError::from)
    }

    /// Runs `f` on the open vault with the one person index of this unlock, built on first use (the
    /// core refreshes it when persons change).
    pub fn with_checker<T>(
        &self,
        f: impl FnOnce(&mut Vault, &mut PersonChecker) -> custodia_core::Result<T>,
    ) -> Result<T, IpcError> {
        let mut guard = lock(&self.vault);
        let open = guard.as_mut().ok_or_else(IpcError::locked)?;
        let checker = open.checker.get_or_insert_with(PersonChecker::default);
        f(&mut open.vault, checker).map_err(IpcError::from)
    }

    /// Whether the person index exists now (for tests: it must not outlive the vault).
    #[cfg(test)]
    pub fn has_checker(&self) -> bool {
        lock(&self.vault).as_ref().is_some_and(|open| open.checker.is_some())
    }

    pub fn is_unlocked(&self) -> bool {
        lock(&self.vault).is_some()
    }

    pub fn set_vault(&self, vault: Vault) {
        self.touch();
        // A new unlock starts without a confirmed passphrase: sensitive acts ask for it again.
        self.reauth.clear();
        *lock(&self.vault) = Some(OpenVault { vault, checker: None });
    }

    /// Cancels running jobs, records the close and drops the vault, and with it every key in memory.
    /// Returns false when the vault was already locked.
    pub fn lock_vault(&self) -> bool {
        for flag in lock(&self.jobs).values() {
            flag.store(true, Ordering::SeqCst);
        }
        let open = lock(&self.vault).take();
        self.reauth.clear();
        match open {
            Some(OpenVault { vault, checker }) => {
                // The person index holds names: it goes first, with the keys right after.
                drop(checker);
                // A failure to record the close must not keep the keys in memory.
                let _ = vault.close();
                true
            }
            None => false,
        }
    }

    /// The passphrase confirmation that sensitive commands require.
    pub fn reauth(&self) -> &Reauth {
        &self.reauth
    }

    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    pub fn set_settings(&self, settings: Settings) {
        *lock(&self.settings) = settings;
    }

    /// Records user activity, which postpones the idle lock.
    pub fn touch(&self) {
        *lock(&self.last_activity) = Instant::now();
    }

    /// True when the vault is open, no job runs, and nobody has touched the app for the idle time.
    pub fn idle_expired(&self) -> bool {
        let idle = std::time::Duration::from_secs(u64::from(self.settings().idle_lock_minutes) * 60);
        let busy = !lock(&self.jobs).is_empty();
        !busy && self.is_unlocked() && lock(&self.last_activity).elapsed() >= idle
    }

    pub fn receiving(&self) -> Receiving {
        lock(&self.receiving).clone()
    }

    pub fn set_receiving(&self, change: impl FnOnce(&mut Receiving)) -> Receiving {
        let mut guard = lock(&self.receiving);
        change(&mut guard);
        guard.clone()
    }

    /// Registers a job; returns its id and its cancel flag.
    pub fn start_job(&self) -> (u32, Arc<AtomicBool>) {
        let id = self.next_job.fetch_add(1, Ordering::SeqCst);
        let flag = Arc::new(AtomicBool::new(false));
        lock(&self.jobs).insert(id, flag.clone());
        (id, flag)
    }

    pub fn finish_job(&self, id: u32) {
        lock(&self.jobs).remove(&id);
        self.touch();
    }

    /// Asks a job to stop; returns false for an unknown job.
    pub fn cancel_job(&self, id: u32) -> bool {
        match lock(&self.jobs).get(&id) {
            Some(flag) => {
                flag.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }
}
