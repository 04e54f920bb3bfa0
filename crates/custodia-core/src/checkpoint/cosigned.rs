//! Witnesses from the vault's side: cosignatures of this vault's checkpoints kept (`cosignatures` table),
//! this vault acting as a witness of another log (its memory in `peer_checkpoints`), and a lawyer's
//! witness key file with its memory beside it.

use super::witness::{self, find_cosignature, parse_witness_key, LastSeen, WitnessError, WitnessKey};
use super::{note::split_note, row_to_checkpoint, ConsistencyProof, OutsideError, SELECT_CHECKPOINT};
use crate::clock;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::vault::Vault;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A witness's cosignature of one of this vault's checkpoints, as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCosignature {
    pub checkpoint_id: u64,
    pub size: u64,
    pub witness: String,
    pub verifier_key: String,
    /// The witness's own time, seconds since 1970 (UTC).
    pub signed_at: u64,
    pub added_at: String,
}

/// What `add_cosignature` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddedCosignature {
    pub cosignature: StoredCosignature,
    /// False when the vault already kept this witness's cosignature of that checkpoint.
    pub new: bool,
}

/// The largest witness state file read: one entry per log witnessed, a few hundred bytes each.
const MAX_STATE_BYTES: u64 = 4 << 20;

fn now_seconds() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0)
}

/// The witness name of a vault: its key signs checkpoints (type 0x01) and cosignatures (type 0x04).
pub fn witness_name_for(vault_id: &str) -> String {
    format!("custodia.witness/{vault_id}")
}

impl Vault {
    /// Keeps a witness's cosignature of one of this vault's checkpoints: the note must be this vault's
    /// (signed by its key, one of its stored checkpoints) and carry a valid cosignature by `witness_key`.
    /// A custody event records it. Adding the same cosignature twice changes nothing.
    pub fn add_cosignature(&mut self, cosigned_note: &str, witness_key: &str) -> Result<AddedCosignature> {
        let (witness, key) = parse_witness_key(witness_key)?;
        let origin = super::origin_for(self.vault_id());
        let checkpoint = super::outside::read_for(cosigned_note, &self.signing_public_key()?, &origin)?;
        let found = find_cosignature(cosigned_note, &witness, &key, now_seconds())?;
        let stored = self
            .conn
            .query_row(
                &format!("{SELECT_CHECKPOINT} WHERE size = ?1 AND root = ?2 ORDER BY id LIMIT 1"),
                params![checkpoint.size, hex::encode(checkpoint.root)],
                row_to_checkpoint,
            )
            .optional()?
            .ok_or(WitnessError::NotOurCheckpoint { size: checkpoint.size })?;
        let verifier_key = witness_key.trim().to_string();
        if let Some(kept) = self.cosignature_of(stored.id, &verifier_key)? {
            return Ok(AddedCosignature { cosignature: kept, new: false });
        }
        let added_at = clock::now_rfc3339();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO cosignatures (checkpoint_id, witness, verifier_key, signed_at, line, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![stored.id, witness, verifier_key, found.time as i64, found.line, added_at],
        )?;
        let details = json!({
            "checkpoint": stored.id, "size": stored.size, "root": stored.root,
            "witness": witness, "verifier_key": verifier_key, "signed_at": found.time,
        });
        custody::append(&tx, &self.session, Action::CheckpointCosigned, Some(&stored.id.to_string()), details)?;
        tx.commit()?;
        let cosignature = StoredCosignature {
            checkpoint_id: stored.id,
            size: stored.size,
            witness,
            verifier_key,
            signed_at: found.time,
            added_at,
        };
        Ok(AddedCosignature { cosignature, new: true })
    }

