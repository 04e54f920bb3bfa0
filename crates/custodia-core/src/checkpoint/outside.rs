//! Checkpoints that leave the vault and come back (issue 11, point 1). A checkpoint printed today and kept
//! elsewhere (on paper, by a lawyer, in an email) proves later that the log still extends it: the vault
//! checks it with an RFC 9162 consistency proof from the checkpoint's size to the whole log. A reviewer
//! with no vault checks two checkpoints and the proof between them with the vault's verifier key alone.
//!
//! The proof travels in the text of a C2SP tlog-witness `add-checkpoint` request body, so that witness
//! tools read it: `old <size>`, one base64 hash per line, a blank line, then the newer signed checkpoint.

use super::{note::Checkpoint, NoteError, ORIGIN_PREFIX};
use crate::merkle::{self, Hash};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::VerifyingKey;

/// Bytes of the root a checkpoint's words carry: forging a log whose root starts the same at that size
/// is a 2^96 second-preimage search.
pub const WORDS_ROOT_BYTES: usize = 12;

/// Hashes a consistency proof may hold: 2·log2(size) is at most 128 for any 64-bit size.
const MAX_PROOF_HASHES: usize = 128;
/// A proof file is the proof's lines and one checkpoint: a few KiB at most.
pub const MAX_PROOF_BYTES: usize = 32 * 1024;

/// Why a checkpoint from outside does not hold against a log, or cannot be read. Worded for the reviewer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OutsideError {
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error("the checkpoint is of another log ({found}), not of this vault ({expected})")]
    OtherLog { found: String, expected: String },
    #[error("the checkpoint covers {size} events but the log has only {events}: events were removed since, or the vault was put back from an older copy")]
    BeyondLog { size: u64, events: u64 },
    #[error("the first {size} events of the log no longer give the root this checkpoint signed: the log was rewritten after it was made")]
    Rewritten { size: u64 },
    #[error("the newer checkpoint ({new} events) is smaller than the older one ({old} events)")]
    Backwards { old: u64, new: u64 },
    #[error("the proof is not a consistency proof (\"old <size>\", hashes, a blank line, a checkpoint)")]
    MalformedProof,
    #[error("the proof starts from {found} events, not from the older checkpoint's {expected}")]
    ProofFromOtherSize { found: u64, expected: u64 },
    #[error("the proof ends at another checkpoint than the newer one given")]
    ProofForOtherCheckpoint,
    #[error("the consistency proof does not hold: the newer checkpoint does not extend the older one")]
    Inconsistent,
    #[error("the verifier key is not a signed-note Ed25519 key (name+key id+key)")]
    BadVerifierKey,
    #[error("these are not a checkpoint's words (a number of events, then {WORDS_ROOT_BYTES} words and a check word): a word was misheard, skipped or swapped")]
    BadWords,
}

/// A consistency proof from an older size to a newer signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyProof {
    pub old_size: u64,
    pub hashes: Vec<Hash>,
    /// The newer checkpoint, as a signed note.
    pub note: String,
}

impl ConsistencyProof {
    /// The tlog-witness request-body text.
    pub fn to_text(&self) -> String {
        let mut text = format!("old {}\n", self.old_size);
        for hash in &self.hashes {
            text.push_str(&B64.encode(hash));
            text.push('\n');
        }
        text.push('\n');
        text.push_str(&self.note);
        text
    }

    /// Reads the text written by `to_text`; bounded in size and in the number of hashes.
    pub fn parse(text: &str) -> Result<ConsistencyProof, OutsideError> {
        if text.len() > MAX_PROOF_BYTES {
            return Err(OutsideError::MalformedProof);
        }
        let (head, note) = text.split_once("\n\n").ok_or(OutsideError::MalformedProof)?;
        let mut lines = head.lines();
        let old = lines.next().and_then(|l| l.strip_prefix("old ")).ok_or(OutsideError::MalformedProof)?;
        let old_size = decimal(old).ok_or(OutsideError::MalformedProof)?;
        let mut hashes = Vec::new();
        for line in lines {
            let bytes = B64.decode(line).map_err(|_| OutsideError::MalformedProof)?;
            hashes.push(bytes.try_into().map_err(|_| OutsideError::MalformedProof)?);
            if hashes.len() > MAX_PROOF_HASHES {
                return Err(OutsideError::MalformedProof);
            }
        }
        Ok(ConsistencyProof { old_size, hashes, note: note.to_string() })
    }
}

