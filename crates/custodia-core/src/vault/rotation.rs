//! Changing the secrets that open the vault. A passphrase change and a recovery key replacement each
//! replace the master key, and with it the database key, so a copy of an older `keyslots.json` opens
//! nothing current. Every step is durable before the next, and a crash at any point leaves the old or the
//! new secret working (see `keys/slots.rs` for the two-phase file and `opening.rs` for the settling).
//!
//! Rotation: (1) `keyslots.json` holds the current slots, the new master key's slots and the new master
//! key wrapped under the current one; (2) the database is rekeyed in one transaction; (3) `keyslots.json`
//! holds only the new slots. A recovery key is replaced in two calls: `begin_recovery_key` saves an
//! unconfirmed slot for the new key under the current master key (the old key still works), the caller
//! shows or writes the key, then `confirm_recovery_key` rotates to a master key that only the passphrase
//! and the new recovery key open.

use super::{Vault, KEYSLOTS_FILE};
use crate::custody::{self, Action};
use crate::error::Result;
use crate::keys::{KdfParams, KeyError, KeySlots, MasterKey, Purpose, RecoveryKey, SlotKind, StrengthPolicy};
use crate::store;
use secrecy::SecretString;
use serde_json::json;

/// The fault points of one operation, in the order of its durable steps.
struct Steps {
    pending: &'static str,
    rekeyed: &'static str,
    finished: &'static str,
}

const PASSPHRASE: Steps =
    Steps { pending: "passphrase.slots_pending", rekeyed: "passphrase.rekeyed", finished: "passphrase.slots_final" };
const RECOVERY: Steps =
    Steps { pending: "recovery.slots_pending", rekeyed: "recovery.rekeyed", finished: "recovery.slots_final" };

/// A fault point (`crate::faults`, listed in `KEY_POINTS`); nothing in builds without `failpoints`.
fn fault(name: &'static str) -> Result<()> {
    crate::faults::hit(name)
        .map_err(|source| super::VaultError::Io { op: "continue at fault point", path: name.into(), source }.into())
}

/// What a passphrase change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassphraseChanged {
    /// The new passphrase's key slot.
    pub key_slot: String,
    /// An older recovery key (made before Custodia kept recovery keys' public halves) could not be wrapped
    /// for the new master key and no longer opens the vault: make a new one.
    pub recovery_key_dropped: bool,
}

/// A new recovery key, saved but not yet confirmed shown; until `confirm_recovery_key`, the older one
/// works too.
#[derive(Debug)]
pub struct NewRecoveryKey {
    key: RecoveryKey,
    slot: String,
}

impl NewRecoveryKey {
    /// The key, to show or write once.
    pub fn key(&self) -> &RecoveryKey {
        &self.key
    }

    pub fn into_key(self) -> RecoveryKey {
        self.key
    }
}

impl Vault {
    /// Replaces the passphrase and the master key. Opened with the passphrase, that passphrase goes; opened
    /// with the recovery key, every passphrase goes. Format 2 recovery keys keep working; an older one
    /// cannot be carried over and stops working, which the result says. The new passphrase must be strong
    /// unless `policy` allows a weak one (recorded in the log).
    pub fn change_passphrase(
        &mut self,
        new: &SecretString,
        policy: StrengthPolicy,
        kdf: KdfParams,
    ) -> Result<PassphraseChanged> {
        let verdict = policy.check(new, crate::keys::MIN_PASSPHRASE_CHARS)?;
        self.settle_in_session()?;
        let next = MasterKey::generate()?;
        let mut set = KeySlots::new(self.vault_id());
        let (key_slot, kek) = set.add_passphrase(&next, new, kdf)?;
        let (carried, legacy) = set.carry_recoveries(&self.slots, &next, None)?;
        let removed = self.slots.list();
        self.rotate(&PASSPHRASE, next, set)?;
        self.passphrase_kek = Some(kek);
        self.opened_with = key_slot.clone();
        let tx = self.conn.transaction()?;
        let mut details = json!({ "kind": "passphrase", "kdf": kdf });
        verdict.mark(&mut details);
        custody::append(&tx, &self.session, Action::KeySlotAdded, Some(&key_slot), details)?;
        for old in &removed {
            let reason = json!({ "reason": "passphrase changed" });
            custody::append(&tx, &self.session, Action::KeySlotRemoved, Some(&old.id), reason)?;
        }
        let rotated =
            json!({ "reason": "passphrase_changed", "recovery_slots": carried, "recovery_keys_dropped": legacy });
        custody::append(&tx, &self.session, Action::KeysRotated, None, rotated)?;
        tx.commit()?;
        Ok(PassphraseChanged { key_slot, recovery_key_dropped: legacy > 0 })
    }

    /// First half of a recovery key replacement: makes a key and saves its slot, unconfirmed, next to the
    /// older one, which keeps working. Show or write the key, then call `confirm_recovery_key`. Needs the
    /// vault unlocked (or its passphrase checked) with the passphrase, which the new master key must keep.
    pub fn begin_recovery_key(&mut self) -> Result<NewRecoveryKey> {
        if self.passphrase_kek.is_none() {
            return Err(KeyError::PassphraseNeeded.into());
        }
        self.settle_in_session()?;
        let key = RecoveryKey::generate()?;
        let mut slots = self.slots.clone();
        for stale in slots.unconfirmed() {
            // An earlier key that was never confirmed shown: nobody is known to hold it.
            slots.remove(&stale)?;
        }
        let slot = slots.add_recovery(&self.master, &key)?;
        slots.save(&self.root.join(KEYSLOTS_FILE))?;
        self.slots = slots;
        fault("recovery.slot_pending")?;
        let tx = self.conn.transaction()?;
        let details = json!({ "kind": "recovery", "confirmed": false });
        custody::append(&tx, &self.session, Action::KeySlotAdded, Some(&slot), details)?;
        tx.commit()?;
        Ok(NewRecoveryKey { key, slot })
    }

