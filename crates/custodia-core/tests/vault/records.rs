//! Persons, interviews, consent, incidents, search and import through the public API: what is stored,
//! what is revealed and logged, and that bad input changes nothing.

use crate::common::*;
use crate::people::*;
use custodia_core::records::search::HitKind;
use custodia_core::ErrorCode;
use custodia_core::{
    AddOptions, ConsentDecision, ConsentInput, ConsentMethod, ConsentStatus, IncidentInput, InterviewEdit,
    InterviewStatus, PersonEdit, PersonInput, RecipientKind, Referral, ReferralKind, Sex,
};

#[test]
fn persons_are_listed_by_pseudonym_and_revealed_only_with_a_logged_event() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let input = PersonInput {
        reference: "ORG-12".into(),
        phone: "+249 912 000 111".into(),
        sex: Some(Sex::Female),
        minor: true,
        ..person("Amina Yusuf Adam", "2010-04", "Nyala")
    };
    let id = add_person(&mut vault, &input);
    assert!(id.starts_with("P-") && id.len() == 6, "pseudonym code like P-7F3K: {id}");
    let listed = vault.persons().expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].id.as_str(), listed[0].reference.as_deref()), (id.as_str(), Some("ORG-12")));
    assert!(listed[0].minor);
    let listing = format!("{listed:?}");
    assert!(!listing.contains("Amina") && !listing.contains("Nyala"), "a listing shows no identity: {listing}");
    assert_eq!(vault.person("ORG-12").expect("by ref").id, id, "found by its external reference");
    assert_eq!(vault.person(&id.to_lowercase()).expect("by code").id, id, "found by code as typed");

    let before = event_count(&vault);
    let identity = vault.reveal_person(&id).expect("reveal");
    assert_eq!(identity.full_name, "Amina Yusuf Adam");
    assert_eq!(identity.phone, "+249 912 000 111");
    let events =
        vault.events(&custodia_core::EventQuery { subject: Some(id.clone()), limit: 10, ..Default::default() });
    let events = events.expect("events");
    assert_eq!(event_count(&vault), before + 1, "one event per reveal");
    assert_eq!(events[0].action, "person.revealed");
    vault.close().expect("close");
}

#[test]
fn edits_keep_the_previous_value_in_history_and_only_its_hash_in_the_log() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let id = add_person(&mut vault, &person("Oleksandr Kovalenko", "1975", "Bucha"));
    let edit = PersonEdit { birth_place: Some("Irpin".into()), ..Default::default() };
    vault.edit_person(&id, &edit).expect("edit");
    let history = vault.reveal_person_history(&id).expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].field.as_str(), history[0].previous.as_str()), ("birth_place", "Bucha"));
    let (action, details) = all_details(&vault).into_iter().find(|(a, _)| a == "person.edited").expect("edit event");
    assert_eq!(action, "person.edited");
    let details: serde_json::Value = serde_json::from_str(&details).expect("json");
    assert_eq!(details["field"], "birth_place");
    assert_eq!(details["previous_sha256"], sha256_text("Bucha"));
    assert_eq!(details["sha256"], sha256_text("Irpin"));
    assert_eq!(vault.reveal_person(&id).expect("reveal").birth_place, "Irpin");
    vault.close().expect("close");
}

