//! Off-site copies through the public API, on a folder remote (the same code path as WebDAV and S3 after
//! OpenDAL; the CLI tests run the real servers): push, check, restore with the recovery key alone, and a
//! copy that was altered, cut short or rolled back named as such.

use super::common::{files_under, go, session};
use super::keys::{recovery, vault_with_item_and_recovery};
use custodia_core::remote::{restore, verify_at, Credentials, PushOptions, RemoteProblem, RemoteUrl};
use custodia_core::{ErrorCode, Flow, Vault};

fn folder(dir: &std::path::Path) -> RemoteUrl {
    RemoteUrl::parse(&format!("file://{}", dir.display())).expect("folder address")
}

fn none(_: u64, _: u64) -> Flow {
    Flow::Continue
}

#[test]
fn a_pushed_copy_verifies_with_the_public_key_and_restores_with_the_recovery_key() {
    let (tv, key, item) = vault_with_item_and_recovery();
    let remote_dir = tv.dir.path().join("usb");
    let mut vault = tv.open();
    vault.add_remote("usb", &folder(&remote_dir), &Credentials::default(), 2).expect("add remote");
    let first = vault.push("usb", &PushOptions::default(), &mut |_| Flow::Continue).expect("first push");
    assert_eq!((first.seq, first.sent), (1, 3), "one stored copy, the database and the key slots are sent");
    let second = vault.push("usb", &PushOptions::default(), &mut |_| Flow::Continue).expect("second push");
    assert_eq!((second.seq, second.sent), (2, 2), "the stored copy is not sent again");
    let report = vault.verify_remote("usb", true, &mut none).expect("verify remote");
    assert!(report.ok, "the copy holds: {:?}", report.problems);
    let verifier = custodia_core::checkpoint::verifier_key(
        &custodia_core::checkpoint::origin_for(vault.vault_id()),
        &vault.signing_public_key().expect("key"),
    );
    vault.close().expect("close");

    let slots = std::fs::read_to_string(remote_dir.join("keyslots/2.json")).expect("pushed slots");
    assert!(!slots.contains("\"passphrase\""), "no passphrase slot leaves by default: {slots}");
    let outside = verify_at(&folder(&remote_dir), &Credentials::default(), &verifier, true, &mut none).expect("verify");
    assert!(outside.ok, "the copy holds with the public key alone: {:?}", outside.problems);

    let target = tv.dir.path().join("new-laptop");
    std::fs::create_dir(&target).expect("an empty folder chosen by the user");
    let err = restore(
        &folder(&remote_dir),
        &Credentials::default(),
        &target,
        &recovery(&key),
        session(),
        None,
        None,
        &mut |p| if p.done > 0 { Flow::Cancel } else { Flow::Continue },
    )
    .expect_err("a cancelled restore");
    assert_eq!(err.code(), ErrorCode::Cancelled, "{err}");
    assert_eq!(files_under(&target), Vec::<std::path::PathBuf>::new(), "the chosen folder is left empty");
    assert!(target.is_dir(), "the folder itself stays, empty, and takes the restore below");
    let restored = restore(
        &folder(&remote_dir),
        &Credentials::default(),
        &target,
        &recovery(&key),
        session(),
        Some(&verifier),
        None,
        &mut |_| Flow::Continue,
    )
    .expect("restore");
    assert!(restored.verify.ok, "the restored vault verifies: {:?}", restored.verify.problems);
    let mut back = Vault::open(&target, &recovery(&key), session()).expect("the restored vault opens");
    let out = tv.dir.path().join("statement-back.txt");
    back.extract(&item, &out, &mut go).expect("extract");
    assert_eq!(std::fs::read(&out).expect("read"), b"the witness statement");
    let actions: Vec<String> = back
        .events(&custodia_core::EventQuery { limit: 1000, ..Default::default() })
        .expect("events")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.iter().any(|a| a == "vault.restored"), "the restore is in the log: {actions:?}");
    back.close().expect("close");
}

