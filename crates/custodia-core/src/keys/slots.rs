//! `keyslots.json`: the plaintext file that wraps the master key once per way of opening the vault.
//!
//! A passphrase slot holds the master key encrypted with XChaCha20-Poly1305 under Argon2id of the
//! passphrase. A recovery slot (format 2) holds it age-encrypted to the recovery key's X25519 recipient, so
//! only the paper key opens it but the vault can wrap a new master key for it; format 1's recovery slots
//! (XChaCha20-Poly1305 under HKDF of the recovery key) are still read. The AEAD's associated data (for a
//! recovery slot, its hash inside the age plaintext) binds the wrap to the vault id, the slot id and the slot
//! kind, so a slot cannot be moved to another vault or relabelled.
//!
//! A master key is replaced in two phases (see `vault/rotation.rs`): the file first holds the current slots,
//! the new master key's slots marked `next`, and `rotation`, the new master key wrapped under the current
//! one; then only the `next` slots. The file is hostile input when read: its size is bounded, every field is
//! checked, and KDF costs are held between the floor and the cap before any work is done.

mod wrap;

use super::{random_fill, random_hex, KdfParams, KeyError, MasterKey, RecoveryKey};
use crate::fsutil;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;
use unicode_normalization::UnicodeNormalization;
use wrap::{age_open, age_seal, hkdf32, open_wrap, rotation_aad, rotation_kek, seal};
use zeroize::Zeroizing;

