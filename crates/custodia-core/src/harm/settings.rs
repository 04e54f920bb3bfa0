//! The rules' thresholds and cooldowns, stored in the vault (`vault_settings`) so that every device using
//! the vault applies the same ones. A missing setting means its default; a change is a custody event.

use super::gate::HarmError;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::vault::Vault;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;

/// Thresholds and cooldowns of the do-no-harm rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HarmSettings {
    /// Person-match score (0..1) from which two persons are probably the same.
    pub duplicate_threshold: f64,
    /// An interview within this many days of an earlier one is a warning.
    pub cooldown_days: u32,
    /// A person interviewed this many times already is a warning.
    pub max_interviews: u32,
    /// Estimated Jaccard similarity of transcripts (0..1) from which they are near-duplicates.
    pub testimony_similarity: f64,
}

impl Default for HarmSettings {
    fn default() -> Self {
        HarmSettings {
            duplicate_threshold: super::people::DEFAULT_THRESHOLD,
            cooldown_days: 90,
            max_interviews: 2,
            testimony_similarity: super::minhash::DEFAULT_SIMILARITY,
        }
    }
}

/// Each setting: its stored key and the range it must fall in. The similarity floor is where the LSH
/// banding still finds nearly every pair (see `minhash`).
const RANGES: [(&str, f64, f64); 4] = [
    ("duplicate_threshold", 0.5, 1.0),
    ("cooldown_days", 0.0, 3650.0),
    ("max_interviews", 1.0, 100.0),
    ("testimony_similarity", super::minhash::MIN_SIMILARITY, 1.0),
];

impl HarmSettings {
    fn values(&self) -> [f64; 4] {
        [self.duplicate_threshold, self.cooldown_days as f64, self.max_interviews as f64, self.testimony_similarity]
    }

    /// Refuses values outside their ranges (a threshold of 0 would flag everyone; of 2, no one).
    pub fn check(&self) -> Result<(), HarmError> {
        for ((name, min, max), value) in RANGES.iter().zip(self.values()) {
            if !(value.is_finite() && (*min..=*max).contains(&value)) {
                return Err(HarmError::BadSetting { name, min: *min, max: *max });
            }
        }
        Ok(())
    }

    pub(crate) fn load(conn: &Connection) -> Result<HarmSettings> {
        let mut settings = HarmSettings::default();
        let get = |key: &str| -> Result<Option<f64>> {
            let value: Option<String> = conn
                .query_row("SELECT value FROM vault_settings WHERE key = ?1", [format!("harm.{key}")], |r| r.get(0))
                .optional()?;
            Ok(value.and_then(|v| v.parse().ok()))
        };
        if let Some(v) = get("duplicate_threshold")? {
            settings.duplicate_threshold = v;
        }
        if let Some(v) = get("cooldown_days")? {
            settings.cooldown_days = v as u32;
        }
        if let Some(v) = get("max_interviews")? {
            settings.max_interviews = v as u32;
        }
        if let Some(v) = get("testimony_similarity")? {
            settings.testimony_similarity = v;
        }
        // A value that does not check (edited by hand) falls back to the defaults rather than silencing a rule.
        Ok(if settings.check().is_ok() { settings } else { HarmSettings::default() })
    }
}

impl Vault {
    /// The do-no-harm settings in force.
    pub fn harm_settings(&self) -> Result<HarmSettings> {
        HarmSettings::load(&self.conn)
    }

    /// Changes the do-no-harm settings; logs each changed value (old and new: they are not personal).
    pub fn set_harm_settings(&mut self, new: &HarmSettings) -> Result<HarmSettings> {
        new.check()?;
        let old = self.harm_settings()?;
        let tx = self.conn.transaction()?;
        for ((name, _, _), (before, after)) in RANGES.iter().zip(old.values().into_iter().zip(new.values())) {
            if before != after {
                tx.execute(
                    "INSERT INTO vault_settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![format!("harm.{name}"), after.to_string()],
                )?;
                let details = json!({ "setting": format!("harm.{name}"), "previous": before, "value": after });
                custody::append(&tx, &self.session, Action::SettingsChanged, None, details)?;
            }
        }
        tx.commit()?;
        self.harm_settings()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_check_and_out_of_range_values_are_refused() {
        assert!(HarmSettings::default().check().is_ok());
        let d = HarmSettings::default();
        assert!(HarmSettings { duplicate_threshold: 0.1, ..d }.check().is_err());
        assert!(HarmSettings { testimony_similarity: f64::NAN, ..d }.check().is_err());
        assert!(HarmSettings { max_interviews: 0, ..d }.check().is_err());
        assert!(HarmSettings { cooldown_days: 4000, ..d }.check().is_err());
    }
}
