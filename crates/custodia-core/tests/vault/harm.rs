//! The do-no-harm rules through the public API: each fires when it should, with its message, and stays
//! quiet when it should not; warnings need a justification that is logged; blocks cannot be overridden;
//! reviewers' decisions on duplicates hold.

use crate::common::*;
use crate::people::*;
use custodia_core::harm::FindingCode;
use custodia_core::ErrorCode;
use custodia_core::{
    Finding, HarmSettings, InterviewEdit, PersonInput, RecipientKind, Referral, ReferralKind, Severity,
};

fn rules(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule.as_str()).collect()
}

fn only<'a>(findings: &'a [Finding], rule: &str) -> &'a Finding {
    let matching: Vec<&Finding> = findings.iter().filter(|f| f.rule.as_str() == rule).collect();
    assert_eq!(matching.len(), 1, "exactly one {rule} finding in {:?}", rules(findings));
    matching[0]
}

fn mohammed() -> PersonInput {
    PersonInput { phone: "+249 912 345 678".into(), ..person("Mohammed Ahmed Hassan", "1990-04-16", "Nyala") }
}

fn muhammad() -> PersonInput {
    PersonInput { phone: "+249912345678".into(), ..person("Muhammad Ahmad Hassan", "1990", "Niyala") }
}

#[test]
fn possible_duplicate_person_names_the_earlier_person_and_interviews_and_stays_quiet_for_strangers() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let first = add_person(&mut vault, &mohammed());
    add_interview(&mut vault, &interview(&first, "2026-03-02", "A. Haroun"));
    add_interview(&mut vault, &interview(&first, "2026-05-19", "M. Diallo"));
    let findings = vault.check_person(&muhammad()).expect("check");
    let f = only(&findings, "possible-duplicate-person");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.code, FindingCode::DuplicatePerson);
    let expected = format!(
        "Probably the same person as {first}, interviewed twice: 2026-03-02 by A. Haroun, 2026-05-19 by M. Diallo."
    );
    assert!(f.message.starts_with(&expected), "{}", f.message);
    assert!(f.message.len() > expected.len() + 5, "the reasons follow: {}", f.message);
    assert_eq!(f.params["person"], first);
    assert_eq!(f.params["interviews"].as_array().map(Vec::len), Some(2));
    assert!(f.evidence.score.is_some_and(|s| s > 0.0 && s <= 1.0));
    assert!(!f.evidence.reasons.is_empty() && f.evidence.records[0] == first);
    assert!(!f.message.contains("Mohammed"), "the message names the person by code only: {}", f.message);

    let stranger =
        PersonInput { sex: Some(custodia_core::Sex::Female), ..person("Svetlana Ivanova", "1962", "Mariupol") };
    assert!(vault.check_person(&stranger).expect("check").is_empty(), "a stranger raises nothing");
    vault.close().expect("close");
}

#[test]
fn a_warning_without_justification_saves_nothing_and_an_override_is_logged() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    add_person(&mut vault, &mohammed());
    let before = event_count(&vault);
    let err = vault.add_person(&muhammad(), None).expect_err("needs a justification");
    assert_eq!(err.code(), ErrorCode::JustificationNeeded);
    let custodia_core::Error::Harm(harm) = &err else { panic!("a harm error: {err}") };
    assert_eq!(rules(harm.findings()), ["possible-duplicate-person"]);
    assert_eq!(
        vault.add_person(&muhammad(), Some("dup")).expect_err("too short").code(),
        ErrorCode::JustificationTooShort
    );
    assert_eq!(vault.persons().expect("list").len(), 1, "nothing saved");
    // The stopped attempts showed their caller a match: each is logged as a check, and only that.
    let since: Vec<String> = actions(&vault).split_off(before);
    assert_eq!(since, ["harm.checked", "harm.checked"], "only the checks are logged");

    let added = vault.add_person(&muhammad(), Some(JUSTIFICATION)).expect("justified");
    assert_eq!(rules(&added.findings), ["possible-duplicate-person"]);
    let events = vault
        .events(&custodia_core::EventQuery { action: Some("harm.overridden".into()), limit: 10, ..Default::default() })
        .expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].subject.as_deref(), Some(added.person.id.as_str()));
    assert_eq!(events[0].details["rule"], "possible-duplicate-person");
    assert_eq!(events[0].details["justification"], JUSTIFICATION);
    assert!(!events[0].details.to_string().contains("Hassan"));
    vault.close().expect("close");
}

