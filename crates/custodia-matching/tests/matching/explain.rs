//! The reasons say why: each kind of evidence appears as its reason, with its code and sentence.

use custodia_matching::{PersonRecord, Reason, DEFAULT_THRESHOLD};

use crate::common::{codes, person, scored};

#[test]
fn same_identity_number_with_different_names_is_flagged_and_explained() {
    let mut a = person("a", "Nathan Challenor", "1960-02-13", "");
    let mut b = person("b", "Caleb Challenor", "", "");
    a.id_number = Some("269-42C39000".into());
    b.id_number = Some("269 42c 39000".into());
    let m = scored(&a, &b);
    assert!(m.score >= DEFAULT_THRESHOLD, "one identity number should flag the pair, scored {:.3}", m.score);
    assert!(m.reasons.contains(&Reason::SameIdNumber), "{:?}", m.reasons);
    assert!(m.reasons.contains(&Reason::GivenNameDiffers), "the differing names must be shown: {:?}", m.reasons);
}

#[test]
fn a_shared_phone_in_another_format_is_evidence() {
    let mut a = person("a", "Aminah Ahmed", "", "زمزم");
    let mut b = person("b", "Amna Ahmed Abakar Abakar", "1994-03-20", "Zamzam camp");
    a.phone = Some("+249 994 406 583".into());
    b.phone = Some("0994406583".into());
    let m = scored(&a, &b);
    assert!(m.reasons.contains(&Reason::SamePhone), "{:?}", m.reasons);
    assert!(m.score >= DEFAULT_THRESHOLD, "{m:?}");
}

#[test]
fn a_real_development_pair_is_explained_field_by_field() {
    // R000029 and R000031 of the development set: transliterated name, year only and off by one, same id.
    let mut a = person("R000029", "Jibril Ahmed Siddig Haroun", "1961-04-23", "El Fasher");
    let mut b = person("R000031", "Djibril Ahmad Siddiq Haroon", "1962", "El Fashir");
    a.id_number = Some("561-26C71365".into());
    b.id_number = Some("561-26C71365".into());
    let m = scored(&a, &b);
    assert_eq!(
        codes(&m),
        ["same_id_number", "name_spelling_variant", "birth_year_off_by_one", "place_variant"],
        "{:?}",
        m.reasons
    );
    assert_eq!(m.reasons[1].to_string(), "Name matches, spelled differently (4 parts).");
}

#[test]
fn dropped_name_parts_and_swapped_dates_are_named() {
    let a = person("a", "Khadija Hassan Hussein Adam", "1996-11-07", "Tawila");
    let b = person("b", "Khadija Hassen", "1996-07-11", "Tawilah");
    let m = scored(&a, &b);
    let c = codes(&m);
    assert!(c.contains(&"name_parts_dropped") && c.contains(&"birth_day_month_swapped"), "{:?}", m.reasons);
    assert!(m.reasons.contains(&Reason::NamePartsDropped { n: 2 }), "{:?}", m.reasons);
}

#[test]
fn every_reason_of_a_match_has_a_code_and_a_sentence() {
    let a = PersonRecord {
        residence: Some("Farchana camp".into()),
        ..person("a", "Ali Musa Zakaria", "1994-05-03", "Zamzam camp")
    };
    let b =
        PersonRecord { residence: Some("Farchana".into()), ..person("b", "Ali Musa Zkaaria", "1994-05-03", "Zamzam") };
    let m = scored(&a, &b);
    assert!(!m.reasons.is_empty());
    for r in &m.reasons {
        assert!(!r.code().as_str().is_empty() && r.to_string().ends_with('.'), "{r:?}");
    }
    assert!(codes(&m).contains(&"residence_matches"), "{:?}", m.reasons);
}
