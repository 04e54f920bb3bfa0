//! Asking for the passphrase again before sensitive acts: a new recovery key, an export, a setting that
//! weakens protection, identities revealed in bulk. Someone at an unattended, unlocked app can browse,
//! but cannot take a credential that outlives the lock or carry evidence away without the passphrase.
//! A correct passphrase opens a short grace window; a wrong one, the lock, or a new unlock closes it.

use crate::ipc::{IpcError, ShellErrorCode};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a confirmed passphrase covers further sensitive acts: long enough for one export or one
/// settings change, short enough that a window left open does not stay open for long.
pub const GRACE: Duration = Duration::from_secs(120);

/// When the passphrase was last confirmed. Kept apart from the idle lock's clock: both measure the same
/// monotonic time (`Instant`), which does not jump when the wall clock is changed.
#[derive(Debug, Default)]
pub struct Reauth {
    confirmed_at: Mutex<Option<Instant>>,
}

impl Reauth {
    fn slot(&self) -> MutexGuard<'_, Option<Instant>> {
        // Only an `Instant` lives here: a panic in another holder cannot leave it half-written.
        self.confirmed_at.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Opens the grace window, after the passphrase was checked.
    pub fn confirmed(&self) {
        *self.slot() = Some(Instant::now());
    }

    /// Closes the grace window (lock, unlock, wrong passphrase).
    pub fn clear(&self) {
        *self.slot() = None;
    }

    /// Answers `reauth_required` unless the passphrase was confirmed within the grace window.
    pub fn require(&self) -> Result<(), IpcError> {
        match *self.slot() {
            Some(at) if at.elapsed() < GRACE => Ok(()),
            _ => Err(IpcError::new(
                ShellErrorCode::ReauthRequired,
                "enter the vault's passphrase again to do this; it is asked again after two minutes",
            )),
        }
    }

    /// Moves the confirmation into the past, so tests can see the window expire without waiting.
    #[cfg(test)]
    pub fn backdate(&self, by: Duration) {
        let mut slot = self.slot();
        *slot = slot.and_then(|at| at.checked_sub(by));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_closed_until_confirmed_open_for_the_grace_time_and_closed_by_clear() {
        let reauth = Reauth::default();
        assert_eq!(reauth.require().expect_err("closed at first").code, ShellErrorCode::ReauthRequired.into());
        reauth.confirmed();
        assert!(reauth.require().is_ok(), "open right after a confirmation");
        reauth.backdate(GRACE);
        assert!(reauth.require().is_err(), "closed once the grace time has passed");
        reauth.confirmed();
        reauth.clear();
        assert!(reauth.require().is_err(), "closed by clear");
    }
}
