//! Earlier checkpoints in a bundle, so that a recipient detects a fork (issue 11, point 3). A vault that
//! shows one history to one recipient and, after rewriting its log, another to the same recipient is
//! caught: each bundle carries the checkpoints this vault sent earlier to the same recipients (and its
//! newest cosigned checkpoint, with the witnesses' lines), each with an RFC 6962 consistency proof to the
//! bundle's own checkpoint. `bundle verify` checks the proofs with the bundle's key alone; `import` also
//! checks the bundle's checkpoint against the newest one the recipient's vault has seen of that sender.
//!
//! `custody/consistency.json`:
//! ```text
//! {"format": "custodia.consistency/1",
//!  "checkpoint": {"origin": "custodia.vault/<id>", "tree_size": N, "root_hash": "<hex>"},
//!  "earlier": [{"why": "sent" | "cosigned", "bundle": "B-…" (when sent), "note": "<signed note>",
//!               "proof": ["<hex>", ...]}, ...]}
//! ```

use super::proofs::ProofsCheckpoint;
use crate::checkpoint::witness::LastSeen;
use crate::checkpoint::{tree::Tree, Checkpoint};
use crate::error::Result;
use crate::merkle::{self, Hash};
use crate::vocabulary::vocabulary;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The format name of `custody/consistency.json`.
const FORMAT: &str = "custodia.consistency/1";
/// Earlier checkpoints a bundle carries at most: one per recipient (bundles have a handful) and one cosigned.
pub(crate) const MAX_EARLIER: usize = 64;
/// Hashes a consistency proof may hold for any 64-bit size.
const MAX_PROOF_HASHES: usize = 128;

vocabulary! {
    /// Why a bundle carries an earlier checkpoint.
    pub enum EarlierWhy {
        /// It was the checkpoint of an earlier bundle to the same recipient (or, for passphrase bundles,
        /// of the previous passphrase bundle).
        Sent = "sent",
        /// It is the newest checkpoint a witness cosigned.
        Cosigned = "cosigned",
    }
}

/// One earlier checkpoint as the file carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct EarlierEntry {
    pub why: EarlierWhy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<String>,
    pub note: String,
    pub proof: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ConsistencyFile {
    pub format: String,
    pub checkpoint: ProofsCheckpoint,
    pub earlier: Vec<EarlierEntry>,
}

/// An earlier checkpoint of the sender, checked: its log extends to the bundle's checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReceivedEarlier {
    pub why: EarlierWhy,
    /// The sender's bundle that carried it, as the sender named it.
    pub bundle: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size: u64,
    /// Hex root hash.
    pub root: String,
    /// The names on the note's other signature lines (witnesses), as written; not checked here, since
    /// the witnesses' keys are not in the bundle.
    pub cosigners: Vec<String>,
}

/// The sender's side: the checkpoints this vault sent before to `recipient_ids` (`None`: to passphrase
/// bundles), the newest per recipient, and the newest cosigned one, each with its proof.
pub(crate) fn gather(
    conn: &Connection,
    recipient_ids: Option<&[String]>,
    tree: &Tree,
    head: ProofsCheckpoint,
) -> Result<Vec<u8>> {
    let mut chosen: BTreeMap<u64, (EarlierWhy, Option<String>)> = BTreeMap::new();
    for (checkpoint_id, bundle) in earlier_exports(conn, recipient_ids)? {
        chosen.insert(checkpoint_id, (EarlierWhy::Sent, Some(bundle)));
    }
    let cosigned: Option<u64> =
        conn.query_row("SELECT MAX(checkpoint_id) FROM cosignatures", [], |r| r.get(0)).unwrap_or(None);
    if let Some(id) = cosigned {
        chosen.entry(id).or_insert((EarlierWhy::Cosigned, None));
    }
    let mut earlier = Vec::new();
    for (id, (why, bundle)) in chosen.into_iter().rev().take(MAX_EARLIER) {
        let Some(note) = crate::checkpoint::note_with_cosignatures(conn, id)? else { continue };
        let size: u64 = conn.query_row("SELECT size FROM checkpoints WHERE id = ?1", [id], |r| r.get(0))?;
        // A checkpoint beyond the log (a rewritten vault) gets no proof: the recipient's check says so.
        let proof = if size == tree.size() { Some(Vec::new()) } else { tree.consistency_proof(size) };
        let proof = proof.unwrap_or_default().iter().map(hex::encode).collect();
        earlier.push(EarlierEntry { why, bundle, note, proof });
    }
    let file = ConsistencyFile { format: FORMAT.into(), checkpoint: head, earlier };
    Ok(serde_json::to_vec(&file).expect("plain data serialises"))
}