fn sha256_text(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

#[test]
fn custody_details_never_contain_identity_fields_or_transcript_text() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let secrets = ["Zahra Musa Siddig", "ZMS-OTHER-NAME", "+249911222333", "ID-4471-SECRET", "Farchana", "Kutum"];
    let input = PersonInput {
        other_names: vec![secrets[1].into()],
        phone: secrets[2].into(),
        id_number: secrets[3].into(),
        residence: secrets[4].into(),
        notes: "Lives with ZMS-OTHER-NAME".into(),
        ..person(secrets[0], "1990-04-26", secrets[5])
    };
    let id = add_person(&mut vault, &input);
    let transcript = format!("TRANSCRIPT-MARKER {}", testimony(1, 100));
    let mut plan = interview(&id, "2026-11-02", "A. Haroun");
    plan.transcript = transcript.clone();
    plan.summary = "SUMMARY-MARKER".into();
    plan.place = "PLACE-MARKER".into();
    let interview_id = add_interview(&mut vault, &plan);
    let edit = PersonEdit { full_name: Some("Zahra Moussa Siddig".into()), ..Default::default() };
    vault.edit_person(&id, &edit).expect("edit");
    let edit = InterviewEdit { transcript: Some(format!("{transcript} TRANSCRIPT-EDIT")), ..Default::default() };
    vault.edit_interview(&interview_id, &edit, Some(JUSTIFICATION)).expect("edit interview");
    vault.reveal_person(&id).expect("reveal");
    // A duplicate added with a justification: the override event must not quote the name either.
    vault.add_person(&input, Some(JUSTIFICATION)).expect("justified duplicate");
    let incident = IncidentInput { kind: "killing".into(), place: "PLACE-MARKER".into(), ..Default::default() };
    vault.add_incident(&incident).expect("incident");
    give_consent(&mut vault, &id, &[(RecipientKind::Icc, true)]);
    let log = all_details(&vault);
    assert!(log.iter().any(|(a, _)| a == "harm.overridden"), "the override was logged");
    for (action, details) in &log {
        for secret in secrets.iter().chain(&["Moussa", "TRANSCRIPT-MARKER", "SUMMARY-MARKER", "PLACE-MARKER"]) {
            assert!(!details.contains(secret), "{action} details contain {secret:?}: {details}");
        }
    }
    vault.close().expect("close");
}

#[test]
fn bad_input_is_refused_with_a_clear_error_and_changes_nothing() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let id = add_person(&mut vault, &person("Adam Haroun Omar", "1985-04-16", "Zamzam camp"));
    let before = event_count(&vault);
    let cases: Vec<(&str, custodia_core::Error)> = vec![
        ("bad_date", vault.add_person(&person("A B", "1985-02-30", ""), None).expect_err("date")),
        ("missing_field", vault.add_person(&person("  ", "", ""), None).expect_err("name")),
        ("bad_text", vault.add_person(&person("A\u{1b}[2J", "", ""), None).expect_err("control")),
        ("bad_text", vault.add_person(&person(&"x".repeat(201), "", ""), None).expect_err("long")),
        ("bad_date", vault.add_interview(&interview(&id, "2026-13-01", "A"), None).expect_err("date")),
        ("person_not_found", vault.add_interview(&interview("P-ZZZZ", "2026-01-01", "A"), None).expect_err("who")),
        ("missing_field", vault.add_interview(&interview(&id, "2026-01-01", " "), None).expect_err("interviewer")),
        (
            "item_not_found",
            vault
                .add_interview(
                    &custodia_core::InterviewInput {
                        documents: vec!["E-NOPE0-NOPE0".into()],
                        ..interview(&id, "2026-01-01", "A")
                    },
                    None,
                )
                .expect_err("item"),
        ),
        (
            "bad_date",
            vault
                .add_incident(&IncidentInput {
                    kind: "torture".into(),
                    date_from: "2026-05-02".into(),
                    date_to: "2026-05-01".into(),
                    ..Default::default()
                })
                .expect_err("range"),
        ),
        (
            "bad_choice",
            vault.add_incident(&IncidentInput { kind: "riot".into(), ..Default::default() }).expect_err("kind"),
        ),
        ("interview_not_found", vault.complete_interview("T-00000").expect_err("interview")),
        ("empty_search", vault.search("   ").expect_err("search")),
    ];
    for (code, err) in &cases {
        assert_eq!(err.code().as_str(), *code, "{err}");
        assert!(!err.to_string().is_empty());
    }
    assert!(cases[0].1.to_string().contains("1985-02-30"), "the error names the bad value: {}", cases[0].1);
    assert_eq!(event_count(&vault), before, "no event was written");
    assert_eq!(vault.persons().expect("list").len(), 1, "no person was added");
    assert!(vault.interviews_of(&id).expect("interviews").is_empty(), "no interview was added");
    assert!(vault.incidents().expect("incidents").is_empty(), "no incident was added");
    vault.close().expect("close");
}