/// A checkpoint short enough for paper or a text message: its size, the first bytes of its root in the
/// PGP word list (a skipped or swapped word is caught by the alternating lists), and a check word.
pub fn to_words(size: u64, root: &Hash) -> String {
    let mut spoken = root[..WORDS_ROOT_BYTES].to_vec();
    spoken.push(check_byte(size, &spoken));
    format!("{size} {}", crate::bundle::words::spell(&spoken))
}

/// Reads `to_words` back: the size and the root's first bytes, the check word verified.
pub fn from_words(text: &str) -> Result<(u64, Vec<u8>), OutsideError> {
    let (size, words) = text.trim().split_once(char::is_whitespace).ok_or(OutsideError::BadWords)?;
    let size = decimal(size).ok_or(OutsideError::BadWords)?;
    let mut spoken = crate::bundle::words::unspell(words).ok_or(OutsideError::BadWords)?;
    if spoken.len() != WORDS_ROOT_BYTES + 1 || spoken.pop() != Some(check_byte(size, &spoken)) {
        return Err(OutsideError::BadWords);
    }
    Ok((size, spoken))
}

fn check_byte(size: u64, root_prefix: &[u8]) -> u8 {
    use sha2::{Digest, Sha256};
    Sha256::new().chain_update(size.to_be_bytes()).chain_update(root_prefix).finalize()[0]
}

/// Whether the log `leaves` has, at `size`, a root that starts with `root_prefix`.
pub(crate) fn check_words_against_log(size: u64, root_prefix: &[u8], leaves: &[Hash]) -> Result<(), OutsideError> {
    let events = leaves.len() as u64;
    if size > events {
        return Err(OutsideError::BeyondLog { size, events });
    }
    if !merkle::root(&leaves[..size as usize]).starts_with(root_prefix) {
        return Err(OutsideError::Rewritten { size });
    }
    Ok(())
}

/// A decimal without sign or leading zeros, as C2SP writes sizes.
fn decimal(text: &str) -> Option<u64> {
    let canonical =
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && !(text.len() > 1 && text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}

/// Reads a signed-note verifier key `name+hex key id+base64(0x01 ‖ key)`, checking its key id.
pub fn parse_verifier_key(text: &str) -> Result<(String, VerifyingKey), OutsideError> {
    parse_typed_key(text, super::note::ED25519)
}

/// Reads a verifier key of signature type `kind` (0x01 a log's key, 0x04 a witness's), checking its key id.
pub(crate) fn parse_typed_key(text: &str, kind: u8) -> Result<(String, VerifyingKey), OutsideError> {
    let mut parts = text.trim().splitn(3, '+');
    let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(OutsideError::BadVerifierKey);
    };
    let typed = B64.decode(key).map_err(|_| OutsideError::BadVerifierKey)?;
    let raw: [u8; 32] = match typed.split_first() {
        Some((found, raw)) if *found == kind => raw.try_into().map_err(|_| OutsideError::BadVerifierKey)?,
        _ => return Err(OutsideError::BadVerifierKey),
    };
    let key = VerifyingKey::from_bytes(&raw).map_err(|_| OutsideError::BadVerifierKey)?;
    if name.is_empty() || hex::encode(super::note::typed_key_id(name, kind, &key)) != id {
        return Err(OutsideError::BadVerifierKey);
    }
    Ok((name.to_string(), key))
}

/// A checkpoint signed by `key` for the log `origin`.
pub(crate) fn read_for(note: &str, key: &VerifyingKey, origin: &str) -> Result<Checkpoint, OutsideError> {
    // The origin first: a checkpoint of another log is named as such, not as a signature by nobody known.
    let (body, _) = super::note::split_note(note)?;
    let found = body.lines().next().unwrap_or("");
    if found != origin {
        return Err(OutsideError::OtherLog { found: found.to_string(), expected: origin.to_string() });
    }
    let checkpoint = Checkpoint::verify(note, key)?;
    if checkpoint.origin != origin {
        return Err(OutsideError::OtherLog { found: checkpoint.origin, expected: origin.to_string() });
    }
    Ok(checkpoint)
}

