//! The unlock: which master key a secret reaches, which of them opens the database (a rotation may have
//! been interrupted), and the blob-name key, which outlives master keys.

use super::{Vault, DATABASE_FILE, KEYSLOTS_FILE};
use crate::custody::{self, Action};
use crate::error::Result;
use crate::keys::{KeyError, KeySlots, MasterKey, PassphraseKek, Purpose, RecoveryKey, SlotKind, Unlock};
use crate::store::{self, StoreError};
use rusqlite::{Connection, OptionalExtension};
use secrecy::{ExposeSecret, SecretBox};
use serde_json::json;
use std::path::Path;
use zeroize::Zeroizing;

/// What an unlock established: the slots as read, the master key that opens the database, the slot
/// that opened, and whether that master key is the next one of an interrupted rotation.
#[derive(Debug)]
pub(super) struct Opened {
    pub slots: KeySlots,
    pub master: MasterKey,
    pub slot: String,
    pub kind: SlotKind,
    pub kek: Option<PassphraseKek>,
    pub at_next: bool,
}

/// Unwraps a master key with the secret and opens the database with it. During an interrupted rotation
/// the secret may reach two master keys: the current one is tried first (a rekey cut short left a hot
/// journal written under it, which this open rolls back), then the next one; the one that opens the
/// database is the vault's key. Writes nothing but what SQLite itself rolls back.
pub(super) fn unlock(root: &Path, unlock: &Unlock) -> Result<(Connection, Opened)> {
    let slots = KeySlots::load(&root.join(KEYSLOTS_FILE))?;
    let unwrapped = match unlock {
        Unlock::Passphrase(p) => slots.unwrap_passphrase(p)?,
        Unlock::Recovery(k) => slots.unwrap_recovery(k)?,
    };
    let path = root.join(DATABASE_FILE);
    let at_next = slots.is_next(&unwrapped.slot);
    let next = slots.next_master(&unwrapped.master);
    let vault_id = slots.vault_id().to_string();
    let kek = if at_next { None } else { unwrapped.kek };
    let mut opened =
        Opened { slots, master: unwrapped.master, slot: unwrapped.slot, kind: unwrapped.kind, kek, at_next };
    match store::open(&path, &opened.master.derive(Purpose::Database, &vault_id), false) {
        Ok(conn) => Ok((conn, opened)),
        Err(StoreError::Unreadable(first)) => {
            if let Some(next) = next {
                if let Ok(conn) = store::open(&path, &next.derive(Purpose::Database, &vault_id), false) {
                    opened.master = next;
                    opened.at_next = true;
                    return Ok((conn, opened));
                }
            }
            if opened.slots.rotation_pending() {
                // The new secret of a change that never reached the database: the old one still opens.
                return Err(match opened.kind {
                    SlotKind::Passphrase => KeyError::WrongPassphrase,
                    SlotKind::Recovery => KeyError::WrongRecoveryKey,
                }
                .into());
            }
            Err(StoreError::Unreadable(first).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// The key that names stored copies. Master keys are replaced; copies' names must not change, so the
/// key lives in the encrypted database, put there (derived from the master key as before) at the first
/// open of a vault made before rotations existed.
pub(super) fn blob_name_key(conn: &Connection, master: &MasterKey, vault_id: &str) -> Result<SecretBox<[u8; 32]>> {
    let stored: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = 'blob_name_key'", [], |r| r.get(0)).optional()?;
    if let Some(text) = stored {
        let text = Zeroizing::new(text);
        let mut key = SecretBox::new(Box::new([0u8; 32]));
        hex::decode_to_slice(text.as_bytes(), secrecy::ExposeSecretMut::expose_secret_mut(&mut key))
            .map_err(|_| super::VaultError::MismatchedFiles)?;
        return Ok(key);
    }
    let key = master.derive(Purpose::BlobNames, vault_id);
    let text = Zeroizing::new(hex::encode(key.expose_secret()));
    conn.execute("INSERT INTO meta (key, value) VALUES ('blob_name_key', ?1)", [text.as_str()])?;
    Ok(key)
}

impl Vault {
    /// Settles a rotation found interrupted at the open: finished when the next master key opened the
    /// database (it was rekeyed), rolled back when the current one did. Either way one file write, and the
    /// outcome is a custody event.
    pub(super) fn settle_rotation(&mut self, at_next: bool) -> Result<()> {
        if !self.slots.rotation_pending() {
            return Ok(());
        }
        let (settled, outcome) = if at_next {
            (self.slots.rotation_finished(), "finished")
        } else {
            (self.slots.rotation_rolled_back(), "rolled_back")
        };
        settled.save(&self.root.join(KEYSLOTS_FILE))?;
        if !settled.list().iter().any(|s| s.id == self.opened_with) {
            // The slot that opened is gone; its passphrase still applies if a remaining slot was made from
            // the same derivation (a recovery key replacement carries the passphrase over that way).
            self.passphrase_kek = self.passphrase_kek.take().filter(|kek| settled.uses_kek(kek));
        }
        self.slots = settled;
        self.resumed_rotation = Some(outcome);
        let tx = self.conn.transaction()?;
        custody::append(&tx, &self.session, Action::KeysRotated, None, json!({ "resumed": outcome }))?;
        tx.commit()?;
        Ok(())
    }

    /// A format 1 recovery slot that this recovery key just opened becomes a format 2 one (the key's
    /// public half), so later passphrase changes can carry it over.
    pub(super) fn upgrade_recovery_slot(&mut self, key: &RecoveryKey) -> Result<()> {
        if !self.slots.legacy_recoveries().contains(&self.opened_with) {
            return Ok(());
        }
        let mut slots = self.slots.clone();
        let new_id = slots.upgrade_recovery(&self.opened_with, &self.master, key)?;
        slots.save(&self.root.join(KEYSLOTS_FILE))?;
        self.slots = slots;
        let old = std::mem::replace(&mut self.opened_with, new_id.clone());
        let tx = self.conn.transaction()?;
        let details = json!({ "kind": "recovery", "upgraded_from": old });
        custody::append(&tx, &self.session, Action::KeySlotAdded, Some(&new_id), details)?;
        let reason = json!({ "reason": "upgraded to the recovery key's public half" });
        custody::append(&tx, &self.session, Action::KeySlotRemoved, Some(&old), reason)?;
        tx.commit()?;
        Ok(())
    }

    /// How an interrupted passphrase change or recovery key replacement found at this open was settled:
    /// `finished` (the new secrets are the vault's) or `rolled_back` (the old ones are).
    pub fn resumed_rotation(&self) -> Option<&'static str> {
        self.resumed_rotation
    }
}