#[test]
fn consent_gates_completion_and_a_withdrawal_keeps_the_history() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let id = add_person(&mut vault, &person("Leidy Cuesta Quintero", "1986-03-09", "Quibdó"));
    let interview_id = add_interview(&mut vault, &interview(&id, "2026-11-02", "M. Diallo"));
    let err = vault.complete_interview(&interview_id).expect_err("no consent yet");
    assert_eq!(err.code(), ErrorCode::HarmBlocked);
    assert!(err.to_string().contains("No consent is recorded"), "{err}");
    assert_eq!(vault.interview(&interview_id).expect("show").status, InterviewStatus::Draft);

    assert_eq!(vault.consent_allows(&id, RecipientKind::Icc).expect("allows"), ConsentDecision::NotRecorded);
    let consent = give_consent(&mut vault, &id, &[(RecipientKind::Icc, true), (RecipientKind::PartnerNgo, false)]);
    let done = vault.complete_interview(&interview_id).expect("complete with consent");
    assert_eq!(done.record.status, InterviewStatus::Complete);
    assert_eq!(
        vault.consent_allows(&id, RecipientKind::Icc).expect("allows"),
        ConsentDecision::Allowed { consent: consent.clone(), identity: true }
    );
    assert_eq!(
        vault.consent_allows(&id, RecipientKind::PartnerNgo).expect("allows"),
        ConsentDecision::Allowed { consent: consent.clone(), identity: false }
    );
    assert_eq!(
        vault.consent_allows(&id, RecipientKind::Media).expect("allows"),
        ConsentDecision::OutsideScope { consent: consent.clone() }
    );
    let finding = vault.consent_scope_finding(&id, RecipientKind::Media).expect("rule").expect("a finding");
    assert_eq!(finding.rule, custodia_core::Rule::ConsentScope);
    assert_eq!(
        finding.message,
        format!("{id}'s records cannot go to the media: the consent given does not include this recipient.")
    );
    assert!(vault.consent_scope_finding(&id, RecipientKind::Icc).expect("rule").is_none());

    let withdrawal = vault.withdraw_consent(&id, "2026-11-20", ConsentMethod::Oral, None).expect("withdraw");
    let history = vault.consents_of(&id).expect("history");
    assert_eq!(history.len(), 2, "the withdrawal is added, the consent kept");
    assert_eq!((history[0].status, history[0].scopes.len()), (ConsentStatus::Given, 2));
    assert_eq!(history[1].status, ConsentStatus::Withdrawn);
    assert_eq!(
        vault.consent_allows(&id, RecipientKind::Icc).expect("allows"),
        ConsentDecision::Withdrawn { consent: withdrawal.id }
    );
    let actions = actions(&vault);
    assert!(actions.contains(&"consent.recorded".to_string()) && actions.contains(&"consent.withdrawn".to_string()));
    vault.close().expect("close");
}

#[test]
fn written_consent_needs_its_scan_and_refusals_have_no_scope() {
    let tv = TestVault::new();
    let scan = tv.source("form.pdf", b"%PDF-1.4 signed consent form");
    let mut vault = tv.open();
    let id = add_person(&mut vault, &person("Rosa Elena Córdoba", "1999", "Apartadó"));
    let mut input = ConsentInput {
        person: id.clone(),
        interview: None,
        status: ConsentStatus::Given,
        date: "2026-11-03".into(),
        method: ConsentMethod::Written,
        scan_item: None,
        scopes: vec![],
    };
    assert_eq!(vault.record_consent(&input).expect_err("no scan").code(), ErrorCode::BadConsent);
    let item = vault.add_file(&scan, &AddOptions::default(), &mut go).expect("scan").item.id;
    input.scan_item = Some(item.clone());
    assert_eq!(vault.record_consent(&input).expect("written").scan_item, Some(item));
    let refusal = ConsentInput {
        status: ConsentStatus::Refused,
        method: ConsentMethod::Oral,
        scan_item: None,
        scopes: vec![custodia_core::Scope { recipient: RecipientKind::Media, identity: false }],
        ..input
    };
    assert_eq!(vault.record_consent(&refusal).expect_err("scope on refusal").code(), ErrorCode::BadConsent);
    vault.close().expect("close");
}

