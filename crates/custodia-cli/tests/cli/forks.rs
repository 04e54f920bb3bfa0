//! Forks seen by a recipient (issue 11, point 3): each bundle carries the checkpoints its sender sent
//! earlier to the same recipient, with consistency proofs to its own; the recipient's vault keeps the
//! newest checkpoint it saw of each sender and refuses a bundle from a copy of the sender's vault that
//! went another way.

use crate::bundle_kit::*;
use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

fn identity(receiver: &Env) -> (PathBuf, String) {
    let key = receiver.dir.path().join("receiver-identity.txt");
    let out = custodia(&["keygen", "--output", path_str(&key), "--json"]);
    assert_success(&out, "keygen");
    (key, json_lines(&out)[0]["public_key"].as_str().expect("public key").to_string())
}

fn import(receiver: &Env, bundle: &Path, key: &Path) -> Output {
    receiver.run(&["import", path_str(bundle), "--identity", path_str(key)])
}

fn items_held(env: &Env) -> usize {
    json_lines(&env.run(&["list", "--json"])).len()
}

#[test]
fn a_recipient_refuses_a_bundle_from_a_copy_of_the_senders_vault_that_went_another_way() {
    let sender = Env::new();
    let receiver = Env::new();
    let (key, public) = identity(&receiver);
    let first = vault_with(&sender, &[("a.txt", b"first".to_vec())]);
    let (b1, _) = export(&sender, &first, &public, "b1");
    assert_success(&import(&receiver, &b1, &key), "the first bundle of a sender is taken on trust");

    // The sender's vault is copied: one copy goes on, the other is rewritten from here.
    let fork = Env::empty();
    copy_dir(&sender.vault, &fork.vault);
    let second = vault_with(&sender, &[("b.txt", b"second".to_vec())]);
    let (b2, _) = export(&sender, &second, &public, "b2");
    let verified = custodia(&["bundle", "verify", path_str(&b2), "--identity", path_str(&key)]);
    assert_success(&verified, "bundle verify");
    let said = String::from_utf8_lossy(&verified.stdout);
    assert!(said.contains("Extends") && said.contains("of bundle B-"), "b2 proves it extends b1:\n{said}");
    assert_success(&import(&receiver, &b2, &key), "a bundle that extends the last one seen is imported");
    let held = items_held(&receiver);

    let rewritten = vault_with(&fork, &[("b.txt", b"a rewritten second".to_vec())]);
    let (b3, _) = export(&fork, &rewritten, &public, "b3");
    let verified = custodia(&["bundle", "verify", path_str(&b3), "--identity", path_str(&key)]);
    assert_success(&verified, "alone, the fork's bundle is consistent with itself");
    let out = import(&receiver, &b3, &key);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("Nothing was imported") && said.contains("bundle B-"), "names the earlier bundle: {said}");
    assert_eq!(items_held(&receiver), held, "nothing of the fork's bundle was imported");
    assert_eq!(import(&receiver, &b2, &key).status.code(), Some(1), "b2 stays imported once");
}

#[test]
fn an_older_bundle_after_a_newer_one_is_refused_and_a_witnessed_checkpoint_counts_as_seen() {
    let sender = Env::new();
    let receiver = Env::new();
    let (key, public) = identity(&receiver);
    let first = vault_with(&sender, &[("a.txt", b"first".to_vec())]);
    let (b1, _) = export(&sender, &first, &public, "b1");
    let second = vault_with(&sender, &[("b.txt", b"second".to_vec())]);
    let (b2, _) = export(&sender, &second, &public, "b2");
    assert_success(&import(&receiver, &b2, &key), "b2");
    let out = import(&receiver, &b1, &key);
    assert!(!out.status.success() && stderr(&out).contains("older than"), "{}", stderr(&out));

    // A partner that cosigned the sender's checkpoint as a witness holds it as seen: a bundle must prove
    // it extends that checkpoint, which it can once the sender keeps the cosignature.
    let partner = Env::new();
    let checkpoint = sender.dir.path().join("cp.txt");
    assert_success(&sender.run(&["checkpoint", "--output", path_str(&checkpoint)]), "checkpoint");
    let log_key = json_lines(&sender.run(&["signer", "--json"]))[0]["verifier_key"].as_str().expect("key").to_string();
    let cosigned = partner.dir.path().join("cosigned");
    let args = ["witness", "cosign", path_str(&checkpoint), "--log-key", &log_key, "--output", path_str(&cosigned)];
    assert_success(&partner.run(&args), "cosign");
    let (partner_key, partner_public) = identity(&partner);
    let more = vault_with(&sender, &[("c.txt", b"third".to_vec())]);
    let (b3, _) = export(&sender, &more, &partner_public, "b3");
    let out = import(&partner, &b3, &partner_key);
    assert!(!out.status.success() && stderr(&out).contains("cannot be shown to extend"), "{}", stderr(&out));
    let witness_key = String::from_utf8_lossy(&partner.run(&["witness", "key"]).stdout).trim().to_string();
    let kept = sender.run(&["checkpoint", "add-cosignature", path_str(&cosigned), "--witness", &witness_key]);
    assert_success(&kept, "the sender keeps the cosignature");
    let (b4, _) = export(&sender, &more, &partner_public, "b4");
    assert_success(&import(&partner, &b4, &partner_key), "a bundle carrying the cosigned checkpoint's proof");
}
