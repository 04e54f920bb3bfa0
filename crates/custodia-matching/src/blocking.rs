//! Blocking: the few keys under which a record is filed, so that a new person is compared only with the
//! records sharing a key instead of with everyone. A duplicate is found when any one key agrees, so the keys
//! are chosen to fail independently: identity number, phone, given name with birth year, given name with
//! each other name part, family name with birth year, the full birth date, birth year with birth place, and
//! the whole name's sound.

use super::date::PartialDate;
use super::name::Name;
use super::phonetic::coarse_code;
use super::score::Prepared;

/// Length of the sound code of one name part: long enough to split a population, short enough that a typo
/// late in a name does not change it.
const PART_CODE: usize = 3;
/// Length of the sound code of the whole name.
const JOINED_CODE: usize = 6;

/// A blocking key, hashed.
pub(crate) type Key = u64;

/// The keys a record is filed under.
pub(crate) fn keys(p: &Prepared) -> Vec<Key> {
    keys_with_years(p, false)
}

/// The keys to look up for a record: its own, with the birth year also one year either side, so that
/// an age given instead of a date still meets the other record.
pub(crate) fn query_keys(p: &Prepared) -> Vec<Key> {
    keys_with_years(p, true)
}

/// The keys that identify a person (identity number, phone): their blocks are always searched, however
/// large, because a match on them is strong evidence on its own.
pub(crate) fn strong_keys(p: &Prepared) -> Vec<Key> {
    let mut out = Vec::new();
    if let Some(id) = &p.id_number {
        out.push(hash(&[b"i", id.as_bytes()]));
    }
    if let Some(phone) = &p.phone {
        out.push(hash(&[b"p", phone.as_bytes()]));
    }
    out
}

fn keys_with_years(p: &Prepared, widen: bool) -> Vec<Key> {
    let mut out = Vec::new();
    if let Some(id) = &p.id_number {
        out.push(hash(&[b"i", id.as_bytes()]));
        // Each number with one character left out: two numbers one typo apart (a wrong or exchanged
        // character) share one of these keys.
        for skip in 0..id.len() {
            let rest: Vec<u8> = id.bytes().enumerate().filter(|(i, _)| *i != skip).map(|(_, b)| b).collect();
            out.push(hash(&[b"i-", &rest]));
        }
    }
    if let Some(phone) = &p.phone {
        out.push(hash(&[b"p", phone.as_bytes()]));
    }
    let years: Vec<i32> = match p.record.birth_date.year() {
        Some(y) if widen => vec![y - 1, y, y + 1],
        Some(y) => vec![y],
        None => Vec::new(),
    };
    if let PartialDate::Full(y, m, d) = p.record.birth_date {
        // Day and month in a fixed order, so that a swapped date files under the same key.
        let (lo, hi) = if m <= d { (m, d) } else { (d, m) };
        out.push(hash(&[b"d", &y.to_le_bytes(), &lo.to_le_bytes(), &hi.to_le_bytes()]));
    }
    for name in &p.names {
        name_keys(name, &years, p.record.birth_date.year(), &mut out);
    }
    // Birth year with birth place: catches names mangled beyond their sound codes.
    if let (Some(place), Some(y)) = (p.birth_place.as_ref().and_then(|pl| pl.code()), p.record.birth_date.year()) {
        out.push(hash(&[b"yp", place.as_bytes(), &y.to_le_bytes()]));
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn part_code(name: &Name, i: usize) -> Option<Vec<u8>> {
    let part = name.parts.get(i)?;
    // A Slavic given name known to the table is filed under its group, so Mykola meets Nikolai.
    if let Some(g) = part.group {
        return Some([b"#".as_slice(), &g.to_le_bytes()].concat());
    }
    let code = coarse_code(&part.skeleton, PART_CODE);
    (!code.is_empty()).then(|| code.into_bytes())
}

fn name_keys(name: &Name, years: &[i32], exact_year: Option<i32>, out: &mut Vec<Key>) {
    let n = name.parts.len();
    let codes: Vec<Vec<u8>> = (0..n).filter_map(|i| part_code(name, i)).collect();
    let (Some(first), Some(last)) = (codes.first(), codes.last()) else {
        return;
    };
    for y in years {
        out.push(hash(&[b"gy", first, &y.to_le_bytes()]));
    }
    // Family name with the exact year only: the given-name key already reaches a year either side.
    if let Some(y) = exact_year {
        out.push(hash(&[b"ly", last, &y.to_le_bytes()]));
    }
    // Given name with each other part, as an unordered pair: dropped and reordered parts still meet.
    for other in codes.iter().skip(1) {
        let (lo, hi) = if first <= other { (first, other) } else { (other, first) };
        out.push(hash(&[b"gp", lo, b"|", hi]));
    }
    let joined: Vec<u8> = name.parts.iter().flat_map(|p| p.skeleton.iter().copied()).collect();
    let code = coarse_code(&joined, JOINED_CODE);
    if code.len() >= 4 {
        out.push(hash(&[b"j", code.as_bytes()]));
    }
}

/// FNV-1a over the pieces, with a separator so that ("ab", "c") and ("a", "bc") differ.
fn hash(pieces: &[&[u8]]) -> Key {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for piece in pieces {
        for &b in piece.iter().chain(std::iter::once(&0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{score::prepare, PersonRecord};

    fn record(name: &str, date: PartialDate) -> Prepared {
        prepare(&PersonRecord { id: name.into(), full_name: name.into(), birth_date: date, ..Default::default() })
    }

    fn share_a_key(a: &Prepared, b: &Prepared) -> bool {
        let filed = keys(b);
        query_keys(a).iter().any(|k| filed.contains(k))
    }

    #[test]
    fn transliterations_share_a_key() {
        let a = record("Mohammed Ismail Omar", PartialDate::Year(1982));
        let b = record("محمد إسماعيل عمر", PartialDate::Unknown);
        assert!(share_a_key(&a, &b));
        let a = record("Mykola Moroz", PartialDate::Year(1994));
        let b = record("Nikolai Moroz", PartialDate::Year(1995));
        assert!(share_a_key(&a, &b));
    }

    #[test]
    fn unrelated_people_share_no_key() {
        let a = record("Mohammed Ismail Omar", PartialDate::Year(1982));
        let b = record("Oksana Savchuk", PartialDate::Year(1960));
        assert!(!share_a_key(&a, &b));
    }

    #[test]
    fn identity_numbers_are_keys() {
        let mut a = record("A B", PartialDate::Unknown);
        let mut b = record("C D", PartialDate::Unknown);
        a.id_number = Some("123ABC".into());
        b.id_number = Some("123ABC".into());
        assert!(share_a_key(&a, &b));
    }
}