#[test]
fn incidents_link_interviews_and_documents_and_search_finds_their_texts() {
    let tv = TestVault::new();
    let photo = tv.source("burned-market.jpg", b"\xFF\xD8\xFF\xE0 photo");
    let mut vault = tv.open();
    let item = vault
        .add_file(
            &photo,
            &AddOptions { description: "Charred stalls of the grain market".into(), ..Default::default() },
            &mut go,
        )
        .expect("add")
        .item
        .id;
    let id = add_person(&mut vault, &person("Youssef Daoud Ibrahim", "1973-05-19", "Kutum"));
    let mut plan = interview(&id, "2026-10-10", "A. Haroun");
    plan.transcript = "They came before dawn and set fire to the grain market; my uncle was inside.".into();
    plan.summary = "Witness to the market fire.".into();
    plan.documents = vec![item.clone()];
    let interview_id = add_interview(&mut vault, &plan);
    let incident = vault
        .add_incident(&IncidentInput {
            kind: "destruction_of_property".into(),
            date_from: "2026-05-01".into(),
            date_to: "2026-05-02".into(),
            description: "Burning of the central market".into(),
            links: vec![interview_id.clone(), item.clone()],
            ..Default::default()
        })
        .expect("incident");
    assert_eq!(incident.interviews, std::slice::from_ref(&interview_id));
    assert_eq!(incident.documents, std::slice::from_ref(&item));
    let shown = vault.interview(&interview_id).expect("interview");
    assert_eq!(shown.incidents, std::slice::from_ref(&incident.id));
    assert_eq!(shown.documents, std::slice::from_ref(&item));

    let viewed = |vault: &custodia_core::Vault| actions(vault).iter().filter(|a| *a == "interview.viewed").count();
    let before = viewed(&vault);
    assert!(vault.search("central").expect("search").iter().all(|h| h.kind != HitKind::Transcript));
    assert_eq!(viewed(&vault), before, "a search showing no testimony logs no viewing");
    let hits = vault.search("GRAIN market").expect("search");
    assert_eq!(viewed(&vault), before + 1, "a transcript snippet shown is testimony viewed, and logged");
    let found: Vec<(&str, &str)> = hits.iter().map(|h| (h.kind.as_str(), h.record.as_str())).collect();
    assert!(found.contains(&("transcript", interview_id.as_str())), "{found:?}");
    assert!(found.contains(&("item", item.as_str())), "{found:?}");
    assert!(hits.iter().any(|h| h.snippet.contains("[grain]")), "{hits:?}");
    assert!(vault.search("central").expect("search").iter().any(|h| h.record == incident.id));
    assert!(vault.search("uncle").expect("search").iter().any(|h| h.kind == HitKind::Transcript));
    // Text with FTS5 syntax is taken literally.
    assert!(vault.search("market\" OR \"x").is_ok());
    // An edit replaces the indexed text.
    let edit = InterviewEdit { summary: Some("Witness to the checkpoint".into()), ..Default::default() };
    vault.edit_interview(&interview_id, &edit, None).expect("edit");
    assert!(vault.search("checkpoint").expect("search").iter().any(|h| h.kind == HitKind::Summary));
    assert!(!vault.search("fire witness").expect("search").iter().any(|h| h.kind == HitKind::Summary));
    vault.close().expect("close");
}

