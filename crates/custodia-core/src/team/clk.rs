//! Linkage tokens: a person's features (`custodia_matching::linkage_features`) as two keyed Bloom
//! filters, in the manner of the cryptographic long-term key (Schnell, Bachteler and Reiher 2009), hardened
//! against the attacks Christen et al. describe on such filters:
//! - **random hashing keyed by the team secret**: each gram's bit positions come from HMAC-SHA256 under a
//!   key derived from the team secret, each position independently (no double hashing, whose arithmetic
//!   pattern the Kroll–Steinmetzer attack exploits); without the secret nobody can compute a filter;
//! - **XOR-folding** (Schnell, Borgs and Encarnação 2016) of the name filter: it is built at twice its
//!   length and its halves are XORed, so one token bit no longer stands for a set of grams, which defeats
//!   the frequent-pattern mining that maps frequent bit patterns to frequent name grams (the filter of the
//!   other fields is too sparse to fold without breaking links; see ARCHITECTURE.md for what that leaves);
//! - **one filter for all non-name fields** (sex, birth date, birth place mixed), so no field has a filter
//!   of its own whose few values could be read by their frequencies.
//!
//! Record-level salting is not used: salting by a field (the birth year) stops two records from linking
//! when one side lacks or mistypes it, which is the common case this check must survive.

use custodia_matching::LinkageFeatures;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// Bits of the folded name filter.
pub const NAME_BITS: usize = 512;
/// Bits of the filter of the other fields (not folded).
pub const OTHER_BITS: usize = 256;
pub const NAME_BYTES: usize = NAME_BITS / 8;
pub const OTHER_BYTES: usize = OTHER_BITS / 8;

/// Bit positions set per name gram (in the unfolded filter).
const NAME_HASHES: usize = 10;

/// The keys a team secret gives, one per use.
pub struct TeamKeys {
    name: Zeroizing<[u8; 32]>,
    other: Zeroizing<[u8; 32]>,
    /// Authenticates a token file as made by a holder of this secret.
    pub(crate) file_mac: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for TeamKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TeamKeys(..)")
    }
}

impl TeamKeys {
    /// The keys of a team secret (HKDF-SHA256, one label per use).
    pub fn derive(secret: &[u8; 32]) -> TeamKeys {
        let hk = Hkdf::<Sha256>::new(Some(b"custodia team v1"), secret);
        let key = |label: &[u8]| {
            let mut out = Zeroizing::new([0u8; 32]);
            // 32 bytes is far below HKDF-SHA256's limit of 8160: this cannot fail.
            hk.expand(label, out.as_mut()).expect("32 bytes from HKDF-SHA256");
            out
        };
        TeamKeys { name: key(b"name filter"), other: key(b"other filter"), file_mac: key(b"token file mac") }
    }
}

/// A person's token filters, folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filters {
    pub name: [u8; NAME_BYTES],
    pub other: [u8; OTHER_BYTES],
}

/// How many bit positions a non-name gram sets: a date or the sex weigh more than one place bigram.
fn other_hashes(gram: &str) -> usize {
    match gram.split_once(':').map(|(tag, _)| tag) {
        Some("d") => 10,
        Some("m") => 6,
        Some("y") => 8,
        Some("s") => 6,
        _ => 4,
    }
}

/// Sets `hashes` positions of `filter` (of `bits` bits, unfolded) for `gram`, each from its own HMAC.
fn insert(key: &[u8; 32], gram: &str, hashes: usize, filter: &mut [u8], bits: usize) {
    let mut set = 0;
    let mut counter: u32 = 0;
    while set < hashes {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(&counter.to_be_bytes());
        mac.update(gram.as_bytes());
        let out = mac.finalize().into_bytes();
        for pair in out.chunks_exact(4) {
            if set == hashes {
                break;
            }
            let value = u32::from_be_bytes([pair[0], pair[1], pair[2], pair[3]]) as usize % bits;
            filter[value / 8] |= 1 << (value % 8);
            set += 1;
        }
        counter += 1;
    }
}

/// XORs the two halves of `filter` into `out`.
fn fold(filter: &[u8], out: &mut [u8]) {
    let half = filter.len() / 2;
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = filter[i] ^ filter[half + i];
    }
}

