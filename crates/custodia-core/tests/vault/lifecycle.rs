//! The ordinary life of a vault: create, add, read back, extract, change keys, verify.

use crate::common::*;
use custodia_core::ErrorCode;
use custodia_core::{AddOptions, Flow, ItemSummary, KdfParams, RecoveryKey, StrengthPolicy, Unlock, Vault};

#[test]
fn added_file_is_listed_with_its_hash_and_extracts_byte_for_byte() {
    let tv = TestVault::new();
    let content = b"Testimony of W-12: the market was shelled at dawn.".repeat(1000);
    let src = tv.source("w12.txt", &content);
    let mut vault = tv.open();
    let options = AddOptions { description: "Market square".into(), source: "Witness W-12".into() };
    let added = vault.add_file(&src, &options, &mut go).expect("add");
    assert!(added.newly_stored);
    let independent = sha256_hex(&content);
    assert_eq!(added.item.sha256, independent, "recorded hash must be SHA-256 of the bytes");
    assert_eq!(added.item.size, content.len() as u64);
    assert_eq!(added.item.name, "w12.txt");
    assert_eq!(added.item.media_type, "text/plain");
    assert_eq!(vault.items().expect("list"), vec![added.item.clone()]);

    let out = tv.dir.path().join("copy.txt");
    let extracted = vault.extract(&added.item.id.to_lowercase(), &out, &mut go).expect("extract");
    assert_eq!(extracted.sha256, independent);
    assert_eq!(std::fs::read(&out).expect("read copy"), content);

    let actions: Vec<String> =
        vault.item_events(&added.item.id).expect("events").into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["item.ingested", "item.extracted"]);
    vault.close().expect("close");
}

fn sha256_hex(bytes: &[u8]) -> String {
    // `sha256sum` is the outside reference: it is on every Debian machine.
    use std::io::Write;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha256sum");
    child.stdin.take().expect("stdin").write_all(bytes).expect("write");
    let out = child.wait_with_output().expect("wait");
    String::from_utf8(out.stdout).expect("utf-8")[..64].to_string()
}

#[test]
fn same_content_twice_is_stored_once_and_recorded_twice() {
    let tv = TestVault::new();
    let a = tv.source("a.jpg", b"\xFF\xD8\xFF same photo bytes");
    let b = tv.source("b.jpg", b"\xFF\xD8\xFF same photo bytes");
    let mut vault = tv.open();
    let first = vault.add_file(&a, &AddOptions::default(), &mut go).expect("first");
    let second = vault.add_file(&b, &AddOptions::default(), &mut go).expect("second");
    assert!(first.newly_stored && !second.newly_stored);
    assert_ne!(first.item.id, second.item.id);
    assert_eq!(second.item.duplicate_of.as_deref(), Some(first.item.id.as_str()));
    assert_eq!(vault.items().expect("list").len(), 2);
    assert_eq!(tv.blob_files().len(), 1, "one stored copy for one content");
    let event = &vault.item_events(&second.item.id).expect("events")[0];
    assert_eq!(event.details["duplicate_of"], first.item.id.as_str());
    vault.close().expect("close");
}

#[test]
fn extract_refuses_to_overwrite_and_logs_nothing() {
    let tv = TestVault::new();
    let src = tv.source("doc.pdf", b"%PDF-1.4 evidence");
    let existing = tv.source("existing.pdf", b"do not touch");
    let mut vault = tv.open();
    let id = vault.add_file(&src, &AddOptions::default(), &mut go).expect("add").item.id;
    let err = vault.extract(&id, &existing, &mut go).expect_err("must refuse");
    assert_eq!(err.code(), ErrorCode::OutputExists, "{err}");
    assert_eq!(std::fs::read(&existing).expect("read"), b"do not touch");
    assert_eq!(vault.item_events(&id).expect("events").len(), 1, "no extract event for a refused extract");
}

