//! Bundles through the public API: export with the consent check, the custody it carries, verification,
//! opening and importing on the receiving side.

use crate::common::*;
use crate::people::*;
use custodia_core::bundle::{self, read_identity_file, Limits, Unlocker};
use custodia_core::ErrorCode;
use custodia_core::{
    AddOptions, ExportRequest, ExportSelection, Exported, Flow, PersonInput, Protection, RecipientKind, SecretString,
    StrengthPolicy,
};
use std::path::{Path, PathBuf};

fn no_progress<T>(_: T) -> Flow {
    Flow::Continue
}

/// A recipient's key pair, the identity written as `age-keygen` would.
pub fn recipient(tv: &TestVault, name: &str) -> (Unlocker, String) {
    let path = tv.dir.path().join(format!("{name}.key"));
    let made = bundle::generate_identity(&path).expect("keygen");
    (read_identity_file(&path).expect("identity"), made.public_key)
}

pub fn selection(items: &[&str], interviews: &[&str], kind: RecipientKind) -> ExportSelection {
    ExportSelection {
        items: items.iter().map(|s| s.to_string()).collect(),
        interviews: interviews.iter().map(|s| s.to_string()).collect(),
        incident: None,
        recipient_kind: kind,
    }
}

pub fn request(tv: &TestVault, selection: ExportSelection, key: &str, name: &str) -> ExportRequest {
    ExportRequest {
        selection,
        protection: Protection::Recipients(vec![key.into()]),
        output: tv.dir.path().join(format!("{name}.custodia.age")),
        description: String::new(),
        organisation: "Test Documentation Project".into(),
        contact_name: String::new(),
    }
}

pub fn add(tv: &TestVault, vault: &mut custodia_core::Vault, name: &str, bytes: &[u8]) -> String {
    vault.add_file(&tv.source(name, bytes), &AddOptions::default(), &mut go).expect("add").item.id
}

fn verify(path: &Path, unlocker: &Unlocker, signer: Option<&str>) -> custodia_core::BundleReport {
    bundle::verify_bundle(path, unlocker, signer, &Limits::default(), &mut no_progress).expect("readable")
}

