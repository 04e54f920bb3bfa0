//! Siblings and namesakes are not one person: a false merge mixes two people's testimonies.

use custodia_matching::{Reason, Sex, DEFAULT_THRESHOLD};

use crate::common::{codes, person, scored, with_sex};

#[test]
fn siblings_sharing_father_and_grandfather_are_kept_apart() {
    let brothers = [
        ("Musa Youssef Hamid Idris", "1980-04-17", "Bashir Youssef Hamid Idris", "1966-05-13"),
        ("Mansour Fadl Hamid Adam", "1960-09-03", "Hamid Fadl Hamid Adam", "1980-08-19"),
        ("Mohammed Hassan Abdallah Adam", "1973-03-27", "Intisar Hassan Abdallah Adam", "1970-07-06"),
    ];
    for (a, da, b, db) in brothers {
        let m = scored(&person("a", a, da, "Zamzam camp"), &person("b", b, db, "Zamzam camp"));
        assert!(m.score < DEFAULT_THRESHOLD, "{a} / {b} are siblings, scored {:.3}", m.score);
        assert!(codes(&m).contains(&"given_name_differs"), "{a} / {b}: {:?}", m.reasons);
    }
}

#[test]
fn twins_with_one_birth_date_are_kept_apart_by_their_given_names() {
    let a = with_sex(person("a", "Hussein Jamal Ahmed Haroun", "1999-09-14", "Kutum"), Sex::Male);
    let b = with_sex(person("b", "Hassan Jamal Ahmed Haroun", "1999-09-14", "Kutum"), Sex::Male);
    let m = scored(&a, &b);
    assert!(m.score < DEFAULT_THRESHOLD, "twins scored {:.3}: {:?}", m.score, m.reasons);
    assert!(m.reasons.contains(&Reason::GivenNameDiffers), "{:?}", m.reasons);
}

#[test]
fn namesakes_born_elsewhere_and_years_apart_are_kept_apart() {
    let pairs = [
        (person("a", "Ivan Yakovenko", "1975-04-08", "Bucha"), person("b", "Ivan Yakovenko", "1988-09-16", "Kherson")),
        (person("a", "Kateryna Boiko", "2000-12-14", "Izium"), person("b", "Kateryna Boiko", "1967-07-07", "Mariupol")),
        (
            person("a", "Mohammed Ahmed Ali", "1970", "Nyala"),
            person("b", "Mohammed Ahmed Ali", "1990-02-01", "Geneina"),
        ),
    ];
    for (a, b) in pairs {
        let m = scored(&a, &b);
        assert!(m.score < DEFAULT_THRESHOLD, "{} namesakes scored {:.3}", a.full_name, m.score);
        let c = codes(&m);
        assert!(c.contains(&"birth_date_conflicts") && c.contains(&"place_differs"), "{:?}", m.reasons);
    }
}

#[test]
fn a_different_recorded_sex_lowers_the_score() {
    let a = person("a", "Nour Hamid Abakar", "1970-10-10", "Kutum");
    let same = scored(&with_sex(a.clone(), Sex::Male), &with_sex(a.clone(), Sex::Male));
    let other = scored(&with_sex(a.clone(), Sex::Male), &with_sex(a, Sex::Female));
    assert!(other.score < same.score, "{} should be below {}", other.score, same.score);
    assert!(other.reasons.contains(&Reason::SexConflicts), "{:?}", other.reasons);
}