#[test]
fn an_altered_a_removed_and_a_rolled_back_copy_are_named() {
    let (tv, key, _) = vault_with_item_and_recovery();
    let remote_dir = tv.dir.path().join("usb");
    let mut vault = tv.open();
    vault.add_remote("usb", &folder(&remote_dir), &Credentials::default(), 3).expect("add remote");
    vault.push("usb", &PushOptions::default(), &mut |_| Flow::Continue).expect("push 1");
    let old_latest = std::fs::read(remote_dir.join("manifest/latest")).expect("latest");
    vault.push("usb", &PushOptions::default(), &mut |_| Flow::Continue).expect("push 2");

    let blob = files_under(&remote_dir.join("blobs")).pop().expect("a stored copy on the remote");
    let mut bytes = std::fs::read(&blob).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&blob, &bytes).expect("alter");
    let report = vault.verify_remote("usb", false, &mut none).expect("quick check");
    assert!(report.ok, "a same-size change is not seen without --full");
    let report = vault.verify_remote("usb", true, &mut none).expect("full check");
    let rel = blob.strip_prefix(&remote_dir).expect("under").to_string_lossy().to_string();
    assert!(
        matches!(&report.problems[..], [RemoteProblem::HashDiffers { path, .. }] if *path == rel),
        "the altered copy is named: {:?}",
        report.problems
    );
    let target = tv.dir.path().join("restored");
    let err = restore(
        &folder(&remote_dir),
        &Credentials::default(),
        &target,
        &recovery(&key),
        session(),
        None,
        None,
        &mut |_| Flow::Continue,
    )
    .expect_err("restore refuses an altered copy");
    assert_eq!(err.code(), ErrorCode::RemoteAltered, "{err}");
    assert!(!target.join("keyslots.json").exists(), "no vault is left in the target");
    assert!(!target.exists(), "a refused restore leaves nothing behind, not even a part of the copy");

    std::fs::remove_file(&blob).expect("remove");
    let report = vault.verify_remote("usb", false, &mut none).expect("check");
    assert!(matches!(&report.problems[..], [RemoteProblem::Missing { path }] if *path == rel), "{:?}", report.problems);

    let repaired = vault.push("usb", &PushOptions::default(), &mut |_| Flow::Continue).expect("push again");
    assert_eq!(repaired.sent, 3, "the next push sends the named copy again, with the database and slots");
    let report = vault.verify_remote("usb", true, &mut none).expect("check");
    assert!(report.ok, "the copy holds again: {:?}", report.problems);

    std::fs::write(remote_dir.join("manifest/latest"), old_latest).expect("roll back");
    let report = vault.verify_remote("usb", false, &mut none).expect("check");
    assert!(
        report.problems.iter().any(|p| matches!(p, RemoteProblem::RolledBack { found_seq: 1, pushed_seq: 3 })),
        "the rolled-back remote is named: {:?}",
        report.problems
    );
    std::fs::write(remote_dir.join("manifest/latest"), b"not a note\n").expect("garble");
    let err = vault.verify_remote("usb", false, &mut none).expect_err("a pointer that does not verify is no copy");
    assert_eq!(err.code(), ErrorCode::RemoteAltered, "{err}");
    std::fs::remove_file(remote_dir.join("manifest/latest")).expect("remove pointer");
    let err = vault.verify_remote("usb", false, &mut none).expect_err("no pointer, no copy");
    assert_eq!(err.code(), ErrorCode::RemoteIncomplete, "{err}");
    vault.close().expect("close");
}

#[test]
fn a_push_without_a_recovery_key_is_refused_and_names_are_checked() {
    let tv = super::common::TestVault::new();
    let remote_dir = tv.dir.path().join("usb");
    let mut vault = tv.open();
    assert!(
        vault.add_remote("USB!", &folder(&remote_dir), &Credentials::default(), 3).is_err(),
        "a bad name is refused"
    );
    vault.add_remote("usb", &folder(&remote_dir), &Credentials::default(), 3).expect("add");
    let err = vault.add_remote("usb", &folder(&remote_dir), &Credentials::default(), 3).expect_err("taken");
    assert_eq!(err.code(), ErrorCode::RemoteExists);
    let err = vault.push("usb", &PushOptions::default(), &mut |_| Flow::Continue).expect_err("no recovery slot");
    assert_eq!(err.code(), ErrorCode::RecoveryKeyNeeded, "{err}");
    assert!(!remote_dir.join("manifest/latest").exists(), "nothing was pushed");
    vault.remove_remote("usb").expect("remove");
    assert!(vault.remotes().expect("list").is_empty());
    vault.close().expect("close");
}

#[test]
fn a_laptop_whose_log_does_not_extend_the_copy_is_named() {
    let (tv, _, _) = vault_with_item_and_recovery();
    let older = tv.dir.path().join("older");
    super::common::copy_tree(&tv.root, &older);
    let remote_dir = tv.dir.path().join("usb");
    let mut vault = tv.open();
    vault.add_remote("usb", &folder(&remote_dir), &Credentials::default(), 3).expect("add remote");
    vault.push("usb", &PushOptions::default(), &mut |_| Flow::Continue).expect("push");
    vault.close().expect("close");

    // The folder put back from before the push, on a computer that never saw the newer one.
    let mut old = Vault::open(&older, &super::common::unlock(), session()).expect("the older folder opens");
    old.add_remote("usb", &folder(&remote_dir), &Credentials::default(), 3).expect("add remote");
    let report = old.verify_remote("usb", false, &mut none).expect("check");
    assert!(
        report.problems.iter().any(|p| matches!(p, RemoteProblem::NotExtended { .. })),
        "the older laptop is named: {:?}",
        report.problems
    );
    old.close().expect("close");
}

