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
use crate::custody::{CustodyError, GENESIS_PREV};
use crate::error::Result;
use crate::merkle::Hash;
use crate::pipe::HashingWriter;
use rusqlite::Connection;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::json;
use std::collections::HashSet;
use std::io::{self, Read};

/// What `gather` prepares for the bag.
pub(crate) struct BagCustody {
    pub events_jsonl: Vec<u8>,
    pub checkpoint_note: String,
    pub proofs: ProofsJson,
    pub tree_size: u64,
    pub root: Hash,
    pub events: usize,
}

/// One inclusion proof as `proofs.json` carries it, as read from a received bundle.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct Proof {
    pub seq: u64,
    pub leaf_index: u64,
    pub leaf_hash: String,
    pub audit_path: Vec<PathNode>,
}

/// One hash of a received audit path. A node that is not 32 bytes of hex is kept as such, so that the
/// check names the event whose proof it spoils; held as bytes, a proof takes a third of the memory of
/// its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathNode {
    Hash(Hash),
    NotHex,
}

impl<'de> Deserialize<'de> for PathNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = PathNode;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a SHA-256 hash in hex")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> std::result::Result<PathNode, E> {
                let mut hash = [0u8; 32];
                Ok(match hex::decode_to_slice(text, &mut hash) {
                    Ok(()) => PathNode::Hash(hash),
                    Err(_) => PathNode::NotHex,
                })
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// A hash written as lower-case hex without allocating.
struct Hex<'a>(&'a Hash);

impl Serialize for Hex<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut text = [0u8; 64];
        hex::encode_to_slice(self.0, &mut text).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(std::str::from_utf8(&text).map_err(serde::ser::Error::custom)?)
    }
}

/// One line of `proofs.json` as written.
#[derive(Serialize)]
struct ProofLine<'a> {
    seq: u64,
    leaf_index: u64,
    leaf_hash: Hex<'a>,
    audit_path: Vec<Hex<'a>>,
}

/// The whole proofs file.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ProofsFile {
    pub format: String,
    pub checkpoint: ProofsCheckpoint,
    pub proofs: Vec<Proof>,
}

/// The checkpoint a custody file refers to, as `proofs.json` and `consistency.json` name it.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    // The kept events are written out as they are read: only their sequence numbers stay, since their
    // leaf hashes are in the tree. A bag of many items would otherwise hold every event twice.
    let mut kept: Vec<u64> = Vec::new();
    let mut events_jsonl = Vec::new();
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
            return Err(CustodyError::Damaged(expected));
        }
        leaves.push(leaf);
        expected += 1;
        if wanted {
            serde_json::to_writer(&mut events_jsonl, &event).map_err(|e| CustodyError::Encoding(e.into()))?;
            events_jsonl.push(b'\n');
            kept.push(event.seq);
        }
        previous = event.hash;
        Ok(())
    });
    if let Some(seq) = damaged {
        return Err(BundleError::LogDamaged { seq }.into());
    }
    walked?;
    events_jsonl.shrink_to_fit();

    let tree = Tree::new(leaves);
    let (size, root) = (tree.size(), tree.root());
    let checkpoint_note = checkpoint::sign(conn, vault_id, size, root)?;
    let header = json!({
        "format": "custodia.proofs/1",
        "checkpoint": { "origin": checkpoint::origin_for(vault_id), "tree_size": size, "root_hash": hex::encode(root) },
        "leaf": "SHA-256(0x00 || RFC 8785 JSON of {v, seq, time, actor, device, action, subject, details, prev})",
    });
    let mut head = header.to_string().into_bytes();
    head.pop();
    head.extend_from_slice(b",\"proofs\":[\n");
    let events = kept.len();
    let mut proofs = ProofsJson { head, tree, kept, size: 0, sha256: [0; 32] };
    let mut counted = HashingWriter::new(io::sink());
    io::copy(&mut proofs.reader(), &mut counted).map_err(|e| BundleError::Encoding(e.to_string()))?;
    (_, proofs.sha256, proofs.size) = counted.finish();
    Ok(BagCustody { events_jsonl, checkpoint_note, proofs, tree_size: size, root, events })
}

/// `custody/proofs.json`, made from the tree when it is read rather than held: for a bag of many items
/// it is the largest custody file (a path of hex hashes per event). `gather` reads it once for its size
/// and SHA-256, which the tag manifest needs first; the export reads it again into the tar and checks
/// that the same bytes came out.
pub(crate) struct ProofsJson {
    /// The document up to the first proof.
    head: Vec<u8>,
    pub(crate) tree: Tree,
    /// The sequence numbers of the events proven, in order.
    kept: Vec<u64>,
    pub size: u64,
    pub sha256: [u8; 32],
}

