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
    assert!(french.starts_with("erreur : Cette phrase secrète n’est pas la bonne."), "{french}");
    assert!(french.contains(&format!("Détails : {english}")), "the details stay: {french}");
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