/// A folder whose name says whose machine and which case: it must never reach the log, which travels.
const TELLING_FOLDER: &str = "Case-Kharkiv-2024-Witness-Olena";

#[test]
fn the_extract_event_names_the_file_but_never_its_folder() {
    let tv = TestVault::new();
    let src = tv.source("photo.jpg", b"\xff\xd8\xff a photo of the site");
    let folder = tv.dir.path().join(TELLING_FOLDER);
    std::fs::create_dir(&folder).expect("folder");
    let mut vault = tv.open();
    let id = vault.add_file(&src, &AddOptions::default(), &mut go).expect("add").item.id;
    vault.extract(&id, &folder.join("copy.jpg"), &mut go).expect("extract");
    let mut log = String::new();
    vault
        .for_each_event(|e| {
            log.push_str(&serde_json::to_string(&e).expect("json"));
            Ok(())
        })
        .expect("log");
    assert!(!log.contains(TELLING_FOLDER), "the folder's name must not be in the log:\n{log}");
    let extracted = vault.item_events(&id).expect("events").pop().expect("event");
    assert_eq!(extracted.action, "item.extracted");
    assert_eq!(extracted.details["to"], "copy.jpg", "the event keeps the file's name: {}", extracted.details);
}

#[test]
fn an_extracted_copy_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let tv = TestVault::new();
    let src = tv.source("statement.txt", b"a witness statement");
    let mut vault = tv.open();
    let id = vault.add_file(&src, &AddOptions::default(), &mut go).expect("add").item.id;
    let out = tv.dir.path().join("copy.txt");
    vault.extract(&id, &out, &mut go).expect("extract");
    let mode = std::fs::metadata(&out).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "an extracted copy is {mode:o}: plaintext evidence is for its owner only");
}