#[test]
fn an_export_verifies_and_its_event_names_recipient_kind_hash_and_every_item() {
    let tv = TestVault::new();
    let (unlocker, key) = recipient(&tv, "lawyer");
    let mut vault = tv.open();
    let a = add(&tv, &mut vault, "photo 50%.jpg", b"\xff\xd8\xff photo bytes");
    let b = add(&tv, &mut vault, "شهادة.txt", "testimony in Arabic script".as_bytes());
    let exported: Exported = vault
        .export(&request(&tv, selection(&[&a, &b], &[], RecipientKind::Icc), &key, "case-1"), &mut no_progress)
        .expect("export");
    let signer = vault.signing_public_key().expect("key");
    let events = vault.events(&custodia_core::EventQuery { limit: 10, ..Default::default() }).expect("events");
    vault.close().expect("close");

    assert_eq!(exported.sha256, sha256_file(&exported.path), "the recorded SHA-256 is the file's");
    let export_event = events.iter().find(|e| e.action == "bundle.exported").expect("the export is logged");
    assert_eq!(export_event.subject.as_deref(), Some(exported.bundle_id.as_str()));
    assert_eq!(export_event.details["sha256"], exported.sha256.as_str());
    assert_eq!(export_event.details["recipient_kind"], "icc");
    assert_eq!(export_event.details["recipients"][0]["public_key"], key.as_str());
    let ids: Vec<&str> = export_event.details["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, [a.as_str(), b.as_str()]);
    assert_eq!(
        events.iter().filter(|e| e.action == "item.exported").count(),
        2,
        "each item's history shows the export"
    );
    assert_eq!(exported.checkpoint.reason, custodia_core::CheckpointReason::Export);

    let fingerprint = custodia_core::bundle::Fingerprint::of(signer.as_bytes());
    let report = verify(&exported.path, &unlocker, Some(&fingerprint.words));
    assert!(report.ok, "{:#?}", report.problems);
    assert!(report.checks.iter().all(|c| c.ok && c.checked), "{:#?}", report.checks);
    assert_eq!(report.bundle_sha256, exported.sha256);
    assert_eq!(report.items.len(), 2);
    assert!(report.items.iter().all(|i| i.ok && i.ingest_seq.is_some()));
    assert_eq!(report.bag_info("External-Identifier"), Some(exported.bundle_id.as_str()));
    assert_eq!(report.bag_info("Source-Organization"), Some("Test Documentation Project"));
    assert!(report.items.iter().any(|i| i.path.ends_with("/photo 50_.jpg")), "{:?}", report.items);
}

#[test]
fn the_wrong_signer_is_named_even_when_everything_else_holds() {
    let tv = TestVault::new();
    let (unlocker, key) = recipient(&tv, "lawyer");
    let mut vault = tv.open();
    let a = add(&tv, &mut vault, "a.txt", b"a");
    let exported = vault
        .export(&request(&tv, selection(&[&a], &[], RecipientKind::Media), &key, "b"), &mut no_progress)
        .expect("export");
    vault.close().expect("close");
    let other = custodia_core::bundle::Fingerprint::of(b"someone else's key");
    let report = verify(&exported.path, &unlocker, Some(&other.hex));
    assert!(!report.ok);
    assert!(matches!(report.problems[..], [bundle::BundleProblem::SignerMismatch { .. }]), "{:?}", report.problems);
}

#[test]
fn consent_that_does_not_cover_the_recipient_refuses_the_whole_export_and_names_what_and_why() {
    let tv = TestVault::new();
    let (_, key) = recipient(&tv, "lawyer");
    let mut vault = tv.open();
    let recording = add(&tv, &mut vault, "recording.m4a", b"audio");
    let photo = add(&tv, &mut vault, "photo.jpg", b"photo");
    let person = add_person(&mut vault, &person("Amina Yusuf", "1990", "Nyala"));
    give_consent(&mut vault, &person, &[(RecipientKind::PartnerNgo, false)]);
    let mut input = interview(&person, "2026-11-02", "A. Haroun");
    input.documents = vec![recording.clone()];
    let interview = add_interview(&mut vault, &input);
    let before = vault.events(&custodia_core::EventQuery { limit: 1, ..Default::default() }).expect("events")[0].seq;

    // The recording alone is still the interview's document: refused with the interview's person named.
    let req = request(&tv, selection(&[&photo, &recording], &[], RecipientKind::Media), &key, "refused");
    let err = vault.export(&req, &mut no_progress).expect_err("refused");
    assert_eq!(err.code(), ErrorCode::ExportRefused);
    let text = err.to_string();
    assert!(text.contains(&recording) && text.contains(&interview) && text.contains(&person), "{text}");
    assert!(text.contains("does not include this recipient"), "{text}");
    assert!(!req.output.exists(), "nothing is written");
    let after = vault.events(&custodia_core::EventQuery { limit: 1, ..Default::default() }).expect("events")[0].seq;
    assert_eq!(before, after, "nothing is logged");

    let plan = vault.plan_export(&selection(&[], &[&interview], RecipientKind::PartnerNgo)).expect("plan");
    assert!(plan.allowed(), "{:?}", plan.refusals);
    assert_eq!(plan.items.len(), 1, "the interview brings its document");
    assert!(!plan.persons[0].identity, "pseudonymised for a partner NGO");
    vault.close().expect("close");
}

#[test]
fn a_person_is_named_only_where_consent_allows_identity_and_contact_details_never_leave() {
    let tv = TestVault::new();
    let (unlocker, key) = recipient(&tv, "lawyer");
    let (ngo_unlocker, ngo_key) = recipient(&tv, "ngo");
    let mut vault = tv.open();
    let input = PersonInput {
        phone: "+249911222333".into(),
        residence: "Farchana camp".into(),
        ..person("Zahra Musa", "1988", "Kutum")
    };
    let person = add_person(&mut vault, &input);
    give_consent(&mut vault, &person, &[(RecipientKind::Icc, true), (RecipientKind::PartnerNgo, false)]);
    let interview = add_interview(&mut vault, &interview(&person, "2026-11-02", "A. Haroun"));
    let to_icc = vault
        .export(&request(&tv, selection(&[], &[&interview], RecipientKind::Icc), &key, "icc"), &mut no_progress)
        .expect("icc");
    let to_ngo = vault
        .export(
            &request(&tv, selection(&[], &[&interview], RecipientKind::PartnerNgo), &ngo_key, "ngo"),
            &mut no_progress,
        )
        .expect("ngo");
    vault.close().expect("close");

    let out = tv.dir.path().join("opened");
    let icc =
        bundle::open_bundle(&to_icc.path, &unlocker, None, &out, &Limits::default(), &mut no_progress).expect("open");
    let ngo = bundle::open_bundle(&to_ngo.path, &ngo_unlocker, None, &out, &Limits::default(), &mut no_progress)
        .expect("open");
    let persons = |bag: &PathBuf| std::fs::read_to_string(bag.join("data/records/persons.json")).expect("persons");
    let (named, pseudonymised) = (persons(&icc.bag), persons(&ngo.bag));
    assert!(named.contains("Zahra Musa") && named.contains("\"identity_disclosed\": true"), "{named}");
    assert!(!pseudonymised.contains("Zahra") && !pseudonymised.contains("Kutum"), "{pseudonymised}");
    assert!(pseudonymised.contains(&person));
    for bag in [&icc.bag, &ngo.bag] {
        for file in files_under(bag) {
            let bytes = std::fs::read(&file).expect("read");
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("+249911222333") && !text.contains("Farchana"),
                "{} leaks contact details",
                file.display()
            );
        }
    }
    // Events about a pseudonymised person carry hashes of their identity: they stay home.
    let events = std::fs::read_to_string(ngo.bag.join("custody/events.jsonl")).expect("events");
    assert!(!events.contains("person.created"), "{events}");
    assert!(std::fs::read_to_string(icc.bag.join("custody/events.jsonl")).expect("events").contains("person.created"));
}

