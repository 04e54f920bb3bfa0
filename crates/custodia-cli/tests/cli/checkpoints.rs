//! Checkpoints that leave the vault (issue 11, point 1): printed, kept, checked back against the log, and
//! proven to a reviewer who has no vault.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

fn checkpoint_to(env: &Env, name: &str) -> PathBuf {
    let path = env.dir.path().join(name);
    assert_success(&env.run(&["checkpoint", "--output", path_str(&path)]), "checkpoint");
    path
}

fn add(env: &Env, name: &str) {
    let file = env.file(name, name.as_bytes());
    assert_success(&env.run(&["add", path_str(&file)]), "add");
}

fn verifier_key(env: &Env) -> String {
    let info = json_lines(&env.run(&["signer", "--json"]));
    info[0]["verifier_key"].as_str().expect("verifier key").to_string()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_printed_checkpoint_is_a_signed_note_and_the_json_names_its_parts() {
    let env = Env::new();
    let out = env.run(&["checkpoint", "--json"]);
    assert_success(&out, "checkpoint --json");
    let json = &json_lines(&out)[0];
    let note = json["note"].as_str().expect("note");
    let origin = json["origin"].as_str().expect("origin");
    assert!(origin.starts_with("custodia.vault/") && note.starts_with(&format!("{origin}\n")), "{note}");
    assert_eq!(note.lines().nth(1), Some(json["size"].as_u64().expect("size").to_string().as_str()));
    assert!(note.contains(&format!("\n\n\u{2014} {origin} ")), "{note}");
    let saved = env.dir.path().join("from-stdout.txt");
    std::fs::write(&saved, stdout(&env.run(&["checkpoint"]))).expect("save stdout");
    assert_success(&env.run(&["checkpoint", "verify", path_str(&saved)]), "what was printed verifies");
}

#[test]
fn kept_checkpoints_hold_while_the_log_grows_and_fail_when_an_older_copy_is_put_back() {
    let env = Env::new();
    add(&env, "first.txt");
    let older_copy = env.dir.path().join("monday");
    copy_dir(&env.vault, &older_copy);
    let early = checkpoint_to(&env, "early.txt");
    add(&env, "second.txt");
    let late = checkpoint_to(&env, "late.txt");
    add(&env, "third.txt");
    let out = env.run(&["checkpoint", "verify", path_str(&early), path_str(&late)]);
    assert_success(&out, "both kept checkpoints hold");
    assert_eq!(stdout(&out).matches("OK").count(), 2, "{}", stdout(&out));

    std::fs::remove_dir_all(&env.vault).expect("remove");
    copy_dir(&older_copy, &env.vault);
    // On a computer that never saw the newer vault, only the kept checkpoints can tell.
    env.forget_local_checkpoints();
    let out = env.run(&["checkpoint", "verify", path_str(&early), path_str(&late)]);
    assert_eq!(out.status.code(), Some(3), "a vault put back from an older copy is found");
    let said = stdout(&out);
    assert!(said.contains("FAILED") && said.contains("late.txt") && said.contains("older copy"), "{said}");
}

#[test]
fn a_proof_is_checked_without_the_vault_and_a_bent_one_or_another_key_fails() {
    let env = Env::new();
    let old = checkpoint_to(&env, "old.txt");
    add(&env, "evidence.txt");
    let proof = env.dir.path().join("proof.txt");
    let out = env.run(&["checkpoint", "prove", path_str(&old), "--output", path_str(&proof)]);
    assert_success(&out, "prove");
    let new = env.file("new.txt", &out.stdout);
    let key = verifier_key(&env);
    let check = |proof: &Path, key: &str| {
        env.command()
            .args(["checkpoint", "check", path_str(&old), path_str(&new), path_str(proof), "--key", key])
            .output()
            .expect("run")
    };
    assert_success(&check(&proof, &key), "the reviewer's check");

    let text = std::fs::read_to_string(&proof).expect("proof");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[1] = lines[1].replacen(|c: char| c.is_ascii_alphabetic(), "0", 1);
    let bent = env.file("bent.txt", format!("{}\n", lines.join("\n")).as_bytes());
    let out = check(&bent, &key);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    assert!(stdout(&out).contains("does not hold"), "{}", stdout(&out));

    let stranger = verifier_key(&Env::new());
    let out = check(&proof, &stranger);
    assert_eq!(out.status.code(), Some(3), "another vault's key signs nothing here");
}

#[test]
fn another_vaults_checkpoint_is_named_and_a_proof_never_replaces_a_file() {
    let env = Env::new();
    let other = Env::new();
    let theirs = checkpoint_to(&other, "theirs.txt");
    let out = env.run(&["checkpoint", "verify", path_str(&theirs)]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).contains("no signature") || stdout(&out).contains("another log"), "{}", stdout(&out));

    let old = checkpoint_to(&env, "old.txt");
    let existing = env.file("existing.txt", b"keep me");
    let out = env.run(&["checkpoint", "prove", path_str(&old), "--output", path_str(&existing)]);
    assert!(!out.status.success());
    assert_eq!(std::fs::read(&existing).expect("read"), b"keep me");
    let garbage = env.file("garbage.txt", &[0xffu8; 100]);
    let out = env.run(&["checkpoint", "verify", path_str(&garbage)]);
    assert!(!out.status.success(), "a file that is not text is refused");
}

#[test]
fn a_checkpoint_in_words_is_checked_back_and_a_misheard_word_or_a_put_back_copy_fails() {
    let env = Env::new();
    add(&env, "first.txt");
    let older_copy = env.dir.path().join("monday");
    copy_dir(&env.vault, &older_copy);
    let out = env.run(&["checkpoint", "--words"]);
    assert_success(&out, "checkpoint --words");
    let words = stdout(&out).trim().to_string();
    assert!(words.split_whitespace().count() >= 10 && words.split_whitespace().count() <= 16, "{words}");
    add(&env, "second.txt");
    assert_success(&env.run(&["checkpoint", "verify", "--words", &words]), "the words hold");

    let list: Vec<&str> = words.split_whitespace().collect();
    let misheard = format!("{} {}", list[0], list[2..].join(" "));
    let out = env.run(&["checkpoint", "verify", "--words", &misheard]);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    assert!(stdout(&out).contains("misheard"), "{}", stdout(&out));

    std::fs::remove_dir_all(&env.vault).expect("remove");
    copy_dir(&older_copy, &env.vault);
    env.forget_local_checkpoints();
    let out = env.run(&["checkpoint", "verify", "--words", &words]);
    assert_eq!(out.status.code(), Some(3), "the older copy does not reach the words' size: {}", stdout(&out));
}