/// The names in `folder`, sorted.
fn names_in(folder: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn while_an_extract_runs_its_copy_is_hidden_and_private_and_the_final_name_is_free() {
    use std::os::unix::fs::PermissionsExt;
    let tv = TestVault::new();
    let src = tv.source("video.mp4", &vec![9u8; 3 << 20]);
    let folder = tv.dir.path().join("out");
    std::fs::create_dir(&folder).expect("folder");
    let out = folder.join("video.mp4");
    let mut vault = tv.open();
    let id = vault.add_file(&src, &AddOptions::default(), &mut go).expect("add").item.id;
    // What a kill at this moment would leave behind.
    let mut midway: Vec<(Vec<String>, u32)> = Vec::new();
    vault
        .extract(&id, &out, &mut |done| {
            if done > 0 && midway.is_empty() {
                let names = names_in(&folder);
                let mode = names
                    .first()
                    .map(|n| std::fs::metadata(folder.join(n)).expect("stat").permissions().mode() & 0o777)
                    .unwrap_or(0);
                midway.push((names, mode));
            }
            Flow::Continue
        })
        .expect("extract");
    let (names, mode) = midway.first().expect("progress was reported midway");
    assert_eq!(names.len(), 1, "one file midway: {names:?}");
    assert!(names[0].starts_with(".custodia-extract-"), "midway, the copy is under a hidden name: {names:?}");
    assert_eq!(*mode, 0o600, "and readable by its owner only");
    assert_eq!(names_in(&folder), ["video.mp4"], "afterwards only the copy is there");
}

#[test]
fn a_failed_extract_leaves_no_file_no_hidden_leftover_and_no_event() {
    let tv = TestVault::new();
    let src = tv.source("long.bin", &vec![5u8; 300_000]);
    let mut vault = tv.open();
    let id = vault.add_file(&src, &AddOptions::default(), &mut go).expect("add").item.id;
    vault.close().expect("close");
    // Damage near the end, so that most of the plaintext has been written when the check fails.
    let blob = tv.blob_files().pop().expect("one stored copy");
    let mut bytes = std::fs::read(&blob).expect("read");
    let near_end = bytes.len() - 100;
    bytes[near_end] ^= 0x01;
    std::fs::write(&blob, &bytes).expect("write");

    let folder = tv.dir.path().join("out");
    std::fs::create_dir(&folder).expect("folder");
    let mut vault = tv.open();
    vault.extract(&id, &folder.join("long.bin"), &mut go).expect_err("the damaged copy does not check out");
    assert!(names_in(&folder).is_empty(), "nothing under the final name, and no hidden file: {:?}", names_in(&folder));
    assert_eq!(vault.item_events(&id).expect("events").len(), 1, "no extract event for a failed extract");

    let cancelled = vault.extract(&id, &folder.join("long.bin"), &mut |_| Flow::Cancel).expect_err("cancelled");
    assert_eq!(cancelled.code(), ErrorCode::Cancelled);
    assert!(names_in(&folder).is_empty(), "a cancelled extract leaves nothing: {:?}", names_in(&folder));
}

#[test]
fn the_next_extract_removes_an_abandoned_hidden_copy_but_not_one_still_being_written() {
    let tv = TestVault::new();
    let src = tv.source("doc.pdf", b"%PDF-1.4 evidence");
    let folder = tv.dir.path().join("out");
    std::fs::create_dir(&folder).expect("folder");
    // One left by an extract that was killed, one held (locked) by an extract still running.
    std::fs::write(folder.join(".custodia-extract-abandoned"), b"%PDF-1.4 evid").expect("leftover");
    let running = std::fs::File::create(folder.join(".custodia-extract-running")).expect("running");
    running.lock().expect("lock");
    std::fs::write(folder.join(".custodia-notes"), b"not ours").expect("other");
    let mut vault = tv.open();
    let id = vault.add_file(&src, &AddOptions::default(), &mut go).expect("add").item.id;
    vault.extract(&id, &folder.join("doc.pdf"), &mut go).expect("extract");
    assert_eq!(
        names_in(&folder),
        [".custodia-extract-running", ".custodia-notes", "doc.pdf"],
        "only the abandoned hidden copy is removed"
    );
}

#[test]
fn extract_refuses_to_write_plaintext_inside_the_vault_folder() {
    let tv = TestVault::new();
    let src = tv.source("doc.txt", b"plaintext testimony");
    let mut vault = tv.open();
    let id = vault.add_file(&src, &AddOptions::default(), &mut go).expect("add").item.id;
    let sneaky = tv.dir.path().join("vault").join("blobs").join("..").join("tmp").join("copy.txt");
    for output in [tv.root.join("tmp").join("copy.txt"), tv.root.join("copy.txt"), sneaky] {
        let err = vault.extract(&id, &output, &mut go).expect_err("inside the vault");
        assert!(err.to_string().contains("inside the vault folder"), "{err}");
        assert!(!output.exists());
    }
}

#[test]
fn cancelled_add_leaves_no_item_and_no_file() {
    let tv = TestVault::new();
    let src = tv.source("big.bin", &vec![7u8; 3 << 20]);
    let mut vault = tv.open();
    let err = vault.add_file(&src, &AddOptions::default(), &mut |_| Flow::Cancel).expect_err("cancelled");
    assert_eq!(err.code(), ErrorCode::Cancelled);
    assert!(vault.items().expect("list").is_empty());
    assert!(tv.blob_files().is_empty());
    assert!(files_under(&tv.root.join("tmp")).is_empty(), "cancel must clean its staging file");
}

#[test]
fn bad_sources_are_refused_clearly_and_change_nothing() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let dir = tv.dir.path().join("a-folder");
    std::fs::create_dir(&dir).expect("mkdir");
    let cases = [
        (tv.dir.path().join("nope.txt"), "bad_source"),
        (dir, "bad_source"),
        (std::path::PathBuf::from("/dev/null"), "bad_source"),
        // Opens as a regular file but fails on the first read.
        (std::path::PathBuf::from("/proc/self/mem"), "source_unreadable"),
    ];
    for (path, code) in cases {
        let err = vault.add_file(&path, &AddOptions::default(), &mut go).expect_err("must refuse");
        assert_eq!(err.code().as_str(), code, "{}: {err}", path.display());
        assert!(err.to_string().contains(&path.display().to_string()), "message names the path: {err}");
    }
    let long = AddOptions { description: "x".repeat(10_001), ..Default::default() };
    let src = tv.source("ok.txt", b"fine");
    assert!(vault.add_file(&src, &long, &mut go).is_err());
    assert!(vault.items().expect("list").is_empty());
    assert!(tv.blob_files().is_empty());
}

