//! Fingerprints people can read to each other over the phone: the SHA-256 of a key, its first 16 bytes
//! spelled with the PGP word list (two-syllable words at even positions, three-syllable words at odd
//! ones, so a skipped or swapped word is heard). 16 bytes keep a forged look-alike key out of reach
//! (2^128 work) while staying short enough to read aloud.

use sha2::{Digest, Sha256};

const LIST: &str = include_str!("pgp-words.txt");
/// How many fingerprint bytes are spelled out.
pub const SPOKEN_BYTES: usize = 16;

fn words() -> impl Iterator<Item = &'static str> {
    LIST.lines().filter(|l| !l.starts_with('#') && !l.is_empty())
}

fn word(position: usize, byte: u8) -> &'static str {
    let offset = if position.is_multiple_of(2) { 0 } else { 256 };
    words().nth(offset + byte as usize).unwrap_or("?")
}

/// The words for `bytes`, alternating the even and odd lists from the first byte.
pub fn spell(bytes: &[u8]) -> String {
    bytes.iter().enumerate().map(|(i, b)| word(i, *b)).collect::<Vec<_>>().join(" ")
}

/// Reads words back into bytes (any case, any spacing). `None` if a word is unknown or in the wrong list
/// for its position: a word heard wrongly, or one skipped.
pub fn unspell(text: &str) -> Option<Vec<u8>> {
    let all: Vec<&str> = words().collect();
    text.split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            let list = if i.is_multiple_of(2) { &all[..256] } else { &all[256..] };
            list.iter().position(|candidate| candidate.eq_ignore_ascii_case(w)).map(|p| p as u8)
        })
        .collect()
}

/// A key's fingerprint: hex SHA-256 of its bytes, and the words of its first bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fingerprint {
    pub hex: String,
    pub words: String,
}

impl Fingerprint {
    pub fn of(key_bytes: &[u8]) -> Fingerprint {
        let digest = Sha256::digest(key_bytes);
        Fingerprint { hex: hex::encode(digest), words: spell(&digest[..SPOKEN_BYTES]) }
    }

    /// Whether `typed` names this fingerprint: the full hex (spaces and colons allowed), or at least the
    /// spoken words.
    pub fn matches(&self, typed: &str) -> bool {
        let compact: String = typed.chars().filter(|c| !c.is_whitespace() && *c != ':').collect();
        if compact.len() == 64 && compact.chars().all(|c| c.is_ascii_hexdigit()) {
            return compact.eq_ignore_ascii_case(&self.hex);
        }
        match (unspell(typed), hex::decode(&self.hex)) {
            (Some(bytes), Ok(full)) => bytes.len() >= SPOKEN_BYTES && full.starts_with(&bytes),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_256_distinct_words_on_each_side() {
        let all: Vec<&str> = words().collect();
        assert_eq!(all.len(), 512);
        let mut lower: Vec<String> = all.iter().map(|w| w.to_lowercase()).collect();
        lower.sort();
        lower.dedup();
        assert_eq!(lower.len(), 512, "no word may appear twice");
    }

    #[test]
    fn spelling_matches_the_published_example() {
        // The example fingerprint of the PGP word list's own documentation.
        let bytes = hex::decode("E58294F2E9A227486E8B061B31CC528FD7FA3F19").expect("hex");
        assert_eq!(
            spell(&bytes),
            "topmost Istanbul Pluto vagabond treadmill Pacific brackish dictator goldfish Medusa \
             afflict bravado chatter revolver Dupont midsummer stopwatch whimsical cowbell bottomless"
        );
        assert_eq!(unspell(&spell(&bytes).to_uppercase()), Some(bytes));
    }

    #[test]
    fn a_swapped_or_skipped_word_is_caught() {
        assert_eq!(unspell("topmost Istanbul"), Some(vec![0xE5, 0x82]));
        assert_eq!(unspell("Istanbul topmost"), None, "words in the wrong list");
        assert_eq!(unspell("topmost Pluto"), None, "a skipped word");
    }

    #[test]
    fn fingerprints_match_their_hex_or_their_words_only() {
        let f = Fingerprint::of(b"age1example");
        assert!(f.matches(&f.hex.to_uppercase()));
        assert!(f.matches(&f.words));
        let other = Fingerprint::of(b"age1other");
        assert!(!f.matches(&other.hex));
        assert!(!f.matches(&other.words));
        let short: Vec<&str> = f.words.split(' ').take(4).collect();
        assert!(!f.matches(&short.join(" ")), "four words are too few to trust");
    }
}
