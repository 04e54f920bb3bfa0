//! Signed checkpoints of the custody log: at every close and every export the vault signs, with its own
//! Ed25519 key, the number of events and the RFC 6962 root over their leaf hashes (a C2SP tlog-checkpoint,
//! `note`), and keeps it in the append-only `checkpoints` table. Someone who holds a checkpoint (a lawyer
//! who received a bundle, a backup) can later prove that the log they are shown extends it unchanged.
//!
//! `check_all` is the vault's own use: every stored checkpoint must still verify and still be a prefix of
//! the log, so a truncated or rewritten tail is found and the events concerned are named.

mod cosigned;
mod local;
mod note;
mod outside;
pub mod timestamp;
pub(crate) mod tree;
pub mod witness;

pub(crate) use cosigned::{last_seen_with_source, note_with_cosignatures, remember};
pub use cosigned::{witness_name_for, AddedCosignature, FileWitness, StoredCosignature};
pub(crate) use local::Found;
pub use local::{LastEvent, LocalCopies, LocalNotice, Rollback};
pub(crate) use note::split_note;
pub use note::{key_id, origin_for, sign_note, verifier_key, verify_note, Checkpoint, NoteError, ORIGIN_PREFIX};
pub(crate) use outside::parse_typed_key;
pub use outside::{
    check_offline, from_words, parse_verifier_key, to_words, ConsistencyProof, OutsideError, MAX_PROOF_BYTES,
};
pub use witness::WitnessError;

use crate::clock;
use crate::error::Result;
use crate::merkle::{self, Hash};
use crate::vault::Vault;
use crate::vocabulary::vocabulary;
use ed25519_dalek::{SigningKey, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use tree::Frontier;
use zeroize::Zeroizing;

/// Why the vault cannot sign.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    #[error("the vault's signing key is missing or damaged: vault.db was altered outside Custodia; nothing was signed. Keep the folder as it is and have it examined")]
    SigningKeyDamaged,
}

vocabulary! {
    /// When a checkpoint was made: at a close of the vault, or for an export (the bundle carries it).
    pub enum CheckpointReason {
        Close = "close",
        Export = "export",
    }
}

/// A checkpoint as the vault keeps it: the signed note and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCheckpoint {
    pub id: u64,
    pub size: u64,
    /// The root hash, hex (the note carries it in base64).
    pub root: String,
    /// The C2SP signed note, exactly as published.
    pub note: String,
    pub made_at: String,
    pub reason: CheckpointReason,
}

impl StoredCheckpoint {
    /// The checkpoint as a short code of words (`outside::to_words`), for paper or a text message.
    pub fn words(&self) -> String {
        let mut root = [0u8; 32];
        // The root column is written by `store` from a hash; a tampered one spells zeros, which no log matches.
        let _ = hex::decode_to_slice(&self.root, &mut root);
        outside::to_words(self.size, &root)
    }
}