#[test]
fn passphrase_change_replaces_the_old_passphrase() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    vault
        .change_passphrase(&pass("a brand new passphrase"), StrengthPolicy::Required, KdfParams::FLOOR)
        .expect("change");
    vault.close().expect("close");
    let old = Vault::open(&tv.root, &unlock(), session()).expect_err("old passphrase must fail");
    assert_eq!(old.code(), ErrorCode::WrongPassphrase);
    let vault =
        Vault::open(&tv.root, &Unlock::Passphrase(pass("a brand new passphrase")), session()).expect("new opens");
    assert_eq!(vault.key_slots().len(), 1);
    let actions = actions(&vault);
    assert!(actions.windows(2).any(|w| w == ["keyslot.added", "keyslot.removed"]), "{actions:?}");
}

#[test]
fn recovery_key_opens_the_vault_and_a_new_one_revokes_the_old() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let first = vault.create_recovery_key().expect("recovery");
    let first_text = first.to_display();
    let second = vault.create_recovery_key().expect("second recovery");
    vault.close().expect("close");
    use secrecy::ExposeSecret;
    let old = RecoveryKey::parse(first_text.expose_secret()).expect("parse");
    let err = Vault::open(&tv.root, &Unlock::Recovery(old), session()).expect_err("revoked");
    assert_eq!(err.code(), ErrorCode::WrongRecoveryKey);
    let mut vault = Vault::open(&tv.root, &Unlock::Recovery(second), session()).expect("recovery opens");
    // Unlocked by recovery: set a new passphrase, which replaces the forgotten one.
    vault.change_passphrase(&pass("remembered this time"), StrengthPolicy::Required, KdfParams::FLOOR).expect("change");
    vault.close().expect("close");
    assert!(Vault::open(&tv.root, &unlock(), session()).is_err());
    Vault::open(&tv.root, &Unlock::Passphrase(pass("remembered this time")), session()).expect("opens");
}

#[test]
fn a_second_opener_is_told_the_vault_is_busy() {
    let tv = TestVault::new();
    let vault = tv.open();
    let err = Vault::open(&tv.root, &unlock(), session()).expect_err("busy");
    assert_eq!(err.code(), ErrorCode::VaultBusy);
    vault.close().expect("close");
    tv.open().close().expect("opens after close");
}

#[test]
fn creating_over_an_existing_folder_is_refused_and_weak_settings_write_nothing() {
    let tv = TestVault::new();
    let err = Vault::create(&tv.root, &pass(PASSPHRASE), StrengthPolicy::Required, KdfParams::FLOOR, session())
        .expect_err("exists");
    assert!(err.to_string().contains("already exists"), "{err}");
    let fresh = tv.dir.path().join("fresh");
    assert!(Vault::create(&fresh, &pass("short"), StrengthPolicy::WeakAllowed, KdfParams::FLOOR, session()).is_err());
    assert!(!fresh.exists(), "a refused create leaves no folder");
}

/// The newest event with `action`, for reading what the log recorded about an act.
fn last_event(vault: &Vault, action: &str) -> custodia_core::Event {
    let query = custodia_core::EventQuery { action: Some(action.into()), limit: 1, ..Default::default() };
    vault.events(&query).expect("events").into_iter().next().unwrap_or_else(|| panic!("no {action} event"))
}