#[test]
fn referrals_and_reading_an_interview_keep_history_and_are_logged() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let id = add_person(&mut vault, &person("Sara Abdelkarim", "2006-10-05", "Kutum"));
    let mut plan = interview(&id, "2026-09-01", "A. Haroun");
    plan.transcript = "First version.".into();
    let interview_id = add_interview(&mut vault, &plan);
    let shown = vault.set_referral(&interview_id, ReferralKind::Medical, Some(Referral::Declined)).expect("referral");
    assert_eq!(shown.referrals.medical, Some(Referral::Declined));
    let text = vault.read_interview(&interview_id).expect("read");
    assert_eq!(text.transcript, "First version.");
    let edit = InterviewEdit { transcript: Some("Second version.".into()), ..Default::default() };
    vault.edit_interview(&interview_id, &edit, None).expect("edit");
    let history = vault.read_interview_history(&interview_id).expect("history");
    let fields: Vec<(&str, &str)> = history.iter().map(|h| (h.field.as_str(), h.previous.as_str())).collect();
    assert_eq!(fields, [("referral_medical", ""), ("transcript", "First version.")]);
    assert!(actions(&vault).iter().filter(|a| *a == "interview.viewed").count() >= 2);
    vault.close().expect("close");
}

#[test]
fn import_is_all_or_nothing_with_line_numbers() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let head = "ref,full_name,other_names,sex,birth_date,birth_place,residence,phone,id_number\n";
    let bad = format!("{head}R1,Amina Yusuf,,F,1990,,,,\nR2,Adam Omar,,Q,1980,,,,\n");
    let err = vault.import_persons(bad.as_bytes()).expect_err("bad sex");
    assert_eq!(err.code(), ErrorCode::BadImport);
    assert!(err.to_string().starts_with("line 3:"), "{err}");
    assert!(vault.persons().expect("list").is_empty(), "nothing from the file was imported");
    let good = format!("{head}R1,Amina Yusuf,,F,1990,,,,\nR2,Adam Omar,,M,1980,,,,\n");
    let imported = vault.import_persons(good.as_bytes()).expect("import");
    assert_eq!(imported.persons.iter().map(|(line, _)| *line).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(vault.person("R2").expect("by ref").id, imported.persons[1].1);
    let err =
        vault.import_persons(format!("{head}R9,New,,M,,,,,\nR1,Again,,F,,,,,\n").as_bytes()).expect_err("ref taken");
    assert!(err.to_string().starts_with("line 3:"), "{err}");
    assert_eq!(vault.persons().expect("list").len(), 2, "the second file added nothing");
    vault.close().expect("close");
}

#[test]
fn the_sample_register_imports_and_verify_passes_after_every_kind_of_record_operation() {
    let tv = TestVault::new();
    let csv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/matching/persons-dev.csv");
    let file = std::fs::File::open(&csv).unwrap_or_else(|e| panic!("the sample data {} is needed: {e}", csv.display()));
    let mut vault = tv.open();
    let imported = vault.import_persons(file).expect("import the sample register");
    assert!(imported.persons.len() > 600, "{} persons", imported.persons.len());
    let pairs = vault.person_duplicates(None).expect("duplicates");
    assert!(!pairs.is_empty(), "the sample has known duplicates");
    let first = &pairs[0];
    vault.review_same(&first.a.id, &first.b.id).expect("merge");
    let second = &pairs[1];
    if second.a.id != first.b.id && second.b.id != first.b.id {
        vault.review_different(&second.a.id, &second.b.id).expect("different");
    }
    let id = vault.persons().expect("list")[5].id.clone();
    let interview_id = add_interview(&mut vault, &interview(&id, "2026-11-01", "A. Haroun"));
    give_consent(&mut vault, &id, &[(RecipientKind::UnMechanism, false)]);
    vault.complete_interview(&interview_id).expect("complete");
    vault.reveal_person(&id).expect("reveal");
    vault.edit_person(&id, &PersonEdit { notes: Some("Moved".into()), ..Default::default() }).expect("edit");
    vault
        .add_incident(&IncidentInput { kind: "other".into(), links: vec![interview_id], ..Default::default() })
        .expect("incident");
    let report = vault.verify(&mut |_| custodia_core::Flow::Continue).expect("verify");
    assert!(report.ok, "verify after record operations: {:?}", report.problems);
    vault.close().expect("close");
    let vault = tv.open();
    assert!(vault.persons().expect("reopened").len() > 600);
    vault.close().expect("close");
}
