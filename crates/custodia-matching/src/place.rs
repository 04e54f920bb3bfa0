//! Places (birth place, residence) in their many spellings: "El Fasher", "Al-Fashir" and "الفاشر"; "Zamzam camp"
//! and "Zam Zam"; "Tumaco" and "San Andrés de Tumaco, Nariño".

use super::phonetic::{coarse_code, fold, skeleton, skeleton_similarity, spelling_similarity};
use super::translit::{to_ascii, Script};

/// Words that say what kind of place it is, not which one.
const GENERIC: &[&str] = &[
    "al",
    "el",
    "de",
    "del",
    "la",
    "las",
    "los",
    "camp",
    "camps",
    "city",
    "town",
    "village",
    "district",
    "region",
    "province",
    "oblast",
    "raion",
    "rayon",
    "municipality",
    "settlement",
    "idp",
    "refugee",
    "locality",
    "the",
    "of",
];

/// Two place words at least this similar are one word spelled two ways.
const WORD_MATCH: f64 = 0.8;

#[derive(Debug, Clone)]
struct Word {
    ascii: Vec<u8>,
    folded: Vec<u8>,
    skeleton: Vec<u8>,
    number: bool,
}

/// A place ready for comparison.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    words: Vec<Word>,
    joined: Vec<u8>,
    script: Script,
}

/// Places of birth and residence identify a person too: wiped when dropped (see `Prepared`).
impl Drop for Word {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.ascii.zeroize();
        self.folded.zeroize();
        self.skeleton.zeroize();
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.joined);
    }
}

impl Place {
    /// A coarse sound code of the place's longest word, for blocking: "Mariupol" and "Маріуполь" share it.
    pub fn code(&self) -> Option<String> {
        let word = self.words.iter().filter(|w| !w.number).max_by_key(|w| w.skeleton.len())?;
        let code = coarse_code(&word.skeleton, 3);
        (!code.is_empty()).then_some(code)
    }
}

/// Prepares a place. With `first_part_only`, only the text before the first comma counts ("Buenaventura,
/// Valle" is Buenaventura): birth places often carry their region, which says nothing more.
pub(crate) fn prepare(input: &str, first_part_only: bool) -> Option<Place> {
    let text = if first_part_only { input.split([',', '،']).next().unwrap_or("") } else { input };
    let ascii = to_ascii(text);
    let words: Vec<Word> = ascii
        .text
        .split(' ')
        .filter(|w| !w.is_empty() && !GENERIC.contains(w))
        .map(|w| {
            let folded = fold(w);
            Word {
                ascii: w.as_bytes().to_vec(),
                skeleton: skeleton(&folded),
                number: w.bytes().all(|b| b.is_ascii_digit()),
                folded,
            }
        })
        .collect();
    if words.is_empty() {
        return None;
    }
    let joined = words.iter().flat_map(|w| w.skeleton.iter().copied()).collect();
    Some(Place { words, joined, script: ascii.script })
}

fn word_similarity(a: &Word, b: &Word, arabic: bool) -> f64 {
    if a.number || b.number {
        return if a.ascii == b.ascii { 1.0 } else { 0.0 };
    }
    let skel = skeleton_similarity(&a.skeleton, &b.skeleton);
    if arabic {
        return skel;
    }
    ((skel + spelling_similarity(&a.folded, &b.folded)) / 2.0).max(spelling_similarity(&a.ascii, &b.ascii))
}

/// What two places have in common.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum PlaceEvidence {
    /// The same words, spelled the same.
    Same {
        words: usize,
    },
    /// The same place spelled differently, or one place named inside the other.
    Variant {
        words: usize,
    },
    /// Some words agree, others not (an address with another street).
    Partial {
        words: usize,
        of: usize,
    },
    Differs,
}

pub(crate) fn compare(a: &Place, b: &Place) -> PlaceEvidence {
    let arabic = a.script == Script::Arabic || b.script == Script::Arabic;
    let (short, long) = if a.words.len() <= b.words.len() { (a, b) } else { (b, a) };
    let mut used = vec![false; long.words.len()];
    let mut matched = 0;
    let mut identical = 0;
    for w in &short.words {
        let best = long
            .words
            .iter()
            .enumerate()
            .filter(|(j, _)| !used[*j])
            .map(|(j, v)| (j, word_similarity(w, v, arabic)))
            .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)));
        if let Some((j, s)) = best {
            if s >= WORD_MATCH {
                used[j] = true;
                matched += 1;
                identical += usize::from(w.folded == long.words[j].folded);
            }
        }
    }
    if matched == short.words.len() {
        return if identical == matched && short.words.len() == long.words.len() {
            PlaceEvidence::Same { words: matched }
        } else {
            PlaceEvidence::Variant { words: matched }
        };
    }
    // "Zam Zam" against "Zamzam", "B/ventura" against "Buenaventura".
    if skeleton_similarity(&a.joined, &b.joined) >= WORD_MATCH && a.joined.len().min(b.joined.len()) >= 3 {
        return PlaceEvidence::Variant { words: matched.max(1) };
    }
    if matched > 0 {
        PlaceEvidence::Partial { words: matched, of: long.words.len() }
    } else {
        PlaceEvidence::Differs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> PlaceEvidence {
        match (prepare(a, true), prepare(b, true)) {
            (Some(x), Some(y)) => compare(&x, &y),
            _ => panic!("both places should have words: {a}, {b}"),
        }
    }

    fn same_place(e: PlaceEvidence) -> bool {
        matches!(e, PlaceEvidence::Same { .. } | PlaceEvidence::Variant { .. })
    }

    #[test]
    fn spellings_of_one_place_agree() {
        for (a, b) in [
            ("El Fasher", "El Fashir"),
            ("El Fasher", "الفاشر"),
            ("Al-Fashir", "El Fasher"),
            ("Zamzam camp", "Zam Zam"),
            ("Apartadó", "Apartado, Antioquia"),
            ("Tumaco", "San Andrés de Tumaco"),
            ("Kherson", "Херсон"),
            ("Mariupol", "Mariupol'"),
            ("Geneina", "El Geneina"),
            ("Tawila", "طويلة"),
            ("Kutum", "Kuttum"),
            ("Buenaventura", "B/ventura"),
        ] {
            assert!(same_place(cmp(a, b)), "{a} and {b} are one place: {:?}", cmp(a, b));
        }
        assert_eq!(cmp("Nyala", "nyala"), PlaceEvidence::Same { words: 1 });
    }

    #[test]
    fn different_places_differ() {
        for (a, b) in [("Nyala", "Kutum"), ("Kherson", "Bucha"), ("Quibdó", "Tumaco"), ("El Fasher", "Geneina")] {
            assert_eq!(cmp(a, b), PlaceEvidence::Differs, "{a} and {b}");
        }
    }

    #[test]
    fn addresses_can_agree_in_part() {
        let (Some(a), Some(b)) = (
            prepare("20 rupp place, brentwood vlge, penshurst 2257 vic", false),
            prepare("20 windradyen street, brentwood vlge, penshurst 2257 vic", false),
        ) else {
            panic!("addresses have words");
        };
        assert!(matches!(compare(&a, &b), PlaceEvidence::Partial { words: 6, of: 8 }), "{:?}", compare(&a, &b));
    }

    #[test]
    fn only_generic_words_is_no_place() {
        assert!(prepare("camp", true).is_none());
        assert!(prepare(" , ", true).is_none());
    }
}