/// No legitimate key slot file comes near this size; a larger one is refused unread.
pub const KEYSLOTS_MAX_BYTES: u64 = 64 * 1024;
const FORMAT: &str = "custodia-keyslots";
/// Format 2: asymmetric recovery slots and the two-phase rotation. Format 1 files are read, and written
/// as format 2 at their first change.
const VERSION: u32 = 2;
const MAX_SLOTS: usize = 16;
pub(crate) const MIN_PASSPHRASE_CHARS: usize = 8;
/// Far beyond any typed passphrase; bounds the work a hostile caller can ask for.
const MAX_PASSPHRASE_CHARS: usize = 1024;
const SALT_LEN: usize = 16;
/// An age file of 64 bytes to one X25519 recipient is about 250 bytes; this bounds a hostile one.
const MAX_AGE_WRAP: usize = 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SlotFile {
    format: String,
    version: u32,
    vault_id: String,
    slots: Vec<Slot>,
    /// A master key replacement under way: the next master key wrapped under the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rotation: Option<Wrap>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Wrap {
    nonce: String,
    wrapped_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Slot {
    id: String,
    created: String,
    #[serde(flatten)]
    kind: SlotSecret,
    /// This slot wraps the next master key of the rotation under way, not the current one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    next: bool,
    /// A recovery key made but not yet confirmed shown to the user; the older one still works meanwhile.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    unconfirmed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum SlotSecret {
    Passphrase {
        kdf: KdfRecord,
        nonce: String,
        wrapped_key: String,
    },
    /// Format 1: the master key under HKDF of the recovery key. Cannot be rewrapped without that key.
    Recovery {
        salt: String,
        nonce: String,
        wrapped_key: String,
    },
    /// The master key age-encrypted to the recovery key's X25519 recipient.
    RecoveryX25519 {
        recipient: String,
        wrapped_key: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct KdfRecord {
    algorithm: String,
    #[serde(flatten)]
    params: KdfParams,
    salt: String,
}

/// A passphrase's key-encryption key as derived at an unlock, kept (wiped on drop) so the vault can wrap a
/// new master key for the same passphrase without asking for it again.
#[derive(Clone)]
pub(crate) struct PassphraseKek {
    kdf: KdfRecord,
    kek: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for PassphraseKek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PassphraseKek(..)")
    }
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

/// What a secret unwrapped: the master key, the slot that opened, and what the vault keeps to rewrap.
#[derive(Debug)]
pub(crate) struct Unwrapped {
    pub master: MasterKey,
    pub slot: String,
    pub kind: SlotKind,
    /// The passphrase's key-encryption key, when a passphrase opened.
    pub kek: Option<PassphraseKek>,
}

impl Slot {
    fn kind(&self) -> SlotKind {
        match self.kind {
            SlotSecret::Passphrase { .. } => SlotKind::Passphrase,
            SlotSecret::Recovery { .. } | SlotSecret::RecoveryX25519 { .. } => SlotKind::Recovery,
        }
    }

    fn aad(&self, vault_id: &str) -> Vec<u8> {
        let kind = match self.kind {
            SlotSecret::Passphrase { .. } => "passphrase",
            SlotSecret::Recovery { .. } => "recovery",
            SlotSecret::RecoveryX25519 { .. } => "recovery_x25519",
        };
        format!("custodia-keyslot-v1\0{vault_id}\0{}\0{kind}", self.id).into_bytes()
    }

    fn new(kind: SlotSecret) -> Result<Slot, KeyError> {
        Ok(Slot { id: random_hex(8)?, created: crate::clock::now_rfc3339(), kind, next: false, unconfirmed: false })
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

impl KeySlots {
    /// An empty slot set for a new vault.
    pub(crate) fn new(vault_id: &str) -> Self {
        KeySlots {
            file: SlotFile {
                format: FORMAT.into(),
                version: VERSION,
                vault_id: vault_id.into(),
                slots: Vec::new(),
                rotation: None,
            },
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
        if file.version != 1 && file.version != VERSION {
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
        if f.version == 1 && (f.rotation.is_some() || f.slots.iter().any(|s| s.next || s.unconfirmed)) {
            return Err("a format 1 file has format 2 fields".into());
        }
        if f.rotation.is_none() && f.slots.iter().any(|s| s.next) {
            return Err("a slot is marked for a key rotation that the file does not hold".into());
        }
        if let Some(rotation) = &f.rotation {
            decode_b64("rotation nonce", &rotation.nonce, 24..=24)?;
            decode_b64("rotation wrapped_key", &rotation.wrapped_key, 48..=48)?;
        }
        for (i, slot) in f.slots.iter().enumerate() {
            if slot.id.len() != 16 || !slot.id.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!("slot {} has a malformed id", i + 1));
            }
            if f.slots[..i].iter().any(|other| other.id == slot.id) {
                return Err(format!("slot id {} appears twice", slot.id));
            }
            Self::check_slot(f.version, slot)?;
        }
        Ok(())
    }

    fn check_slot(version: u32, slot: &Slot) -> Result<(), String> {
        match &slot.kind {
            SlotSecret::Passphrase { kdf, nonce, wrapped_key } => {
                if kdf.algorithm != "argon2id" {
                    return Err(format!("slot {} uses an unknown key derivation {:?}", slot.id, kdf.algorithm));
                }
                kdf.params.check().map_err(|e| format!("slot {}: {e}", slot.id))?;
                decode_b64("salt", &kdf.salt, 16..=64)?;
                decode_b64("nonce", nonce, 24..=24)?;
                decode_b64("wrapped_key", wrapped_key, 48..=48)?;
            }
            SlotSecret::Recovery { salt, nonce, wrapped_key } => {
                decode_b64("salt", salt, 16..=64)?;
                decode_b64("nonce", nonce, 24..=24)?;
                decode_b64("wrapped_key", wrapped_key, 48..=48)?;
            }
            SlotSecret::RecoveryX25519 { recipient, wrapped_key } => {
                if version == 1 {
                    return Err("a format 1 file has a format 2 recovery slot".into());
                }
                recipient
                    .parse::<age::x25519::Recipient>()
                    .map_err(|_| format!("slot {} has a malformed recipient", slot.id))?;
                decode_b64("wrapped_key", wrapped_key, 64..=MAX_AGE_WRAP)?;
            }
        }
        Ok(())
    }

    /// Writes the slots with an atomic replace (temp file 0600, fsync, rename, directory fsync), always in
    /// the current format.
    pub(crate) fn save(&self, path: &Path) -> Result<(), KeyError> {
        let mut file = self.file.clone();
        file.version = VERSION;
        let json = serde_json::to_vec_pretty(&file).map_err(|e| KeyError::Write(std::io::Error::other(e)))?;
        fsutil::write_atomic(path, &json).map_err(KeyError::Write)
    }

    pub fn vault_id(&self) -> &str {
        &self.file.vault_id
    }

    /// The slot file as an off-site copy carries it: with `passphrase` false, only the current recovery
    /// slots (a passphrase slot on a server invites offline guessing); `KeyError::NoRecoverySlot` when that
    /// leaves none. Always the current format, pretty JSON.
    pub(crate) fn for_remote(&self, passphrase: bool) -> Result<Vec<u8>, KeyError> {
        let mut file = self.file.clone();
        file.version = VERSION;
        file.rotation = None;
        file.slots.retain(|s| {
            !s.next && !s.unconfirmed && (passphrase || matches!(s.kind, SlotSecret::RecoveryX25519 { .. }))
        });
        if !file.slots.iter().any(|s| matches!(s.kind, SlotSecret::RecoveryX25519 { .. })) {
            return Err(KeyError::NoRecoverySlot);
        }
        serde_json::to_vec_pretty(&file).map_err(|e| KeyError::Write(std::io::Error::other(e)))
    }

    pub fn list(&self) -> Vec<SlotInfo> {
        self.file
            .slots
            .iter()
            .filter(|s| !s.next)
            .map(|s| SlotInfo { id: s.id.clone(), kind: s.kind(), created: s.created.clone() })
            .collect()
    }

    /// Unwraps a master key with a passphrase, trying each passphrase slot.
    pub(crate) fn unwrap_passphrase(&self, passphrase: &SecretString) -> Result<Unwrapped, KeyError> {
        if passphrase.expose_secret().chars().count() > MAX_PASSPHRASE_CHARS {
            return Err(KeyError::WrongPassphrase);
        }
        let secret = normalized(passphrase);
        for slot in &self.file.slots {
            let SlotSecret::Passphrase { kdf, nonce, wrapped_key } = &slot.kind else { continue };
            let salt = B64.decode(&kdf.salt).map_err(|_| KeyError::WrongPassphrase)?;
            let mut kek = Zeroizing::new([0u8; 32]);
            kdf.params.derive(secret.as_bytes(), &salt, &mut kek)?;
            if let Some(master) = open_wrap(&kek, nonce, wrapped_key, &slot.aad(&self.file.vault_id)) {
                let kek = Some(PassphraseKek { kdf: kdf.clone(), kek });
                return Ok(Unwrapped { master, slot: slot.id.clone(), kind: SlotKind::Passphrase, kek });
            }
        }
        Err(KeyError::WrongPassphrase)
    }

    /// Unwraps a master key with a recovery key, trying each recovery slot.
    pub(crate) fn unwrap_recovery(&self, key: &RecoveryKey) -> Result<Unwrapped, KeyError> {
        let mut any = false;
        let identity = key.identity(&self.file.vault_id)?;
        for slot in &self.file.slots {
            let aad = slot.aad(&self.file.vault_id);
            let master = match &slot.kind {
                SlotSecret::Passphrase { .. } => continue,
                SlotSecret::Recovery { salt, nonce, wrapped_key } => {
                    let salt = B64.decode(salt).map_err(|_| KeyError::WrongRecoveryKey)?;
                    let kek = hkdf32(key.expose(), &salt, b"custodia/v1/recovery-slot");
                    open_wrap(&kek, nonce, wrapped_key, &aad)
                }
                SlotSecret::RecoveryX25519 { wrapped_key, .. } => age_open(&identity, wrapped_key, &aad),
            };
            any = true;
            if let Some(master) = master {
                let slot = slot.id.clone();
                return Ok(Unwrapped { master, slot, kind: SlotKind::Recovery, kek: None });
            }
        }
        Err(if any { KeyError::WrongRecoveryKey } else { KeyError::NoRecoverySlot })
    }

    /// Unwraps the master key with a passphrase. Returns the slot that opened.
    pub fn unlock_with_passphrase(&self, passphrase: &SecretString) -> Result<(MasterKey, String), KeyError> {
        self.unwrap_passphrase(passphrase).map(|u| (u.master, u.slot))
    }

    /// Unwraps the master key with a recovery key. Returns the slot that opened.
    pub fn unlock_with_recovery(&self, key: &RecoveryKey) -> Result<(MasterKey, String), KeyError> {
        self.unwrap_recovery(key).map(|u| (u.master, u.slot))
    }

    /// Whether a master key replacement is under way (interrupted, when read at an open).
    pub(crate) fn rotation_pending(&self) -> bool {
        self.file.rotation.is_some()
    }

    /// Whether `slot` wraps the next master key of the rotation under way.
    pub(crate) fn is_next(&self, slot: &str) -> bool {
        self.file.slots.iter().any(|s| s.id == slot && s.next)
    }

    /// The next master key of the rotation under way, if `current` unwraps it.
    pub(crate) fn next_master(&self, current: &MasterKey) -> Option<MasterKey> {
        let rotation = self.file.rotation.as_ref()?;
        let kek = rotation_kek(current, &self.file.vault_id);
        open_wrap(&kek, &rotation.nonce, &rotation.wrapped_key, &rotation_aad(&self.file.vault_id))
    }

    /// Phase one of a rotation: these slots, then `next_set`'s marked `next`, and `next` wrapped under
    /// `current`, so every secret that opens the current master key also reaches the next one.
    pub(crate) fn with_rotation(
        &self,
        current: &MasterKey,
        next: &MasterKey,
        next_set: KeySlots,
    ) -> Result<KeySlots, KeyError> {
        let mut out = self.clone();
        if out.file.slots.len() + next_set.file.slots.len() > MAX_SLOTS {
            return Err(KeyError::TooManySlots(MAX_SLOTS));
        }
        let kek = rotation_kek(current, &self.file.vault_id);
        out.file.rotation = Some(seal(&kek, next.expose(), &rotation_aad(&self.file.vault_id))?);
        out.file.slots.extend(next_set.file.slots.into_iter().map(|s| Slot { next: true, ..s }));
        Ok(out)
    }

    /// Phase two: only the next master key's slots remain.
    pub(crate) fn rotation_finished(&self) -> KeySlots {
        let mut out = self.clone();
        out.file.rotation = None;
        out.file.slots.retain(|s| s.next);
        for slot in &mut out.file.slots {
            slot.next = false;
        }
        out
    }

    /// An abandoned rotation: the next master key's slots go, the current ones stay as they were.
    pub(crate) fn rotation_rolled_back(&self) -> KeySlots {
        let mut out = self.clone();
        out.file.rotation = None;
        out.file.slots.retain(|s| !s.next);
        out
    }

    /// Adds a passphrase slot wrapping `master`. Returns its id and the passphrase's key-encryption key.
    pub(crate) fn add_passphrase(
        &mut self,
        master: &MasterKey,
        passphrase: &SecretString,
        params: KdfParams,
    ) -> Result<(String, PassphraseKek), KeyError> {
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
        let kek =
            PassphraseKek { kdf: KdfRecord { algorithm: "argon2id".into(), params, salt: B64.encode(salt) }, kek };
        let id = self.add_passphrase_kek(master, &kek)?;
        Ok((id, kek))
    }

    /// Adds a passphrase slot wrapping `master` for a passphrase whose key-encryption key is known.
    pub(crate) fn add_passphrase_kek(&mut self, master: &MasterKey, kek: &PassphraseKek) -> Result<String, KeyError> {
        let placeholder =
            SlotSecret::Passphrase { kdf: kek.kdf.clone(), nonce: String::new(), wrapped_key: String::new() };
        let mut slot = Slot::new(placeholder)?;
        let wrap = seal(&kek.kek, master.expose(), &slot.aad(&self.file.vault_id))?;
        slot.kind = SlotSecret::Passphrase { kdf: kek.kdf.clone(), nonce: wrap.nonce, wrapped_key: wrap.wrapped_key };
        self.push(slot)
    }

    /// Adds a recovery slot for `key` wrapping `master`, marked unconfirmed until the key was shown.
    pub(crate) fn add_recovery(&mut self, master: &MasterKey, key: &RecoveryKey) -> Result<String, KeyError> {
        let recipient = key.recipient(&self.file.vault_id)?;
        let mut slot = self.recovery_slot(master, &recipient)?;
        slot.unconfirmed = true;
        self.push(slot)
    }

    fn recovery_slot(&self, master: &MasterKey, recipient: &age::x25519::Recipient) -> Result<Slot, KeyError> {
        let placeholder = SlotSecret::RecoveryX25519 { recipient: recipient.to_string(), wrapped_key: String::new() };
        let mut slot = Slot::new(placeholder)?;
        let wrapped_key = age_seal(recipient, master, &slot.aad(&self.file.vault_id))?;
        slot.kind = SlotSecret::RecoveryX25519 { recipient: recipient.to_string(), wrapped_key };
        Ok(slot)
    }

    /// Wraps `master` for the recipient of each current format 2 recovery slot of `from` (`only`: just the
    /// one with that id), keeping whether it was confirmed. Returns the new ids and how many format 1
    /// recovery slots could not be carried over.
    pub(crate) fn carry_recoveries(
        &mut self,
        from: &KeySlots,
        master: &MasterKey,
        only: Option<&str>,
    ) -> Result<(Vec<String>, usize), KeyError> {
        let mut ids = Vec::new();
        let mut legacy = 0;
        for old in from.file.slots.iter().filter(|s| !s.next && only.is_none_or(|id| s.id == id)) {
            match &old.kind {
                SlotSecret::RecoveryX25519 { recipient, .. } => {
                    let recipient = recipient.parse::<age::x25519::Recipient>().map_err(|_| {
                        KeyError::SlotFileCorrupt { path: "keyslots.json".into(), reason: "malformed recipient".into() }
                    })?;
                    let mut slot = self.recovery_slot(master, &recipient)?;
                    slot.unconfirmed = old.unconfirmed && only.is_none();
                    ids.push(self.push(slot)?);
                }
                SlotSecret::Recovery { .. } => legacy += 1,
                SlotSecret::Passphrase { .. } => {}
            }
        }
        Ok((ids, legacy))
    }

    /// Replaces a format 1 recovery slot by a format 2 one for the same key and master key.
    pub(crate) fn upgrade_recovery(
        &mut self,
        id: &str,
        master: &MasterKey,
        key: &RecoveryKey,
    ) -> Result<String, KeyError> {
        let recipient = key.recipient(&self.file.vault_id)?;
        let slot = self.recovery_slot(master, &recipient)?;
        let new_id = slot.id.clone();
        let index = self.file.slots.iter().position(|s| s.id == id).ok_or(KeyError::NoRecoverySlot)?;
        self.file.slots[index] = slot;
        Ok(new_id)
    }

    /// A format 1 recovery slot, as older versions made them, for the migration tests.
    #[cfg(test)]
    pub(crate) fn add_format1_recovery(&mut self, master: &MasterKey, key: &RecoveryKey) -> Result<String, KeyError> {
        let mut salt = [0u8; SALT_LEN];
        random_fill(&mut salt)?;
        let salt = B64.encode(salt);
        let mut slot =
            Slot::new(SlotSecret::Recovery { salt: salt.clone(), nonce: String::new(), wrapped_key: String::new() })?;
        let kek = hkdf32(key.expose(), &B64.decode(&salt).expect("own salt"), b"custodia/v1/recovery-slot");
        let wrap = seal(&kek, master.expose(), &slot.aad(&self.file.vault_id))?;
        slot.kind = SlotSecret::Recovery { salt, nonce: wrap.nonce, wrapped_key: wrap.wrapped_key };
        self.push(slot)
    }

    /// Drops a recovery key that was made but never shown (its display failed).
    pub(crate) fn drop_unconfirmed(&mut self, id: &str) {
        self.file.slots.retain(|s| !(s.id == id && s.unconfirmed));
    }

    fn push(&mut self, slot: Slot) -> Result<String, KeyError> {
        if self.file.slots.len() >= MAX_SLOTS {
            return Err(KeyError::TooManySlots(MAX_SLOTS));
        }
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

    /// Ids of the current slots of one kind.
    pub fn ids_of(&self, kind: SlotKind) -> Vec<String> {
        self.file.slots.iter().filter(|s| s.kind() == kind && !s.next).map(|s| s.id.clone()).collect()
    }

    /// Ids of the recovery slots made but not confirmed shown.
    pub(crate) fn unconfirmed(&self) -> Vec<String> {
        self.file.slots.iter().filter(|s| s.unconfirmed && !s.next).map(|s| s.id.clone()).collect()
    }

    /// Whether a passphrase slot here was made with `kek`'s derivation (same salt and parameters), so
    /// the passphrase behind `kek` opens it.
    pub(crate) fn uses_kek(&self, kek: &PassphraseKek) -> bool {
        self.file.slots.iter().any(|s| match &s.kind {
            SlotSecret::Passphrase { kdf, .. } => kdf.salt == kek.kdf.salt && kdf.params == kek.kdf.params,
            _ => false,
        })
    }

    /// Ids of the format 1 recovery slots.
    pub(crate) fn legacy_recoveries(&self) -> Vec<String> {
        let legacy = |s: &&Slot| matches!(s.kind, SlotSecret::Recovery { .. });
        self.file.slots.iter().filter(legacy).map(|s| s.id.clone()).collect()
    }
}

#[cfg(test)]
mod tests;