    /// Every cosignature kept, in the order they were added.
    pub fn cosignatures(&self) -> Result<Vec<StoredCosignature>> {
        let mut stmt = self.conn.prepare(&format!("{SELECT_COSIGNATURE} ORDER BY c.id"))?;
        let rows = stmt.query_map([], row_to_cosignature)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn cosignature_of(&self, checkpoint_id: u64, verifier_key: &str) -> Result<Option<StoredCosignature>> {
        let sql = format!("{SELECT_COSIGNATURE} WHERE c.checkpoint_id = ?1 AND c.verifier_key = ?2");
        Ok(self.conn.query_row(&sql, params![checkpoint_id, verifier_key], row_to_cosignature).optional()?)
    }

    /// The signed note of a stored checkpoint with every cosignature kept for it added, as it can be
    /// handed to a reviewer or put in a bundle.
    pub fn cosigned_note(&self, checkpoint_id: u64) -> Result<Option<String>> {
        note_with_cosignatures(&self.conn, checkpoint_id)
    }

    /// This vault's verifier key as a witness (`custodia witness key`).
    pub fn witness_verifier_key(&self) -> Result<String> {
        Ok(self.witness_key()?.verifier_key())
    }

    fn witness_key(&self) -> Result<WitnessKey> {
        Ok(WitnessKey { name: witness_name_for(self.vault_id()), key: super::signing_key(&self.conn)? })
    }

    /// This vault cosigns another log's checkpoint (`custodia witness cosign`), after checking that it
    /// extends the newest checkpoint of that log this vault has seen. The vault's memory of that log
    /// moves forward and a custody event records the cosignature. Returns the cosigned note.
    pub fn witness_cosign(
        &mut self,
        note: &str,
        proof: Option<&ConsistencyProof>,
        log_key: Option<&str>,
    ) -> Result<(String, LastSeen)> {
        let witness = self.witness_key()?;
        let (body, _) = split_note(note).map_err(OutsideError::from)?;
        let origin = body.lines().next().unwrap_or("");
        if origin == super::origin_for(self.vault_id()) {
            return Err(WitnessError::OwnLog.into());
        }
        let last = last_seen(&self.conn, origin)?;
        let (cosigned, seen) = witness::cosign(note, proof, log_key, last.as_ref(), &witness, now_seconds())?;
        let tx = self.conn.transaction()?;
        remember(&tx, &seen, "witness")?;
        let details = json!({ "origin": seen.origin, "size": seen.size, "root": seen.root, "log_key": seen.log_key });
        custody::append(&tx, &self.session, Action::WitnessCosigned, Some(&seen.origin), details)?;
        tx.commit()?;
        Ok((cosigned, seen))
    }
}

/// The signed note of checkpoint `checkpoint_id` with the cosignature lines kept for it.
pub(crate) fn note_with_cosignatures(conn: &Connection, checkpoint_id: u64) -> Result<Option<String>> {
    let note: Option<String> =
        conn.query_row("SELECT note FROM checkpoints WHERE id = ?1", [checkpoint_id], |r| r.get(0)).optional()?;
    let Some(mut note) = note else { return Ok(None) };
    let mut stmt = conn.prepare("SELECT line FROM cosignatures WHERE checkpoint_id = ?1 ORDER BY id")?;
    for line in stmt.query_map([checkpoint_id], |r| r.get::<_, String>(0))? {
        note.push_str(&line?);
    }
    Ok(Some(note))
}

const SELECT_COSIGNATURE: &str = "SELECT c.checkpoint_id, k.size, c.witness, c.verifier_key, c.signed_at, c.added_at
     FROM cosignatures c JOIN checkpoints k ON k.id = c.checkpoint_id";

fn row_to_cosignature(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredCosignature> {
    Ok(StoredCosignature {
        checkpoint_id: r.get(0)?,
        size: r.get(1)?,
        witness: r.get(2)?,
        verifier_key: r.get(3)?,
        signed_at: r.get::<_, i64>(4)?.max(0) as u64,
        added_at: r.get(5)?,
    })
}

/// The newest checkpoint this vault has seen of the log `origin`.
pub(crate) fn last_seen(conn: &Connection, origin: &str) -> Result<Option<LastSeen>> {
    let row = conn
        .query_row(
            "SELECT origin, verifier_key, size, root, note FROM peer_checkpoints WHERE origin = ?1",
            [origin],
            |r| {
                Ok(LastSeen {
                    origin: r.get(0)?,
                    log_key: r.get(1)?,
                    size: r.get(2)?,
                    root: r.get(3)?,
                    note: r.get(4)?,
                })
            },
        )
        .optional()?;
    Ok(row)
}

/// The newest checkpoint seen of `origin` and where it was seen (a bundle id, or `witness`).
pub(crate) fn last_seen_with_source(conn: &Connection, origin: &str) -> Result<Option<(LastSeen, String)>> {
    let row = conn
        .query_row(
            "SELECT origin, verifier_key, size, root, note, source FROM peer_checkpoints WHERE origin = ?1",
            [origin],
            |r| {
                let seen = LastSeen {
                    origin: r.get(0)?,
                    log_key: r.get(1)?,
                    size: r.get(2)?,
                    root: r.get(3)?,
                    note: r.get(4)?,
                };
                Ok((seen, r.get(5)?))
            },
        )
        .optional()?;
    Ok(row)
}

/// Moves this vault's memory of another log forward. Call inside the transaction that records why.
pub(crate) fn remember(conn: &Connection, seen: &LastSeen, source: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO peer_checkpoints (origin, verifier_key, size, root, note, source, seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (origin) DO UPDATE SET verifier_key = ?2, size = ?3, root = ?4, note = ?5, source = ?6, seen_at = ?7",
        params![seen.origin, seen.log_key, seen.size, seen.root, seen.note, source, clock::now_rfc3339()],
    )?;
    Ok(())
}

/// A witness with no vault: a key file (`custodia keygen --witness`) and its memory of every log it
/// cosigned, in `<key file>.witnessed.json` beside it (so that both travel together).
#[derive(Debug)]
pub struct FileWitness {
    key: WitnessKey,
    state_path: PathBuf,
    state: Vec<LastSeen>,
}

impl FileWitness {
    /// Reads the key file and its memory (none yet is an empty memory).
    pub fn open(key_path: &Path) -> Result<FileWitness, WitnessError> {
        let text = read_bounded(key_path, witness::MAX_WITNESS_KEY_BYTES as u64)?
            .ok_or_else(|| WitnessError::StateFile(format!("{} cannot be read", key_path.display())))?;
        let key = WitnessKey::from_file_text(&text)?;
        let mut state_path = key_path.as_os_str().to_owned();
        state_path.push(".witnessed.json");
        let state_path = PathBuf::from(state_path);
        let state = match read_bounded(&state_path, MAX_STATE_BYTES)? {
            Some(text) => serde_json::from_str(&text)
                .map_err(|_| WitnessError::StateFile(format!("{} is damaged", state_path.display())))?,
            None => Vec::new(),
        };
        Ok(FileWitness { key, state_path, state })
    }

    pub fn verifier_key(&self) -> String {
        self.key.verifier_key()
    }

    /// Cosigns as `witness::cosign` does and saves the memory before returning the cosigned note.
    pub fn cosign(
        &mut self,
        note: &str,
        proof: Option<&ConsistencyProof>,
        log_key: Option<&str>,
    ) -> Result<(String, LastSeen), WitnessError> {
        let (body, _) = split_note(note).map_err(OutsideError::from)?;
        let origin = body.lines().next().unwrap_or("").to_string();
        let last = self.state.iter().find(|s| s.origin == origin);
        let (cosigned, seen) = witness::cosign(note, proof, log_key, last, &self.key, now_seconds())?;
        self.state.retain(|s| s.origin != origin);
        self.state.push(seen.clone());
        let text = serde_json::to_vec_pretty(&self.state).expect("plain data serialises");
        crate::fsutil::write_atomic(&self.state_path, &text)
            .map_err(|e| WitnessError::StateFile(format!("{} cannot be written: {e}", self.state_path.display())))?;
        Ok((cosigned, seen))
    }
}

/// A file's text, read no further than `max` bytes; `None` when there is no such file.
fn read_bounded(path: &Path, max: u64) -> Result<Option<String>, WitnessError> {
    let shown = path.display();
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(WitnessError::StateFile(format!("{shown} cannot be read: {e}"))),
    };
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| WitnessError::StateFile(format!("{shown} cannot be read: {e}")))?;
    if bytes.len() as u64 > max {
        return Err(WitnessError::StateFile(format!("{shown} is larger than a witness file can be")));
    }
    String::from_utf8(bytes).map(Some).map_err(|_| WitnessError::StateFile(format!("{shown} is not text")))
}
