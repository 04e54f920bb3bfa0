//! Vaults made before recovery slots were asymmetric (key slot format 1, no blob-name key in the
//! database): they open, keep their stored copies' names across rotations, and their recovery key is
//! either upgraded by an unlock with it or dropped, plainly, by a passphrase change.

use super::*;
use crate::error::ErrorCode;
use crate::keys::RecoveryKey;
use secrecy::ExposeSecret;

const OLD: &str = "correct horse battery staple";
const NEW: &str = "a brand new passphrase for the field";

fn pass(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

fn session() -> Session {
    Session::new("Test Documenter", "dev-test").expect("session")
}

fn never_cancel(_: u64) -> crate::Flow {
    crate::Flow::Continue
}

/// A vault as an older Custodia left it: one item, a format 1 recovery slot, a format 1 file, and no
/// blob-name key in the database.
fn format1_vault() -> (tempfile::TempDir, PathBuf, RecoveryKey, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("vault");
    let mut vault =
        Vault::create(&root, &pass(OLD), StrengthPolicy::Required, KdfParams::FLOOR, session()).expect("create");
    let source = dir.path().join("statement.txt");
    fs::write(&source, b"the witness statement").expect("source");
    let item = vault.add_file(&source, &crate::AddOptions::default(), &mut never_cancel).expect("add").item.id;
    let key = RecoveryKey::generate().expect("key");
    let mut slots = vault.slots.clone();
    slots.add_format1_recovery(&vault.master, &key).expect("format 1 slot");
    slots.save(&root.join(KEYSLOTS_FILE)).expect("save");
    vault.conn.execute("DELETE FROM meta WHERE key = 'blob_name_key'", []).expect("as before rotations");
    vault.close().expect("close");
    let path = root.join(KEYSLOTS_FILE);
    let text = fs::read_to_string(&path).expect("read").replace("\"version\": 2", "\"version\": 1");
    fs::write(&path, text).expect("format 1");
    (dir, root, key, item)
}

fn recovery(key: &RecoveryKey) -> Unlock {
    Unlock::Recovery(RecoveryKey::parse(key.to_display().expose_secret()).expect("parse"))
}

fn item_reads(vault: &mut Vault, dir: &Path, item: &str, name: &str) {
    let out = dir.join(name);
    vault.extract(item, &out, &mut never_cancel).expect("the stored copy keeps its name");
    assert_eq!(fs::read(&out).expect("read"), b"the witness statement");
}

#[test]
fn a_passphrase_change_in_a_format1_vault_drops_its_recovery_key_and_says_so() {
    let (dir, root, key, item) = format1_vault();
    let mut vault = Vault::open(&root, &Unlock::Passphrase(pass(OLD)), session()).expect("format 1 opens");
    let changed = vault.change_passphrase(&pass(NEW), StrengthPolicy::Required, KdfParams::FLOOR).expect("change");
    assert!(changed.recovery_key_dropped, "the result says the old recovery key stopped working");
    vault.close().expect("close");
    let err = Vault::open(&root, &recovery(&key), session()).expect_err("dropped");
    assert_eq!(err.code(), ErrorCode::WrongRecoveryKey);
    let mut vault = Vault::open(&root, &Unlock::Passphrase(pass(NEW)), session()).expect("new passphrase");
    item_reads(&mut vault, dir.path(), &item, "copy.txt");
    let report = vault.verify(&mut |_| crate::Flow::Continue).expect("verify");
    assert!(report.ok, "{:?}", report.problems);
    vault.close().expect("close");
}

#[test]
fn unlocking_with_a_format1_recovery_key_upgrades_its_slot_so_a_passphrase_change_keeps_it() {
    let (dir, root, key, item) = format1_vault();
    let mut vault = Vault::open(&root, &recovery(&key), session()).expect("format 1 recovery key opens");
    assert!(vault.slots.legacy_recoveries().is_empty(), "the slot was upgraded at the unlock");
    let changed = vault.change_passphrase(&pass(NEW), StrengthPolicy::Required, KdfParams::FLOOR).expect("change");
    assert!(!changed.recovery_key_dropped, "the upgraded recovery key is carried over");
    vault.close().expect("close");
    let mut vault = Vault::open(&root, &recovery(&key), session()).expect("the same paper key still opens");
    item_reads(&mut vault, dir.path(), &item, "copy.txt");
    vault.close().expect("close");
    let text = fs::read_to_string(root.join(KEYSLOTS_FILE)).expect("read");
    assert!(text.contains("\"version\": 2") && text.contains("recovery_x25519"), "{text}");
}
