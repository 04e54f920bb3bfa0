//! What a privacy-preserving linkage token is built from: the features of a person that two vaults can
//! compare without showing each other the values. Names become sound-class bigrams of each name part,
//! the same for a name written in Latin, Arabic or Cyrillic letters (all go through `translit` and the
//! phonetic skeleton first, so "Haroun", "Harun" and "هارون" share their grams); the birth date becomes
//! the year, the month and the day at their known precision; the birth place becomes the bigrams of its
//! words. The keyed encoding of these features (Bloom filters under a team secret) belongs to the caller:
//! this crate knows nothing of keys.

use super::date::PartialDate;
use super::name;
use super::phonetic::{fold, skeleton};
use super::record::{PersonRecord, Sex};
use super::translit::to_ascii;
use std::collections::BTreeSet;
use zeroize::Zeroize;

/// The features of one person, as text grams (each tagged with what it is about). Wiped when dropped:
/// they are the person's name, birth date and place in another form.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LinkageFeatures {
    /// Sound-class bigrams of every name part of every name (full name and other names), with the given-
    /// name group where the Slavic name table knows one.
    pub name: BTreeSet<String>,
    /// Sex, birth year, month and day at their known precision, and birth-place bigrams.
    pub other: BTreeSet<String>,
}

impl Drop for LinkageFeatures {
    fn drop(&mut self) {
        for gram in std::mem::take(&mut self.name).into_iter().chain(std::mem::take(&mut self.other)) {
            let mut gram = gram;
            gram.zeroize();
        }
    }
}

/// The sound class of a skeleton letter: letters that transliterations confuse share one (k g q j c; s z
/// S x; t d; b p), and the weak letters (h, w, y and the vowel onset) are dropped, since Arabic and Latin
/// spellings disagree about them most ("Haroun" and "Aroun"; "Yelena" and "Olena").
fn class(c: u8) -> Option<u8> {
    Some(match c {
        b'A' | b'h' | b'w' | b'y' => return None,
        b'k' | b'g' | b'q' | b'j' | b'c' => b'k',
        b's' | b'z' | b'S' | b'x' => b's',
        b't' | b'd' => b't',
        b'b' | b'p' => b'b',
        b'f' | b'v' => b'f',
        other => other,
    })
}

/// A word as its sequence of sound classes, repeats merged.
fn classes(skel: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(skel.len());
    for c in skel.iter().filter_map(|&c| class(c)) {
        if out.last() != Some(&c) {
            out.push(c);
        }
    }
    out
}

/// The padded bigrams of a class sequence, each tagged: "_m", "mn", "n_" for Amina.
fn bigrams(tag: &str, word: &[u8], out: &mut BTreeSet<String>) {
    if word.is_empty() {
        return;
    }
    let mut padded = Vec::with_capacity(word.len() + 2);
    padded.push(b'_');
    padded.extend_from_slice(word);
    padded.push(b'_');
    for pair in padded.windows(2) {
        let mut gram = String::with_capacity(tag.len() + 2);
        gram.push_str(tag);
        gram.extend(pair.iter().map(|&b| char::from(b)));
        out.insert(gram);
    }
    padded.zeroize();
}

/// The linkage features of a person. Two records of one person written in different scripts or
/// transliterations share most name grams; the other features agree when the facts do.
pub fn linkage_features(record: &PersonRecord) -> LinkageFeatures {
    let mut out = LinkageFeatures::default();
    for full in std::iter::once(&record.full_name).chain(record.other_names.iter()) {
        let prepared = name::prepare(full);
        for part in &prepared.parts {
            let mut word = classes(&part.skeleton);
            bigrams("n:", &word, &mut out.name);
            if let Some(group) = part.group {
                out.name.insert(format!("g:{group}"));
            }
            word.zeroize();
        }
    }
    match record.sex {
        Some(Sex::Male) => out.other.insert("s:m".into()),
        Some(Sex::Female) => out.other.insert("s:f".into()),
        None => false,
    };
    match record.birth_date {
        PartialDate::Unknown => {}
        PartialDate::Year(y) => {
            out.other.insert(format!("y:{y}"));
        }
        PartialDate::YearMonth(y, m) => {
            out.other.insert(format!("y:{y}"));
            out.other.insert(format!("m:{y}-{m}"));
        }
        PartialDate::Full(y, m, d) => {
            out.other.insert(format!("y:{y}"));
            out.other.insert(format!("m:{y}-{m}"));
            // Day and month in a fixed order, so that a date typed with day and month swapped still agrees.
            let (lo, hi) = if m <= d { (m, d) } else { (d, m) };
            out.other.insert(format!("d:{y}-{lo}-{hi}"));
        }
    }
    if let Some(place) = &record.birth_place {
        let first = place.split([',', '،']).next().unwrap_or("");
        let mut ascii = to_ascii(first);
        for w in ascii.text.split(' ').filter(|w| w.len() > 1 && !matches!(*w, "al" | "el" | "de" | "la")) {
            let mut folded = fold(w);
            let mut skel = skeleton(&folded);
            let mut word = classes(&skel);
            bigrams("p:", &word, &mut out.other);
            folded.zeroize();
            skel.zeroize();
            word.zeroize();
        }
        ascii.text.zeroize();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, date: &str, place: &str) -> PersonRecord {
        PersonRecord {
            id: "x".into(),
            full_name: name.into(),
            sex: Some(Sex::Female),
            birth_date: PartialDate::parse(date).expect("a test date"),
            birth_place: (!place.is_empty()).then(|| place.to_string()),
            ..Default::default()
        }
    }

    fn dice(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
        2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()).max(1) as f64
    }

    #[test]
    fn one_name_in_three_scripts_shares_most_of_its_grams() {
        let latin = linkage_features(&person("Amina Yusuf Haroun", "1990-04-26", "El Fasher"));
        let arabic = linkage_features(&person("أمينة يوسف هارون", "1990-04-26", "الفاشر"));
        assert!(dice(&latin.name, &arabic.name) > 0.8, "{:?} / {:?}", latin.name, arabic.name);
        assert_eq!(latin.other, arabic.other, "same facts, same grams");
        let ukr = linkage_features(&person("Олена Коваленко", "1985", "Маріуполь"));
        let lat = linkage_features(&person("Olena Kovalenko", "1985", "Mariupol"));
        assert!(dice(&ukr.name, &lat.name) > 0.8, "{:?} / {:?}", ukr.name, lat.name);
        assert!(dice(&ukr.other, &lat.other) > 0.8, "{:?} / {:?}", ukr.other, lat.other);
    }

    #[test]
    fn different_names_share_few_grams() {
        let a = linkage_features(&person("Amina Yusuf Haroun", "1990", ""));
        let b = linkage_features(&person("Olena Kovalenko", "1990", ""));
        assert!(dice(&a.name, &b.name) < 0.3, "{:?} / {:?}", a.name, b.name);
    }
}