#[test]
fn a_weak_passphrase_is_refused_at_create_leaving_no_folder_and_allowed_only_when_asked_and_logged() {
    let dir = tempfile::tempdir().expect("tempdir");
    for weak in ["password", "12345678"] {
        let root = dir.path().join(weak);
        let err = Vault::create(&root, &pass(weak), StrengthPolicy::Required, KdfParams::FLOOR, session())
            .expect_err("a weak passphrase must be refused");
        assert_eq!(err.code(), ErrorCode::WeakPassphrase, "{weak:?} is refused as weak: {err}");
        assert!(err.to_string().contains("several unrelated words"), "the message says what to do: {err}");
        assert!(!root.exists(), "a refused create leaves no folder for {weak:?}");
    }
    let root = dir.path().join("allowed");
    let vault = Vault::create(&root, &pass("password"), StrengthPolicy::WeakAllowed, KdfParams::FLOOR, session())
        .expect("the override lets a weak passphrase through");
    for action in ["vault.created", "keyslot.added"] {
        let event = last_event(&vault, action);
        assert_eq!(event.details["weak_passphrase_allowed"], true, "{action} records the override: {event:?}");
    }
    vault.close().expect("close");
    let tv = TestVault::new();
    let vault = tv.open();
    let event = last_event(&vault, "vault.created");
    assert!(event.details.get("weak_passphrase_allowed").is_none(), "a strong passphrase is not marked: {event:?}");
    vault.close().expect("close");
}

#[test]
fn a_weak_new_passphrase_is_refused_writing_no_slot_and_allowed_only_when_asked_and_logged() {
    let tv = TestVault::new();
    let slots_file = tv.root.join("keyslots.json");
    let before = std::fs::read(&slots_file).expect("read keyslots");
    let mut vault = tv.open();
    for weak in ["password", "12345678"] {
        let err = vault
            .change_passphrase(&pass(weak), StrengthPolicy::Required, KdfParams::FLOOR)
            .expect_err("a weak passphrase must be refused");
        assert_eq!(err.code(), ErrorCode::WeakPassphrase, "{weak:?} is refused as weak: {err}");
    }
    assert_eq!(std::fs::read(&slots_file).expect("read keyslots"), before, "no key slot was written");
    assert_eq!(vault.key_slots().len(), 1, "the vault still has its one slot");
    vault.change_passphrase(&pass("12345678"), StrengthPolicy::WeakAllowed, KdfParams::FLOOR).expect("allowed");
    let event = last_event(&vault, "keyslot.added");
    assert_eq!(event.details["weak_passphrase_allowed"], true, "the slot's event records the override: {event:?}");
    vault.close().expect("close");
    Vault::open(&tv.root, &Unlock::Passphrase(pass("12345678")), session()).expect("opens").close().expect("close");
}

#[test]
fn verify_passes_on_a_healthy_vault_and_is_itself_logged() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    for i in 0..5 {
        let src = tv.source(&format!("f{i}.bin"), format!("content {i}").as_bytes());
        vault.add_file(&src, &AddOptions::default(), &mut go).expect("add");
    }
    let report = vault.verify(&mut |_| Flow::Continue).expect("verify");
    assert!(report.ok, "{:?}", report.problems);
    assert_eq!((report.items, report.stored_copies), (5, 5));
    let last = actions(&vault).pop().expect("events");
    assert_eq!(last, "vault.verified");
}