/// Whether the log `leaves` extends `checkpoint` (already verified as this log's).
pub(crate) fn check_against_log(checkpoint: &Checkpoint, leaves: &[Hash]) -> Result<(), OutsideError> {
    let events = leaves.len() as u64;
    if checkpoint.size > events {
        return Err(OutsideError::BeyondLog { size: checkpoint.size, events });
    }
    if checkpoint.size == 0 {
        return Ok(());
    }
    let proof = merkle::consistency_proof(leaves, checkpoint.size as usize).map_err(|_| OutsideError::Inconsistent)?;
    merkle::verify_consistency(checkpoint.size, events, &checkpoint.root, &merkle::root(leaves), &proof)
        .map_err(|_| OutsideError::Rewritten { size: checkpoint.size })
}

/// The consistency proof from `old` to the whole log `leaves`, with `new_note` the signed checkpoint of
/// that log. Checked before it is handed out: a proof that does not hold means the log was rewritten.
pub(crate) fn prove(old: &Checkpoint, leaves: &[Hash], new_note: String) -> Result<ConsistencyProof, OutsideError> {
    check_against_log(old, leaves)?;
    let hashes = if old.size == 0 || old.size == leaves.len() as u64 {
        Vec::new()
    } else {
        merkle::consistency_proof(leaves, old.size as usize).map_err(|_| OutsideError::Inconsistent)?
    };
    Ok(ConsistencyProof { old_size: old.size, hashes, note: new_note })
}

/// The reviewer's check, with no vault: both checkpoints signed by `key` for one custodia log, the proof
/// from the older one's size to the newer one, and the proof holding between their roots.
pub fn check_offline(
    old_note: &str,
    new_note: &str,
    proof: &ConsistencyProof,
    key: &VerifyingKey,
) -> Result<(Checkpoint, Checkpoint), OutsideError> {
    let new = Checkpoint::verify(new_note, key)?;
    if !new.origin.starts_with(ORIGIN_PREFIX) {
        return Err(OutsideError::OtherLog { found: new.origin, expected: format!("{ORIGIN_PREFIX}…") });
    }
    let old = read_for(old_note, key, &new.origin)?;
    if proof.note != new_note {
        return Err(OutsideError::ProofForOtherCheckpoint);
    }
    if proof.old_size != old.size {
        return Err(OutsideError::ProofFromOtherSize { found: proof.old_size, expected: old.size });
    }
    if new.size < old.size {
        return Err(OutsideError::Backwards { old: old.size, new: new.size });
    }
    if old.size > 0 {
        merkle::verify_consistency(old.size, new.size, &old.root, &new.root, &proof.hashes)
            .map_err(|_| OutsideError::Inconsistent)?;
    }
    Ok((old, new))
}