    /// Second half, once the key was shown or written: replaces the master key by one that only the
    /// passphrase and the new recovery key open, so older recovery keys (and older copies of
    /// `keyslots.json`) open nothing current.
    pub fn confirm_recovery_key(&mut self, new: &NewRecoveryKey) -> Result<()> {
        fault("recovery.shown")?;
        let kek = self.passphrase_kek.clone().ok_or(KeyError::PassphraseNeeded)?;
        self.settle_in_session()?;
        let next = MasterKey::generate()?;
        let mut set = KeySlots::new(self.vault_id());
        let passphrase_slot = set.add_passphrase_kek(&next, &kek)?;
        let (carried, _) = set.carry_recoveries(&self.slots, &next, Some(&new.slot))?;
        if carried.len() != 1 {
            return Err(KeyError::NoRecoverySlot.into());
        }
        let removed = self.slots.list();
        self.rotate(&RECOVERY, next, set)?;
        if self.opened_kind == SlotKind::Passphrase {
            self.opened_with = passphrase_slot;
        }
        let tx = self.conn.transaction()?;
        for old in removed.iter().filter(|s| s.kind == SlotKind::Recovery && s.id != new.slot) {
            let reason = json!({ "reason": "replaced by a new recovery key" });
            custody::append(&tx, &self.session, Action::KeySlotRemoved, Some(&old.id), reason)?;
        }
        let replaced: Vec<&str> = removed.iter().map(|s| s.id.as_str()).collect();
        let rotated = json!({
            "reason": "recovery_key_replaced",
            "passphrase_slots": self.slots.ids_of(SlotKind::Passphrase),
            "recovery_slots": carried,
            "replaced_slots": replaced,
        });
        custody::append(&tx, &self.session, Action::KeysRotated, None, rotated)?;
        tx.commit()?;
        Ok(())
    }

    /// Gives up a recovery key that could not be shown or written: its slot goes, the older key stays.
    pub fn abandon_recovery_key(&mut self, new: NewRecoveryKey) -> Result<()> {
        let mut slots = self.slots.clone();
        slots.drop_unconfirmed(&new.slot);
        slots.save(&self.root.join(KEYSLOTS_FILE))?;
        self.slots = slots;
        let tx = self.conn.transaction()?;
        let reason = json!({ "reason": "the new recovery key could not be shown" });
        custody::append(&tx, &self.session, Action::KeySlotRemoved, Some(&new.slot), reason)?;
        tx.commit()?;
        Ok(())
    }

    /// Both halves at once, for a caller that shows the key only after this returns (the app).
    pub fn create_recovery_key(&mut self) -> Result<RecoveryKey> {
        let new = self.begin_recovery_key()?;
        self.confirm_recovery_key(&new)?;
        Ok(new.into_key())
    }

    /// The three durable steps of a rotation to `next`, whose slots are `set`.
    fn rotate(&mut self, steps: &Steps, next: MasterKey, set: KeySlots) -> Result<()> {
        let path = self.root.join(KEYSLOTS_FILE);
        let pending = self.slots.with_rotation(&self.master, &next, set)?;
        pending.save(&path)?;
        self.slots = pending;
        fault(steps.pending)?;
        self.rekey(&next)?;
        self.master = next;
        fault(steps.rekeyed)?;
        let done = self.slots.rotation_finished();
        done.save(&path)?;
        self.slots = done;
        fault(steps.finished)?;
        Ok(())
    }

    /// Rekeys the database to `next`. The rekey is one transaction, but a failed one may leave this
    /// connection holding either key: a fresh connection then tells which key the file is under, and a
    /// file already under `next` counts as rekeyed. Only a file known to be under the current key rolls
    /// the rotation back; when neither key opens it, the pending file stays for the next open to settle.
    fn rekey(&mut self, next: &MasterKey) -> Result<()> {
        let db = self.root.join(super::DATABASE_FILE);
        let failed = match store::rekey(&self.conn, &db, &next.derive(Purpose::Database, self.vault_id())) {
            Ok(()) => return Ok(()),
            Err(e) => e,
        };
        // Closing first: one connection holds the database exclusively.
        self.conn = rusqlite::Connection::open_in_memory()?;
        let vault_id = self.vault_id().to_string();
        if let Ok(conn) = store::open(&db, &self.master.derive(Purpose::Database, &vault_id), false) {
            self.conn = conn;
            let back = self.slots.rotation_rolled_back();
            if back.save(&self.root.join(KEYSLOTS_FILE)).is_ok() {
                self.slots = back;
            }
            return Err(failed.into());
        }
        self.conn = store::open(&db, &next.derive(Purpose::Database, &vault_id), false)?;
        Ok(())
    }

    /// A rotation left pending earlier in this session (its last file write failed) is settled before
    /// the next change: finished if the database is under the next key, rolled back otherwise.
    fn settle_in_session(&mut self) -> Result<()> {
        if !self.slots.rotation_pending() {
            return Ok(());
        }
        let at_next = self.slots.next_master(&self.master).is_none();
        self.settle_rotation(at_next)
    }
}
