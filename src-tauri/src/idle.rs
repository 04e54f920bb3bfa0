//! The idle lock, enforced by the shell (a frozen or hostile page cannot keep the vault open): a watcher
//! thread locks the vault once nobody has used the app for the configured time, and every automatic
//! lock (idle, sleep, screen lock) takes the one path of `lock`.
//!
//! Time is read from a `Clock` that keeps counting while the machine sleeps (`CLOCK_BOOTTIME`): a
//! monotonic clock stops during suspend, so a lid closed for hours would wake up with the vault open and
//! the idle time barely started. The watcher polls every 5 s, so after a resume the vault locks within
//! 5 s if the idle time ran out while asleep (the D-Bus watcher in `lock_signals` usually locked it
//! before the sleep already).
//!
//! Nothing defers the lock without limit. The decision (`expired`) is a pure function of the time now,
//! the last counted activity, the idle time and the running jobs: each job defers the lock only until
//! the bound of its kind has passed since it started (`JobKind::idle_bound`); after that, the lock
//! fires and cancels it. What counts as activity is decided in `state.rs`: unlocking, and the page's
//! reports only while the window has focus and at most once per `PAGE_ACTIVITY_EVERY`.

use crate::events::VaultLocked;
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

const CHECK_EVERY: Duration = Duration::from_secs(5);

/// The page reports activity at most this often (it throttles itself to 20 s); more frequent reports
/// are ignored, so a page cannot make every call count.
pub const PAGE_ACTIVITY_EVERY: Duration = Duration::from_secs(10);

/// Time since an arbitrary origin, counting the time the machine slept.
pub trait Clock: Send + Sync {
    fn now(&self) -> Duration;
}

/// The system's clock since boot, suspend included (`CLOCK_BOOTTIME`).
#[derive(Debug, Clone, Copy, Default)]
pub struct BootClock;

#[cfg(any(target_os = "linux", target_os = "android"))]
impl Clock for BootClock {
    fn now(&self) -> Duration {
        let time = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
        // The kernel gives a non-negative time since boot; a negative field would be a kernel bug, read as 0.
        let seconds = u64::try_from(time.tv_sec).unwrap_or(0);
        let nanos = u32::try_from(time.tv_nsec).unwrap_or(0);
        Duration::new(seconds, nanos)
    }
}

/// Elsewhere the standard clock, which may not count sleep; the desktop app targets Linux.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
impl Clock for BootClock {
    fn now(&self) -> Duration {
        static ORIGIN: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        ORIGIN.get_or_init(std::time::Instant::now).elapsed()
    }
}

/// Whether the idle lock is due at `now`: nobody was active for `idle`, and no job still defers it
/// (each defers only until its own deadline). Whether a vault is open is the caller's question.
pub fn expired(now: Duration, last_activity: Duration, idle: Duration, job_deadlines: &[Duration]) -> bool {
    let idle_passed = now.saturating_sub(last_activity) >= idle;
    let no_job_defers = job_deadlines.iter().all(|&deadline| now >= deadline);
    idle_passed && no_job_defers
}

/// Why the vault locked, as the `VaultLocked` event names it to the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    Idle,
    Sleep,
    ScreenLocked,
    /// The user locked it.
    User,
}

/// Locks the vault (cancelling running jobs) and tells the page why; nothing is said when it was
/// already locked.
pub fn lock(app: &AppHandle, reason: LockReason) {
    if app.state::<AppState>().lock_vault() {
        let _ = VaultLocked { reason }.emit(app);
    }
}

pub fn watch(app: AppHandle) {
    std::thread::spawn(move || loop {
        std::thread::sleep(CHECK_EVERY);
        if app.state::<AppState>().idle_expired() {
            lock(&app, LockReason::Idle);
        }
    });
}

#[cfg(test)]
mod tests;