impl ProofsJson {
    pub(crate) fn reader(&self) -> ProofsReader<'_> {
        ProofsReader { proofs: self, next: 0, line: self.head.clone(), at: 0, done: false }
    }
}

/// Yields `proofs.json` a line at a time. One proof a line keeps a large file readable and diffable; it
/// is still one JSON document.
pub(crate) struct ProofsReader<'a> {
    proofs: &'a ProofsJson,
    /// The next proof to write.
    next: usize,
    /// The current line and how much of it was read.
    line: Vec<u8>,
    at: usize,
    done: bool,
}

impl ProofsReader<'_> {
    /// Makes the next line; false at the end of the document.
    fn advance(&mut self) -> io::Result<bool> {
        self.line.clear();
        self.at = 0;
        let Some(&seq) = self.proofs.kept.get(self.next) else {
            if self.done {
                return Ok(false);
            }
            self.done = true;
            self.line.extend_from_slice(b"\n]}\n");
            return Ok(true);
        };
        if self.next > 0 {
            self.line.extend_from_slice(b",\n");
        }
        self.next += 1;
        let index = seq - 1;
        let path = self.proofs.tree.inclusion_proof(index).unwrap_or_default();
        let leaf = self.proofs.tree.leaf(index).unwrap_or_default();
        let proof =
            ProofLine { seq, leaf_index: index, leaf_hash: Hex(&leaf), audit_path: path.iter().map(Hex).collect() };
        serde_json::to_writer(&mut self.line, &proof).map_err(io::Error::other)?;
        Ok(true)
    }
}

impl Read for ProofsReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.line.len() {
            if !self.advance()? {
                return Ok(0);
            }
        }
        let n = out.len().min(self.line.len() - self.at);
        out[..n].copy_from_slice(&self.line[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(kept: Vec<u64>) -> ProofsJson {
        let leaves: Vec<Hash> = (0u8..11).map(|i| crate::custody::leaf_hash(&[i])).collect();
        let head = b"{\"format\":\"custodia.proofs/1\",\"checkpoint\":{\"origin\":\"o\",\"tree_size\":11,\"root_hash\":\"\"},\"proofs\":[\n".to_vec();
        ProofsJson { head, tree: Tree::new(leaves), kept, size: 0, sha256: [0; 32] }
    }

    #[test]
    fn the_proofs_file_reads_the_same_in_any_steps_and_every_proof_verifies() {
        let proofs = sample(vec![1, 4, 11]);
        let mut whole = Vec::new();
        proofs.reader().read_to_end(&mut whole).expect("read");
        let mut reader = proofs.reader();
        let mut bytewise = Vec::new();
        let mut byte = [0u8; 1];
        while reader.read(&mut byte).expect("read") == 1 {
            bytewise.push(byte[0]);
        }
        assert_eq!(bytewise, whole, "reading a byte at a time yields the same document");
        let text = String::from_utf8(whole).expect("utf-8");
        assert_eq!(text.lines().count(), 5, "one line for the header, one per proof, one to close: {text}");
        let file: ProofsFile = serde_json::from_str(&text).expect("one JSON document");
        assert_eq!(file.proofs.iter().map(|p| p.seq).collect::<Vec<_>>(), [1, 4, 11], "in order");
        for proof in &file.proofs {
            let leaf = proofs.tree.leaf(proof.leaf_index).expect("leaf");
            assert_eq!(proof.leaf_hash, hex::encode(leaf), "leaf hash of {}", proof.seq);
            let path: Vec<Hash> = proof
                .audit_path
                .iter()
                .map(|n| match n {
                    PathNode::Hash(h) => *h,
                    PathNode::NotHex => panic!("every node is hex"),
                })
                .collect();
            crate::merkle::verify_inclusion(&leaf, proof.leaf_index, 11, &path, &proofs.tree.root())
                .unwrap_or_else(|e| panic!("proof of {} verifies: {e}", proof.seq));
        }
    }

    #[test]
    fn a_proofs_file_without_events_is_still_a_document() {
        let mut text = String::new();
        sample(Vec::new()).reader().read_to_string(&mut text).expect("read");
        let file: ProofsFile = serde_json::from_str(&text).expect("one JSON document");
        assert!(file.proofs.is_empty(), "no proofs: {text}");
    }

    #[test]
    fn a_path_node_that_is_not_hex_is_kept_for_the_check_to_name() {
        let nodes: Vec<PathNode> = serde_json::from_str(&format!("[\"{}\", \"zz\", \"ab\"]", "0".repeat(64)))
            .expect("a list of strings parses");
        assert_eq!(nodes, [PathNode::Hash([0; 32]), PathNode::NotHex, PathNode::NotHex]);
        assert!(serde_json::from_str::<Vec<PathNode>>("[1]").is_err(), "a number is not a node");
    }
}