#[test]
fn an_imported_bundle_continues_custody_in_the_recipients_vault_and_only_once() {
    let sender = TestVault::new();
    let receiver = TestVault::new();
    let (unlocker, key) = recipient(&receiver, "receiver");
    let mut vault = sender.open();
    let a = add(&sender, &mut vault, "video.mp4", &vec![7u8; 3 << 20]);
    let exported = vault
        .export(
            &request(&sender, selection(&[&a], &[], RecipientKind::NationalProsecutor), &key, "to-prosecutor"),
            &mut no_progress,
        )
        .expect("export");
    let original = vault.item(&a).expect("item");
    vault.close().expect("close");

    let mut vault = receiver.open();
    let imported =
        vault.import_bundle(&exported.path, &unlocker, None, &Limits::default(), &mut no_progress).expect("import");
    assert_eq!(imported.items.len(), 1);
    let item = &imported.items[0];
    assert_eq!(
        (item.sha256.as_str(), item.size, item.name.as_str()),
        (original.sha256.as_str(), original.size, "video.mp4")
    );
    assert_eq!(imported.original_ids, std::slice::from_ref(&a));
    let events = vault.item_events(&item.id).expect("events");
    let received = &events[0].details["received"];
    assert_eq!(events[0].action, "item.ingested");
    assert_eq!(received["bundle_sha256"], exported.sha256.as_str());
    assert_eq!(received["original_item"], a.as_str());
    assert_eq!(received["signer_fingerprint"], exported.signer.fingerprint.hex.as_str());
    assert!(!imported.signer_verified, "no fingerprint was given: the signer is unconfirmed");
    assert_eq!(received["signer_verified"], false, "and the ingest event says so: {received}");
    let again =
        vault.import_bundle(&exported.path, &unlocker, None, &Limits::default(), &mut no_progress).expect_err("twice");
    assert_eq!(again.code(), ErrorCode::BundleAlreadyImported);
    let report = vault.verify(&mut no_progress).expect("verify");
    assert!(report.ok, "the receiving vault verifies: {:?}", report.problems);
    let copy = receiver.dir.path().join("copy.mp4");
    vault.extract(&item.id, &copy, &mut go).expect("extract");
    assert!(std::fs::read(&copy).expect("read") == vec![7u8; 3 << 20]);
    vault.close().expect("close");
    let conn = custodia_core::Vault::open_raw_database(&receiver.root, &unlock()).expect("raw");
    let row: (Option<String>, Option<bool>) = conn
        .query_row("SELECT signer_fingerprint, signer_verified FROM imports", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("the import's row");
    assert_eq!(
        row,
        (Some(exported.signer.fingerprint.hex.clone()), Some(false)),
        "the row records the unconfirmed key"
    );
}

#[test]
fn an_import_with_the_signers_words_is_recorded_as_verified() {
    let sender = TestVault::new();
    let receiver = TestVault::new();
    let (unlocker, key) = recipient(&receiver, "receiver");
    let mut vault = sender.open();
    let a = add(&sender, &mut vault, "photo.jpg", b"\xff\xd8\xff a photo");
    let exported = vault
        .export(&request(&sender, selection(&[&a], &[], RecipientKind::Icc), &key, "to-icc"), &mut no_progress)
        .expect("export");
    vault.close().expect("close");

    let mut vault = receiver.open();
    let words = exported.signer.fingerprint.words.clone();
    let imported = vault
        .import_bundle(&exported.path, &unlocker, Some(&words), &Limits::default(), &mut no_progress)
        .expect("import");
    assert!(imported.signer_verified, "the words the sender read out matched");
    let events = vault.item_events(&imported.items[0].id).expect("events");
    assert_eq!(events[0].details["received"]["signer_verified"], true, "{}", events[0].details);
    vault.close().expect("close");
    let conn = custodia_core::Vault::open_raw_database(&receiver.root, &unlock()).expect("raw");
    let verified: Option<bool> =
        conn.query_row("SELECT signer_verified FROM imports", [], |r| r.get(0)).expect("the import's row");
    assert_eq!(verified, Some(true));
}

#[test]
fn a_weak_bundle_passphrase_is_refused_writing_nothing_and_allowed_only_when_asked_and_logged() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let a = add(&tv, &mut vault, "a.txt", b"a");
    let mut req = request(&tv, selection(&[&a], &[], RecipientKind::UnMechanism), "unused", "weak");
    let count = |vault: &custodia_core::Vault| {
        let query =
            custodia_core::EventQuery { action: Some("bundle.exported".into()), limit: 10, ..Default::default() };
        vault.events(&query).expect("events")
    };
    // Twelve characters, as a bundle needs, and still among the first guesses.
    for weak in ["passwordpassword", "123456789012"] {
        req.protection = Protection::Passphrase(SecretString::from(weak), StrengthPolicy::Required);
        let err = vault.export(&req, &mut no_progress).expect_err("a weak bundle passphrase must be refused");
        assert_eq!(err.code(), ErrorCode::WeakPassphrase, "{weak:?} is refused as weak: {err}");
        assert!(!req.output.exists(), "no bundle is written for {weak:?}");
        assert!(count(&vault).is_empty(), "no export is recorded for {weak:?}");
    }
    req.protection = Protection::Passphrase(SecretString::from("123456789012"), StrengthPolicy::WeakAllowed);
    vault.export(&req, &mut no_progress).expect("the override lets a weak passphrase through");
    let events = count(&vault);
    assert_eq!(events.len(), 1, "one export recorded");
    assert_eq!(events[0].details["weak_passphrase_allowed"], true, "the export records the override: {:?}", events[0]);
    vault.close().expect("close");
}

