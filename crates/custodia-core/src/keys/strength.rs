//! Passphrase strength, for feedback while a passphrase is chosen: zxcvbn's estimate, plus our own floor
//! on length. Never stored, never logged.

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

#[cfg(test)]
mod tests {
    use super::strength;

    #[test]
    fn common_and_short_passphrases_are_weak_and_long_ones_strong() {
        assert!(!strength("password").acceptable);
        assert!(!strength("custodia1").acceptable);
        assert!(!strength("").acceptable);
        let strong = strength("olive lantern mountain seventeen");
        assert!(strong.acceptable && strong.score == 4, "{strong:?}");
    }
}
