use super::*;

fn pass(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

fn fresh() -> (KeySlots, MasterKey) {
    let master = MasterKey::generate().expect("random");
    let mut slots = KeySlots::new(&"ab".repeat(16));
    slots.add_passphrase(&master, &pass("correct horse battery"), KdfParams::FLOOR).expect("add");
    (slots, master)
}

#[test]
fn passphrase_slot_round_trips_and_wrong_passphrase_is_refused() {
    let (slots, master) = fresh();
    let (opened, _) = slots.unlock_with_passphrase(&pass("correct horse battery")).expect("unlock");
    assert_eq!(opened.expose(), master.expose());
    assert!(matches!(slots.unlock_with_passphrase(&pass("correct horse batterY")), Err(KeyError::WrongPassphrase)));
}

#[test]
fn passphrase_in_another_unicode_normal_form_still_opens() {
    let master = MasterKey::generate().expect("random");
    let mut slots = KeySlots::new(&"cd".repeat(16));
    slots.add_passphrase(&master, &pass("d\u{e9}j\u{e0} vu, vraiment"), KdfParams::FLOOR).expect("add");
    let decomposed = pass("de\u{301}ja\u{300} vu, vraiment");
    assert!(slots.unlock_with_passphrase(&decomposed).is_ok());
}

#[test]
fn a_slot_moved_to_another_vault_does_not_open() {
    let (slots, _) = fresh();
    let mut moved = slots.clone();
    moved.file.vault_id = "cd".repeat(16);
    assert!(moved.unlock_with_passphrase(&pass("correct horse battery")).is_err());
}

#[test]
fn recovery_slot_opens_and_another_recovery_key_does_not() {
    let (mut slots, master) = fresh();
    let key = RecoveryKey::generate().expect("random");
    slots.add_recovery(&master, &key).expect("add");
    let (opened, _) = slots.unlock_with_recovery(&key).expect("unlock");
    assert_eq!(opened.expose(), master.expose());
    let other = RecoveryKey::generate().expect("random");
    assert!(matches!(slots.unlock_with_recovery(&other), Err(KeyError::WrongRecoveryKey)));
}

#[test]
fn short_and_absurdly_long_passphrases_are_refused() {
    let master = MasterKey::generate().expect("random");
    let mut slots = KeySlots::new(&"ab".repeat(16));
    let err = slots.add_passphrase(&master, &pass("short"), KdfParams::FLOOR).expect_err("too short");
    assert!(matches!(err, KeyError::PassphraseTooShort { .. }));
    let long = "word ".repeat(300);
    let err = slots.add_passphrase(&master, &pass(&long), KdfParams::FLOOR).expect_err("too long");
    assert!(matches!(err, KeyError::PassphraseTooLong { .. }));
    let (slots, _) = fresh();
    assert!(matches!(slots.unlock_with_passphrase(&pass(&long)), Err(KeyError::WrongPassphrase)));
}

#[test]
fn the_last_slot_cannot_be_removed() {
    let (mut slots, _) = fresh();
    let id = slots.list()[0].id.clone();
    assert!(matches!(slots.remove(&id), Err(KeyError::LastSlot(_))));
}

#[test]
fn hostile_files_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("keyslots.json");
    let (slots, _) = fresh();
    let good = serde_json::to_value(&slots.file).expect("json");
    let cases: Vec<(&str, serde_json::Value)> = vec![
        ("memory cap", {
            let mut v = good.clone();
            v["slots"][0]["kdf"]["memory_kib"] = (64u64 * 1024 * 1024).into();
            v
        }),
        ("weak kdf", {
            let mut v = good.clone();
            v["slots"][0]["kdf"]["iterations"] = 1.into();
            v
        }),
        ("short nonce", {
            let mut v = good.clone();
            v["slots"][0]["nonce"] = "AAAA".into();
            v
        }),
        ("no slots", {
            let mut v = good.clone();
            v["slots"] = serde_json::json!([]);
            v
        }),
        ("bad format", {
            let mut v = good.clone();
            v["format"] = "zip".into();
            v
        }),
        ("bad vault id", {
            let mut v = good.clone();
            v["vault_id"] = "../../etc".into();
            v
        }),
    ];
    for (name, value) in cases {
        std::fs::write(&path, serde_json::to_vec(&value).expect("json")).expect("write");
        let err = KeySlots::load(&path).expect_err(name);
        assert!(matches!(err, KeyError::SlotFileCorrupt { .. }), "{name}: {err}");
    }
    std::fs::write(&path, vec![b' '; KEYSLOTS_MAX_BYTES as usize + 10]).expect("write");
    assert!(matches!(KeySlots::load(&path), Err(KeyError::SlotFileCorrupt { .. })));
    let mut future = good.clone();
    future["version"] = 9.into();
    std::fs::write(&path, serde_json::to_vec(&future).expect("json")).expect("write");
    assert!(matches!(KeySlots::load(&path), Err(KeyError::UnsupportedVersion(9))));
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_the_loader(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("keyslots.json");
        std::fs::write(&path, &bytes).expect("write");
        let _ = KeySlots::load(&path);
    }
}

proptest::proptest! {
    // Each case runs the key derivation, so fewer cases than the default 256.
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    #[test]
    fn a_mutated_slot_file_never_opens_with_another_key(index in 0usize..4096, byte in proptest::num::u8::ANY) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("keyslots.json");
        let (slots, master) = fresh();
        let mut bytes = serde_json::to_vec(&slots.file).expect("json");
        let i = index % bytes.len();
        bytes[i] = byte;
        std::fs::write(&path, &bytes).expect("write");
        // Either refused, or (if the change was harmless) it still opens to the very same key.
        if let Ok(loaded) = KeySlots::load(&path) {
            if let Ok((opened, _)) = loaded.unlock_with_passphrase(&pass("correct horse battery")) {
                proptest::prop_assert_eq!(opened.expose(), master.expose());
            }
        }
    }
}
