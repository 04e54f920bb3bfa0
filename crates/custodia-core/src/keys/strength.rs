//! Passphrase strength: zxcvbn's estimate plus our own floor on length, shown while a passphrase is
//! chosen and enforced here, in the core, whenever one is set (a vault's, a bundle's), so no shell can
//! forget it. Never stored; the log records only that a script chose to let a weak one through.

use super::KeyError;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

/// A strength score from 0 (trivially guessed) to 4 (very strong), and whether Custodia accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Strength {
    pub score: u8,
    pub acceptable: bool,
    /// log10 of the estimated guesses, for a finer bar than the score.
    pub guesses_log10: f64,
}

/// Estimates the strength of `passphrase`. Acceptable means at least 8 characters and a score of 3.
pub fn strength(passphrase: &str) -> Strength {
    // zxcvbn's cost grows with length; nobody types a passphrase longer than this. A slice, not a copy, so
    // no copy of the passphrase is left behind here (zxcvbn's own working copies are out of our reach).
    let end = passphrase.char_indices().nth(256).map_or(passphrase.len(), |(i, _)| i);
    let sample = &passphrase[..end];
    if sample.is_empty() {
        return Strength { score: 0, acceptable: false, guesses_log10: 0.0 };
    }
    let estimate = zxcvbn::zxcvbn(sample, &["custodia", "vault", "evidence"]);
    let score = u8::from(estimate.score());
    Strength {
        score,
        acceptable: score >= 3 && sample.chars().count() >= super::slots::MIN_PASSPHRASE_CHARS,
        guesses_log10: estimate.guesses_log10(),
    }
}

/// Whether a passphrase that is too easy to guess is refused. The app always requires strength; only a
/// script that says so explicitly (`--allow-weak-passphrase`) may let a weak one through, and the custody
/// event of the act records that it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrengthPolicy {
    Required,
    WeakAllowed,
}

/// What the check let through, for the custody event that records the act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Strong,
    /// Weak, and let through only because the caller passed `StrengthPolicy::WeakAllowed`.
    WeakAllowed,
}

impl Verdict {
    /// Adds `"weak_passphrase_allowed": true` to an event's details when the override was used, so a
    /// reviewer of the log sees it; a strong passphrase adds nothing.
    pub(crate) fn mark(self, details: &mut serde_json::Value) {
        if let (Verdict::WeakAllowed, Some(map)) = (self, details.as_object_mut()) {
            map.insert("weak_passphrase_allowed".into(), serde_json::Value::Bool(true));
        }
    }
}

impl StrengthPolicy {
    /// Checks a new passphrase before anything is written: shorter than `min_chars` is always refused
    /// (that floor is not a matter of policy), and one that is not acceptable is refused unless weak
    /// passphrases are allowed.
    pub(crate) fn check(self, passphrase: &SecretString, min_chars: usize) -> Result<Verdict, KeyError> {
        let text = passphrase.expose_secret();
        if text.chars().count() < min_chars {
            return Err(KeyError::PassphraseTooShort { min: min_chars });
        }
        let estimate = strength(text);
        match (estimate.acceptable, self) {
            (true, _) => Ok(Verdict::Strong),
            (false, StrengthPolicy::WeakAllowed) => Ok(Verdict::WeakAllowed),
            (false, StrengthPolicy::Required) => Err(KeyError::WeakPassphrase { score: estimate.score }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{strength, StrengthPolicy, Verdict};
    use crate::keys::KeyError;
    use secrecy::SecretString;

    #[test]
    fn the_policy_refuses_weak_passphrases_unless_told_to_allow_them_and_never_short_ones() {
        let weak = SecretString::from("12345678");
        assert!(
            matches!(StrengthPolicy::Required.check(&weak, 8), Err(KeyError::WeakPassphrase { .. })),
            "12345678 is refused as weak"
        );
        assert_eq!(
            StrengthPolicy::WeakAllowed.check(&weak, 8).ok(),
            Some(Verdict::WeakAllowed),
            "the override lets it through"
        );
        let strong = SecretString::from("olive lantern mountain seventeen");
        assert_eq!(StrengthPolicy::Required.check(&strong, 8).ok(), Some(Verdict::Strong), "a strong one passes");
        assert_eq!(StrengthPolicy::WeakAllowed.check(&strong, 8).ok(), Some(Verdict::Strong), "and is not marked weak");
        let short = SecretString::from("abc");
        assert!(
            matches!(StrengthPolicy::WeakAllowed.check(&short, 8), Err(KeyError::PassphraseTooShort { min: 8 })),
            "the length floor holds even with the override"
        );
    }

    #[test]
    fn only_an_allowed_weak_passphrase_marks_the_event() {
        let mut details = serde_json::json!({ "kind": "passphrase" });
        Verdict::Strong.mark(&mut details);
        assert_eq!(details, serde_json::json!({ "kind": "passphrase" }), "a strong passphrase adds nothing");
        Verdict::WeakAllowed.mark(&mut details);
        assert_eq!(details["weak_passphrase_allowed"], true, "the override is recorded");
    }

    #[test]
    fn common_and_short_passphrases_are_weak_and_long_ones_strong() {
        assert!(!strength("password").acceptable);
        assert!(!strength("custodia1").acceptable);
        assert!(!strength("").acceptable);
        let strong = strength("olive lantern mountain seventeen");
        assert!(strong.acceptable && strong.score == 4, "{strong:?}");
    }
}