#[test]
fn a_passphrase_bundle_opens_with_the_passphrase_only() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let a = add(&tv, &mut vault, "a.txt", b"a");
    let mut req = request(&tv, selection(&[&a], &[], RecipientKind::UnMechanism), "unused", "pass");
    req.protection = Protection::Passphrase(SecretString::from("short"), StrengthPolicy::WeakAllowed);
    assert_eq!(vault.export(&req, &mut no_progress).expect_err("short").code(), ErrorCode::PassphraseTooShort);
    req.protection = Protection::Passphrase(SecretString::from("a long shared passphrase"), StrengthPolicy::Required);
    let exported = vault.export(&req, &mut no_progress).expect("export");
    vault.close().expect("close");
    let ok = Unlocker::Passphrase(SecretString::from("a long shared passphrase"));
    assert!(verify(&exported.path, &ok, None).ok);
    let wrong = Unlocker::Passphrase(SecretString::from("another passphrase"));
    let err =
        bundle::verify_bundle(&exported.path, &wrong, None, &Limits::default(), &mut no_progress).expect_err("wrong");
    assert!(matches!(err, bundle::BundleError::WrongPassphrase), "{err}");
    let (identity, _) = recipient(&tv, "k");
    let err =
        bundle::verify_bundle(&exported.path, &identity, None, &Limits::default(), &mut no_progress).expect_err("key");
    assert!(matches!(err, bundle::BundleError::NeedsPassphrase), "{err}");
}

