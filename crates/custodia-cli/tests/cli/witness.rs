//! Witnesses (issue 11, point 4): a lawyer with a witness key file, or another vault, cosigns a vault's
//! checkpoints (C2SP tlog-cosignature) only when each extends the last one it cosigned; the documenter's
//! vault keeps the cosignatures it can check.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

fn checkpoint_to(env: &Env, name: &str) -> PathBuf {
    let path = env.dir.path().join(name);
    assert_success(&env.run(&["checkpoint", "--output", path_str(&path)]), "checkpoint");
    path
}

fn add(env: &Env, name: &str, content: &str) {
    let file = env.file(name, content.as_bytes());
    assert_success(&env.run(&["add", path_str(&file)]), "add");
}

fn log_key(env: &Env) -> String {
    let info = json_lines(&env.run(&["signer", "--json"]));
    info[0]["verifier_key"].as_str().expect("verifier key").to_string()
}

fn prove(env: &Env, old: &Path, name: &str) -> PathBuf {
    let path = env.dir.path().join(name);
    assert_success(&env.run(&["checkpoint", "prove", path_str(old), "--output", path_str(&path)]), "prove");
    path
}

/// A lawyer's witness key file, made with no vault; returns its path and verifier key.
fn lawyer_key(env: &Env) -> (PathBuf, String) {
    let key = env.dir.path().join("lawyer.key");
    let out = env.command().args(["keygen", "--witness", "lawyer.example/w", "--output", path_str(&key)]).output();
    let out = out.expect("run");
    assert_success(&out, "keygen --witness");
    (key, String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// `custodia witness cosign` with the lawyer's key file (no vault).
fn lawyer_cosigns(env: &Env, key: &Path, checkpoint: &Path, extra: &[&str], output: &Path) -> Output {
    let mut args =
        vec!["witness", "cosign", path_str(checkpoint), "--key", path_str(key), "--output", path_str(output)];
    args.extend_from_slice(extra);
    env.command().args(&args).output().expect("run")
}

fn events(env: &Env, action: &str) -> Vec<serde_json::Value> {
    json_lines(&env.run(&["--json", "log"])).into_iter().filter(|e| e["action"] == action).collect()
}

#[test]
fn a_lawyer_cosigns_checkpoints_that_extend_the_last_and_the_vault_keeps_the_cosignatures() {
    let env = Env::new();
    let (key, vkey) = lawyer_key(&env);
    assert!(vkey.starts_with("lawyer.example/w+"), "{vkey}");
    let first = checkpoint_to(&env, "first.txt");
    let cosigned = env.dir.path().join("first.cosigned");

    let out = lawyer_cosigns(&env, &key, &first, &[], &cosigned);
    assert!(!out.status.success() && stderr(&out).contains("--log-key"), "{}", stderr(&out));
    assert!(!cosigned.exists(), "nothing is written when the witness refuses");
    assert_success(&lawyer_cosigns(&env, &key, &first, &["--log-key", &log_key(&env)], &cosigned), "cosign");
    assert!(PathBuf::from(format!("{}.witnessed.json", key.display())).exists(), "the memory is beside the key");

    let out = env.run(&["checkpoint", "add-cosignature", path_str(&cosigned), "--witness", &vkey]);
    assert_success(&out, "add-cosignature");
    assert!(String::from_utf8_lossy(&out.stdout).contains("lawyer.example/w"), "{out:?}");
    let again = env.run(&["checkpoint", "add-cosignature", path_str(&cosigned), "--witness", &vkey]);
    assert_success(&again, "adding it again");
    assert!(String::from_utf8_lossy(&again.stdout).contains("already kept"), "{again:?}");
    assert_eq!(events(&env, "checkpoint.cosigned").len(), 1, "one event for one cosignature");
    let listed = json_lines(&env.run(&["--json", "checkpoint", "list"]));
    let witnessed: Vec<_> =
        listed.iter().filter(|c| c["cosignatures"].as_array().is_some_and(|a| !a.is_empty())).collect();
    assert_eq!(witnessed.len(), 1, "{listed:?}");
    assert_eq!(witnessed[0]["cosignatures"][0]["witness"], "lawyer.example/w");

    add(&env, "a.txt", "a");
    let second = checkpoint_to(&env, "second.txt");
    let cosigned2 = env.dir.path().join("second.cosigned");
    let out = lawyer_cosigns(&env, &key, &second, &[], &cosigned2);
    assert!(!out.status.success() && stderr(&out).contains("consistency proof"), "{}", stderr(&out));
    let proof = prove(&env, &first, "proof.txt");
    // The proof names the newest checkpoint (signed when it was made): the witness cosigns that one.
    let newest = env.dir.path().join("newest.txt");
    let proof_text = std::fs::read_to_string(&proof).expect("proof");
    std::fs::write(&newest, proof_text.split_once("\n\n").expect("proof shape").1).expect("write");
    assert_success(
        &lawyer_cosigns(&env, &key, &newest, &["--proof", path_str(&proof)], &cosigned2),
        "cosign with proof",
    );
    assert_success(&env.run(&["checkpoint", "add-cosignature", path_str(&cosigned2), "--witness", &vkey]), "add");
    assert_eq!(events(&env, "checkpoint.cosigned").len(), 2);
}

#[test]
fn a_witness_refuses_a_rewritten_log_and_an_older_checkpoint() {
    let env = Env::new();
    let (key, _) = lawyer_key(&env);
    add(&env, "x.txt", "x");
    let first = checkpoint_to(&env, "first.txt");
    assert_success(
        &lawyer_cosigns(&env, &key, &first, &["--log-key", &log_key(&env)], &env.dir.path().join("c1")),
        "c1",
    );
    // A second copy of the same vault that goes its own way from here.
    let fork = Env::empty();
    copy_dir(&env.vault, &fork.vault);
    add(&env, "y.txt", "the real y");
    let ours = checkpoint_to(&env, "ours.txt");
    let proof = prove(&env, &first, "ours-proof.txt");
    let ours_newest = env.dir.path().join("ours-newest.txt");
    let text = std::fs::read_to_string(&proof).expect("proof");
    std::fs::write(&ours_newest, text.split_once("\n\n").expect("shape").1).expect("write");
    assert_success(
        &lawyer_cosigns(&env, &key, &ours_newest, &["--proof", path_str(&proof)], &env.dir.path().join("c2")),
        "c2",
    );
    let _ = ours;

    add(&fork, "y.txt", "a rewritten y");
    let theirs = checkpoint_to(&fork, "theirs.txt");
    let theirs_proof = prove(&fork, &first, "theirs-proof.txt");
    let theirs_newest = fork.dir.path().join("theirs-newest.txt");
    let text = std::fs::read_to_string(&theirs_proof).expect("proof");
    std::fs::write(&theirs_newest, text.split_once("\n\n").expect("shape").1).expect("write");
    let refused = env.dir.path().join("refused");
    let out = lawyer_cosigns(&env, &key, &theirs_newest, &["--proof", path_str(&theirs_proof)], &refused);
    assert!(!out.status.success(), "a checkpoint of the fork must not be cosigned");
    let said = stderr(&out);
    assert!(said.contains("rewritten") || said.contains("proof starts from"), "{said}");
    assert!(!refused.exists());
    let out = lawyer_cosigns(&env, &key, &first, &[], &refused);
    assert!(!out.status.success() && stderr(&out).contains("never shrinks"), "{}", stderr(&out));
    let _ = theirs;
    // Another key signing for the same log is refused, with or without that key given.
    let other = Env::new();
    let foreign = checkpoint_to(&other, "foreign.txt");
    let out = lawyer_cosigns(&env, &key, &foreign, &["--log-key", &log_key(&other)], &refused);
    assert_success(&out, "another log is a new log for the witness");
}

#[test]
fn a_vault_witnesses_another_vault_but_not_itself() {
    let documenter = Env::new();
    let partner = Env::new();
    let checkpoint = checkpoint_to(&documenter, "cp.txt");
    let cosigned = partner.dir.path().join("cp.cosigned");
    let args = [
        "witness",
        "cosign",
        path_str(&checkpoint),
        "--log-key",
        &log_key(&documenter),
        "--output",
        path_str(&cosigned),
    ];
    assert_success(&partner.run(&args), "the partner's vault cosigns");
    assert_eq!(events(&partner, "witness.cosigned").len(), 1, "witnessing is in the partner's custody log");
    let key_out = partner.run(&["witness", "key"]);
    assert_success(&key_out, "witness key");
    let partner_key = String::from_utf8_lossy(&key_out.stdout).trim().to_string();
    assert!(partner_key.starts_with("custodia.witness/"), "{partner_key}");
    let added = documenter.run(&["checkpoint", "add-cosignature", path_str(&cosigned), "--witness", &partner_key]);
    assert_success(&added, "the documenter keeps it");

    let own = partner.dir.path().join("own.txt");
    assert_success(&partner.run(&["checkpoint", "--output", path_str(&own)]), "checkpoint");
    let out = partner.run(&["witness", "cosign", path_str(&own), "--output", path_str(&partner.dir.path().join("x"))]);
    assert!(!out.status.success() && stderr(&out).contains("cannot witness itself"), "{}", stderr(&out));
}

#[test]
fn cosignatures_by_an_unknown_key_altered_or_of_another_vault_are_refused_and_change_nothing() {
    let env = Env::new();
    let (key, vkey) = lawyer_key(&env);
    let checkpoint = checkpoint_to(&env, "cp.txt");
    let cosigned = env.dir.path().join("cp.cosigned");
    assert_success(&lawyer_cosigns(&env, &key, &checkpoint, &["--log-key", &log_key(&env)], &cosigned), "cosign");
    let stranger = Env::empty();
    let (_, stranger_key) = lawyer_key(&stranger);
    let text = std::fs::read_to_string(&cosigned).expect("read");
    let last_line = text.lines().last().expect("line").to_string();
    let mut blob = last_line.rsplit(' ').next().expect("blob").to_string();
    // A character of the signature itself (the key id and time take the first 16 characters).
    let flipped = if &blob[40..41] == "A" { "B" } else { "A" };
    blob.replace_range(40..41, flipped);
    let altered =
        env.file("altered.cosigned", text.replace(&last_line, &format!("\u{2014} lawyer.example/w {blob}")).as_bytes());
    let other = Env::new();
    let (other_cp, other_cosigned) = (checkpoint_to(&other, "o.txt"), other.dir.path().join("o.cosigned"));
    assert_success(&lawyer_cosigns(&other, &key, &other_cp, &["--log-key", &log_key(&other)], &other_cosigned), "o");
    let garbage = env.file("garbage", b"\x1b[2J not a note\n");
    let before = events(&env, "checkpoint.cosigned").len();
    for (file, witness, says) in [
        (&cosigned, stranger_key.as_str(), "no cosignature by"),
        (&altered, vkey.as_str(), "does not verify"),
        (&other_cosigned, vkey.as_str(), "another log"),
        (&garbage, vkey.as_str(), "not a signed note"),
        (&cosigned, log_key(&env).as_str(), "not a cosigner"),
    ] {
        let out = env.run(&["checkpoint", "add-cosignature", path_str(file), "--witness", witness]);
        assert!(!out.status.success(), "{file:?} with {witness}");
        assert!(stderr(&out).contains(says), "{file:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains('\u{1b}'), "no control character from the file is printed");
    }
    assert_eq!(events(&env, "checkpoint.cosigned").len(), before, "nothing was kept");
}

#[test]
fn a_key_file_named_without_a_folder_keeps_its_memory_beside_it() {
    let env = Env::new();
    let checkpoint = checkpoint_to(&env, "cp.txt");
    let run = |args: &[&str]| env.command().current_dir(env.dir.path()).args(args).output().expect("run");
    assert_success(&run(&["keygen", "--witness", "lawyer.example/w", "--output", "w.key"]), "keygen");
    let out = run(&[
        "witness",
        "cosign",
        path_str(&checkpoint),
        "--log-key",
        &log_key(&env),
        "--key",
        "w.key",
        "--output",
        "c.txt",
    ]);
    assert_success(&out, "cosign with a key file in the current folder");
    assert!(env.dir.path().join("w.key.witnessed.json").exists() && env.dir.path().join("c.txt").exists());
}
