//! Argon2id parameters for passphrase slots: defaults, the floor below which we refuse to go, and the cap
//! above which a (possibly hostile) slot file would tie up the machine.

use super::KeyError;
use serde::{Deserialize, Serialize};

/// Argon2id cost parameters, stored in each passphrase slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    /// DESIGN.md defaults: 256 MiB, t=3, p=1.
    pub const DEFAULT: KdfParams = KdfParams { memory_kib: 256 * 1024, iterations: 3, parallelism: 1 };
    /// The OWASP floor: 19 MiB, t=2. Tests run here.
    pub const FLOOR: KdfParams = KdfParams { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 };
    const MAX_MEMORY_KIB: u32 = 2048 * 1024;
    const MAX_ITERATIONS: u32 = 16;
    const MAX_PARALLELISM: u32 = 4;

    /// Builds parameters from the user's units (MiB, iterations), refusing values outside floor and cap.
    pub fn from_user(memory_mib: u32, iterations: u32) -> Result<Self, KeyError> {
        let params = KdfParams {
            memory_kib: memory_mib.saturating_mul(1024),
            iterations,
            parallelism: Self::DEFAULT.parallelism,
        };
        params.check()?;
        Ok(params)
    }

    /// Refuses parameters below the floor (too weak) or above the cap (denial of service).
    pub fn check(&self) -> Result<(), KeyError> {
        let floor = Self::FLOOR;
        if self.memory_kib < floor.memory_kib || self.iterations < floor.iterations || self.parallelism < 1 {
            return Err(KeyError::KdfParams(format!(
                "key derivation settings too weak: at least {} MiB of memory and {} iterations are required",
                floor.memory_kib / 1024,
                floor.iterations
            )));
        }
        if self.memory_kib > Self::MAX_MEMORY_KIB
            || self.iterations > Self::MAX_ITERATIONS
            || self.parallelism > Self::MAX_PARALLELISM
        {
            return Err(KeyError::KdfParams(format!(
                "key derivation settings too costly: at most {} MiB of memory, {} iterations and {} lanes are allowed",
                Self::MAX_MEMORY_KIB / 1024,
                Self::MAX_ITERATIONS,
                Self::MAX_PARALLELISM
            )));
        }
        Ok(())
    }

    /// Runs Argon2id over `secret` and `salt` into a 32-byte key.
    pub(crate) fn derive(&self, secret: &[u8], salt: &[u8], out: &mut [u8; 32]) -> Result<(), KeyError> {
        self.check()?;
        let params = argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|e| KeyError::KdfParams(format!("invalid key derivation settings: {e}")))?;
        argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
            .hash_password_into(secret, salt, out)
            .map_err(|e| KeyError::KdfParams(format!("key derivation failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_is_accepted_and_below_floor_is_refused() {
        assert!(KdfParams::from_user(19, 2).is_ok());
        assert!(matches!(KdfParams::from_user(18, 2), Err(KeyError::KdfParams(_))));
        assert!(matches!(KdfParams::from_user(19, 1), Err(KeyError::KdfParams(_))));
    }

    #[test]
    fn cap_refuses_denial_of_service_settings() {
        assert!(KdfParams::from_user(2048, 16).is_ok());
        assert!(KdfParams::from_user(2049, 3).is_err());
        assert!(KdfParams::from_user(256, 17).is_err());
        let wide = KdfParams { parallelism: 64, ..KdfParams::DEFAULT };
        assert!(wide.check().is_err());
    }

    #[test]
    fn default_parameters_pass_their_own_check() {
        KdfParams::DEFAULT.check().expect("defaults must be valid");
    }
}