#[test]
fn recent_interview_fires_within_the_cooldown_only_and_follows_the_setting() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let id = add_person(&mut vault, &person("Tijani Siddig Ibrahim", "1973-09-20", "Kutum"));
    add_interview(&mut vault, &interview(&id, "2026-11-01", "A. Haroun"));
    let findings = vault.check_interview(&interview(&id, "2026-11-20", "M. Diallo")).expect("check");
    let f = only(&findings, "recent-interview");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.message,
        format!("{id} was interviewed 19 days ago (2026-11-01 by A. Haroun); the cooldown is 90 days. Another interview so soon can harm them: use the earlier testimony if you can.")
    );
    let later = vault.check_interview(&interview(&id, "2027-03-01", "M. Diallo")).expect("check");
    assert!(!rules(&later).contains(&"recent-interview"), "{:?}", rules(&later));

    let settings = HarmSettings { cooldown_days: 10, ..vault.harm_settings().expect("settings") };
    vault.set_harm_settings(&settings).expect("set");
    let findings = vault.check_interview(&interview(&id, "2026-11-20", "M. Diallo")).expect("check");
    assert!(!rules(&findings).contains(&"recent-interview"), "cooldown of 10 days: {:?}", rules(&findings));
    assert!(actions(&vault).contains(&"settings.changed".to_string()));
    let bad = HarmSettings { duplicate_threshold: 0.0, ..settings };
    assert_eq!(vault.set_harm_settings(&bad).expect_err("out of range").code(), ErrorCode::BadSetting);
    vault.close().expect("close");
}

#[test]
fn interview_count_informs_below_the_limit_and_warns_at_it() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let id = add_person(&mut vault, &person("Zainab Mohammed Haroun", "2007-03-12", "Tawila"));
    assert!(
        !rules(&vault.check_interview(&interview(&id, "2025-01-10", "A")).expect("check")).contains(&"interview-count")
    );
    add_interview(&mut vault, &interview(&id, "2025-01-10", "A. Haroun"));
    let once = vault.check_interview(&interview(&id, "2025-09-01", "B")).expect("check");
    let f = only(&once, "interview-count");
    assert_eq!((f.severity, f.code), (Severity::Info, FindingCode::PriorInterviews));
    add_interview(&mut vault, &interview(&id, "2025-09-01", "M. Diallo"));
    let twice = vault.check_interview(&interview(&id, "2026-06-01", "C")).expect("check");
    let f = only(&twice, "interview-count");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.message,
        format!("{id} was already interviewed twice: 2025-01-10 by A. Haroun, 2025-09-01 by M. Diallo (the limit is 2). Each new interview asks them to tell it again.")
    );
    vault.close().expect("close");
}

#[test]
fn near_duplicate_testimony_fires_for_an_edited_copy_and_not_for_another_account() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let a = add_person(&mut vault, &person("Suleiman Bakhit Rashid", "1989-03-01", "Geneina"));
    let b = add_person(&mut vault, &person("Ivan Hrytsenko", "1970", "Bucha"));
    let original = testimony(7, 400);
    let mut plan = interview(&a, "2026-04-01", "A. Haroun");
    plan.transcript = original.clone();
    let first = add_interview(&mut vault, &plan);

    let mut copy: Vec<String> = original.split(' ').map(str::to_string).collect();
    for i in (0..copy.len()).step_by(25) {
        copy[i] = "CHANGED".into();
    }
    let mut plan = interview(&b, "2026-10-01", "M. Diallo");
    plan.transcript = format!("Translated and typed again. {}", copy.join(" "));
    let findings = vault.check_interview(&plan).expect("check");
    let f = only(&findings, "near-duplicate-testimony");
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.message.starts_with(&format!(
            "This transcript is nearly the same as {first} ({a}, 2026-04-01 by A. Haroun): about "
        )),
        "{}",
        f.message
    );
    assert!(f.evidence.score.is_some_and(|s| s >= 0.5), "{:?}", f.evidence.score);

    plan.transcript = testimony(8, 400);
    let findings = vault.check_interview(&plan).expect("check");
    assert!(!rules(&findings).contains(&"near-duplicate-testimony"), "{:?}", rules(&findings));
    // The edited copy, saved under a justification, is found again when the original is edited.
    plan.transcript = copy.join(" ");
    let second = add_interview(&mut vault, &plan);
    let edit = InterviewEdit { transcript: Some(format!("{original} and more")), ..Default::default() };
    let err = vault.edit_interview(&first, &edit, None).expect_err("warning on edit");
    assert_eq!(err.code(), ErrorCode::JustificationNeeded);
    let custodia_core::Error::Harm(harm) = &err else { panic!("harm error") };
    assert_eq!(harm.findings()[0].evidence.records[0], second);
    vault.close().expect("close");
}

