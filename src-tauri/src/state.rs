//! What the shell keeps between calls: where the vault and settings live, who is acting, the open vault
//! (if unlocked) with its person index, what the idle lock decides from (the clock, the last counted
//! activity, whether the window has focus, each running job's cancel flag and deadline), and the files
//! the native dialogs gave for a received bundle, and when the passphrase was last confirmed for a
//! sensitive act.

use crate::idle::{self, BootClock, Clock, PAGE_ACTIVITY_EVERY};
use crate::ipc::IpcError;
use crate::jobs::JobKind;
use crate::reauth::Reauth;
use custodia_core::harm::PersonChecker;
use custodia_core::{Session, Settings, Vault};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub struct AppState {
    pub vault_dir: PathBuf,
    pub settings_path: PathBuf,
    pub session: Session,
    vault: Mutex<Option<OpenVault>>,
    /// Whether `vault` holds a vault, readable without its mutex: a job holds that mutex for its whole
    /// length (a verification does), and the idle watcher must not wait for the job it may have to stop.
    unlocked: AtomicBool,
    settings: Mutex<Settings>,
    clock: Arc<dyn Clock>,
    activity: Mutex<Activity>,
    jobs: Mutex<HashMap<u32, Job>>,
    next_job: AtomicU32,
    receiving: Mutex<Receiving>,
    reauth: Reauth,
}

/// What the idle lock knows of the user: when activity last counted, and whether the app's window has
/// focus (which the shell learns from the window system; a page cannot fake it).
#[derive(Debug, Clone, Copy)]
struct Activity {
    last: Duration,
    focused: bool,
}

/// A running job: its cancel flag, and the time after which it no longer defers the idle lock.
struct Job {
    cancel: Arc<AtomicBool>,
    defers_until: Duration,
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
        AppState::with_clock(vault_dir, settings_path, session, Arc::new(BootClock))
    }

    /// An app state that reads time from `clock` (tests give a fake one).
    pub fn with_clock(vault_dir: PathBuf, settings_path: PathBuf, session: Session, clock: Arc<dyn Clock>) -> Self {
        let settings = Settings::load(&settings_path);
        let now = clock.now();
        AppState {
            vault_dir,
            settings_path,
            session,
            vault: Mutex::new(None),
            unlocked: AtomicBool::new(false),
            settings: Mutex::new(settings),
            clock,
            // The window system reports focus when the window gets it; until then the page's reports do
            // not count, which can only make the lock come sooner.
            activity: Mutex::new(Activity { last: now, focused: false }),
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
        self.unlocked.load(Ordering::SeqCst)
    }

    /// Keeps the unlocked vault; unlocking counts as activity (the user just typed the passphrase).
    pub fn set_vault(&self, vault: Vault) {
        lock(&self.activity).last = self.clock.now();
        // A new unlock starts without a confirmed passphrase: sensitive acts ask for it again.
        self.reauth.clear();
        let mut guard = lock(&self.vault);
        *guard = Some(OpenVault { vault, checker: None });
        self.unlocked.store(true, Ordering::SeqCst);
    }

    /// Cancels running jobs, records the close and drops the vault, and with it every key in memory.
    /// Returns false when the vault was already locked.
    pub fn lock_vault(&self) -> bool {
        for job in lock(&self.jobs).values() {
            job.cancel.store(true, Ordering::SeqCst);
        }
        let open = {
            let mut guard = lock(&self.vault);
            self.unlocked.store(false, Ordering::SeqCst);
            guard.take()
        };
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

    /// The window gained or lost focus, as the window system reports it.
    pub fn set_focused(&self, focused: bool) {
        lock(&self.activity).focused = focused;
    }

    /// The page reports user input, which postpones the idle lock. The page is untrusted: its report
    /// counts only while the window has focus, and at most once per `PAGE_ACTIVITY_EVERY`, so no loop
    /// of calls from a page in the background keeps the vault open. Answers whether it counted.
    pub fn page_activity(&self) -> bool {
        let now = self.clock.now();
        let mut activity = lock(&self.activity);
        let counts = activity.focused && now.saturating_sub(activity.last) >= PAGE_ACTIVITY_EVERY;
        if counts {
            activity.last = now;
        }
        counts
    }

    /// True when the vault is open and the idle lock is due (`idle::expired`): nobody was active for the
    /// idle time, and every running job is past its deadline.
    pub fn idle_expired(&self) -> bool {
        let idle = Duration::from_secs(u64::from(self.settings().idle_lock_minutes) * 60);
        let now = self.clock.now();
        let last_activity = lock(&self.activity).last;
        let deadlines: Vec<Duration> = lock(&self.jobs).values().map(|job| job.defers_until).collect();
        self.is_unlocked() && idle::expired(now, last_activity, idle, &deadlines)
    }

    pub fn receiving(&self) -> Receiving {
        lock(&self.receiving).clone()
    }

    pub fn set_receiving(&self, change: impl FnOnce(&mut Receiving)) -> Receiving {
        let mut guard = lock(&self.receiving);
        change(&mut guard);
        guard.clone()
    }

    /// Registers a job of `kind`, which defers the idle lock for at most its kind's bound from now;
    /// returns its id and its cancel flag.
    pub fn start_job(&self, kind: JobKind) -> (u32, Arc<AtomicBool>) {
        let id = self.next_job.fetch_add(1, Ordering::SeqCst);
        let cancel = Arc::new(AtomicBool::new(false));
        let defers_until = self.clock.now().saturating_add(kind.idle_bound());
        lock(&self.jobs).insert(id, Job { cancel: cancel.clone(), defers_until });
        (id, cancel)
    }

    /// Forgets a finished job. Its end is not user activity: when the idle time passed while it ran,
    /// the vault locks at the next check.
    pub fn finish_job(&self, id: u32) {
        lock(&self.jobs).remove(&id);
    }

    /// Asks a job to stop; returns false for an unknown job.
    pub fn cancel_job(&self, id: u32) -> bool {
        match lock(&self.jobs).get(&id) {
            Some(job) => {
                job.cancel.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }
}
