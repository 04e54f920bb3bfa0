//! MinHash signatures of transcripts and their LSH band keys, for the near-duplicate-testimony rule.
//!
//! A transcript is normalised (compatibility forms folded, accents and Arabic diacritics dropped, Arabic
//! letter variants unified, lower case, punctuation removed) and cut into shingles of `SHINGLE_WORDS`
//! consecutive words. Its signature keeps, for each of `NUM_HASHES` seeded hash functions, the smallest hash
//! of any shingle: the share of equal positions in two signatures estimates the Jaccard similarity of their
//! shingle sets. The signature is cut into `BANDS` bands of `ROWS` values; two transcripts that agree on
//! a whole band become candidates, looked up through an index, so a check costs the same whatever the
//! number of testimonies stored (see `testimony.rs`).
//!
//! Parameters, from a measurement on synthetic testimonies (half of each sentence drawn from formulae
//! shared by every account of an incident: "the soldiers came to the market at night", the rest Zipfian
//! vocabulary), 150 to 2,000 words:
//!
//! | shingle words | different accounts, mean / max J | same account, 10% of words edited, min J | 20% edited, mean J |
//! |---|---|---|---|
//! | 2 | 0.08–0.10 / 0.14 | 0.62 | 0.53 |
//! | 3 | 0.03–0.08 / 0.13 | 0.50 | 0.39 |
//! | 4 | 0.01–0.06 / 0.08 | 0.37 | 0.29 |
//! | 5 | 0.01–0.04 / 0.05 | 0.31 | 0.22 |
//!
//! Three-word shingles with a threshold of 0.5 separate a re-recorded or copied account (up to about 10%
//! of words changed) from different accounts of the same events by a wide margin (0.50 against at most
//! 0.13); two-word shingles raise the background, four and more let light edits fall under the threshold.
//! With 64 bands of 4 rows (256 hashes), a pair at J = 0.5 shares at least one band with probability
//! 1 - (1 - 0.5^4)^64 = 0.984 (0.93 at J = 0.45, the lowest threshold the settings accept), while a pair
//! of different accounts at J = 0.1 does with probability 0.006. 32 bands of 4 would halve the work but
//! find only 87% of pairs at J = 0.5; 42 bands of 3 would make 4% of all testimonies candidates.
//!
//! Those chance candidates grow with the vault (a few hundred among 100,000 testimonies at that
//! pessimistic background), and each costs a signature read. So a candidate sharing a single band is
//! compared only while there are at most `testimony::MAX_SINGLE_BAND_CANDIDATES` of them; candidates
//! sharing two bands or more are always compared. Sharing two bands has probability 0.915 at J = 0.5,
//! 0.984 at J = 0.55 and 0.9985 at J = 0.6 (an account re-typed with 5% of words changed is at about 0.7),
//! and 0.00002 at J = 0.1: a large vault keeps its recall just above the threshold, and a check does a
//! bounded amount of work whatever the number of testimonies. The estimate's standard error at J = 0.5
//! with 256 hashes is 0.03.
//!
//! These parameters are part of the stored format: the band keys in the database depend on them.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

pub const SHINGLE_WORDS: usize = 3;
pub const NUM_HASHES: usize = 256;
pub const BANDS: usize = 64;
pub const ROWS: usize = 4;
pub const DEFAULT_SIMILARITY: f64 = 0.5;
pub const MIN_SIMILARITY: f64 = 0.45;
/// Below this many words a transcript says too little to compare ("I do not want to talk about it").
pub const MIN_WORDS: usize = 30;

const _: () = assert!(BANDS * ROWS == NUM_HASHES);

/// A transcript's MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub Vec<u32>);

/// The words of a text after normalisation.
pub fn words(text: &str) -> Vec<String> {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfkd() {
        if is_combining_mark(c) || c == '\u{0640}' {
            // Accents, Arabic harakat, and the tatweel that only stretches a word.
            continue;
        }
        let c = match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ى' => 'ي',
            'ة' => 'ه',
            'ؤ' => 'و',
            'ئ' => 'ي',
            other => other,
        };
        if c.is_alphanumeric() {
            folded.extend(c.to_lowercase());
        } else {
            folded.push(' ');
        }
    }
    folded.split_whitespace().map(str::to_string).collect()
}