/// The newest export checkpoint for each of `recipient_ids` (`None`: for passphrase bundles), with its
/// bundle.
fn earlier_exports(conn: &Connection, recipient_ids: Option<&[String]>) -> Result<Vec<(u64, String)>> {
    let wanted: BTreeSet<&str> = recipient_ids.unwrap_or_default().iter().map(String::as_str).collect();
    let passphrase = recipient_ids.is_none();
    let mut newest: BTreeMap<String, (u64, String)> = BTreeMap::new();
    let mut stmt = conn.prepare("SELECT id, recipients, checkpoint_id FROM exports ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (bundle, recipients, checkpoint_id): (String, String, u64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let theirs: Vec<String> = serde_json::from_str(&recipients).unwrap_or_default();
        if passphrase && theirs.is_empty() {
            newest.insert(String::new(), (checkpoint_id, bundle));
            continue;
        }
        for recipient in theirs.into_iter().filter(|r| wanted.contains(r.as_str())) {
            newest.insert(recipient, (checkpoint_id, bundle.clone()));
        }
    }
    Ok(newest.into_values().collect())
}

/// The recipient's check of the file against the bundle's checkpoint `cp`, signed by `key`. Returns the
/// earlier checkpoints that hold, or what is wrong, worded for the problem list.
pub(crate) fn check(
    json: &str,
    cp: &Checkpoint,
    key: &ed25519_dalek::VerifyingKey,
) -> std::result::Result<Vec<ReceivedEarlier>, EarlierFault> {
    let file: ConsistencyFile = serde_json::from_str(json).map_err(|e| EarlierFault::Malformed(e.to_string()))?;
    if file.format != FORMAT {
        return Err(EarlierFault::Malformed(format!("unknown format {:?}", file.format)));
    }
    if file.checkpoint.tree_size != cp.size
        || file.checkpoint.root_hash != hex::encode(cp.root)
        || file.checkpoint.origin != cp.origin
    {
        return Err(EarlierFault::Malformed("it refers to another checkpoint than custody/checkpoint".into()));
    }
    if file.earlier.len() > MAX_EARLIER {
        return Err(EarlierFault::Malformed(format!("it lists more than {MAX_EARLIER} earlier checkpoints")));
    }
    file.earlier.iter().map(|entry| check_one(entry, cp, key)).collect()
}

/// What is wrong with the earlier checkpoints of a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EarlierFault {
    Malformed(String),
    /// The earlier checkpoint of `size` events (of bundle `bundle`) is not extended by the bundle's.
    NotExtended {
        size: u64,
        bundle: Option<String>,
    },
}

fn check_one(
    entry: &EarlierEntry,
    cp: &Checkpoint,
    key: &ed25519_dalek::VerifyingKey,
) -> std::result::Result<ReceivedEarlier, EarlierFault> {
    let earlier = Checkpoint::verify(&entry.note, key).map_err(|e| EarlierFault::Malformed(e.to_string()))?;
    if earlier.origin != cp.origin {
        return Err(EarlierFault::Malformed(format!("an earlier checkpoint is of another log ({})", earlier.origin)));
    }
    let not_extended = || EarlierFault::NotExtended { size: earlier.size, bundle: entry.bundle.clone() };
    if entry.proof.len() > MAX_PROOF_HASHES {
        return Err(EarlierFault::Malformed("a consistency proof is longer than any can be".into()));
    }
    let proof: Vec<Hash> = entry
        .proof
        .iter()
        .map(|h| {
            let mut hash = [0u8; 32];
            hex::decode_to_slice(h, &mut hash).map(|()| hash)
        })
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| EarlierFault::Malformed("a consistency proof hash is not 32 bytes of hex".into()))?;
    let holds = match earlier.size {
        0 => true,
        s if s > cp.size => false,
        s if s == cp.size => earlier.root == cp.root && proof.is_empty(),
        s => merkle::verify_consistency(s, cp.size, &earlier.root, &cp.root, &proof).is_ok(),
    };
    if !holds {
        return Err(not_extended());
    }
    Ok(ReceivedEarlier {
        why: entry.why,
        bundle: entry.bundle.clone(),
        size: earlier.size,
        root: hex::encode(earlier.root),
        cosigners: other_signers(&entry.note, &cp.origin),
    })
}