#[test]
fn a_clock_that_went_backwards_is_recorded_and_the_chain_still_holds() {
    let tv = TestVault::new();
    // Simulate a device whose clock ran a year ahead: a correctly chained event dated in the future.
    let conn = Vault::open_raw_database(&tv.root, &unlock()).expect("raw db");
    let (seq, prev): (u64, String) = conn
        .query_row("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("last");
    let mut event = custodia_core::Event {
        seq: seq + 1,
        time: "2099-01-01T00:00:00.000Z".into(),
        actor: "Fast Clock".into(),
        device: "dev-ahead".into(),
        action: "vault.opened".into(),
        subject: None,
        details: serde_json::json!({}),
        prev_hash: prev,
        hash: String::new(),
    };
    event.hash = event.compute_hash().expect("hash");
    conn.execute(
        "INSERT INTO events (seq, time, actor, device, action, subject, details, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, NULL, '{}', ?6, ?7)",
        (event.seq, &event.time, &event.actor, &event.device, &event.action, &event.prev_hash, &event.hash),
    )
    .expect("insert");
    drop(conn);

    let mut vault = tv.open();
    let actions = actions(&vault);
    assert_eq!(actions[actions.len() - 2..], ["clock.anomaly", "vault.opened"], "{actions:?}");
    assert!(vault.verify(&mut |_| Flow::Continue).expect("verify").ok);
}

#[cfg(unix)]
#[test]
fn the_vault_folder_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let tv = TestVault::new();
    let mode = std::fs::metadata(&tv.root).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "vault folder mode {mode:o}");
}

#[cfg(unix)]
#[test]
fn every_file_and_folder_of_the_vault_is_private_to_its_owner_and_older_vaults_are_tightened_on_open() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::symlink_metadata(p).expect("meta").permissions().mode() & 0o777;
    let tv = TestVault::new();
    let src = tv.source("photo.jpg", b"a photo, as bytes");
    let mut vault = tv.open();
    vault.add_file(&src, &AddOptions::default(), &mut go).expect("add");
    let check_all = |when: &str| {
        for path in files_under(&tv.root) {
            assert_eq!(mode(&path), 0o600, "{when}: {} is mode {:o}", path.display(), mode(&path));
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| d.starts_with(&tv.root)) {
                assert_eq!(mode(d), 0o700, "{when}: folder {} is mode {:o}", d.display(), mode(d));
                dir = d.parent();
            }
        }
    };
    check_all("while open");
    vault.close().expect("close");
    check_all("after close");
    // A vault made before these modes were set: its files readable by everyone.
    for name in ["keyslots.json", "vault.db", "blobs", "tmp"] {
        let path = tv.root.join(name);
        let loose = if path.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(loose)).expect("loosen");
    }
    tv.open().close().expect("open and close");
    check_all("after reopening a loose vault");
}

#[test]
fn edits_are_custody_events_with_the_previous_value_hash() {
    let tv = TestVault::new();
    let src = tv.source("scan.pdf", b"%PDF-1.4 consent form");
    let mut vault = tv.open();
    let options = AddOptions { description: "Consent form".into(), source: String::new() };
    let id = vault.add_file(&src, &options, &mut go).expect("add").item.id;
    let edit = custodia_core::ItemEdit {
        description: Some("Signed consent form, W-12".into()),
        source: Some("Field team B".into()),
    };
    let item = vault.edit_item(&id, &edit).expect("edit");
    assert_eq!((item.description.as_str(), item.source.as_str()), ("Signed consent form, W-12", "Field team B"));
    let events = vault.item_events(&id).expect("events");
    let edits: Vec<_> = events.iter().filter(|e| e.action == "item.edited").collect();
    assert_eq!(edits.len(), 2);
    assert_eq!(edits[0].details["field"], "description");
    assert_eq!(edits[0].details["previous_sha256"], sha256_hex(b"Consent form"));
    assert_eq!(edits[0].details["sha256"], sha256_hex(b"Signed consent form, W-12"));
    let log = serde_json::to_string(&events).expect("json");
    assert!(
        !log.contains("W-12") && !log.contains("Field team B") && !log.contains("Consent form"),
        "free text reached the log: {log}"
    );
    let history = vault.item_history(&id).expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!((history[0].field.as_str(), history[0].previous.as_str()), ("description", "Consent form"));
    // Saving the same values again changes nothing and logs nothing.
    vault.edit_item(&id, &edit).expect("no-op edit");
    assert_eq!(vault.item_events(&id).expect("events").len(), events.len());
    let bad = custodia_core::ItemEdit { description: Some("x\u{0}y".into()), source: None };
    assert!(vault.edit_item(&id, &bad).is_err());
    assert!(vault.verify(&mut |_| Flow::Continue).expect("verify").ok);
}

