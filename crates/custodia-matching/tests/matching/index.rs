//! The index: insert, replace, remove, and the two questions asked of it.

use custodia_matching::{MatchIndex, DEFAULT_THRESHOLD};

use crate::common::person;

fn sample() -> MatchIndex {
    let mut index = MatchIndex::new();
    index.insert(&person("P-1", "Adam Haroun Omar", "1985-04-16", "Zamzam camp"));
    index.insert(&person("P-2", "Adem Haroon Omar", "1985-04-16", "Zamzam"));
    index.insert(&person("P-3", "آدم هارون عمر", "1985", "زمزم"));
    index.insert(&person("P-4", "Oksana Savchuk", "1992-07-26", "Kherson"));
    index
}

#[test]
fn a_new_person_finds_the_earlier_records_best_first() {
    let index = sample();
    let found = index.candidates(&person("new", "Adam Harun Omar", "1985-04-16", "Zamzam"), DEFAULT_THRESHOLD);
    let ids: Vec<&str> = found.iter().map(|m| m.b.as_str()).collect();
    assert_eq!(ids.len(), 3, "{found:?}");
    assert!(ids.iter().all(|id| ["P-1", "P-2", "P-3"].contains(id)), "{ids:?}");
    assert!(found.windows(2).all(|w| w[0].score >= w[1].score), "best first: {found:?}");
    assert!(found.iter().all(|m| m.a == "new"));
}

#[test]
fn a_known_person_is_not_its_own_candidate() {
    let index = sample();
    let found = index.candidates(&person("P-4", "Oksana Savchuk", "1992-07-26", "Kherson"), DEFAULT_THRESHOLD);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn duplicate_pairs_lists_each_pair_once_with_ordered_ids() {
    let pairs = sample().duplicate_pairs(DEFAULT_THRESHOLD);
    let mut ids: Vec<(String, String)> = pairs.iter().map(|m| (m.a.clone(), m.b.clone())).collect();
    ids.sort();
    assert_eq!(
        ids,
        [("P-1".into(), "P-2".into()), ("P-1".into(), "P-3".into()), ("P-2".into(), "P-3".into())],
        "{pairs:?}"
    );
}

#[test]
fn removing_and_replacing_change_what_is_found() {
    let mut index = sample();
    assert_eq!(index.len(), 4);
    assert!(index.remove("P-2"));
    assert!(!index.remove("P-2"), "a second removal finds nothing");
    assert_eq!(index.len(), 3);
    assert_eq!(index.duplicate_pairs(DEFAULT_THRESHOLD).len(), 1);
    // Replacing P-3 with someone else leaves no duplicate.
    index.insert(&person("P-3", "Halyna Bilous", "1996", "Mariupol"));
    assert_eq!(index.len(), 3);
    assert!(index.duplicate_pairs(DEFAULT_THRESHOLD).is_empty());
}