#[test]
fn consent_missing_informs_at_creation_and_blocks_completion_even_with_a_justification() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let id = add_person(&mut vault, &person("Carmen Ruiz González", "1965-05-21", "Tumaco"));
    let findings = vault.check_interview(&interview(&id, "2026-11-02", "A. Haroun")).expect("check");
    let f = only(&findings, "consent-missing");
    assert_eq!((f.severity, f.code), (Severity::Info, FindingCode::ConsentNotYet));
    let saved =
        vault.add_interview(&interview(&id, "2026-11-02", "A. Haroun"), None).expect("info alone does not stop");
    let err = vault.complete_interview(&saved.record.id).expect_err("blocked");
    let custodia_core::Error::Harm(harm) = &err else { panic!("harm error") };
    let f = only(harm.findings(), "consent-missing");
    assert_eq!(f.severity, Severity::Block);
    assert_eq!(
        f.message,
        format!(
            "No consent is recorded for {id}. Record consent (given or refused) before completing {}.",
            saved.record.id
        )
    );
    give_consent(&mut vault, &id, &[]);
    let findings = vault.check_interview(&interview(&id, "2027-06-02", "A. Haroun")).expect("check");
    assert!(!rules(&findings).contains(&"consent-missing"), "quiet once consent is recorded");
    vault.complete_interview(&saved.record.id).expect("complete");
    vault.close().expect("close");
}

#[test]
fn sensitive_safeguard_needs_a_trained_interviewer_and_every_referral_recorded() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let id = add_person(&mut vault, &PersonInput { minor: true, ..person("Halima Adam", "2011", "Tawila") });
    let plan = interview(&id, "2026-11-02", "A. Haroun");
    let f = only(&vault.check_interview(&plan).expect("check"), "sensitive-safeguard").clone();
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.message, format!("{id} is a minor: the interview needs an interviewer trained for it, and A. Haroun is not marked as trained."));
    vault.set_interviewer("A. Haroun", true).expect("trained");
    assert!(!rules(&vault.check_interview(&plan).expect("check")).contains(&"sensitive-safeguard"));
    let adult = add_person(&mut vault, &person("Omar Idris", "1960", "Kampala"));
    vault.set_interviewer("B. Untrained", false).expect("set");
    let adult_plan = interview(&adult, "2026-11-02", "B. Untrained");
    assert!(!rules(&vault.check_interview(&adult_plan).expect("check")).contains(&"sensitive-safeguard"));

    let interview_id = vault.add_interview(&plan, None).expect("no warning left").record.id;
    give_consent(&mut vault, &id, &[(RecipientKind::Icc, false)]);
    vault.set_referral(&interview_id, ReferralKind::Psychosocial, Some(Referral::Made)).expect("referral");
    let err = vault.complete_interview(&interview_id).expect_err("referrals missing");
    let custodia_core::Error::Harm(harm) = &err else { panic!("harm error") };
    let f = only(harm.findings(), "sensitive-safeguard");
    assert_eq!(f.severity, Severity::Block);
    assert_eq!(f.message, format!("{id} is a minor: record whether the medical and legal referral was made or declined before completing {interview_id}."));
    vault.set_referral(&interview_id, ReferralKind::Medical, Some(Referral::Declined)).expect("referral");
    vault.set_referral(&interview_id, ReferralKind::Legal, Some(Referral::Made)).expect("referral");
    vault.complete_interview(&interview_id).expect("complete");
    vault.close().expect("close");
}

