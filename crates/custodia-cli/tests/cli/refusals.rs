//! Bad input at the command line: a clear message on stderr, a non-zero exit, nothing changed.

use crate::common::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

#[test]
fn init_refuses_key_derivation_below_the_floor_and_creates_nothing() {
    let env = Env::empty();
    for (m, t) in [("18", "2"), ("19", "1")] {
        let out = env.run(&["init", "--kdf-memory-mib", m, "--kdf-iterations", t]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("too weak"), "{}", stderr(&out));
        assert!(!env.vault.exists());
    }
}

#[test]
fn bad_files_are_named_and_good_ones_in_the_same_command_still_added() {
    let env = Env::new();
    let good = env.file("good.txt", b"good");
    let folder = env.dir.path().join("folder");
    std::fs::create_dir(&folder).expect("mkdir");
    let missing = env.dir.path().join("missing.txt");
    let out = env.run(&["add", path_str(&missing), path_str(&folder), path_str(&good), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("missing.txt") && err.contains("does not exist"), "{err}");
    assert!(err.contains("is a folder"), "{err}");
    let added = json_lines(&out);
    assert_eq!(added.len(), 1, "only the good file is reported");
    assert_eq!(added[0]["name"], "good.txt");
    assert_eq!(json_lines(&env.run(&["list", "--json"])).len(), 1);
}

#[test]
fn an_unreadable_file_is_refused() {
    let env = Env::new();
    let locked = env.file("locked.txt", b"secret");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root reads anything, so there the refusal is shown with a file that fails on read instead.
    let is_root = std::fs::metadata(&locked).expect("meta").uid() == 0;
    let target = if is_root { std::path::PathBuf::from("/proc/self/mem") } else { locked };
    let out = env.run(&["add", path_str(&target)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot be read"), "{}", stderr(&out));
    assert!(json_lines(&env.run(&["list", "--json"])).is_empty());
}

#[test]
fn extract_to_an_existing_file_is_refused() {
    let env = Env::new();
    let src = env.file("a.txt", b"a");
    let id = json_lines(&env.run(&["add", path_str(&src), "--json"]))[0]["id"].as_str().expect("id").to_string();
    let out = env.run(&["extract", &id, "--output", path_str(&src)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("never overwrites"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&src).expect("read"), b"a");
}

#[test]
fn errors_go_to_stderr_and_stdout_stays_clean_in_json_mode() {
    let env = Env::new();
    let out = env.run(&["show", "E-NOPE0-NOPE0", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "stdout must be empty: {:?}", String::from_utf8_lossy(&out.stdout));
    assert!(stderr(&out).starts_with("error: no item with id"), "{}", stderr(&out));
    let wrong = env.file("wrong.txt", b"not the passphrase\n");
    let out = env
        .command()
        .args(["--vault", path_str(&env.vault), "--passphrase-file", path_str(&wrong), "list", "--json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(stderr(&out), "error: the passphrase is not correct for this vault; check it and try again\n");
}

#[test]
fn errors_are_worded_in_the_language_of_the_locale_with_the_details_kept() {
    let env = Env::new();
    let wrong = env.file("wrong.txt", b"not the passphrase\n");
    let said = |vars: &[(&str, &str)]| {
        let mut cmd = env.command();
        cmd.env_remove("CUSTODIA_LANG").env_remove("LC_ALL").env_remove("LC_MESSAGES").env_remove("LANG");
        for (name, value) in vars {
            cmd.env(name, value);
        }
        let out = cmd
            .args(["--vault", path_str(&env.vault), "--passphrase-file", path_str(&wrong), "list"])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "the exit code does not depend on the language");
        stderr(&out)
    };
    let english = "the passphrase is not correct for this vault; check it and try again";
    assert_eq!(said(&[("LANG", "C.UTF-8")]), format!("error: {english}\n"));
    let french = said(&[("LANG", "fr_FR.UTF-8")]);
    assert!(french.starts_with("erreur\u{202f}: Cette phrase secrète n’est pas la bonne."), "{french}");
    assert!(french.contains(&format!("Détails\u{202f}: {english}")), "the details stay: {french}");
    let arabic = said(&[("LANG", "fr_FR.UTF-8"), ("LC_ALL", "ar_SA.UTF-8")]);
    assert!(arabic.starts_with("خطأ: عبارة المرور هذه غير صحيحة."), "LC_ALL wins over LANG: {arabic}");
    let spanish = said(&[("LC_ALL", "ar_SA.UTF-8"), ("CUSTODIA_LANG", "es")]);
    assert!(spanish.starts_with("error: Esa frase de contraseña no es correcta."), "CUSTODIA_LANG wins: {spanish}");
}

#[test]
fn verify_exits_non_zero_and_names_a_tampered_item() {
    let env = Env::new();
    let src = env.file("a.bin", &vec![9u8; 100_000]);
    let id = json_lines(&env.run(&["add", path_str(&src), "--json"]))[0]["id"].as_str().expect("id").to_string();
    let blob = walk(&env.vault.join("blobs")).pop().expect("one blob");
    let mut bytes = std::fs::read(&blob).expect("read");
    let n = bytes.len();
    bytes[n - 10] ^= 1;
    std::fs::write(&blob, bytes).expect("write");
    let out = env.run(&["verify"]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains(&id) && text.contains("FAILED"), "{text}");
}

#[test]
fn another_vaults_key_slots_are_named_as_such_without_sqlciphers_own_log_lines() {
    let env = Env::new();
    let other = Env::new();
    std::fs::copy(other.vault.join("keyslots.json"), env.vault.join("keyslots.json")).expect("swap slots");
    let before = std::fs::read(env.vault.join("vault.db")).expect("db");
    let out = env.run(&["verify"]);
    assert!(!out.status.success());
    let said = stderr(&out);
    assert!(said.contains("vault.db") && said.contains("another vault"), "{said}");
    assert!(
        !said.contains("ERROR CORE") && !said.contains("sqlcipher"),
        "SQLCipher's own log reached the user: {said}"
    );
    assert!(!said.contains("backup"), "no advice to put an older copy back: {said}");
    assert_eq!(std::fs::read(env.vault.join("vault.db")).expect("db"), before, "nothing changed");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path))
        } else {
            out.push(path)
        }
    }
    out
}

/// The events the vault recorded with `action`, oldest first.
fn events_of(env: &Env, action: &str) -> Vec<serde_json::Value> {
    let out = env.run(&["log", "--json"]);
    assert_success(&out, "log");
    json_lines(&out).into_iter().filter(|e| e["action"] == action).collect()
}

const WEAK: [&str; 2] = ["password", "12345678"];

#[test]
fn init_refuses_a_weak_passphrase_and_creates_nothing_unless_the_override_is_given_and_logged() {
    for weak in WEAK {
        let env = Env::empty();
        std::fs::write(&env.pass_file, format!("{weak}\n")).expect("pass file");
        let out = env.run(&["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2"]);
        assert_eq!(out.status.code(), Some(1), "init with {weak:?} fails: {}", stderr(&out));
        assert!(stderr(&out).contains("several unrelated words"), "the refusal says what to do: {}", stderr(&out));
        assert!(!env.vault.exists(), "no vault folder is created for {weak:?}");
        let out = env.run(&["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2", "--allow-weak-passphrase"]);
        assert_success(&out, "init with the override");
        for action in ["vault.created", "keyslot.added"] {
            let events = events_of(&env, action);
            assert_eq!(events.len(), 1, "one {action}");
            assert_eq!(events[0]["details"]["weak_passphrase_allowed"], true, "{action} records the override");
        }
    }
}

#[test]
fn passphrase_change_refuses_a_weak_passphrase_and_writes_no_slot_unless_the_override_is_given() {
    let env = Env::new();
    let slots = std::fs::read(env.vault.join("keyslots.json")).expect("keyslots");
    let change = |file: &std::path::Path, extra: &[&str]| {
        let mut args = vec!["passphrase", "change", "--new-passphrase-file", path_str(file)];
        args.extend(["--kdf-memory-mib", "19", "--kdf-iterations", "2"]);
        args.extend(extra);
        env.run(&args)
    };
    for weak in WEAK {
        let file = env.file("weak.txt", format!("{weak}\n").as_bytes());
        let out = change(&file, &[]);
        assert_eq!(out.status.code(), Some(1), "passphrase change to {weak:?} fails: {}", stderr(&out));
        assert!(stderr(&out).contains("too easy to guess"), "{}", stderr(&out));
        assert_eq!(std::fs::read(env.vault.join("keyslots.json")).expect("keyslots"), slots, "no slot written");
    }
    assert_success(&env.run(&["list"]), "the old passphrase still opens the vault");
    assert_eq!(events_of(&env, "keyslot.added").len(), 1, "only the slot of init was ever added");
    let file = env.file("weak.txt", b"12345678\n");
    assert_success(&change(&file, &["--allow-weak-passphrase"]), "passphrase change with the override");
    std::fs::write(&env.pass_file, "12345678\n").expect("pass file");
    let added = events_of(&env, "keyslot.added");
    assert_eq!(added.len(), 2, "the new slot was added");
    assert_eq!(added[1]["details"]["weak_passphrase_allowed"], true, "the new slot's event records the override");
}

#[test]
fn a_passphrase_export_refuses_a_weak_passphrase_and_writes_nothing_unless_the_override_is_given() {
    let env = Env::new();
    let item = env.file("a.txt", b"evidence");
    let out = env.run(&["add", path_str(&item), "--json"]);
    assert_success(&out, "add");
    let id = json_lines(&out)[0]["id"].as_str().expect("id").to_string();
    let bundle = env.dir.path().join("weak.custodia.age");
    // Twelve characters, as a bundle needs, and still among the first guesses.
    for weak in ["passwordpassword", "123456789012"] {
        let file = env.file("bundle-pass.txt", format!("{weak}\n").as_bytes());
        let mut args = vec!["export", "--bundle-passphrase-file", path_str(&file), "--recipient-kind", "prosecutor"];
        args.extend(["--output", path_str(&bundle), "--items", &id]);
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(1), "export with {weak:?} fails: {}", stderr(&out));
        assert!(stderr(&out).contains("too easy to guess"), "{}", stderr(&out));
        assert!(!bundle.exists(), "no bundle is written for {weak:?}");
    }
    assert!(events_of(&env, "bundle.exported").is_empty(), "no export is recorded");
    let file = env.file("bundle-pass.txt", b"123456789012\n");
    let mut args = vec!["export", "--bundle-passphrase-file", path_str(&file), "--recipient-kind", "prosecutor"];
    args.extend(["--output", path_str(&bundle), "--allow-weak-passphrase", "--items", &id]);
    assert_success(&env.run(&args), "export with the override");
    let exported = events_of(&env, "bundle.exported");
    assert_eq!(exported.len(), 1, "one export");
    assert_eq!(exported[0]["details"]["weak_passphrase_allowed"], true, "the export's event records the override");
}