#[test]
fn previews_are_decrypted_in_memory_bounded_and_logged() {
    let tv = TestVault::new();
    let png = b"\x89PNG\r\n\x1a\n tiny image";
    let src = tv.source("photo.png", png);
    let mut vault = tv.open();
    let id = vault.add_file(&src, &AddOptions::default(), &mut go).expect("add").item.id;
    assert_eq!(vault.read_item(&id, 1 << 20).expect("preview"), png);
    assert_eq!(vault.read_item(&id, 4).expect_err("too large").code(), ErrorCode::TooLargeToPreview);
    let actions: Vec<String> = vault.item_events(&id).expect("events").into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["item.ingested", "item.viewed"]);
}

#[test]
fn the_log_can_be_filtered_by_item_actor_action_and_date() {
    let tv = TestVault::new();
    let src = tv.source("a.txt", b"a");
    let mut vault = tv.open();
    let id = vault.add_file(&src, &AddOptions::default(), &mut go).expect("add").item.id;
    let by_item = vault
        .events(&custodia_core::EventQuery { subject: Some(id.clone()), limit: 100, ..Default::default() })
        .expect("q");
    assert_eq!(by_item.len(), 1);
    let opened = vault
        .events(&custodia_core::EventQuery { action: Some("vault.opened".into()), limit: 100, ..Default::default() })
        .expect("q");
    assert_eq!(opened.len(), 2, "one open at creation, one now");
    assert!(opened[0].seq > opened[1].seq, "newest first");
    let today = by_item[0].time[..10].to_string();
    let dated = vault
        .events(&custodia_core::EventQuery {
            from: Some(today.clone()),
            to: Some(today),
            limit: 1000,
            ..Default::default()
        })
        .expect("q");
    assert!(dated.len() >= 4);
    let none = vault
        .events(&custodia_core::EventQuery { actor: Some("Nobody".into()), limit: 100, ..Default::default() })
        .expect("q");
    assert!(none.is_empty());
    let page =
        vault.events(&custodia_core::EventQuery { before_seq: Some(3), limit: 100, ..Default::default() }).expect("q");
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 1]);
    let (actors, actions) = vault.event_facets().expect("facets");
    assert_eq!(actors, ["Test Documenter"]);
    assert!(actions.contains(&"item.ingested".to_string()));
}

#[test]
fn the_evidence_list_comes_newest_first_and_can_stop_early() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let mut added = Vec::new();
    for (name, bytes) in [("first.txt", &b"one"[..]), ("second.jpg", b"\xff\xd8\xff\xe0two"), ("third.txt", b"three")] {
        let options = AddOptions { description: format!("about {name}"), source: "kept out of the list".into() };
        added.push(vault.add_file(&tv.source(name, bytes), &options, &mut go).expect("add").item);
    }
    let mut listed = Vec::new();
    vault
        .for_each_item_summary(|s| {
            listed.push(s);
            Flow::Continue
        })
        .expect("list");
    let expected: Vec<ItemSummary> = added
        .iter()
        .rev()
        .map(|i| ItemSummary {
            id: i.id.clone(),
            name: i.name.clone(),
            size: i.size,
            media_type: i.media_type.clone(),
            added_at: i.added_at.clone(),
            description: i.description.clone(),
        })
        .collect();
    assert_eq!(listed, expected, "every item, newest acquisition first, with what the list shows");

    let mut seen = 0;
    vault
        .for_each_item_summary(|_| {
            seen += 1;
            Flow::Cancel
        })
        .expect("list");
    assert_eq!(seen, 1, "Cancel stops the listing after the row it was given");
}
