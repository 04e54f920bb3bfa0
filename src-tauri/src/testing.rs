//! What the shell's own tests share: a clock they move by hand, and an unlocked vault in a temporary
//! folder whose app state reads that clock.

use crate::idle::Clock;
use crate::state::AppState;
use custodia_core::{KdfParams, SecretString, Session, StrengthPolicy, Vault};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A clock that stands still until a test moves it, as a machine's clock does across a suspend.
#[derive(Debug, Default)]
pub struct FakeClock(Mutex<Duration>);

impl FakeClock {
    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Duration {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// An unlocked vault in its own temporary folder (removed when the test ends), its app state on a fake
/// clock.
pub struct ClockedVault {
    dir: PathBuf,
    pub state: AppState,
    pub clock: Arc<FakeClock>,
}

impl ClockedVault {
    pub fn new(name: &str) -> ClockedVault {
        let dir = std::env::temp_dir().join(format!("custodia-app-clocked-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary folder");
        let session = Session::new("tester", "dev-test").expect("session");
        let clock = Arc::new(FakeClock::default());
        let state = AppState::with_clock(dir.join("vault"), dir.join("settings.json"), session.clone(), clock.clone());
        let passphrase = SecretString::from("correct horse battery staple".to_string());
        let vault = Vault::create(&dir.join("vault"), &passphrase, StrengthPolicy::Required, KdfParams::FLOOR, session)
            .expect("vault");
        state.set_vault(vault);
        ClockedVault { dir, state, clock }
    }

    /// The idle time the settings give (the default, unless a test saved others).
    pub fn idle_time(&self) -> Duration {
        Duration::from_secs(u64::from(self.state.settings().idle_lock_minutes) * 60)
    }
}

impl Drop for ClockedVault {
    fn drop(&mut self) {
        self.state.lock_vault();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
