//! Fingerprints people can read to each other over the phone: the SHA-256 of a key, its first 16 bytes
//! spelled with the PGP word list (two-syllable words at even positions, three-syllable words at odd
//! ones, so a skipped or swapped word is heard). 16 bytes keep a forged look-alike key out of reach
//! (2^128 work) while staying short enough to read aloud.
//!
//! The words are English. The same 16 bytes are also written as eight groups of five digits (each group
//! one pair of bytes, 00000 to 65535), which anyone reads aloud in their own language: a French speaker
//! and an Arabic speaker compare the same numbers, and either form (or the full hex) confirms a key.

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

/// Digits in one group of the spoken numbers: a pair of bytes, 00000 to 65535.
const GROUP_DIGITS: usize = 5;

/// The numbers for `bytes` (an even count): one group of five digits per pair of bytes.
pub fn numbers(bytes: &[u8]) -> String {
    let groups = bytes.chunks(2).map(|pair| {
        let value = u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]);
        format!("{value:0GROUP_DIGITS$}")
    });
    groups.collect::<Vec<_>>().join(" ")
}

/// Reads numbers back into bytes: Latin or Arabic-Indic digits (as an Arabic keyboard types them), any
/// spacing. `None` unless the digits make whole groups of five, each at most 65535.
pub fn unnumber(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u32> = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c {
            '0'..='9' => Some(c as u32 - '0' as u32),
            '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
            '\u{06f0}'..='\u{06f9}' => Some(c as u32 - 0x06f0),
            _ => None,
        })
        .collect::<Option<_>>()?;
    if digits.is_empty() || !digits.len().is_multiple_of(GROUP_DIGITS) {
        return None;
    }
    let mut bytes = Vec::with_capacity(digits.len() / GROUP_DIGITS * 2);
    for group in digits.chunks(GROUP_DIGITS) {
        let value = group.iter().fold(0u32, |n, d| n * 10 + d);
        let pair = u16::try_from(value).ok()?;
        bytes.extend_from_slice(&pair.to_be_bytes());
    }
    Some(bytes)
}

/// A key's fingerprint: hex SHA-256 of its bytes, and its first bytes as words and as numbers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Fingerprint {
    pub hex: String,
    pub words: String,
    pub numbers: String,
}

impl Fingerprint {
    pub fn of(key_bytes: &[u8]) -> Fingerprint {
        let digest = Sha256::digest(key_bytes);
        Fingerprint::from_digest(&digest)
    }

    /// The fingerprint of a SHA-256 already made; `None` unless `hex` is one.
    pub fn from_hex(hex: &str) -> Option<Fingerprint> {
        let digest = hex::decode(hex).ok().filter(|d| d.len() == 32)?;
        Some(Fingerprint::from_digest(&digest))
    }

    fn from_digest(digest: &[u8]) -> Fingerprint {
        let spoken = &digest[..SPOKEN_BYTES];
        Fingerprint { hex: hex::encode(digest), words: spell(spoken), numbers: numbers(spoken) }
    }

    /// Whether `typed` names this fingerprint: the full hex (spaces and colons allowed), or at least the
    /// spoken words, or at least the spoken numbers.
    pub fn matches(&self, typed: &str) -> bool {
        let compact: String = typed.chars().filter(|c| !c.is_whitespace() && *c != ':').collect();
        if compact.len() == 64 && compact.chars().all(|c| c.is_ascii_hexdigit()) {
            return compact.eq_ignore_ascii_case(&self.hex);
        }
        match (unspell(typed).or_else(|| unnumber(typed)), hex::decode(&self.hex)) {
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

    #[test]
    fn the_numbers_are_the_same_bytes_and_confirm_a_key_in_any_digits() {
        assert_eq!(numbers(&[0x00, 0x2a, 0xff, 0xff]), "00042 65535");
        assert_eq!(unnumber("00042 65535"), Some(vec![0x00, 0x2a, 0xff, 0xff]));
        assert_eq!(unnumber("65536"), None, "a group above 65535 was misheard");
        assert_eq!(unnumber("0004"), None, "a group short of a digit");
        let f = Fingerprint::of(b"age1example");
        assert_eq!(f.numbers.split(' ').count(), 8, "{}", f.numbers);
        assert!(f.matches(&f.numbers));
        let arabic_indic: String =
            f.numbers.chars().map(|c| c.to_digit(10).map_or(c, |d| char::from_u32(0x0660 + d).unwrap_or(c))).collect();
        assert!(f.matches(&arabic_indic), "typed on an Arabic keyboard: {arabic_indic}");
        assert!(!f.matches(&Fingerprint::of(b"age1other").numbers));
        let mut misheard = f.numbers.clone();
        misheard.replace_range(0..1, if misheard.starts_with('1') { "2" } else { "1" });
        assert!(!f.matches(&misheard), "one digit wrong");
        let half: Vec<&str> = f.numbers.split(' ').take(4).collect();
        assert!(!f.matches(&half.join(" ")), "half the numbers are too few to trust");
        assert_eq!(Fingerprint::from_hex(&f.hex), Some(f));
    }
}
