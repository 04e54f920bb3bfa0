//! Shared set-up for the records and do-no-harm tests: persons, interviews and texts.

use custodia_core::{
    ConsentInput, ConsentMethod, ConsentStatus, InterviewInput, PersonInput, RecipientKind, Scope, Vault,
};

pub const JUSTIFICATION: &str = "The survivor asked to add facts left out before.";

pub fn person(name: &str, birth: &str, place: &str) -> PersonInput {
    PersonInput { full_name: name.into(), birth_date: birth.into(), birth_place: place.into(), ..Default::default() }
}

/// Adds a person that must raise no warning.
pub fn add_person(vault: &mut Vault, input: &PersonInput) -> String {
    vault.add_person(input, None).expect("add person").person.id
}

pub fn interview(person: &str, date: &str, by: &str) -> InterviewInput {
    InterviewInput { person: person.into(), interviewers: vec![by.into()], date: date.into(), ..Default::default() }
}

/// Adds an interview, justifying any warning.
pub fn add_interview(vault: &mut Vault, input: &InterviewInput) -> String {
    vault.add_interview(input, Some(JUSTIFICATION)).expect("add interview").record.id
}

pub fn give_consent(vault: &mut Vault, person: &str, scopes: &[(RecipientKind, bool)]) -> String {
    let input = ConsentInput {
        person: person.into(),
        interview: None,
        status: ConsentStatus::Given,
        date: "2026-11-01".into(),
        method: ConsentMethod::Oral,
        scan_item: None,
        scopes: scopes.iter().map(|&(recipient, identity)| Scope { recipient, identity }).collect(),
    };
    vault.record_consent(&input).expect("consent").id
}

/// A deterministic testimony of `words` words, different for each `seed`.
pub fn testimony(seed: u64, words: usize) -> String {
    const VOCABULARY: [&str; 40] = [
        "the",
        "soldiers",
        "came",
        "to",
        "village",
        "at",
        "night",
        "they",
        "burned",
        "houses",
        "my",
        "brother",
        "was",
        "taken",
        "we",
        "ran",
        "towards",
        "river",
        "market",
        "school",
        "morning",
        "after",
        "prayers",
        "men",
        "in",
        "uniform",
        "asked",
        "for",
        "names",
        "mother",
        "hid",
        "children",
        "behind",
        "wall",
        "fire",
        "trucks",
        "checkpoint",
        "road",
        "north",
        "camp",
    ];
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..words)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            VOCABULARY[((state >> 33) % VOCABULARY.len() as u64) as usize]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every event's details, as JSON text, in order.
pub fn all_details(vault: &Vault) -> Vec<(String, String)> {
    let mut out = Vec::new();
    vault
        .for_each_event(|e| {
            out.push((e.action.clone(), e.details.to_string()));
            Ok(())
        })
        .expect("log");
    out
}

pub fn event_count(vault: &Vault) -> usize {
    all_details(vault).len()
}
