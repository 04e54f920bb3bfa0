//! Signed notes, checkpoints and consistency proofs against `tests/vectors/{signed-note,checkpoint,
//! consistency-proof}` (written by `scripts/make-vectors.py` from the C2SP and RFC 6962 texts; the
//! signed-note folder holds the Go reference implementation's own example).

use super::{vectors, Vector};
use crate::checkpoint::{
    check_offline, parse_verifier_key, sign_note, verify_note, Checkpoint, ConsistencyProof, NoteError, OutsideError,
};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::SigningKey;

fn decoded(vector: &Vector, header: &str) -> String {
    let bytes = B64.decode(vector.header(header)).expect("base64 header");
    String::from_utf8(bytes).expect("UTF-8 header")
}

fn key(vector: &Vector) -> ed25519_dalek::VerifyingKey {
    parse_verifier_key(vector.header("key")).unwrap_or_else(|e| panic!("{}: {e}", vector.name)).1
}

/// The vectors' name for each way a note fails.
fn note_failure(error: &NoteError) -> String {
    match error {
        NoteError::Malformed => "malformed".into(),
        NoteError::BadLine(line) => format!("bad_line {line}"),
        NoteError::NoSignatureByKey(_) => "no_signature".into(),
        NoteError::BadSignature(_) => "bad_signature".into(),
    }
}

fn outside_failure(error: &OutsideError) -> String {
    match error {
        OutsideError::Note(note) => note_failure(note),
        OutsideError::OtherLog { .. } => "other_log".into(),
        OutsideError::Backwards { .. } => "backwards".into(),
        OutsideError::MalformedProof => "malformed_proof".into(),
        OutsideError::ProofFromOtherSize { .. } => "proof_from_other_size".into(),
        OutsideError::ProofForOtherCheckpoint => "proof_for_other_checkpoint".into(),
        OutsideError::Inconsistent => "inconsistent".into(),
        other => format!("unexpected: {other}"),
    }
}

/// `PRIVATE+KEY+<name>+<key id>+base64(0x01 ‖ seed)`, the reference implementation's signer key.
fn signer(text: &str) -> SigningKey {
    let typed = B64.decode(text.splitn(5, '+').nth(4).expect("key part")).expect("base64 key");
    assert_eq!(typed[0], 0x01, "an Ed25519 signer key");
    SigningKey::from_bytes(&typed[1..].try_into().expect("32-byte seed"))
}

#[test]
fn signed_notes_match_the_vectors() {
    for vector in vectors("signed-note", 8) {
        let (name, key) = (vector.header("name"), key(&vector));
        let outcome = verify_note(&vector.body, name, &key);
        match vector.expected_failure() {
            None => {
                let text = decoded(&vector, "text");
                assert_eq!(outcome, Ok(text.as_str()), "{}", vector.name);
                if let Some(secret) = vector.optional("signer") {
                    assert_eq!(sign_note(&text, name, &signer(secret)), vector.body, "{}: signing", vector.name);
                }
            }
            Some(failure) => {
                let error = outcome.expect_err(&vector.name);
                assert_eq!(note_failure(&error), failure, "{}", vector.name);
            }
        }
    }
}

#[test]
fn checkpoints_match_the_vectors() {
    for vector in vectors("checkpoint", 12) {
        let outcome = Checkpoint::verify(&vector.body, &key(&vector));
        match vector.expected_failure() {
            None => {
                let checkpoint = outcome.unwrap_or_else(|e| panic!("{}: {e}", vector.name));
                assert_eq!(checkpoint.origin, vector.header("origin"), "{}", vector.name);
                assert_eq!(checkpoint.size.to_string(), vector.header("size"), "{}", vector.name);
                assert_eq!(B64.encode(checkpoint.root), vector.header("root"), "{}", vector.name);
            }
            Some(failure) => assert_eq!(note_failure(&outcome.expect_err(&vector.name)), failure, "{}", vector.name),
        }
    }
}

#[test]
fn consistency_proofs_match_the_vectors() {
    for vector in vectors("consistency-proof", 14) {
        let (old, new) = (decoded(&vector, "old-note"), decoded(&vector, "new-note"));
        let outcome =
            ConsistencyProof::parse(&vector.body).and_then(|proof| check_offline(&old, &new, &proof, &key(&vector)));
        match vector.expected_failure() {
            None => {
                let (old, new) = outcome.unwrap_or_else(|e| panic!("{}: {e}", vector.name));
                assert!(old.size <= new.size, "{}", vector.name);
                let proof = ConsistencyProof::parse(&vector.body).expect("parsed above");
                assert_eq!(proof.to_text(), vector.body, "{}: the proof's text round-trips", vector.name);
            }
            Some(failure) => {
                assert_eq!(outside_failure(&outcome.expect_err(&vector.name)), failure, "{}", vector.name)
            }
        }
    }
}
