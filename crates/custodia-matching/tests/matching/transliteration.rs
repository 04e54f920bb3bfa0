//! Spellings of one name across transliterations and scripts are one person.

use custodia_matching::{Reason, Script, DEFAULT_THRESHOLD};

use crate::common::{codes, person, scored};

/// Each pair: two spellings of one person's name, with the same birth year and place.
const SAME_PERSON: &[(&str, &str)] = &[
    ("Mohammed Ismail Omar", "Muhammad Ismail Omar"),
    ("Mohammed Ismail Omar", "محمد إسماعيل عمر"),
    ("Muhammad Ismail Omar", "محمد إسماعيل عمر"),
    ("Oleksandr Petrenko", "Alexander Petrenko"),
    ("Oleksandr Petrenko", "Олександр Петренко"),
    ("Alexander Petrenko", "Олександр Петренко"),
    ("Oksana Savchuk", "Oksana Savtchouk"),
    ("Jibril Ahmed Haroun", "Djibril Ahmed Haroun"),
    ("Jibril Ahmed Haroun", "Gibril Ahmed Haroun"),
    ("Adam Haroun Omar", "Adam Harun Omar"),
    ("Adam Haroun Omar", "Adam Haroon Omar"),
    ("Tahir Ibrahim Abakar", "Tahir Ibrahim Abaker"),
    ("Abdelaziz Hussein Idris", "Abd al-Aziz Hussain Edris"),
    ("Yahya Jibril Adam", "يحيى جبريل آدم"),
    ("Mykola Moroz", "Nikolai Moroz"),
    ("Kravchenko Bohdan", "Bohdan Kravchenko"),
    ("Fabio Nelson Ramírez González", "FABIO NELSON RAMIREZ GONZALEZ"),
];

#[test]
fn spellings_of_one_name_match() {
    for (a, b) in SAME_PERSON {
        let m = scored(&person("a", a, "1985", "El Fasher"), &person("b", b, "1985", "El Fasher"));
        assert!(m.score >= DEFAULT_THRESHOLD, "{a} / {b} should match, scored {:.3}: {:?}", m.score, m.reasons);
        assert!(!codes(&m).contains(&"given_name_differs"), "{a} / {b}: {:?}", m.reasons);
    }
}

#[test]
fn a_name_in_arabic_script_is_explained_as_transliterated() {
    let m = scored(
        &person("a", "Jibril Ahmed Siddig Haroun", "1961-04-23", "El Fasher"),
        &person("b", "جبريل أحمد صديق هارون", "1961-04-23", "الفاشر"),
    );
    assert!(m.score >= DEFAULT_THRESHOLD, "{m:?}");
    assert!(
        m.reasons.contains(&Reason::NameTransliterated { script: Script::Arabic, parts: 4 }),
        "reasons: {:?}",
        m.reasons
    );
}

#[test]
fn a_name_in_cyrillic_script_is_explained_as_transliterated() {
    let m = scored(
        &person("a", "Valentyna Ponomarenko", "1962-05-24", "Bucha"),
        &person("b", "Валентина Пономаренко", "1962-05-24", "Буча"),
    );
    assert!(m.score >= DEFAULT_THRESHOLD, "{m:?}");
    assert!(
        m.reasons.contains(&Reason::NameTransliterated { script: Script::Cyrillic, parts: 2 }),
        "reasons: {:?}",
        m.reasons
    );
}

#[test]
fn places_spelled_many_ways_are_one_place() {
    for (a, b) in [
        ("El Fasher", "El Fashir"),
        ("El Fasher", "الفاشر"),
        ("Zamzam camp", "Zam Zam"),
        ("Apartadó", "Apartado, Antioquia"),
    ] {
        let m = scored(&person("a", "Hawa Salih Nasser", "1962", a), &person("b", "Hawa Salih Nasser", "1962", b));
        let c = codes(&m);
        assert!(c.contains(&"place_variant") || c.contains(&"place_matches"), "{a} / {b}: {:?}", m.reasons);
        assert!(!c.contains(&"place_differs"), "{a} / {b}: {:?}", m.reasons);
    }
}