#[test]
fn the_status_counts_items_added_since_the_newest_push_and_a_probe_finds_the_copy() {
    let (tv, _, _) = vault_with_item_and_recovery();
    let remote_dir = tv.dir.path().join("usb");
    let mut vault = tv.open();
    let before = vault.offsite_status().expect("status");
    assert_eq!((before.remotes, before.last_push.as_deref(), before.items_not_copied), (0, None, 1));
    let empty = custodia_core::remote::probe(&folder(&remote_dir), &Credentials::default()).expect("probe");
    assert!(!empty.holds_copy, "nothing was pushed yet");

    vault.add_remote("usb", &folder(&remote_dir), &Credentials::default(), 2).expect("add remote");
    vault.push("usb", &PushOptions::default(), &mut |_| Flow::Continue).expect("push");
    let pushed = vault.offsite_status().expect("status");
    assert_eq!((pushed.remotes, pushed.items_not_copied), (1, 0), "{pushed:?}");
    assert!(pushed.last_push.is_some(), "the push's time is shown");
    let found = custodia_core::remote::probe(&folder(&remote_dir), &Credentials::default()).expect("probe");
    assert!(found.holds_copy, "the pushed copy's pointer is found");

    let src = tv.source("photo.jpg", b"a photo taken after the push");
    vault.add_file(&src, &custodia_core::AddOptions::default(), &mut go).expect("add");
    assert_eq!(vault.offsite_status().expect("status").items_not_copied, 1, "the new item is on no copy yet");
    vault.remove_remote("usb").expect("remove");
    let removed = vault.offsite_status().expect("status");
    assert_eq!(
        (removed.remotes, removed.last_push, removed.items_not_copied),
        (0, None, 2),
        "a removed remote's pushes no longer count"
    );
    vault.close().expect("close");
}

#[test]
fn after_an_emergency_wipe_the_first_run_restore_sets_the_leftover_aside_and_gives_a_new_passphrase() {
    use custodia_core::remote::{restore_here, FirstRun};
    use custodia_core::{KdfParams, SecretString, Unlock};
    use secrecy::ExposeSecret;
    let (tv, key, item) = vault_with_item_and_recovery();
    let remote_dir = tv.dir.path().join("usb");
    let mut vault = tv.open();
    vault.add_remote("usb", &folder(&remote_dir), &Credentials::default(), 2).expect("add remote");
    vault.push("usb", &PushOptions::default(), &mut |_| Flow::Continue).expect("push");
    vault.close().expect("close");
    custodia_core::vault::panic_wipe(&tv.root, false, None).expect("wipe, keeping the ciphertext");

    let strong = SecretString::from("amber violin harbour ninety".to_string());
    let (url, none) = (folder(&remote_dir), Credentials::default());
    let first_run = |new| FirstRun {
        url: &url,
        credentials: &none,
        recovery: custodia_core::RecoveryKey::parse(key.to_display().expose_secret()).expect("key"),
        new_passphrase: new,
        verifier_key: None,
        kdf: KdfParams::FLOOR,
    };
    let before: Vec<_> = std::fs::read_dir(&tv.root).expect("folder").map(|e| e.expect("entry").file_name()).collect();
    let weak = SecretString::from("short".to_string());
    let refused = restore_here(&tv.root, first_run(&weak), session(), &mut |_| Flow::Continue);
    assert!(refused.is_err(), "a weak new passphrase is refused");
    let after: Vec<_> = std::fs::read_dir(&tv.root).expect("folder").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(before, after, "the refusal came before anything was moved or fetched");

    let here = restore_here(&tv.root, first_run(&strong), session(), &mut |_| Flow::Continue).expect("restore");
    let aside = here.set_aside.clone().expect("the wiped folder is set aside, not deleted");
    assert!(aside.join("vault.db").exists(), "the leftover ciphertext is kept beside");
    assert!(here.restored.verify.ok, "{:?}", here.restored.verify.problems);
    here.vault.close().expect("close");

    let mut back =
        Vault::open(&tv.root, &Unlock::Passphrase(strong.clone()), session()).expect("the new passphrase opens it");
    let out = tv.dir.path().join("back.txt");
    back.extract(&item, &out, &mut go).expect("extract");
    assert_eq!(std::fs::read(&out).expect("read"), b"the witness statement");
    back.close().expect("close");
    let again = restore_here(&tv.root, first_run(&strong), session(), &mut |_| Flow::Continue);
    assert_eq!(again.err().map(|e| e.code()), Some(ErrorCode::VaultExists), "a folder with a vault is never replaced");
}
