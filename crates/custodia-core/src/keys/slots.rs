//! `keyslots.json`: the plaintext file that wraps the master key once per way of opening the vault.
//!
//! Each slot holds the master key encrypted with XChaCha20-Poly1305 under a key-encryption key (KEK):
//! Argon2id of the passphrase for a passphrase slot, HKDF of the recovery key for a recovery slot. The
//! AEAD's associated data binds the wrap to the vault id, the slot id and the slot kind, so a slot cannot
//! be moved to another vault or relabelled. The file is hostile input when read: its size is bounded,
//! every field is checked, and KDF costs are held between the floor and the cap before any work is done.

use super::{random_fill, random_hex, KdfParams, KeyError, MasterKey, RecoveryKey};
use crate::fsutil;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::io::Read;
use std::path::Path;
use unicode_normalization::UnicodeNormalization;
use zeroize::{Zeroize, Zeroizing};

/// No legitimate key slot file comes near this size; a larger one is refused unread.
pub const KEYSLOTS_MAX_BYTES: u64 = 64 * 1024;
const FORMAT: &str = "custodia-keyslots";
const VERSION: u32 = 1;
const MAX_SLOTS: usize = 16;
pub(crate) const MIN_PASSPHRASE_CHARS: usize = 8;
/// Far beyond any typed passphrase; bounds the work a hostile caller can ask for.
const MAX_PASSPHRASE_CHARS: usize = 1024;
const SALT_LEN: usize = 16;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SlotFile {
    format: String,
    version: u32,
    vault_id: String,
    slots: Vec<Slot>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Slot {
    id: String,
    created: String,
    #[serde(flatten)]
    kind: SlotSecret,
    nonce: String,
    wrapped_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum SlotSecret {
    Passphrase { kdf: KdfRecord },
    Recovery { salt: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct KdfRecord {
    algorithm: String,
    #[serde(flatten)]
    params: KdfParams,
    salt: String,
}

/// The kind of a key slot, as shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotKind {
    Passphrase,
    Recovery,
}

/// A key slot's public description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotInfo {
    pub id: String,
    pub kind: SlotKind,
    pub created: String,
}

/// The parsed and checked key slots of one vault.
#[derive(Debug, Clone)]
pub struct KeySlots {
    file: SlotFile,
}

impl Slot {
    fn kind(&self) -> SlotKind {
        match self.kind {
            SlotSecret::Passphrase { .. } => SlotKind::Passphrase,
            SlotSecret::Recovery { .. } => SlotKind::Recovery,
        }
    }

    fn aad(&self, vault_id: &str) -> Vec<u8> {
        let kind = match self.kind() {
            SlotKind::Passphrase => "passphrase",
            SlotKind::Recovery => "recovery",
        };
        format!("custodia-keyslot-v1\0{vault_id}\0{}\0{kind}", self.id).into_bytes()
    }
}

fn decode_b64(field: &str, value: &str, len: std::ops::RangeInclusive<usize>) -> Result<Vec<u8>, String> {
    let bytes = B64.decode(value).map_err(|_| format!("{field} is not valid base64"))?;
    if !len.contains(&bytes.len()) {
        return Err(format!("{field} has {} bytes, expected {len:?}", bytes.len()));
    }
    Ok(bytes)
}

fn normalized(passphrase: &SecretString) -> Zeroizing<String> {
    // The same passphrase typed on two systems may arrive in different Unicode normal forms (accents,
    // Arabic); NFC makes them one key.
    Zeroizing::new(passphrase.expose_secret().nfc().collect())
}

fn recovery_kek(key: &RecoveryKey, salt: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut kek = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(salt), key.expose())
        .expand(b"custodia/v1/recovery-slot", kek.as_mut())
        .expect("32-byte HKDF output is always valid");
    kek
}

impl KeySlots {
    /// An empty slot set for a new vault.
    pub(crate) fn new(vault_id: &str) -> Self {
        KeySlots {
            file: SlotFile { format: FORMAT.into(), version: VERSION, vault_id: vault_id.into(), slots: Vec::new() },
        }
    }

    /// Reads and checks `keyslots.json`. Never writes.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(KeyError::SlotFileMissing(path.into())),
            Err(e) => return Err(KeyError::Read(e)),
        };
        let mut bytes = Vec::new();
        file.take(KEYSLOTS_MAX_BYTES + 1).read_to_end(&mut bytes).map_err(KeyError::Read)?;
        let corrupt = |reason: String| KeyError::SlotFileCorrupt { path: path.into(), reason };
        if bytes.len() as u64 > KEYSLOTS_MAX_BYTES {
            return Err(corrupt(format!("larger than {KEYSLOTS_MAX_BYTES} bytes")));
        }
        let file: SlotFile =
            serde_json::from_slice(&bytes).map_err(|e| corrupt(format!("not a valid key slot file: {e}")))?;
        if file.format != FORMAT {
            return Err(corrupt(format!("format is {:?}, not {FORMAT:?}", file.format)));
        }
        if file.version != VERSION {
            return Err(KeyError::UnsupportedVersion(file.version));
        }
        let slots = KeySlots { file };
        slots.check().map_err(corrupt)?;
        Ok(slots)
    }

    fn check(&self) -> Result<(), String> {
        let f = &self.file;
        if f.vault_id.len() != 32 || !f.vault_id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("the vault id is malformed".into());
        }
        if f.slots.is_empty() {
            return Err("it holds no key slot".into());
        }
        if f.slots.len() > MAX_SLOTS {
            return Err(format!("it holds more than {MAX_SLOTS} key slots"));
        }
        for (i, slot) in f.slots.iter().enumerate() {
            if slot.id.len() != 16 || !slot.id.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!("slot {} has a malformed id", i + 1));
            }
            if f.slots[..i].iter().any(|other| other.id == slot.id) {
                return Err(format!("slot id {} appears twice", slot.id));
            }
            decode_b64("nonce", &slot.nonce, 24..=24)?;
            decode_b64("wrapped_key", &slot.wrapped_key, 48..=48)?;
            match &slot.kind {
                SlotSecret::Passphrase { kdf } => {
                    if kdf.algorithm != "argon2id" {
                        return Err(format!("slot {} uses an unknown key derivation {:?}", slot.id, kdf.algorithm));
                    }
                    kdf.params.check().map_err(|e| format!("slot {}: {e}", slot.id))?;
                    decode_b64("salt", &kdf.salt, 16..=64)?;
                }
                SlotSecret::Recovery { salt } => {
                    decode_b64("salt", salt, 16..=64)?;
                }
            }
        }
        Ok(())
    }

    /// Writes the slots with an atomic replace.
    pub(crate) fn save(&self, path: &Path) -> Result<(), KeyError> {
        let json = serde_json::to_vec_pretty(&self.file).map_err(|e| KeyError::Write(std::io::Error::other(e)))?;
        fsutil::write_atomic(path, &json).map_err(KeyError::Write)
    }

    pub fn vault_id(&self) -> &str {
        &self.file.vault_id
    }

    pub fn list(&self) -> Vec<SlotInfo> {
        self.file
            .slots
            .iter()
            .map(|s| SlotInfo { id: s.id.clone(), kind: s.kind(), created: s.created.clone() })
            .collect()
    }

    /// Unwraps the master key with a passphrase, trying each passphrase slot. Returns the slot that opened.
    pub fn unlock_with_passphrase(&self, passphrase: &SecretString) -> Result<(MasterKey, String), KeyError> {
        if passphrase.expose_secret().chars().count() > MAX_PASSPHRASE_CHARS {
            return Err(KeyError::WrongPassphrase);
        }
        let secret = normalized(passphrase);
        for slot in &self.file.slots {
            let SlotSecret::Passphrase { kdf } = &slot.kind else { continue };
            let salt = B64.decode(&kdf.salt).map_err(|_| KeyError::WrongPassphrase)?;
            let mut kek = Zeroizing::new([0u8; 32]);
            kdf.params.derive(secret.as_bytes(), &salt, &mut kek)?;
            if let Some(master) = self.unwrap_slot(slot, &kek) {
                return Ok((master, slot.id.clone()));
            }
        }
        Err(KeyError::WrongPassphrase)
    }

    /// Unwraps the master key with a recovery key. Returns the slot that opened.
    pub fn unlock_with_recovery(&self, key: &RecoveryKey) -> Result<(MasterKey, String), KeyError> {
        let mut any = false;
        for slot in &self.file.slots {
            let SlotSecret::Recovery { salt } = &slot.kind else { continue };
            any = true;
            let salt = B64.decode(salt).map_err(|_| KeyError::WrongRecoveryKey)?;
            if let Some(master) = self.unwrap_slot(slot, &recovery_kek(key, &salt)) {
                return Ok((master, slot.id.clone()));
            }
        }
        Err(if any { KeyError::WrongRecoveryKey } else { KeyError::NoRecoverySlot })
    }

    fn unwrap_slot(&self, slot: &Slot, kek: &[u8; 32]) -> Option<MasterKey> {
        let nonce = B64.decode(&slot.nonce).ok()?;
        let wrapped = B64.decode(&slot.wrapped_key).ok()?;
        let cipher = XChaCha20Poly1305::new(kek.into());
        let aad = slot.aad(&self.file.vault_id);
        let mut plain = cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad: &aad }).ok()?;
        let key = MasterKey::from_bytes(&plain);
        plain.zeroize();
        key
    }

    /// Adds a passphrase slot wrapping `master`. Returns its id.
    pub(crate) fn add_passphrase(
        &mut self,
        master: &MasterKey,
        passphrase: &SecretString,
        params: KdfParams,
    ) -> Result<String, KeyError> {
        params.check()?;
        let secret = normalized(passphrase);
        let chars = secret.chars().count();
        if chars < MIN_PASSPHRASE_CHARS {
            return Err(KeyError::PassphraseTooShort { min: MIN_PASSPHRASE_CHARS });
        }
        if chars > MAX_PASSPHRASE_CHARS {
            return Err(KeyError::PassphraseTooLong { max: MAX_PASSPHRASE_CHARS });
        }
        let mut salt = [0u8; SALT_LEN];
        random_fill(&mut salt)?;
        let mut kek = Zeroizing::new([0u8; 32]);
        params.derive(secret.as_bytes(), &salt, &mut kek)?;
        let kind =
            SlotSecret::Passphrase { kdf: KdfRecord { algorithm: "argon2id".into(), params, salt: B64.encode(salt) } };
        self.push_slot(master, kind, &kek)
    }

    /// Adds a recovery slot wrapping `master`. Returns its id.
    pub(crate) fn add_recovery(&mut self, master: &MasterKey, key: &RecoveryKey) -> Result<String, KeyError> {
        let mut salt = [0u8; SALT_LEN];
        random_fill(&mut salt)?;
        let kek = recovery_kek(key, &salt);
        self.push_slot(master, SlotSecret::Recovery { salt: B64.encode(salt) }, &kek)
    }

    fn push_slot(&mut self, master: &MasterKey, kind: SlotSecret, kek: &[u8; 32]) -> Result<String, KeyError> {
        if self.file.slots.len() >= MAX_SLOTS {
            return Err(KeyError::TooManySlots(MAX_SLOTS));
        }
        let mut nonce = [0u8; 24];
        random_fill(&mut nonce)?;
        let mut slot = Slot {
            id: random_hex(8)?,
            created: crate::clock::now_rfc3339(),
            kind,
            nonce: B64.encode(nonce),
            wrapped_key: String::new(),
        };
        let aad = slot.aad(&self.file.vault_id);
        let wrapped = XChaCha20Poly1305::new(kek.into())
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: master.expose(), aad: &aad })
            .map_err(|_| KeyError::Random("key wrapping failed".into()))?;
        slot.wrapped_key = B64.encode(wrapped);
        let id = slot.id.clone();
        self.file.slots.push(slot);
        Ok(id)
    }

    /// Removes a slot; refuses to remove the last one.
    pub(crate) fn remove(&mut self, id: &str) -> Result<(), KeyError> {
        if self.file.slots.len() <= 1 {
            return Err(KeyError::LastSlot(id.into()));
        }
        self.file.slots.retain(|s| s.id != id);
        Ok(())
    }

    /// Ids of the slots of one kind.
    pub fn ids_of(&self, kind: SlotKind) -> Vec<String> {
        self.file.slots.iter().filter(|s| s.kind() == kind).map(|s| s.id.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
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
}
