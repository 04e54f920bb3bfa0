//! `keyslots.json` against `tests/vectors/keyslots`: real vaults' files (in `inputs/`) and cases derived
//! from them by `scripts/make-vectors.py`, which unwraps each with its own Argon2id, XChaCha20-Poly1305
//! and HKDF and records the database key it must give. A failure is named by the error's code.

use super::{vectors, Vector};
use crate::error::Error;
use crate::keys::{KeySlots, Purpose, RecoveryKey};
use secrecy::{ExposeSecret, SecretString};

fn open(vector: &Vector) -> Result<(String, String), Error> {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("keyslots.json");
    std::fs::write(&path, &vector.body).expect("write the vector's file");
    let slots = KeySlots::load(&path)?;
    let (master, slot) = match vector.optional("passphrase") {
        Some(passphrase) => slots.unlock_with_passphrase(&SecretString::from(passphrase.to_string()))?,
        None => slots.unlock_with_recovery(&RecoveryKey::parse(vector.header("recovery-key"))?)?,
    };
    let key = master.derive(Purpose::Database, slots.vault_id());
    assert_eq!(slots.vault_id(), vector.header("vault-id"), "{}", vector.name);
    Ok((slot, hex::encode(key.expose_secret())))
}

#[test]
fn key_slot_files_match_the_vectors() {
    for vector in vectors("keyslots", 18) {
        match (open(&vector), vector.expected_failure()) {
            (Ok((slot, key)), None) => {
                assert_eq!(slot, vector.header("slot"), "{}", vector.name);
                assert_eq!(key, vector.header("database-key"), "{}", vector.name);
            }
            (Err(error), Some(failure)) => assert_eq!(error.code().as_str(), failure, "{}: {error}", vector.name),
            (Ok(_), Some(failure)) => panic!("{}: opened, expected {failure}", vector.name),
            (Err(error), None) => panic!("{}: {error}", vector.name),
        }
    }
}