#[test]
fn same_person_merges_keeping_both_records_and_different_people_are_never_flagged_again() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let a = add_person(&mut vault, &mohammed());
    let b =
        vault.add_person(&PersonInput { sgbv_survivor: true, ..muhammad() }, Some(JUSTIFICATION)).expect("b").person.id;
    let b_interview = add_interview(&mut vault, &interview(&b, "2026-06-01", "M. Diallo"));
    give_consent(&mut vault, &b, &[(RecipientKind::Icc, true)]);
    let pairs = vault.person_duplicates(None).expect("pairs");
    assert_eq!(pairs.len(), 1);
    let ids = [pairs[0].a.id.clone(), pairs[0].b.id.clone()];
    assert!(ids.contains(&a) && ids.contains(&b), "{ids:?}");

    let survivor = vault.review_same(&a, &b).expect("merge");
    assert_eq!(survivor.id, a);
    assert!(survivor.sgbv_survivor, "the survivor keeps the protection of either record");
    assert_eq!(vault.person(&b).expect("kept").merged_into.as_deref(), Some(a.as_str()));
    assert_eq!(vault.reveal_person(&b).expect("kept").full_name, "Muhammad Ahmad Hassan", "both records are kept");
    assert_eq!(vault.interview(&b_interview).expect("moved").person, a);
    assert_eq!(vault.consents_of(&a).expect("moved").len(), 1);
    assert!(vault.consent_allows(&b, RecipientKind::Icc).expect("via survivor").is_allowed());
    assert!(vault.person_duplicates(None).expect("pairs").is_empty(), "a merged pair is not suspected again");
    assert_eq!(
        vault.add_interview(&interview(&b, "2026-11-01", "A"), None).expect_err("merged").code(),
        ErrorCode::PersonMerged
    );
    assert_eq!(vault.review_same(&a, &b).expect_err("again").code(), ErrorCode::PersonMerged);
    let merged = vault.events(&custodia_core::EventQuery {
        action: Some("person.merged".into()),
        limit: 5,
        ..Default::default()
    });
    let merged = merged.expect("events");
    assert_eq!(merged[0].details["into"], a);
    assert_eq!(merged[0].details["interviews"][0], b_interview);

    // A new spelling of the same person is now flagged against the survivor, with the moved interview.
    let third = PersonInput { phone: "".into(), ..person("Mohamed Ahmed Hasan", "1990-04-16", "Nyala") };
    let findings = vault.check_person(&third).expect("check");
    let f = only(&findings, "possible-duplicate-person");
    assert_eq!(f.params["person"], a);
    assert!(f.message.contains("interviewed once: 2026-06-01 by M. Diallo"), "{}", f.message);
    let c = vault.add_person(&third, Some(JUSTIFICATION)).expect("c").person.id;
    vault.review_different(&a, &c).expect("different");
    assert!(vault.person_duplicates(None).expect("pairs").is_empty(), "never flagged again");
    let edit = custodia_core::PersonEdit { notes: Some("Met again at the camp".into()), ..Default::default() };
    let (_, findings) = vault.edit_person(&c, &edit).expect("edit");
    assert!(findings.iter().all(|f| f.params["person"] != a), "{:?}", rules(&findings));
    assert_eq!(vault.review_different(&a, &c).expect_err("twice").code(), ErrorCode::BadReview);
    assert_eq!(vault.review_same(&a, &a).expect_err("itself").code(), ErrorCode::BadReview);
    let report = vault.verify(&mut |_| custodia_core::Flow::Continue).expect("verify");
    assert!(report.ok, "{:?}", report.problems);
    vault.close().expect("close");
}

#[test]
fn a_kept_person_checker_follows_additions_and_reviews() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let mut checker = custodia_core::harm::PersonChecker::default();
    assert!(vault.check_person_with(&mut checker, &muhammad()).expect("check").is_empty(), "empty vault");
    let first = add_person(&mut vault, &mohammed());
    let findings = vault.check_person_with(&mut checker, &muhammad()).expect("check");
    assert_eq!(rules(&findings), ["possible-duplicate-person"], "the person added after the checker was built");
    let err = vault.add_person_with(&mut checker, &muhammad(), None).expect_err("the kept checker gates the add");
    assert_eq!(err.code(), ErrorCode::JustificationNeeded);
    let second = vault.add_person(&muhammad(), Some(JUSTIFICATION)).expect("second").person.id;
    vault.review_different(&first, &second).expect("different");
    let findings = vault.check_person_with(&mut checker, &muhammad()).expect("check");
    assert_eq!(findings.len(), 2, "a new record is still checked against both: {:?}", rules(&findings));
    let edit = custodia_core::PersonEdit { full_name: Some("Svetlana Ivanova".into()), ..Default::default() };
    vault.edit_person(&first, &edit).expect("edit");
    let probe = PersonInput { sex: Some(custodia_core::Sex::Female), ..person("Svetlana Ivanova", "1990-04-16", "") };
    let kept: Vec<serde_json::Value> = vault
        .check_person_with(&mut checker, &probe)
        .expect("check")
        .iter()
        .map(|f| f.params["person"].clone())
        .collect();
    let fresh: Vec<serde_json::Value> =
        vault.check_person(&probe).expect("check").iter().map(|f| f.params["person"].clone()).collect();
    assert_eq!(kept, fresh, "the kept checker agrees with a fresh one after an edit");
    assert!(kept.contains(&serde_json::Value::from(first.clone())), "the new name is matched: {kept:?}");
    vault.close().expect("close");
}

