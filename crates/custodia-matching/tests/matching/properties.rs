//! Properties of the score over generated records: symmetric, within 0..=1, and a record matches itself.

use custodia_matching::{compare, PartialDate, PersonRecord, Sex, DEFAULT_THRESHOLD};
use proptest::prelude::*;

const PARTS: &[&str] = &[
    "Mohammed",
    "محمد",
    "Haroun",
    "هارون",
    "Adam",
    "Abakar",
    "Idris",
    "Siddig",
    "Olena",
    "Олена",
    "Petrenko",
    "Петренко",
    "Savchuk",
    "José",
    "Pérez",
    "Ana",
    "María",
    "Abd",
    "al-Aziz",
    "de",
    "x",
    "Ё",
    "ß",
];
const PLACES: &[&str] =
    &["El Fasher", "الفاشر", "Zamzam camp", "Zam Zam", "Kherson", "Херсон", "Apartadó, Antioquia", ""];

fn date() -> impl Strategy<Value = PartialDate> {
    prop_oneof![
        Just(PartialDate::Unknown),
        (1940..2010i32).prop_map(PartialDate::Year),
        (1940..2010i32, 1..=12u32).prop_map(|(y, m)| PartialDate::YearMonth(y, m)),
        (1940..2010i32, 1..=12u32, 1..=28u32).prop_map(|(y, m, d)| PartialDate::Full(y, m, d)),
    ]
}

fn record(id: &'static str) -> impl Strategy<Value = PersonRecord> {
    (
        prop::collection::vec(prop::sample::select(PARTS), 1..5),
        date(),
        prop::sample::select(PLACES),
        prop::option::of(prop::sample::select(&["+249 91 234 5678", "0912345678", "+380 44 123 4567"][..])),
        prop::option::of(prop::sample::select(&["169-14C67450", "16914C67450", "561-26C71365"][..])),
        prop::option::of(prop_oneof![Just(Sex::Male), Just(Sex::Female)]),
    )
        .prop_map(move |(parts, birth_date, place, phone, id_number, sex)| PersonRecord {
            id: id.into(),
            full_name: parts.join(" "),
            other_names: Vec::new(),
            sex,
            birth_date,
            birth_place: (!place.is_empty()).then(|| place.to_string()),
            residence: None,
            phone: phone.map(String::from),
            id_number: id_number.map(String::from),
        })
}

proptest! {
    #[test]
    fn the_score_is_symmetric_and_within_bounds(a in record("a"), b in record("b")) {
        let ab = compare(&a, &b);
        let ba = compare(&b, &a);
        prop_assert!((0.0..=1.0).contains(&ab.score), "score {}", ab.score);
        prop_assert_eq!(ab.score, ba.score);
        prop_assert_eq!(ab.reasons, ba.reasons);
    }

    #[test]
    fn a_record_matches_itself_at_least_as_well_as_anyone(a in record("a"), b in record("b")) {
        let own = compare(&a, &PersonRecord { id: "copy".into(), ..a.clone() });
        let other = compare(&a, &b);
        prop_assert!(own.score >= other.score, "itself {} below another {}", own.score, other.score);
    }

    #[test]
    fn a_record_with_a_full_name_and_birth_date_matches_itself(
        a in record("a").prop_filter("two name parts and a birth year", |r| {
            // Particles ("de") are not name parts, and "Abd" forms one part with the name after it.
            let parts = r.full_name.split_whitespace().filter(|p| !["de", "x", "Abd"].contains(p)).count();
            parts >= 2 && r.birth_date.year().is_some()
        })
    ) {
        let own = compare(&a, &PersonRecord { id: "copy".into(), ..a.clone() });
        prop_assert!(own.score >= DEFAULT_THRESHOLD, "{} scored {} against itself", a.full_name, own.score);
    }
}