#[test]
fn a_cancelled_export_leaves_no_file_and_no_event() {
    let tv = TestVault::new();
    let (_, key) = recipient(&tv, "lawyer");
    let mut vault = tv.open();
    let a = add(&tv, &mut vault, "big.bin", &vec![1u8; 4 << 20]);
    let req = request(&tv, selection(&[&a], &[], RecipientKind::Icc), &key, "cancelled");
    let err = vault
        .export(&req, &mut |p: custodia_core::ExportProgress| {
            if p.done > 1 << 20 {
                Flow::Cancel
            } else {
                Flow::Continue
            }
        })
        .expect_err("cancelled");
    assert_eq!(err.code(), ErrorCode::Cancelled);
    let leftovers: Vec<_> = std::fs::read_dir(tv.dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .filter(|n| n.to_string_lossy().contains("custodia.age"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(vault
        .checkpoints()
        .expect("checkpoints")
        .iter()
        .all(|c| c.reason == custodia_core::CheckpointReason::Close));
    vault.close().expect("close");
}

#[test]
fn a_damaged_log_is_never_signed_into_a_bundle() {
    let tv = TestVault::new();
    let (_, key) = recipient(&tv, "lawyer");
    let mut vault = tv.open();
    let a = add(&tv, &mut vault, "a.txt", b"a");
    vault.close().expect("close");
    let conn = custodia_core::Vault::open_raw_database(&tv.root, &unlock()).expect("raw");
    conn.execute_batch("DROP TRIGGER events_no_update; UPDATE events SET actor = 'Forger' WHERE seq = 5;")
        .expect("tamper");
    drop(conn);
    let mut vault = tv.open();
    let err = vault
        .export(&request(&tv, selection(&[&a], &[], RecipientKind::Icc), &key, "x"), &mut no_progress)
        .expect_err("damaged");
    assert_eq!(err.code(), ErrorCode::CustodyError, "{err}");
    assert!(err.to_string().contains("custodia verify"), "{err}");
    vault.close().expect("close");
}

fn blob_path(tv: &TestVault, id: &str) -> PathBuf {
    let conn = custodia_core::Vault::open_raw_database(&tv.root, &unlock()).expect("raw");
    let name: String = conn.query_row("SELECT blob_name FROM items WHERE id = ?1", [id], |r| r.get(0)).expect("blob");
    tv.root.join("blobs").join(&name[..2]).join(name)
}

fn no_bundle_left(tv: &TestVault) {
    let left: Vec<_> = std::fs::read_dir(tv.dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .filter(|n| n.to_string_lossy().contains("custodia.age"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Each stored copy is opened with the file key kept at ingest: another copy that the vault's own key
/// opens (here, another item's, swapped in) is refused before a byte of it reaches the bundle.
#[test]
fn a_stored_copy_swapped_for_another_of_the_vault_stops_the_export_and_names_the_item() {
    let tv = TestVault::new();
    let (_, key) = recipient(&tv, "lawyer");
    let mut vault = tv.open();
    let a = add(&tv, &mut vault, "a.txt", b"the first exhibit");
    let b = add(&tv, &mut vault, "b.txt", b"the second exhibit");
    vault.close().expect("close");
    std::fs::copy(blob_path(&tv, &b), blob_path(&tv, &a)).expect("swap");

    let mut vault = tv.open();
    let err = vault
        .export(&request(&tv, selection(&[&a], &[], RecipientKind::Icc), &key, "swapped"), &mut no_progress)
        .expect_err("refused");
    assert!(err.to_string().contains(&a) && err.to_string().contains("damaged or was replaced"), "{err}");
    assert_eq!(err.code(), ErrorCode::StoredCopyAltered);
    let events = vault.events(&custodia_core::EventQuery { limit: 50, ..Default::default() }).expect("events");
    assert!(events.iter().all(|e| e.action != "bundle.exported" && e.action != "item.exported"));
    vault.close().expect("close");
    no_bundle_left(&tv);
}

/// A copy stored before file keys were kept (schema version 4) is opened with the vault's key and checked
/// against its recorded SHA-256, as before.
#[test]
fn a_copy_without_a_kept_key_exports_and_a_replaced_one_is_named_by_its_hash() {
    let tv = TestVault::new();
    let (unlocker, key) = recipient(&tv, "lawyer");
    let mut vault = tv.open();
    let a = add(&tv, &mut vault, "a.txt", b"an exhibit stored by an older version");
    let b = add(&tv, &mut vault, "b.txt", b"another exhibit");
    vault.close().expect("close");
    let conn = custodia_core::Vault::open_raw_database(&tv.root, &unlock()).expect("raw");
    assert_eq!(
        conn.query_row("SELECT count(*) FROM blobs WHERE file_key IS NOT NULL", [], |r| r.get::<_, i64>(0))
            .expect("count"),
        2
    );
    conn.execute_batch("UPDATE blobs SET file_key = NULL").expect("forget the keys");
    drop(conn);

    let mut vault = tv.open();
    let exported = vault
        .export(&request(&tv, selection(&[&a], &[], RecipientKind::Icc), &key, "older"), &mut no_progress)
        .expect("export");
    assert!(verify(&exported.path, &unlocker, None).ok);
    vault.close().expect("close");

    std::fs::copy(blob_path(&tv, &b), blob_path(&tv, &a)).expect("swap");
    let mut vault = tv.open();
    let err = vault
        .export(&request(&tv, selection(&[&a], &[], RecipientKind::Icc), &key, "older-swapped"), &mut no_progress)
        .expect_err("refused");
    assert!(err.to_string().contains(&a) && err.to_string().contains("recorded SHA-256"), "{err}");
    assert_eq!(err.code(), ErrorCode::StoredCopyAltered);
    vault.close().expect("close");
}

fn sha256_file(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).expect("read")))
}