/// The token filters of a person's features under a team's keys.
pub fn encode(keys: &TeamKeys, features: &LinkageFeatures) -> Filters {
    let mut name = Zeroizing::new([0u8; NAME_BYTES * 2]);
    for gram in &features.name {
        insert(&keys.name, gram, NAME_HASHES, name.as_mut(), NAME_BITS * 2);
    }
    let mut filters = Filters { name: [0; NAME_BYTES], other: [0; OTHER_BYTES] };
    fold(name.as_ref(), &mut filters.name);
    // Not folded: the other fields set few bits, and a fold that cancels one of a birth year's bits
    // against a place's breaks the link between a record with only the year and one with the full date.
    for gram in &features.other {
        insert(&keys.other, gram, other_hashes(gram), &mut filters.other, OTHER_BITS);
    }
    filters
}

fn ones(bytes: &[u8]) -> u32 {
    bytes.iter().map(|b| b.count_ones()).sum()
}

/// The Dice coefficient of two filters: 2|A∧B| / (|A|+|B|); 0 when both are empty.
pub fn dice(a: &[u8], b: &[u8]) -> f64 {
    let total = ones(a) + ones(b);
    if total == 0 {
        return 0.0;
    }
    let common: u32 = a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum();
    2.0 * f64::from(common) / f64::from(total)
}

/// Name similarity from which two tokens may be one person.
pub const NAME_MATCH: f64 = 0.75;
/// Share of the sparser side's other-field bits the other side must hold too.
pub const OTHER_MATCH: f64 = 0.8;
/// Bits the other fields must have in common: about a birth year and the sex, or a place.
pub const OTHER_MIN_COMMON: u32 = 12;

/// Filters as machine words with their bit counts, for comparing one person with many tokens: a
/// comparison is a dozen AND-and-popcount steps, and most are refused on the counts alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packed {
    name: [u64; NAME_BYTES / 8],
    name_ones: u32,
    other: [u64; OTHER_BYTES / 8],
    other_ones: u32,
}

fn words<const N: usize>(bytes: &[u8]) -> [u64; N] {
    let mut out = [0u64; N];
    for (word, chunk) in out.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut le = [0u8; 8];
        le.copy_from_slice(chunk);
        *word = u64::from_le_bytes(le);
    }
    out
}

fn common<const N: usize>(a: &[u64; N], b: &[u64; N]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
}

impl From<&Filters> for Packed {
    fn from(f: &Filters) -> Packed {
        Packed { name: words(&f.name), name_ones: ones(&f.name), other: words(&f.other), other_ones: ones(&f.other) }
    }
}