/// FNV-1a, 64 bits: stable across versions and platforms, which the stored band keys need.
fn fnv1a(bytes: impl IntoIterator<Item = u8>, mut hash: u64) -> u64 {
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// SplitMix64's finaliser: a fast bijective mix, so each seed gives an independent-looking hash function.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The hash functions: h(x) = (a * x + b) >> 32 over 64-bit words, with odd multipliers `a` (multiply-shift
/// hashing, a universal family: one multiplication per function, about twice as fast as a full mix, which
/// matters for a 2,000-word transcript times 256 functions). Drawn once from a fixed seed.
const PARAMS: [(u64, u64); NUM_HASHES] = {
    let mut params = [(0u64, 0u64); NUM_HASHES];
    let mut i = 0;
    while i < NUM_HASHES {
        let a = mix(0x6375_7374_6f64_6961u64.wrapping_add((2 * i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)));
        let b = mix(0x6375_7374_6f64_6961u64.wrapping_add((2 * i as u64 + 2).wrapping_mul(0x9e37_79b9_7f4a_7c15)));
        params[i] = (a | 1, b);
        i += 1;
    }
    params
};

/// The signature of a text, or `None` when it has fewer than `MIN_WORDS` words.
pub fn signature(text: &str) -> Option<Signature> {
    let words = words(text);
    if words.len() < MIN_WORDS {
        return None;
    }
    let mut mins = vec![u32::MAX; NUM_HASHES];
    let mut seen = std::collections::HashSet::with_capacity(words.len());
    for window in words.windows(SHINGLE_WORDS) {
        let mut hash = FNV_OFFSET;
        for word in window {
            hash = fnv1a(word.bytes().chain([0x1f]), hash);
        }
        if !seen.insert(hash) {
            continue;
        }
        // FNV leaves its low bits weak; one full mix first makes every input bit count.
        let x = mix(hash);
        for (min, (a, b)) in mins.iter_mut().zip(PARAMS) {
            let h = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
            *min = (*min).min(h);
        }
    }
    Some(Signature(mins))
}

impl Signature {
    /// The estimated Jaccard similarity of the two shingle sets.
    pub fn similarity(&self, other: &Signature) -> f64 {
        if self.0.len() != other.0.len() || self.0.is_empty() {
            return 0.0;
        }
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f64 / self.0.len() as f64
    }

    /// One key per band, as stored in `testimony_bands`.
    pub fn band_keys(&self) -> Vec<i64> {
        self.0
            .chunks(ROWS)
            .enumerate()
            .map(|(band, rows)| {
                let bytes = rows.iter().flat_map(|v| v.to_le_bytes());
                fnv1a(bytes, FNV_OFFSET ^ band as u64) as i64
            })
            .collect()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.len() != NUM_HASHES * 4 {
            return None;
        }
        let values = bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        Some(Signature(values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic text of `n` words from a small vocabulary, driven by `seed`.
    fn text(seed: u64, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("w{}", mix(seed ^ (i as u64 * 7919)) % 500)).collect()
    }

    #[test]
    fn normalisation_folds_case_accents_punctuation_and_arabic_variants() {
        assert_eq!(words("Él llegó, ¡DE NOCHE!"), ["el", "llego", "de", "noche"]);
        assert_eq!(words("أحمد إلى مدرسةٌ"), words("احمد الي مدرسه"));
        assert_eq!(words("الـــشاهد"), ["الشاهد"]);
    }

    #[test]
    fn short_texts_have_no_signature() {
        assert!(signature("too short to compare").is_none());
        assert!(signature(&text(1, MIN_WORDS).join(" ")).is_some());
    }

    #[test]
    fn identical_texts_match_fully_and_unrelated_texts_barely() {
        let a = signature(&text(1, 400).join(" ")).expect("sig");
        let a2 = signature(&text(1, 400).join("  ").to_uppercase()).expect("sig");
        let b = signature(&text(2, 400).join(" ")).expect("sig");
        assert_eq!(a.similarity(&a2), 1.0);
        assert!(a.similarity(&b) < 0.1, "unrelated texts: {}", a.similarity(&b));
        assert_eq!(a.band_keys(), a2.band_keys());
        assert_eq!(Signature::from_bytes(&a.to_bytes()), Some(a));
    }

    #[test]
    fn an_edited_copy_stays_above_the_threshold_and_shares_a_band() {
        let original = text(3, 1000);
        let mut copy = original.clone();
        // Change one word in twenty: a copy with light edits.
        for i in (0..copy.len()).step_by(20) {
            copy[i] = "changed".into();
        }
        let a = signature(&original.join(" ")).expect("sig");
        let b = signature(&copy.join(" ")).expect("sig");
        let s = a.similarity(&b);
        assert!(s > DEFAULT_SIMILARITY, "estimated similarity {s}");
        let shared = a.band_keys().iter().zip(b.band_keys()).filter(|(x, y)| **x == *y).count();
        assert!(shared > 0, "no band in common");
    }
}
