//! No silent rollback (issue 11, point 2): a vault put back from an older copy (the folder, `vault.db`
//! alone, `vault.db` with its write-ahead log) is found at open by this computer's copy of the newest
//! checkpoint; going on with it is a written choice the custody log keeps; the copy itself, missing,
//! damaged or another vault's, is said and never stops the work.

use crate::common::*;
use custodia_core::{Session, Unlock, Vault};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn add(env: &Env, name: &str) {
    let file = env.file(name, name.as_bytes());
    assert_success(&env.run(&["add", path_str(&file)]), "add");
}

/// Every file under `dir` with its bytes: to show that a refused open changed nothing.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files
                    .insert(path.strip_prefix(dir).expect("inside").to_path_buf(), std::fs::read(&path).expect("read"));
            }
        }
    }
    files
}

/// This computer's copy: the one file in the state directory's checkpoint folder.
fn local_copy(env: &Env) -> PathBuf {
    let dir = env.state_dir().join("custodia").join("checkpoints");
    let files: Vec<PathBuf> = std::fs::read_dir(&dir).expect("copies").map(|e| e.expect("entry").path()).collect();
    assert_eq!(files.len(), 1, "one copy per vault: {files:?}");
    files[0].clone()
}

/// The refusal every command meets on an older copy: exit 3, what happened and what to do.
fn assert_refused(env: &Env, args: &[&str]) {
    let out = env.run(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{args:?} on an older copy: {err}");
    assert!(err.contains("older state than this computer last saw") && err.contains("--accept-rollback"), "{err}");
}

/// `assert_refused`, and not one byte of the folder changed.
fn assert_refused_untouched(env: &Env, args: &[&str]) {
    let before = snapshot(&env.vault);
    assert_refused(env, args);
    assert_eq!(snapshot(&env.vault), before, "{args:?}: a refused open changes nothing in the folder");
}

/// Goes on with the older copy for a reason, and returns the custody event that records it.
fn accept(env: &Env) -> serde_json::Value {
    let reason = "the laptop was wiped at the border; this copy is the only one left";
    let out = env.run(&["--accept-rollback", reason, "verify"]);
    assert_success(&out, "verify, going on with the older copy");
    assert!(stderr(&out).contains("going on with the older copy"), "{}", stderr(&out));
    let events = json_lines(&env.run(&["log", "--json"]));
    let accepted: Vec<_> = events.into_iter().filter(|e| e["action"] == "vault.rollback_accepted").collect();
    assert_eq!(accepted.len(), 1, "one event for the choice");
    assert_eq!(accepted[0]["details"]["reason"], reason);
    accepted[0].clone()
}

#[test]
fn a_folder_put_back_from_an_older_copy_stops_every_command_until_the_user_chooses_with_a_reason() {
    let env = Env::new();
    add(&env, "monday.txt");
    let monday = env.dir.path().join("monday");
    copy_dir(&env.vault, &monday);
    add(&env, "tuesday.txt");
    add(&env, "wednesday.txt");
    std::fs::remove_dir_all(&env.vault).expect("remove");
    copy_dir(&monday, &env.vault);

    assert_refused_untouched(&env, &["verify"]);
    assert_refused_untouched(&env, &["list"]);
    let before = snapshot(&env.vault);
    let out = env.run(&["--accept-rollback", "ok", "verify"]);
    assert_eq!(out.status.code(), Some(1), "a reason of two letters says nothing: {}", stderr(&out));
    assert!(stderr(&out).contains("at least 10 characters"), "{}", stderr(&out));
    assert_eq!(snapshot(&env.vault), before, "a refused reason changes nothing");

    let event = accept(&env);
    let (seen, found) = (&event["details"]["seen"], &event["details"]["found"]);
    assert!(seen["size"].as_u64() > found["size"].as_u64(), "{event}");
    assert_eq!(seen["last_event"]["action"], "vault.closed", "{event}");
    for side in [seen, found] {
        let note = side["checkpoint"].as_str().expect("both checkpoints are in the event");
        assert!(note.starts_with("custodia.vault/") && note.contains("\n\n\u{2014} "), "{note}");
    }
    assert_success(&env.run(&["verify"]), "once chosen, the older copy opens without the alarm");
}

#[test]
fn vault_db_alone_put_back_is_found_and_nothing_is_moved_to_quarantine_before_the_choice() {
    let env = Env::new();
    add(&env, "first.txt");
    let old_db = env.dir.path().join("vault.db.monday");
    std::fs::copy(env.vault.join("vault.db"), &old_db).expect("copy");
    add(&env, "second.txt");
    std::fs::copy(&old_db, env.vault.join("vault.db")).expect("put back");

    assert_refused_untouched(&env, &["verify"]);
    assert!(!env.vault.join("quarantine").exists(), "the newer item's stored copy stays where it is");
    accept(&env);
    assert!(env.vault.join("quarantine").exists(), "after the choice, the unknown stored copy is kept aside");
}

#[test]
fn vault_db_with_its_write_ahead_log_put_back_is_found() {
    let env = Env::new();
    // The older copy is taken while the vault is open, so its newest events are in the write-ahead log.
    let (old_db, old_wal) = (env.dir.path().join("db.old"), env.dir.path().join("wal.old"));
    {
        let passphrase = std::fs::read_to_string(&env.pass_file).expect("pass");
        let unlock = Unlock::Passphrase(passphrase.trim_end().to_string().into());
        let session = Session::new("tester", "dev-test").expect("session");
        let mut vault = Vault::open(&env.vault, &unlock, session).expect("open in process");
        let file = env.file("open.txt", b"added while open");
        vault
            .add_file(&file, &custodia_core::AddOptions::default(), &mut |_| custodia_core::Flow::Continue)
            .expect("add");
        let wal = env.vault.join("vault.db-wal");
        assert!(std::fs::metadata(&wal).expect("wal").len() > 0, "the events are in the write-ahead log");
        std::fs::copy(env.vault.join("vault.db"), &old_db).expect("copy db");
        std::fs::copy(&wal, &old_wal).expect("copy wal");
        vault.close().expect("close");
    }
    add(&env, "later.txt");
    add(&env, "later-still.txt");
    std::fs::copy(&old_db, env.vault.join("vault.db")).expect("put back db");
    std::fs::copy(&old_wal, env.vault.join("vault.db-wal")).expect("put back wal");

    // SQLite folds the put-back write-ahead log into vault.db when the refused open lets go of it: the
    // same events, other bytes. The refusal holds all the same.
    assert_refused(&env, &["verify"]);
    assert_refused(&env, &["list", "--json"]);
    accept(&env);
}

#[test]
fn the_local_copy_missing_damaged_or_of_another_vault_is_said_and_replaced_at_the_close() {
    let env = Env::new();
    add(&env, "first.txt");
    let copy = local_copy(&env);
    let good = std::fs::read(&copy).expect("copy");

    std::fs::remove_file(&copy).expect("remove");
    let out = env.run(&["verify"]);
    assert_success(&out, "a vault new to this computer");
    assert!(!stderr(&out).contains("could not be used"), "nothing to say about a missing copy: {}", stderr(&out));
    assert!(!std::fs::read(&copy).expect("written again at the close").is_empty());

    let other = Env::new();
    let theirs = std::fs::read(local_copy(&other)).expect("other copy");
    let damaged = [b"{\"format\":1,".to_vec(), vec![0xff; 10], vec![b'x'; 70 * 1024], theirs];
    let whys = ["damaged", "damaged", "larger than", "another vault"];
    for (bytes, why) in damaged.iter().zip(whys) {
        std::fs::write(&copy, bytes).expect("plant");
        let out = env.run(&["verify"]);
        assert_success(&out, "a copy that cannot be used never stops the work");
        let err = stderr(&out);
        assert!(err.contains("could not be used") && err.contains(why), "{why}: {err}");
        assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "no control character is printed: {err:?}");
        let after: serde_json::Value = serde_json::from_slice(&std::fs::read(&copy).expect("copy")).expect("json");
        assert!(after["note"].as_str().is_some_and(|n| n.starts_with("custodia.vault/")), "replaced at the close");
    }
    // Another vault's copy under this vault's name, with this vault's id written in: its signature fails.
    let mut forged: serde_json::Value =
        serde_json::from_slice(&std::fs::read(local_copy(&other)).expect("c")).expect("j");
    let ours: serde_json::Value = serde_json::from_slice(&good).expect("ours");
    forged["vault_id"] = ours["vault_id"].clone();
    std::fs::write(&copy, serde_json::to_vec(&forged).expect("json")).expect("plant");
    let out = env.run(&["verify"]);
    assert_success(&out, "a forged copy is not a rollback");
    assert!(stderr(&out).contains("could not be used"), "{}", stderr(&out));
}