/// Whether two persons' tokens probably are one person, and how sure (0..=1): the names must agree (Dice
/// at least `NAME_MATCH`), and the birth date, sex and place together must agree too: at least
/// `OTHER_MATCH` of the sparser side's other-field bits, and `OTHER_MIN_COMMON` bits, set on both sides,
/// so that a record with only a birth year meets one with the full date, as the plain matcher wants one
/// agreement beyond the name before it reports a pair.
pub fn similarity(a: &Packed, b: &Packed) -> Option<f64> {
    let total = a.name_ones + b.name_ones;
    // Dice can be at most 2·min/total: refused without looking at the bits.
    if total == 0 || f64::from(2 * a.name_ones.min(b.name_ones)) < NAME_MATCH * f64::from(total) {
        return None;
    }
    let name = 2.0 * f64::from(common(&a.name, &b.name)) / f64::from(total);
    if name < NAME_MATCH {
        return None;
    }
    let shared = common(&a.other, &b.other);
    let smaller = a.other_ones.min(b.other_ones);
    if shared < OTHER_MIN_COMMON || smaller == 0 {
        return None;
    }
    let other = f64::from(shared) / f64::from(smaller);
    (other >= OTHER_MATCH).then_some(0.6 * name + 0.4 * other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use custodia_matching::{linkage_features, PartialDate, PersonRecord, Sex};

    fn person(name: &str, sex: Option<Sex>, date: &str, place: &str) -> PersonRecord {
        PersonRecord {
            id: "x".into(),
            full_name: name.into(),
            sex,
            birth_date: PartialDate::parse(date).expect("a test date"),
            birth_place: (!place.is_empty()).then(|| place.to_string()),
            ..Default::default()
        }
    }

    fn filters(secret: u8, p: &PersonRecord) -> Packed {
        Packed::from(&encode(&TeamKeys::derive(&[secret; 32]), &linkage_features(p)))
    }

    /// A fixed secret and record give fixed tokens: another build or another machine that made other
    /// tokens would never link with this one.
    #[test]
    fn a_fixed_secret_and_record_give_fixed_tokens() {
        let amina = person("Amina Yusuf Haroun", Some(Sex::Female), "1990-04-26", "El Fasher");
        let f = encode(&TeamKeys::derive(&[7; 32]), &linkage_features(&amina));
        assert_eq!(
            (hex::encode(f.name).as_str(), hex::encode(f.other).as_str()),
            (
                "2000040000008000010000d2048208000440c80000d00007060401b0c00000421000000000060400401008200040881088302001b09820004000850020009240",
                "00220108c012000012400201c0044007049501000040c008084000080090a000"
            ),
            "the filters of a fixed secret and record"
        );
    }

    #[test]
    fn another_team_secret_gives_unrelated_tokens() {
        let amina = person("Amina Yusuf Haroun", Some(Sex::Female), "1990-04-26", "El Fasher");
        let keys = |s: u8| encode(&TeamKeys::derive(&[s; 32]), &linkage_features(&amina));
        assert!(dice(&keys(1).name, &keys(2).name) < 0.5, "{}", dice(&keys(1).name, &keys(2).name));
        let (a, b) = (filters(1, &amina), filters(2, &amina));
        assert_eq!(similarity(&a, &b), None, "tokens of two teams never link");
    }

    #[test]
    fn one_person_in_another_script_links_and_namesakes_and_strangers_do_not() {
        let f = Some(Sex::Female);
        let m = Some(Sex::Male);
        let same = [
            (
                person("Amina Yusuf Haroun", f, "1990-04-26", "El Fasher"),
                person("أمينة يوسف هارون", f, "1990", "الفاشر"),
            ),
            (person("Olena Kovalenko", f, "1985-03-02", "Mariupol"), person("Олена Коваленко", f, "1985-03-02", "")),
            (person("Mohammed Abdelkarim Ali", m, "1978", "Nyala"), person("محمد عبد الكريم علي", m, "1978", "نيالا")),
            (person("Ivan Petrenko", m, "1966-01-12", "Kharkiv"), person("Іван Петренко", m, "1966-12-01", "Харків")),
            // One side knows only the year.
            (person("Olena Kovalenko", f, "1985-03-02", "Mariupol"), person("Олена Коваленко", f, "1985", "")),
        ];
        // Under many team secrets: the keyed positions differ with each, and so do the collisions.
        for secret in 0..64 {
            for (a, b) in &same {
                let s = similarity(&filters(secret, a), &filters(secret, b));
                assert!(s.is_some(), "{} / {} should link under secret {secret}", a.full_name, b.full_name);
            }
        }
        let apart = [
            // Namesakes: born years apart, elsewhere.
            (person("Mohammed Ali", m, "1978", "Nyala"), person("Mohammed Ali", m, "1991", "Kassala")),
            (person("Amina Yusuf Haroun", f, "1990", "El Fasher"), person("Olena Kovalenko", f, "1990", "El Fasher")),
            (person("Ivan Petrenko", m, "1966", "Kharkiv"), person("Ivan Shevchenko", m, "1966", "Kyiv")),
            // One name, born on other days of one year.
            (person("Olena Kovalenko", f, "1985-03-02", ""), person("Olena Kovalenko", f, "1985-07-19", "")),
            // One name, the same year, nothing else known on one side but the sex.
            (person("Olena Kovalenko", f, "", ""), person("Olena Kovalenko", f, "1985", "")),
        ];
        for secret in 0..64 {
            for (a, b) in &apart {
                let s = similarity(&filters(secret, a), &filters(secret, b));
                assert!(
                    s.is_none(),
                    "{} / {} should stay apart under secret {secret}: {s:?}",
                    a.full_name,
                    b.full_name
                );
            }
        }
    }
}