fn checked_events(vault: &custodia_core::Vault) -> Vec<custodia_core::Event> {
    vault
        .events(&custodia_core::EventQuery { action: Some("harm.checked".into()), limit: 100, ..Default::default() })
        .expect("events")
}

#[test]
fn a_check_that_finds_a_match_is_logged_with_reasons_and_codes_but_never_the_values_typed() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let first = add_person(&mut vault, &mohammed());
    assert!(checked_events(&vault).is_empty(), "adding a stranger is no check that matched");
    let findings = vault.check_person(&muhammad()).expect("check");
    only(&findings, "possible-duplicate-person");
    let events = checked_events(&vault);
    assert_eq!(events.len(), 1, "one event for the check that matched");
    let details = &events[0].details;
    assert_eq!(details["rule"], "possible-duplicate-person");
    assert_eq!(details["context"], "new-person");
    assert_eq!(details["matches"][0]["records"][0], first.as_str());
    let reasons = details["matches"][0]["reasons"].as_array().expect("reason codes");
    assert!(!reasons.is_empty() && reasons.iter().all(|r| r.as_str().is_some_and(|c| !c.contains(' '))), "{reasons:?}");
    let text = details.to_string();
    for value in ["Muhammad", "Ahmad", "Hassan", "1990", "Niyala", "912", "345"] {
        assert!(!text.contains(value), "the event must not hold the typed value {value}: {text}");
    }
    let stranger =
        PersonInput { sex: Some(custodia_core::Sex::Female), ..person("Svetlana Ivanova", "1962", "Mariupol") };
    assert!(vault.check_person(&stranger).expect("check").is_empty());
    assert_eq!(checked_events(&vault).len(), 1, "a check without a match is not logged");
    vault.close().expect("close");
}

#[test]
fn live_checks_through_one_checker_are_rate_limited_and_a_refused_check_changes_nothing() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    add_person(&mut vault, &mohammed());
    let mut checker = custodia_core::harm::PersonChecker::default();
    let guess = |n: u32| PersonInput { phone: format!("+249 912 000 {n:03}"), ..person("Ali Musa", "1980", "Kass") };
    for n in 0..custodia_core::harm::probe::BURST {
        vault.check_person_with(&mut checker, &guess(n)).unwrap_or_else(|e| panic!("check {n} of the burst: {e}"));
    }
    let before = event_count(&vault);
    let err = vault.check_person_with(&mut checker, &muhammad()).expect_err("the check after the burst is refused");
    assert_eq!(err.code(), ErrorCode::TooManyChecks);
    assert_eq!(event_count(&vault), before, "a refused check runs nothing and logs nothing");
    // A new checker (a new unlock, or the command line) has its own budget.
    assert!(!vault.check_person(&muhammad()).expect("check").is_empty());
    vault.close().expect("close");
}

#[test]
fn listing_suspected_duplicates_is_logged_with_counts_of_reasons() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    add_person(&mut vault, &mohammed());
    vault.add_person(&muhammad(), Some(JUSTIFICATION)).expect("justified");
    let before = checked_events(&vault).len();
    let pairs = vault.person_duplicates(None).expect("pairs");
    assert_eq!(pairs.len(), 1);
    let events = checked_events(&vault);
    assert_eq!(events.len(), before + 1, "the listing is one event");
    assert_eq!(events[0].details["context"], "duplicate-list");
    assert_eq!(events[0].details["pairs"], 1);
    assert!(!events[0].details.to_string().contains("Hassan"));
    vault.close().expect("close");
}
