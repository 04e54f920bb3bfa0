//! The custody part of a bag: the events about what it holds (`custody/events.jsonl`, one JSON event a
//! line, as the log stores them), a checkpoint of the whole log signed now (`custody/checkpoint`), and an
//! RFC 6962 inclusion proof of each event in that checkpoint's tree (`custody/proofs.json`). A recipient
//! recomputes each event's hash from its fields, walks its proof to the signed root, and so learns that
//! these events are in the vault's log, in this order, without seeing any other event.
//!
//! `proofs.json`:
//! ```text
//! {"format": "custodia.proofs/1",
//!  "checkpoint": {"origin": "custodia.vault/<id>", "tree_size": N, "root_hash": "<hex>"},
//!  "leaf": "SHA-256(0x00 || RFC 8785 JSON of {v, seq, time, actor, device, action, subject, details, prev})",
//!  "proofs": [
//! {"seq": 7, "leaf_index": 6, "leaf_hash": "<hex>", "audit_path": ["<hex>", ...]},
//!  ...]}
//! ```

use super::BundleError;
use crate::checkpoint::{self, tree::Tree};
use crate::custody::{CustodyError, Event, GENESIS_PREV};
use crate::error::Result;
use crate::merkle::Hash;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashSet;

/// What `gather` prepares for the bag.
pub(crate) struct BagCustody {
    pub events_jsonl: Vec<u8>,
    pub checkpoint_note: String,
    pub proofs_json: Vec<u8>,
    pub tree_size: u64,
    pub root: Hash,
    pub events: usize,
}

/// One inclusion proof as `proofs.json` carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Proof {
    pub seq: u64,
    pub leaf_index: u64,
    pub leaf_hash: String,
    pub audit_path: Vec<String>,
}

/// The whole proofs file.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ProofsFile {
    pub format: String,
    pub checkpoint: ProofsCheckpoint,
    pub proofs: Vec<Proof>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ProofsCheckpoint {
    pub origin: String,
    pub tree_size: u64,
    pub root_hash: String,
}

/// Reads the whole log once: checks that it is unbroken (consecutive sequence numbers, each event hashing
/// to what was recorded and pointing at the one before), keeps the events about `subjects`, and builds the
/// tree to sign and prove them against. A damaged log is refused: a checkpoint would vouch for the damage.
pub(crate) fn gather(conn: &Connection, vault_id: &str, subjects: &HashSet<String>) -> Result<BagCustody> {
    let mut leaves: Vec<Hash> = Vec::new();
    let mut kept: Vec<Event> = Vec::new();
    let mut previous = GENESIS_PREV.to_string();
    let mut expected = 1u64;
    let mut damaged = None;
    let walked = crate::custody::for_each(conn, |event| {
        let mut leaf = [0u8; 32];
        let wanted = event.subject.as_ref().is_some_and(|s| subjects.contains(s));
        let intact = event.seq == expected
            && event.prev_hash == previous
            && hex::decode_to_slice(&event.hash, &mut leaf).is_ok()
            && event.compute_hash()? == event.hash;
        if !intact {
            damaged = Some(expected);
            return Err(CustodyError::Encoding("the log is damaged".into()));
        }
        leaves.push(leaf);
        expected += 1;
        previous = event.hash.clone();
        if wanted {
            kept.push(event);
        }
        Ok(())
    });
    if let Some(seq) = damaged {
        return Err(BundleError::LogDamaged { seq }.into());
    }
    walked?;

    let tree = Tree::new(leaves);
    let (size, root) = (tree.size(), tree.root());
    let checkpoint_note = checkpoint::sign(conn, vault_id, size, root)?;
    let mut events_jsonl = Vec::new();
    let mut proof_lines = Vec::with_capacity(kept.len());
    for event in &kept {
        let line = serde_json::to_string(event).map_err(|e| BundleError::Encoding(e.to_string()))?;
        events_jsonl.extend_from_slice(line.as_bytes());
        events_jsonl.push(b'\n');
        let index = event.seq - 1;
        let path = tree.inclusion_proof(index).unwrap_or_default();
        let proof = Proof {
            seq: event.seq,
            leaf_index: index,
            leaf_hash: event.hash.clone(),
            audit_path: path.iter().map(hex::encode).collect(),
        };
        proof_lines.push(serde_json::to_string(&proof).map_err(|e| BundleError::Encoding(e.to_string()))?);
    }
    let header = json!({
        "format": "custodia.proofs/1",
        "checkpoint": { "origin": checkpoint::origin_for(vault_id), "tree_size": size, "root_hash": hex::encode(root) },
        "leaf": "SHA-256(0x00 || RFC 8785 JSON of {v, seq, time, actor, device, action, subject, details, prev})",
    });
    // One proof a line keeps a large file readable and diffable; it is still one JSON document.
    let mut text = header.to_string();
    text.pop();
    text.push_str(",\"proofs\":[\n");
    text.push_str(&proof_lines.join(",\n"));
    text.push_str("\n]}\n");
    Ok(BagCustody {
        events_jsonl,
        checkpoint_note,
        proofs_json: text.into_bytes(),
        tree_size: size,
        root,
        events: kept.len(),
    })
}
