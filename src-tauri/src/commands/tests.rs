//! The records commands against a real vault in a temporary folder: the live check keeps one person index
//! per unlock and loses it on lock, a stopped action carries its findings across IPC, completion blocks
//! without consent, and every finding and reason the core produces has a code the page can translate.

use super::{consent, interviews, persons};
use crate::ipc::{
    ConsentInputDto, FindingDto, FindingParams, InterviewInputDto, IpcError, PersonInputDto, ScopeDto, ShellErrorCode,
};
use crate::state::AppState;
use custodia_core::harm::FindingCode;
use custodia_core::{
    ConsentMethod, ConsentRefusal, ConsentStatus, ErrorCode, InterviewStatus, KdfParams, RecipientKind, ReferralKind,
    Rule, SecretString, Session, Severity, StrengthPolicy, Vault,
};
use std::path::PathBuf;

/// The passphrase of every `TempVault`.
pub(super) const PASSPHRASE: &str = "correct horse battery staple";

/// A vault in its own temporary folder, removed when the test ends.
pub(super) struct TempVault {
    dir: PathBuf,
    pub(super) state: AppState,
}

impl TempVault {
    pub(super) fn new(name: &str) -> TempVault {
        let dir = std::env::temp_dir().join(format!("custodia-app-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary folder");
        let session = Session::new("tester", "dev-test").expect("session");
        let state = AppState::new(dir.join("vault"), dir.join("settings.json"), session.clone());
        let vault = Vault::create(
            &dir.join("vault"),
            &SecretString::from(PASSPHRASE.to_string()),
            StrengthPolicy::Required,
            KdfParams::FLOOR,
            session,
        )
        .expect("vault");
        state.set_vault(vault);
        TempVault { dir, state }
    }

    pub(super) fn dir(&self) -> &std::path::Path {
        &self.dir
    }
}

impl Drop for TempVault {
    fn drop(&mut self) {
        self.state.lock_vault();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn amina() -> PersonInputDto {
    PersonInputDto {
        full_name: "Amina Yusuf Adam".into(),
        sex: "F".into(),
        birth_date: "1990".into(),
        birth_place: "Nyala".into(),
        ..Default::default()
    }
}

/// The same woman, spelled as another organisation wrote her name down.
fn aminah() -> PersonInputDto {
    PersonInputDto {
        full_name: "Aminah Yousif Adam".into(),
        sex: "F".into(),
        birth_date: "1990".into(),
        birth_place: "Niyala".into(),
        ..Default::default()
    }
}

fn interview(person: &str, date: &str, transcript: &str) -> InterviewInputDto {
    InterviewInputDto {
        person: person.into(),
        interviewers: vec!["A. Haroun".into()],
        date: date.into(),
        place: "Camp 3".into(),
        transcript: transcript.into(),
        ..Default::default()
    }
}

const ACCOUNT: &str = "The soldiers came to the market on a Tuesday night and set fire to the stalls near the \
    mosque. My brother ran towards the well while I carried our mother past the school. We hid behind the \
    grain store until morning, when the trucks left along the road to the river and the neighbours came out \
    to count who was missing from each family.";

fn codes(findings: &[FindingDto]) -> Vec<&str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

fn add(state: &AppState, input: PersonInputDto) -> String {
    persons::add(state, input, None).expect("a first person is added without findings").person.id
}

#[test]
fn a_draft_person_is_checked_live_and_a_likely_duplicate_names_its_reasons() {
    let t = TempVault::new("live");
    let first = add(&t.state, amina());
    let findings = persons::check(&t.state, aminah()).expect("check");
    assert!(t.state.has_checker(), "the live check keeps its person index for the next keystroke");
    assert_eq!(codes(&findings), ["duplicate_person"], "{findings:#?}");
    let f = &findings[0];
    assert_eq!((f.rule, f.severity), (Rule::PossibleDuplicatePerson, Severity::Warning));
    assert_eq!(f.params.person.as_deref(), Some(first.as_str()));
    assert!(!f.params.reasons.is_empty(), "the finding says why");
    assert_eq!(f.params.reasons, f.evidence.reasons.iter().map(|r| r.code).collect::<Vec<_>>());
    assert!(f.params.score.is_some_and(|s| s > 0.5), "the score crosses: {:?}", f.params.score);
    assert!(f.message.starts_with("Probably the same person as"), "the English sentence comes along");
    let listed = persons::list(&t.state).expect("list");
    assert_eq!(listed.len(), 1, "checking saved nothing");
}

#[test]
fn a_bad_draft_is_answered_with_an_error_code_not_findings() {
    let t = TempVault::new("bad-draft");
    let bad_date = PersonInputDto { birth_date: "next spring".into(), ..amina() };
    assert_eq!(persons::check(&t.state, bad_date).expect_err("bad date").code, ErrorCode::BadDate.into());
    let bad_sex = PersonInputDto { sex: "X".into(), ..amina() };
    assert_eq!(persons::check(&t.state, bad_sex).expect_err("bad sex").code, ErrorCode::BadChoice.into());
    let no_name = PersonInputDto { full_name: "  ".into(), ..amina() };
    assert_eq!(persons::check(&t.state, no_name).expect_err("no name").code, ErrorCode::MissingField.into());
}

#[test]
fn a_warning_without_a_justification_saves_nothing_and_carries_its_findings() {
    let t = TempVault::new("justify");
    add(&t.state, amina());
    for blank in [None, Some(String::new()), Some("   ".to_string())] {
        let err = persons::add(&t.state, aminah(), blank.clone()).expect_err("a warning stops the save");
        assert_eq!(err.code, ErrorCode::JustificationNeeded.into(), "justification {blank:?}");
        let carried = err.findings.expect("the stopped action carries its findings");
        assert_eq!(codes(&carried), ["duplicate_person"]);
    }
    let short = persons::add(&t.state, aminah(), Some("ok".into())).expect_err("too short");
    assert_eq!(short.code, ErrorCode::JustificationTooShort.into());
    assert!(short.findings.is_none(), "a refused justification is not a new finding");
    assert_eq!(persons::list(&t.state).expect("list").len(), 1, "nothing was saved");

    let saved = persons::add(&t.state, aminah(), Some("She says she was never interviewed before".into()))
        .expect("a justified warning is saved");
    assert_eq!(codes(&saved.findings), ["duplicate_person"], "the findings that were overridden come back");
    let detail = persons::detail(&t.state, &saved.person.id).expect("detail");
    let actions: Vec<&str> = detail.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["harm.overridden", "person.created"], "newest first, the override logged with it");
}

#[test]
fn live_checks_from_the_page_are_rate_limited_for_the_whole_unlock() {
    let t = TempVault::new("probe");
    let person = add(&t.state, amina());
    let burst = custodia_core::harm::probe::BURST;
    for n in 0..burst {
        persons::check(&t.state, aminah()).unwrap_or_else(|e| panic!("check {n} of the burst: {}", e.message));
    }
    let err = persons::check(&t.state, aminah()).expect_err("a page that keeps asking is slowed down");
    assert_eq!(err.code, ErrorCode::TooManyChecks.into());
    let err = interviews::check(&t.state, interview(&person, "2026-11-02", ACCOUNT)).expect_err("same budget");
    assert_eq!(err.code, ErrorCode::TooManyChecks.into(), "an interview's check draws on the same budget");
}

#[test]
fn locking_drops_the_person_index_with_the_vault() {
    let t = TempVault::new("lock");
    add(&t.state, amina());
    persons::check(&t.state, aminah()).expect("check");
    assert!(t.state.has_checker());
    assert!(t.state.lock_vault(), "the vault was open");
    assert!(!t.state.has_checker(), "the index, which holds names, is gone");
    let err = persons::check(&t.state, aminah()).expect_err("locked");
    assert_eq!(err.code, ShellErrorCode::Locked.into());
}

#[test]
fn completion_is_blocked_without_consent_and_the_block_crosses_as_findings() {
    let t = TempVault::new("complete");
    let person = add(&t.state, amina());
    let checked = interviews::check(&t.state, interview(&person, "2026-11-02", ACCOUNT)).expect("check");
    assert_eq!(codes(&checked), ["consent_not_yet"], "information only: no justification needed");
    assert_eq!(checked[0].severity, Severity::Info);
    let saved = interviews::add(&t.state, interview(&person, "2026-11-02", ACCOUNT), None).expect("draft");
    assert_eq!(saved.interview.status, InterviewStatus::Draft);

    let err: IpcError = super::interviews::complete(&t.state, &saved.interview.id).expect_err("no consent");
    assert_eq!(err.code, ErrorCode::HarmBlocked.into());
    let blocks = err.findings.expect("the block says why");
    assert_eq!(codes(&blocks), ["consent_missing"]);
    assert_eq!(blocks[0].severity, Severity::Block);
    assert_eq!(blocks[0].params.interview.as_deref(), Some(saved.interview.id.as_str()));

    let given = consent::record(
        &t.state,
        ConsentInputDto {
            person: person.clone(),
            interview: Some(saved.interview.id.clone()),
            status: ConsentStatus::Given,
            date: "2026-11-02".into(),
            method: ConsentMethod::Oral,
            scan_item: Some(String::new()),
            scopes: vec![
                ScopeDto { recipient: RecipientKind::Icc, identity: true },
                ScopeDto { recipient: RecipientKind::PartnerNgo, identity: false },
            ],
        },
    )
    .expect("consent");
    assert_eq!(given.scopes.len(), 2);
    let done = super::interviews::complete(&t.state, &saved.interview.id).expect("complete with consent");
    assert_eq!(done.interview.status, InterviewStatus::Complete);

    let withdrawn = consent::withdraw(&t.state, &person, "2026-11-20", "oral", None).expect("withdraw");
    assert_eq!(withdrawn.status, ConsentStatus::Withdrawn);
    let detail = persons::detail(&t.state, &person).expect("detail");
    let statuses: Vec<ConsentStatus> = detail.consents.iter().map(|c| c.status).collect();
    assert_eq!(statuses, [ConsentStatus::Given, ConsentStatus::Withdrawn], "a withdrawal keeps the history");
    assert_eq!(detail.interviews.len(), 1);
}

#[test]
fn consent_input_is_checked_by_the_core_and_bad_values_change_nothing() {
    let t = TempVault::new("consent");
    let person = add(&t.state, amina());
    let unknown = serde_json::json!({ "recipient": "the press", "identity": false });
    assert!(serde_json::from_value::<ScopeDto>(unknown).is_err(), "a recipient kind outside the set never crosses");
    let written = ConsentInputDto {
        person: person.clone(),
        interview: None,
        status: ConsentStatus::Given,
        date: "2026-11-02".into(),
        method: ConsentMethod::Written,
        scan_item: None,
        scopes: vec![ScopeDto { recipient: RecipientKind::Media, identity: false }],
    };
    assert_eq!(consent::record(&t.state, written).expect_err("no scan").code, ErrorCode::BadConsent.into());
    assert_eq!(
        consent::withdraw(&t.state, &person, "2026-11-20", "oral", None).expect_err("none").code,
        ErrorCode::BadConsent.into()
    );
    assert!(persons::detail(&t.state, &person).expect("detail").consents.is_empty());
}

#[test]
fn every_finding_code_crosses_with_the_values_its_sentence_needs() {
    let t = TempVault::new("catalog");
    let child = PersonInputDto { minor: true, sgbv_survivor: true, ..amina() };
    let person = add(&t.state, child);
    let first = interviews::add(&t.state, interview(&person, "2026-09-01", ACCOUNT), None)
        .expect_err("an untrained interviewer of a minor is a warning");
    let first_codes = codes(first.findings.as_deref().unwrap_or_default()).join(",");
    assert_eq!(first_codes, "consent_not_yet,safeguard_interviewer");
    let why = Some("No trained colleague can reach the camp this month".to_string());
    let first = interviews::add(&t.state, interview(&person, "2026-09-01", ACCOUNT), why.clone()).expect("first");
    let second = interviews::check(&t.state, interview(&person, "2026-10-01", ACCOUNT)).expect("second");
    let by_code = |list: &[FindingDto], code: &str| -> FindingParams {
        list.iter().find(|f| f.code.as_str() == code).unwrap_or_else(|| panic!("no {code} in {list:#?}")).params.clone()
    };
    let prior = by_code(&second, "prior_interviews");
    assert_eq!((prior.count, prior.max), (Some(1.0), Some(2.0)));
    assert_eq!(prior.interviews[0].interviewers, ["A. Haroun"]);
    let recent = by_code(&second, "recent_interview");
    assert_eq!((recent.days, recent.cooldown_days), (Some(30.0), Some(90.0)));
    assert_eq!(recent.prior.as_ref().map(|p| p.id.as_str()), Some(first.interview.id.as_str()));
    let copied = by_code(&second, "near_duplicate_testimony");
    assert!(copied.percent.is_some_and(|p| p > 90.0), "{copied:?}");
    assert_eq!(copied.prior.as_ref().map(|p| p.date.as_str()), Some("2026-09-01"));
    assert_eq!(by_code(&second, "safeguard_interviewer").vulnerability, ["minor", "sgbv"]);

    interviews::add(&t.state, interview(&person, "2026-10-01", "A different, short account."), why.clone())
        .expect("second");
    let third = interviews::check(&t.state, interview(&person, "2026-11-25", "x")).expect("third");
    assert_eq!(by_code(&third, "interview_count").count, Some(2.0));

    let blocked = super::interviews::complete(&t.state, &first.interview.id).expect_err("blocked");
    let blocks = blocked.findings.expect("findings");
    assert_eq!(by_code(&blocks, "safeguard_referral").missing, ReferralKind::ALL);
    by_code(&blocks, "consent_missing");

    let scope = t
        .state
        .with_vault(|vault| vault.consent_scope_finding(&person, custodia_core::RecipientKind::Media))
        .expect("scope")
        .map(FindingDto::from)
        .expect("no consent: a block");
    assert_eq!(
        (scope.params.recipient, scope.params.why),
        (Some(RecipientKind::Media), Some(ConsentRefusal::NotRecorded))
    );

    let mut seen: Vec<FindingDto> = [first.findings, second, third, blocks, vec![scope]].concat();
    seen.extend(persons::check(&t.state, aminah()).expect("duplicate"));
    seen.extend(team_findings(&t));
    let mut produced: Vec<&str> = codes(&seen);
    produced.sort_unstable();
    produced.dedup();
    let mut all: Vec<&str> = FindingCode::ALL.iter().map(|c| c.as_str()).collect();
    all.sort_unstable();
    assert_eq!(produced, all, "every finding code was produced, and its values checked, by this test");
}

/// A `team_duplicate` finding: another vault of a team this one joins recorded Amina, and its linkage
/// tokens (no name in them) reach this vault, whose check of a spelling of her name then names that member.
fn team_findings(t: &TempVault) -> Vec<FindingDto> {
    let other = TempVault::new("catalog-team");
    let member = custodia_core::bundle::generate_identity(&t.dir().join("member.txt")).expect("identity");
    let (team_file, tokens) = (t.dir().join("team.age"), other.dir().join("tokens"));
    add(&other.state, amina());
    let documenter = other
        .state
        .with_vault(|v| {
            v.create_team("coalition")?;
            v.invite_team("coalition", &member.public_key, &team_file)?;
            v.export_team_tokens("coalition", &tokens)?;
            v.documenter_code()
        })
        .expect("the other member's tokens");
    t.state
        .with_vault(|v| {
            v.join_team(&team_file, &member.path)?;
            v.add_team_tokens(&tokens)
        })
        .expect("joined, tokens added");
    let found = persons::check(&t.state, aminah()).expect("check");
    let team = found.iter().find(|f| f.code.as_str() == "team_duplicate").expect("a team finding").params.clone();
    assert_eq!((team.team.as_deref(), team.documenter), (Some("coalition"), Some(documenter)));
    found
}

#[test]
fn interviews_are_listed_across_persons_newest_first() {
    let t = TempVault::new("list");
    let a = add(&t.state, amina());
    let b = add(&t.state, PersonInputDto { full_name: "Joseph Mukendi".into(), sex: "M".into(), ..Default::default() });
    interviews::add(&t.state, interview(&a, "2026-03-02", ""), None).expect("a");
    interviews::add(&t.state, interview(&b, "2026-05-19", ""), None).expect("b");
    let listed = interviews::list(&t.state).expect("list");
    let order: Vec<(&str, &str)> = listed.iter().map(|i| (i.person.as_str(), i.date.as_str())).collect();
    assert_eq!(order, [(b.as_str(), "2026-05-19"), (a.as_str(), "2026-03-02")]);
    let detail = interviews::detail(&t.state, &listed[0].id).expect("detail");
    assert_eq!(detail.person.id, b);
    assert_eq!(detail.events[0].action, "interview.created");
    let referred = interviews::referral(&t.state, &listed[0].id, "medical", "declined").expect("referral");
    assert_eq!(referred.referrals.medical, Some(custodia_core::Referral::Declined));
    assert_eq!(
        interviews::referral(&t.state, &listed[0].id, "spiritual", "made").expect_err("kind").code,
        ErrorCode::BadChoice.into()
    );
}

#[test]
fn finding_parameters_are_read_whatever_shape_the_interview_has() {
    let with_id = FindingParams::from(&serde_json::json!({ "person": "P-1", "interview": "T-1", "count": 2 }));
    assert_eq!((with_id.interview.as_deref(), with_id.prior), (Some("T-1"), None));
    let with_record = FindingParams::from(&serde_json::json!({
        "person": "P-1", "percent": 93, "interview": { "id": "T-2", "date": "2026-01-01", "interviewers": ["M"] }
    }));
    assert_eq!(with_record.interview, None);
    assert_eq!(with_record.prior.map(|p| p.interviewers), Some(vec!["M".to_string()]));
    assert_eq!(FindingParams::from(&serde_json::json!("not an object")), FindingParams::default());
}

#[test]
fn an_ordinary_error_crosses_as_code_and_message_only() {
    let json = serde_json::to_value(IpcError::locked()).expect("json");
    assert_eq!(
        json.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["code".into(), "message".into()])
    );
}

#[test]
fn the_evidence_list_streams_newest_first_in_chunks_ending_with_done() {
    let tv = TempVault::new("list-chunks");
    let sources = tv.dir().join("sources");
    std::fs::create_dir_all(&sources).expect("sources folder");
    let mut ids = Vec::new();
    tv.state
        .with_vault(|vault| {
            for n in 0..6 {
                let path = sources.join(if n % 2 == 0 { format!("photo{n}.jpg") } else { format!("note{n}.txt") });
                let bytes: Vec<u8> =
                    if n % 2 == 0 { [&b"\xff\xd8\xff\xe0"[..], &[n]].concat() } else { format!("note {n}").into() };
                std::fs::write(&path, bytes).expect("source");
                let options = custodia_core::AddOptions::default();
                ids.push(vault.add_file(&path, &options, &mut |_| custodia_core::Flow::Continue)?.item.id);
            }
            Ok(())
        })
        .expect("add");
    let mut chunks = Vec::new();
    let count = tv
        .state
        .with_vault(|vault| {
            super::items::stream_items(vault, [2, 3], |chunk| {
                chunks.push(chunk);
                true
            })
        })
        .expect("list");
    assert_eq!(count, 6);
    let sizes: Vec<(usize, bool)> = chunks.iter().map(|c| (c.len(), c.done)).collect();
    assert_eq!(sizes, [(2, false), (3, false), (1, true)], "a small first chunk, then full ones, the last marked done");
    let listed: Vec<&String> = chunks.iter().flat_map(|c| &c.ids).collect();
    let newest_first: Vec<&String> = ids.iter().rev().collect();
    assert_eq!(listed, newest_first);
    for chunk in &chunks {
        let types: Vec<&str> = chunk.media_types.iter().map(|&k| chunk.media_type_names[k as usize].as_str()).collect();
        let expected: Vec<&str> =
            chunk.names.iter().map(|n| if n.ends_with(".jpg") { "image/jpeg" } else { "text/plain" }).collect();
        assert_eq!(types, expected, "each row's media type through the chunk's list of names");
        assert!(chunk.media_type_names.len() <= 2, "each media type is sent once per chunk");
    }

    let mut sent = 0;
    let count = tv.state.with_vault(|vault| {
        super::items::stream_items(vault, [2, 3], |_| {
            sent += 1;
            false
        })
    });
    assert_eq!(sent, 1, "a page that is gone stops the listing: {count:?}");
}

#[test]
fn an_empty_vault_sends_one_empty_done_chunk() {
    let tv = TempVault::new("list-empty");
    let mut chunks = Vec::new();
    let count = tv
        .state
        .with_vault(|vault| {
            super::items::stream_items(vault, [2, 3], |chunk| {
                chunks.push(chunk);
                true
            })
        })
        .expect("list");
    assert_eq!(count, 0);
    assert_eq!(chunks, [crate::ipc::ItemChunk { done: true, ..Default::default() }]);
}
