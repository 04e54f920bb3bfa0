//! Changing the secrets: passphrase changes and recovery key replacements replace the master key and
//! the database key, so an older `keyslots.json` opens nothing current; recovery keys are the private
//! half of an X25519 pair, so a passphrase change keeps them working.

use crate::common::*;
use custodia_core::ErrorCode;
use custodia_core::{AddOptions, KdfParams, RecoveryKey, StrengthPolicy, Unlock, Vault};
use secrecy::ExposeSecret;

pub const NEW_PASSPHRASE: &str = "a brand new passphrase for the field";

pub fn new_unlock() -> Unlock {
    Unlock::Passphrase(pass(NEW_PASSPHRASE))
}

pub fn recovery(key: &RecoveryKey) -> Unlock {
    Unlock::Recovery(RecoveryKey::parse(key.to_display().expose_secret()).expect("parse"))
}

/// A vault with one item and a recovery key.
pub fn vault_with_item_and_recovery() -> (TestVault, RecoveryKey, String) {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let src = tv.source("statement.txt", b"the witness statement");
    let item = vault.add_file(&src, &AddOptions::default(), &mut go).expect("add").item.id;
    let key = vault.create_recovery_key().expect("recovery key");
    vault.close().expect("close");
    (tv, key, item)
}

/// The vault opens with `unlock`, still holds `item` with its bytes, and verifies clean.
pub fn opens_whole(tv: &TestVault, unlock: &Unlock, item: &str) -> Vault {
    let mut vault = Vault::open(&tv.root, unlock, session()).expect("the vault opens");
    let out = tv.dir.path().join(format!("copy-{}", rand_suffix()));
    vault.extract(item, &out, &mut go).expect("the item's stored copy is still found under its name");
    assert_eq!(std::fs::read(&out).expect("read copy"), b"the witness statement", "the item is intact");
    let report = vault.verify(&mut |_| custodia_core::Flow::Continue).expect("verify");
    assert!(report.ok, "verify passes: {:?}", report.problems);
    vault
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
}

fn change(vault: &mut Vault) {
    vault.change_passphrase(&pass(NEW_PASSPHRASE), StrengthPolicy::Required, KdfParams::FLOOR).expect("change");
}

#[test]
fn an_older_keyslots_file_put_back_after_a_passphrase_change_opens_nothing() {
    let (tv, _, item) = vault_with_item_and_recovery();
    let slots = tv.root.join("keyslots.json");
    let old = std::fs::read(&slots).expect("read keyslots");
    let mut vault = tv.open();
    change(&mut vault);
    vault.close().expect("close");
    let current = std::fs::read(&slots).expect("read keyslots");
    std::fs::write(&slots, &old).expect("put the old copy back");
    let before = snapshot(&tv.root);
    let err = Vault::open(&tv.root, &unlock(), session()).expect_err("the old passphrase opens nothing current");
    assert_eq!(err.code(), ErrorCode::DatabaseDamaged, "named as a key that does not open the database: {err}");
    assert!(err.to_string().contains("older"), "the message names an older key slot file as a cause: {err}");
    assert_eq!(snapshot(&tv.root), before, "the failed open changed nothing");
    std::fs::write(&slots, &current).expect("the current file again");
    opens_whole(&tv, &new_unlock(), &item).close().expect("close");
}

#[test]
fn an_older_keyslots_file_put_back_after_a_recovery_replacement_opens_nothing_with_the_old_key() {
    let (tv, first, item) = vault_with_item_and_recovery();
    let slots = tv.root.join("keyslots.json");
    let old = std::fs::read(&slots).expect("read keyslots");
    let mut vault = tv.open();
    let second = vault.create_recovery_key().expect("replace");
    vault.close().expect("close");
    let err = Vault::open(&tv.root, &recovery(&first), session()).expect_err("the old key is revoked");
    assert_eq!(err.code(), ErrorCode::WrongRecoveryKey);
    let current = std::fs::read(&slots).expect("read keyslots");
    std::fs::write(&slots, &old).expect("put the old copy back");
    let before = snapshot(&tv.root);
    let err = Vault::open(&tv.root, &recovery(&first), session()).expect_err("opens nothing current");
    assert_eq!(err.code(), ErrorCode::DatabaseDamaged, "{err}");
    assert_eq!(snapshot(&tv.root), before, "the failed open changed nothing");
    std::fs::write(&slots, &current).expect("the current file again");
    opens_whole(&tv, &recovery(&second), &item).close().expect("close");
    opens_whole(&tv, &unlock(), &item).close().expect("the passphrase is kept across the replacement");
}

#[test]
fn a_passphrase_change_keeps_the_recovery_key_working_and_the_items_readable() {
    let (tv, key, item) = vault_with_item_and_recovery();
    let mut vault = tv.open();
    vault
        .change_passphrase(&pass(NEW_PASSPHRASE), StrengthPolicy::Required, KdfParams::FLOOR)
        .map(|changed| {
            assert!(!changed.recovery_key_dropped, "a format 2 recovery key is carried over");
        })
        .expect("change");
    vault.close().expect("close");
    opens_whole(&tv, &recovery(&key), &item).close().expect("close");
    let vault = opens_whole(&tv, &new_unlock(), &item);
    let actions = actions(&vault);
    assert!(actions.iter().any(|a| a == "keys.rotated"), "the rotation is logged: {actions:?}");
    vault.close().expect("close");
}

#[test]
fn a_begun_recovery_key_works_next_to_the_old_one_until_confirmed() {
    let (tv, first, item) = vault_with_item_and_recovery();
    let mut vault = tv.open();
    let second = vault.begin_recovery_key().expect("begin");
    // Stopped here (the key never confirmed shown): both keys open.
    vault.close().expect("close");
    opens_whole(&tv, &recovery(&first), &item).close().expect("close");
    opens_whole(&tv, &recovery(second.key()), &item).close().expect("close");
    let mut vault = tv.open();
    let third = vault.begin_recovery_key().expect("begin again");
    vault.confirm_recovery_key(&third).expect("confirm");
    vault.close().expect("close");
    for (name, old) in [("first", &first), ("unconfirmed second", second.key())] {
        let err = Vault::open(&tv.root, &recovery(old), session()).expect_err(name);
        assert_eq!(err.code(), ErrorCode::WrongRecoveryKey, "the {name} key is revoked: {err}");
    }
    opens_whole(&tv, &recovery(third.key()), &item).close().expect("close");
}

#[test]
fn replacing_the_recovery_key_needs_the_passphrase_when_unlocked_with_the_recovery_key() {
    let (tv, first, _) = vault_with_item_and_recovery();
    let mut vault = Vault::open(&tv.root, &recovery(&first), session()).expect("open");
    let err = vault.begin_recovery_key().expect_err("the passphrase must be kept");
    assert_eq!(err.code(), ErrorCode::PassphraseNeeded, "{err}");
    vault.check_passphrase(&pass(PASSPHRASE)).expect("the passphrase checked");
    let second = vault.create_recovery_key().expect("now allowed");
    vault.close().expect("close");
    Vault::open(&tv.root, &recovery(&second), session()).expect("new key").close().expect("close");
    tv.open().close().expect("the passphrase still opens");
}