/// The key names on a note's signature lines other than the log's own (the note was verified already, so
/// it splits; a note that did not would have no signers to name).
fn other_signers(note: &str, origin: &str) -> Vec<String> {
    let signatures = crate::checkpoint::split_note(note).map(|(_, s)| s).unwrap_or("");
    signatures
        .lines()
        .filter_map(|l| l.strip_prefix("\u{2014} ").and_then(|rest| rest.split_once(' ')).map(|(name, _)| name))
        .filter(|name| *name != origin)
        .map(str::to_string)
        .collect()
}

/// Why an import refuses a bundle whose log does not extend what this vault saw of its sender before.
/// Each names both checkpoints and says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ForkError {
    #[error("this sender's log was rewritten after {seen_from}: this bundle's checkpoint of {size} events does not extend the checkpoint of {seen} events you received then. Nothing was imported; keep both bundles and ask the sender why")]
    Rewritten { seen_from: String, seen: u64, size: u64 },
    #[error("this bundle's checkpoint ({size} events) cannot be shown to extend the checkpoint of {seen} events you received in {seen_from}: the bundle carries no proof from it, so the sender's log may have been rewritten. Nothing was imported; ask the sender for a new bundle (or a consistency proof made with `custodia checkpoint prove`)")]
    Unproven { seen_from: String, seen: u64, size: u64 },
    #[error("this bundle's checkpoint ({size} events) is older than the checkpoint of {seen} events you received in {seen_from}: its place in the sender's log cannot be checked here. Nothing was imported; import the sender's bundles in the order they were made, or ask the sender for a new one")]
    Older { seen_from: String, seen: u64, size: u64 },
    #[error("this bundle is signed for the log {origin} by another key than the bundles you received from that log before: someone else may be signing in the sender's name. Nothing was imported; confirm the sender's fingerprint with them")]
    KeyChanged { origin: String },
}

/// Where this vault last saw a sender's log, worded for a message: the bundle, or a witnessed note.
fn seen_from(source: &str) -> String {
    if source == "witness" {
        "the checkpoint you cosigned as a witness".into()
    } else {
        format!("bundle {source}")
    }
}

/// The import's check: the bundle's checkpoint (already verified, with its earlier checkpoints) against
/// the newest checkpoint this vault has seen of the same sender. Returns what to remember of the sender
/// once the import is recorded (the bundle's checkpoint, unless an equal or newer one was seen).
pub(crate) fn against_seen(conn: &Connection, report: &super::BundleReport) -> Result<Option<LastSeen>> {
    let (Some(cp), Some(signer)) = (&report.checkpoint, &report.signer) else { return Ok(None) };
    let new = LastSeen {
        origin: cp.origin.clone(),
        log_key: signer.verifier_key.clone(),
        size: cp.size,
        root: cp.root.clone(),
        note: cp.note.clone(),
    };
    let Some((last, source)) = crate::checkpoint::last_seen_with_source(conn, &cp.origin)? else {
        return Ok(Some(new));
    };
    if last.log_key != new.log_key {
        return Err(super::BundleError::Fork(ForkError::KeyChanged { origin: cp.origin.clone() }).into());
    }
    let (seen, size, seen_from) = (last.size, cp.size, seen_from(&source));
    let refused = |e: ForkError| -> crate::error::Error { super::BundleError::Fork(e).into() };
    if size < seen {
        return Err(refused(ForkError::Older { seen_from, seen, size }));
    }
    if size == seen {
        return if cp.root == last.root {
            Ok(None)
        } else {
            Err(refused(ForkError::Rewritten { seen_from, seen, size }))
        };
    }
    if seen == 0 || report.earlier.iter().any(|e| e.size == seen && e.root == last.root) {
        return Ok(Some(new));
    }
    // A carried checkpoint of the same size with another root is a rewrite, not a missing proof.
    if report.earlier.iter().any(|e| e.size == seen) {
        return Err(refused(ForkError::Rewritten { seen_from, seen, size }));
    }
    Err(refused(ForkError::Unproven { seen_from, seen, size }))
}

#[cfg(test)]
mod tests;
