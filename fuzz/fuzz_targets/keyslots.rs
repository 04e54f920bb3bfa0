//! `keyslots.json`, read before any passphrase is asked for: parsing and checking every slot, then
//! unwrapping with a recovery key (HKDF and XChaCha20-Poly1305; cheap, unlike a passphrase's Argon2id,
//! whose cost the file sets between the floor and the cap).
#![no_main]

use custodia_core::keys::KeySlots;
use custodia_core::RecoveryKey;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static KEY: OnceLock<RecoveryKey> = OnceLock::new();
    let key = KEY.get_or_init(|| RecoveryKey::generate().expect("a random recovery key"));
    custodia_fuzz::with_file("keyslots.json", data, |path| {
        if let Ok(slots) = KeySlots::load(path) {
            let _ = slots.list();
            let _ = slots.unlock_with_recovery(key);
        }
    });
});