#[cfg(test)]
mod tests {
    use super::super::origin_for;
    use super::*;
    use ed25519_dalek::SigningKey;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n).map(|i| merkle::leaf_hash(format!("event {i}").as_bytes())).collect()
    }

    fn signed(key: &SigningKey, leaves: &[Hash]) -> (Checkpoint, String) {
        let checkpoint = Checkpoint { origin: origin_for("v1"), size: leaves.len() as u64, root: merkle::root(leaves) };
        let note = checkpoint.sign(key);
        (checkpoint, note)
    }

    #[test]
    fn a_proof_round_trips_through_its_text_and_checks_offline() {
        let key = SigningKey::from_bytes(&[3u8; 32]);
        let log = leaves(37);
        let (old, old_note) = signed(&key, &log[..11]);
        let (_, new_note) = signed(&key, &log);
        let proof = prove(&old, &log, new_note.clone()).expect("proof");
        let read = ConsistencyProof::parse(&proof.to_text()).expect("parse");
        assert_eq!(read, proof);
        let (o, n) = check_offline(&old_note, &new_note, &read, &key.verifying_key()).expect("holds");
        assert_eq!((o.size, n.size), (11, 37));
    }

    #[test]
    fn a_rewritten_log_a_shortened_log_and_a_bent_proof_are_refused() {
        let key = SigningKey::from_bytes(&[3u8; 32]);
        let log = leaves(20);
        let (old, old_note) = signed(&key, &log[..8]);
        let mut rewritten = log.clone();
        rewritten[5] = merkle::leaf_hash(b"rewritten");
        assert_eq!(check_against_log(&old, &rewritten), Err(OutsideError::Rewritten { size: 8 }));
        assert_eq!(check_against_log(&old, &log[..5]), Err(OutsideError::BeyondLog { size: 8, events: 5 }));
        let (_, new_note) = signed(&key, &log);
        let mut proof = prove(&old, &log, new_note.clone()).expect("proof");
        proof.hashes[0][0] ^= 1;
        assert_eq!(check_offline(&old_note, &new_note, &proof, &key.verifying_key()), Err(OutsideError::Inconsistent));
        proof.hashes.pop();
        assert!(check_offline(&old_note, &new_note, &proof, &key.verifying_key()).is_err());
    }

    #[test]
    fn another_vaults_checkpoint_and_a_forged_signature_are_named() {
        let key = SigningKey::from_bytes(&[3u8; 32]);
        let other = SigningKey::from_bytes(&[4u8; 32]);
        let (_, note) = signed(&key, &leaves(3));
        assert!(matches!(read_for(&note, &key.verifying_key(), &origin_for("v2")), Err(OutsideError::OtherLog { .. })));
        assert!(matches!(read_for(&note, &other.verifying_key(), &origin_for("v1")), Err(OutsideError::Note(_))));
    }

    #[test]
    fn verifier_keys_are_read_with_their_key_id_checked() {
        let key = SigningKey::from_bytes(&[3u8; 32]).verifying_key();
        let text = super::super::verifier_key("custodia.vault/v1", &key);
        assert_eq!(parse_verifier_key(&text).expect("reads"), ("custodia.vault/v1".to_string(), key));
        let wrong_id = text.replacen('+', "+0", 1);
        for bad in ["", "a+b", "a+00000000+AQ==", wrong_id.as_str()] {
            assert_eq!(parse_verifier_key(bad), Err(OutsideError::BadVerifierKey), "{bad}");
        }
    }

    #[test]
    fn words_round_trip_and_a_misheard_skipped_or_swapped_word_is_caught() {
        let log = leaves(9);
        let root = merkle::root(&log);
        let words = to_words(9, &root);
        assert_eq!(words.split_whitespace().count(), 1 + WORDS_ROOT_BYTES + 1, "{words}");
        let (size, prefix) = from_words(&words.to_uppercase()).expect("reads back in any case");
        assert_eq!((size, prefix.as_slice()), (9, &root[..WORDS_ROOT_BYTES]));
        assert_eq!(check_words_against_log(size, &prefix, &log), Ok(()));
        assert_eq!(
            check_words_against_log(size, &prefix, &log[..4]),
            Err(OutsideError::BeyondLog { size: 9, events: 4 })
        );
        let mut rewritten = log.clone();
        rewritten[2] = merkle::leaf_hash(b"rewritten");
        assert_eq!(check_words_against_log(size, &prefix, &rewritten), Err(OutsideError::Rewritten { size: 9 }));
        let list: Vec<&str> = words.split_whitespace().collect();
        let skipped = [&list[..3], &list[4..]].concat().join(" ");
        let mut swapped = list.clone();
        swapped.swap(2, 3);
        let other_size = format!("8 {}", list[1..].join(" "));
        for bad in [skipped, swapped.join(" "), other_size, String::new(), "9".into()] {
            assert_eq!(from_words(&bad), Err(OutsideError::BadWords), "{bad}");
        }
    }

    #[test]
    fn proof_text_out_of_bounds_is_refused_before_work() {
        let many = format!("old 5\n{}\nx\n", vec![B64.encode([0u8; 32]); 200].join("\n"));
        assert_eq!(ConsistencyProof::parse(&many), Err(OutsideError::MalformedProof));
        for bad in ["", "old 05\n\nn\n", "new 5\n\nn\n", "old 5\nnot base64\n\nn\n"] {
            assert_eq!(ConsistencyProof::parse(bad), Err(OutsideError::MalformedProof), "{bad:?}");
        }
    }
}