fn row_to_checkpoint(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredCheckpoint> {
    Ok(StoredCheckpoint {
        id: r.get(0)?,
        size: r.get(1)?,
        root: r.get(2)?,
        note: r.get(3)?,
        made_at: r.get(4)?,
        reason: r.get(5)?,
    })
}

const SELECT_CHECKPOINT: &str = "SELECT id, size, root, note, made_at, reason FROM checkpoints";

/// The vault's Ed25519 signing key, from the encrypted database.
pub(crate) fn signing_key(conn: &Connection) -> Result<SigningKey> {
    let seed: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = 'signing_key'", [], |r| r.get(0)).optional()?;
    let seed = Zeroizing::new(seed.ok_or(CheckpointError::SigningKeyDamaged)?);
    let mut bytes = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(seed.as_bytes(), bytes.as_mut()).map_err(|_| CheckpointError::SigningKeyDamaged)?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// A stored leaf hash. A value that is not 32 bytes of hex (the column was tampered with) becomes a hash
/// that no event has, so roots stop matching instead of the check failing to run.
fn leaf_of(text: &str) -> Hash {
    let mut leaf = [0u8; 32];
    if hex::decode_to_slice(text, &mut leaf).is_err() {
        leaf = merkle::leaf_hash(text.as_bytes());
        leaf[0] ^= 0xff;
    }
    leaf
}

/// Calls `f` with every event's leaf hash, in sequence order.
pub(crate) fn for_each_leaf(conn: &Connection, mut f: impl FnMut(Hash)) -> Result<()> {
    let mut stmt = conn.prepare("SELECT hash FROM events ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        f(leaf_of(row.get_ref(0)?.as_str().unwrap_or("")));
    }
    Ok(())
}

/// The signed note of a checkpoint over the log's `size` first events with root `root`.
pub(crate) fn sign(conn: &Connection, vault_id: &str, size: u64, root: Hash) -> Result<String> {
    Ok(Checkpoint { origin: origin_for(vault_id), size, root }.sign(&signing_key(conn)?))
}

/// Stores a signed checkpoint. Call inside the transaction whose events it covers.
pub(crate) fn store(
    conn: &Connection,
    reason: CheckpointReason,
    size: u64,
    root: Hash,
    note: String,
) -> Result<StoredCheckpoint> {
    let made_at = clock::now_rfc3339();
    conn.execute(
        "INSERT INTO checkpoints (size, root, note, made_at, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![size, hex::encode(root), note, made_at, reason.as_str()],
    )?;
    let id = conn.last_insert_rowid() as u64;
    Ok(StoredCheckpoint { id, size, root: hex::encode(root), note, made_at, reason })
}

/// The whole log in `conn` as a signed checkpoint: its size, root and note (not stored).
pub(crate) fn sign_log(conn: &Connection, vault_id: &str) -> Result<(u64, Hash, String)> {
    let mut frontier = Frontier::default();
    for_each_leaf(conn, |leaf| frontier.push(leaf))?;
    let note = sign(conn, vault_id, frontier.size(), frontier.root())?;
    Ok((frontier.size(), frontier.root(), note))
}

/// Signs and stores a checkpoint of the whole log as it stands in `conn`'s transaction.
pub(crate) fn make(conn: &Connection, vault_id: &str, reason: CheckpointReason) -> Result<StoredCheckpoint> {
    let (size, root, note) = sign_log(conn, vault_id)?;
    store(conn, reason, size, root, note)
}

/// What `check_all` found wrong with one stored checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The note does not verify with the vault's key, or the row disagrees with its note.
    BadSignature,
    /// The log has only `events` events, fewer than the checkpoint signed; the largest earlier checkpoint
    /// that still holds covers `holds_up_to` events.
    BeyondLog { events: u64, holds_up_to: u64 },
    /// The first `size` events no longer give the signed root; the largest earlier checkpoint that still
    /// holds covers `holds_up_to` events, so the rewrite lies after that.
    Rewritten { holds_up_to: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failed {
    pub checkpoint: StoredCheckpoint,
    pub failure: Failure,
}

/// Checks every stored checkpoint against the vault's key and the log: each must verify, and each must be
/// a prefix of the current log. The latest is checked with an RFC 6962 consistency proof, the way anyone
/// holding it would check; the others by recomputing the root of their prefix in the same single pass.
pub(crate) fn check_all(conn: &Connection) -> Result<Vec<Failed>> {
    let key = signing_key(conn)?.verifying_key();
    let checkpoints: Vec<StoredCheckpoint> = {
        let mut stmt = conn.prepare(&format!("{SELECT_CHECKPOINT} ORDER BY size, id"))?;
        let rows = stmt.query_map([], row_to_checkpoint)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut failed = Vec::new();
    let mut signed: Vec<(StoredCheckpoint, Hash)> = Vec::new();
    for checkpoint in checkpoints {
        match verified_root(&checkpoint, &key) {
            Some(root) => signed.push((checkpoint, root)),
            None => failed.push(Failed { checkpoint, failure: Failure::BadSignature }),
        }
    }
    let mut leaves = Vec::new();
    for_each_leaf(conn, |leaf| leaves.push(leaf))?;
    let events = leaves.len() as u64;
    let latest = signed.iter().map(|(c, _)| c.id).max();
    let mut frontier = Frontier::default();
    let mut holds_up_to = 0u64;
    for (checkpoint, root) in signed {
        if checkpoint.size > events {
            failed.push(Failed { checkpoint, failure: Failure::BeyondLog { events, holds_up_to } });
            continue;
        }
        // Checkpoints come by size, so the frontier only ever moves forward.
        while frontier.size() < checkpoint.size {
            frontier.push(leaves[frontier.size() as usize]);
        }
        let holds = if Some(checkpoint.id) == latest && checkpoint.size > 0 {
            consistent(&leaves, checkpoint.size, &root)
        } else {
            frontier.root() == root
        };
        if holds {
            holds_up_to = holds_up_to.max(checkpoint.size);
        } else {
            failed.push(Failed { checkpoint, failure: Failure::Rewritten { holds_up_to } });
        }
    }
    Ok(failed)
}

/// The root a stored checkpoint signed, if its note verifies and agrees with its row.
fn verified_root(stored: &StoredCheckpoint, key: &VerifyingKey) -> Option<Hash> {
    let parsed = Checkpoint::verify(&stored.note, key).ok()?;
    let agrees = parsed.size == stored.size
        && hex::encode(parsed.root) == stored.root
        && parsed.origin.starts_with(ORIGIN_PREFIX);
    agrees.then_some(parsed.root)
}

/// Whether the log `leaves` extends the tree of its first `size` leaves with root `root`: an RFC 6962
/// consistency proof from that tree to the whole log, verified.
fn consistent(leaves: &[Hash], size: u64, root: &Hash) -> bool {
    let whole = merkle::root(leaves);
    match merkle::consistency_proof(leaves, size as usize) {
        Ok(proof) => merkle::verify_consistency(size, leaves.len() as u64, root, &whole, &proof).is_ok(),
        Err(_) => false,
    }
}

impl Vault {
    /// Every checkpoint the vault signed, oldest first.
    pub fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>> {
        let mut stmt = self.conn.prepare(&format!("{SELECT_CHECKPOINT} ORDER BY id"))?;
        let rows = stmt.query_map([], row_to_checkpoint)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The most recent checkpoint, if any.
    pub fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>> {
        Ok(self
            .conn
            .query_row(&format!("{SELECT_CHECKPOINT} ORDER BY id DESC LIMIT 1"), [], row_to_checkpoint)
            .optional()?)
    }

    /// Checks a checkpoint kept outside the vault: signed by this vault for its own log, and extended by
    /// the log as it stands (an RFC 9162 consistency proof). The outer error is the vault's own trouble;
    /// the inner one says why the checkpoint does not hold.
    pub fn check_outside_checkpoint(&self, note: &str) -> Result<std::result::Result<Checkpoint, OutsideError>> {
        let key = self.signing_public_key()?;
        let checkpoint = match outside::read_for(note, &key, &origin_for(self.vault_id())) {
            Ok(checkpoint) => checkpoint,
            Err(e) => return Ok(Err(e)),
        };
        let mut leaves = Vec::new();
        for_each_leaf(&self.conn, |leaf| leaves.push(leaf))?;
        Ok(outside::check_against_log(&checkpoint, &leaves).map(|()| checkpoint))
    }

    /// Checks a checkpoint's words (`to_words`) against the log: the root of the log's first events at
    /// the size they name must start with the bytes they spell. Errors as in `check_outside_checkpoint`.
    pub fn check_checkpoint_words(&self, words: &str) -> Result<std::result::Result<u64, OutsideError>> {
        let (size, prefix) = match outside::from_words(words) {
            Ok(read) => read,
            Err(e) => return Ok(Err(e)),
        };
        let mut leaves = Vec::new();
        for_each_leaf(&self.conn, |leaf| leaves.push(leaf))?;
        Ok(outside::check_words_against_log(size, &prefix, &leaves).map(|()| size))
    }

    /// Closes the vault (which signs a checkpoint of the whole log) and returns the consistency proof from
    /// `old_note`, an earlier checkpoint of this vault, to that new checkpoint. Refused, by name, when the
    /// older checkpoint is not this vault's or the log no longer extends it.
    pub fn close_proving(mut self, old_note: &str) -> Result<ConsistencyProof> {
        let old = outside::read_for(old_note, &self.signing_public_key()?, &origin_for(self.vault_id()))?;
        let new = self.close_in_place()?;
        let mut leaves = Vec::new();
        for_each_leaf(&self.conn, |leaf| leaves.push(leaf))?;
        Ok(outside::prove(&old, &leaves, new.note)?)
    }

    /// The public half of the key that signs this vault's checkpoints and bundles.
    pub fn signing_public_key(&self) -> Result<VerifyingKey> {
        Ok(signing_key(&self.conn)?.verifying_key())
    }
}
