use super::super::{origin_for, outside::prove, verifier_key};
use super::*;
use sha2::Digest;

const NOW: u64 = 1_800_000_000;

fn leaves(n: usize) -> Vec<Hash> {
    (0..n).map(|i| merkle::leaf_hash(format!("event {i}").as_bytes())).collect()
}

fn log_key() -> SigningKey {
    SigningKey::from_bytes(&[5u8; 32])
}

fn log_vkey() -> String {
    verifier_key(&origin_for("v1"), &log_key().verifying_key())
}

fn checkpoint(leaves: &[Hash]) -> (Checkpoint, String) {
    let checkpoint = Checkpoint { origin: origin_for("v1"), size: leaves.len() as u64, root: merkle::root(leaves) };
    let note = checkpoint.sign(&log_key());
    (checkpoint, note)
}

fn witness() -> WitnessKey {
    WitnessKey { name: "lawyer.example/w".into(), key: SigningKey::from_bytes(&[6u8; 32]) }
}

/// The first cosignature of the log at `n` events: the witness's memory.
fn first(log: &[Hash], n: usize) -> LastSeen {
    let (_, note) = checkpoint(&log[..n]);
    cosign(&note, None, Some(&log_vkey()), None, &witness(), NOW).expect("first cosign").1
}

#[test]
fn a_cosignature_follows_tlog_cosignature_v1_and_verifies() {
    let (cp, note) = checkpoint(&leaves(9));
    let (cosigned, seen) = cosign(&note, None, Some(&log_vkey()), None, &witness(), NOW).expect("cosign");
    assert!(cosigned.starts_with(&note), "the log's own signature stays: {cosigned}");
    let line = cosigned.lines().last().expect("a line");
    let blob = B64.decode(line.rsplit(' ').next().expect("blob")).expect("base64");
    assert_eq!(blob.len(), 4 + 8 + 64);
    assert_eq!(u64::from_be_bytes(blob[4..12].try_into().expect("8")), NOW, "time is big-endian");
    // The signed message, built here from the specification's text.
    let message = format!("cosignature/v1\ntime {NOW}\n{}", cp.body());
    let signature = Signature::from_slice(&blob[12..]).expect("sig");
    witness().key.verifying_key().verify(message.as_bytes(), &signature).expect("signs the spec's message");
    // Key id: SHA-256(name ‖ "\n" ‖ 0x04 ‖ key)[..4].
    let mut input = b"lawyer.example/w\n\x04".to_vec();
    input.extend_from_slice(witness().key.verifying_key().as_bytes());
    assert_eq!(blob[..4], sha2::Sha256::digest(&input)[..4]);
    let (name, key) = parse_witness_key(&witness().verifier_key()).expect("vkey");
    assert_eq!(find_cosignature(&cosigned, &name, &key, NOW).expect("found").time, NOW);
    assert_eq!((seen.size, seen.log_key.as_str()), (9, log_vkey().as_str()));
}

#[test]
fn a_larger_checkpoint_needs_a_proof_that_holds() {
    let log = leaves(30);
    let seen = first(&log, 12);
    let (old, _) = checkpoint(&log[..12]);
    let (_, note) = checkpoint(&log);
    let w = witness();
    assert_eq!(cosign(&note, None, None, Some(&seen), &w, NOW), Err(WitnessError::ProofNeeded { last: 12 }));
    let proof = prove(&old, &log, note.clone()).expect("proof");
    let (_, moved) = cosign(&note, Some(&proof), None, Some(&seen), &w, NOW).expect("extends");
    assert_eq!(moved.size, 30);
    let mut bent = proof.clone();
    bent.hashes[0][0] ^= 1;
    assert_eq!(cosign(&note, Some(&bent), None, Some(&seen), &w, NOW), Err(WitnessError::Fork { last: 12 }));
    let mut short = proof.clone();
    short.hashes.pop();
    assert_eq!(cosign(&note, Some(&short), None, Some(&seen), &w, NOW), Err(WitnessError::Fork { last: 12 }));
    let mut long = proof.clone();
    long.hashes.push([0; 32]);
    assert_eq!(cosign(&note, Some(&long), None, Some(&seen), &w, NOW), Err(WitnessError::Fork { last: 12 }));
    let other_size = ConsistencyProof { old_size: 11, ..proof };
    assert!(matches!(
        cosign(&note, Some(&other_size), None, Some(&seen), &w, NOW),
        Err(WitnessError::Outside(OutsideError::ProofFromOtherSize { found: 11, expected: 12 }))
    ));
}

#[test]
fn a_rewritten_or_shorter_log_or_another_key_is_refused() {
    let log = leaves(20);
    let seen = first(&log, 20);
    let w = witness();
    let mut rewritten = log.clone();
    rewritten[3] = merkle::leaf_hash(b"rewritten");
    let (_, same_size) = checkpoint(&rewritten);
    assert_eq!(cosign(&same_size, None, None, Some(&seen), &w, NOW), Err(WitnessError::Fork { last: 20 }));
    let (_, shorter) = checkpoint(&log[..15]);
    assert_eq!(cosign(&shorter, None, None, Some(&seen), &w, NOW), Err(WitnessError::Older { size: 15, last: 20 }));
    let (_, again) = checkpoint(&log);
    assert!(cosign(&again, None, None, Some(&seen), &w, NOW).is_ok(), "the same checkpoint may be cosigned again");
    let other = SigningKey::from_bytes(&[9u8; 32]);
    let forged = Checkpoint { origin: origin_for("v1"), size: 21, root: [1; 32] }.sign(&other);
    let origin = origin_for("v1");
    assert_eq!(
        cosign(&forged, None, None, Some(&seen), &w, NOW),
        Err(WitnessError::LogKeyChanged { origin: origin.clone() })
    );
    let other_vkey = verifier_key(&origin, &other.verifying_key());
    assert_eq!(
        cosign(&again, None, Some(&other_vkey), Some(&seen), &w, NOW),
        Err(WitnessError::LogKeyChanged { origin: origin.clone() })
    );
    assert_eq!(cosign(&again, None, None, None, &w, NOW), Err(WitnessError::LogKeyNeeded { origin }));
}

#[test]
fn a_note_with_extra_or_missing_lines_or_another_log_is_refused() {
    let (_, note) = checkpoint(&leaves(4));
    let w = witness();
    let vkey = log_vkey();
    let extra = note.replacen("\n\n", "\nextension\n\n", 1);
    assert!(cosign(&extra, None, Some(&vkey), None, &w, NOW).is_err(), "an extension line breaks the log signature");
    let missing: String = note.lines().skip(1).map(|l| format!("{l}\n")).collect();
    assert!(cosign(&missing, None, Some(&vkey), None, &w, NOW).is_err());
    let other_log = Checkpoint { origin: origin_for("v2"), size: 4, root: [2; 32] }.sign(&log_key());
    assert!(matches!(
        cosign(&other_log, None, Some(&vkey), None, &w, NOW),
        Err(WitnessError::Outside(OutsideError::OtherLog { .. }))
    ));
    assert!(cosign("garbage", None, Some(&vkey), None, &w, NOW).is_err());
}

#[test]
fn a_cosignature_by_another_key_altered_or_from_the_future_is_refused() {
    let (_, note) = checkpoint(&leaves(4));
    let (cosigned, _) = cosign(&note, None, Some(&log_vkey()), None, &witness(), NOW).expect("cosign");
    let (name, key) = parse_witness_key(&witness().verifier_key()).expect("vkey");
    let stranger = WitnessKey { name: "lawyer.example/w".into(), key: SigningKey::from_bytes(&[7u8; 32]) };
    let sk = stranger.key.verifying_key();
    assert_eq!(find_cosignature(&cosigned, &name, &sk, NOW), Err(WitnessError::NoCosignature(name.clone())));
    let altered = cosigned.replacen("\n4\n", "\n5\n", 1);
    assert_eq!(find_cosignature(&altered, &name, &key, NOW), Err(WitnessError::BadCosignature(name.clone())));
    let (future, _) = cosign(&note, None, Some(&log_vkey()), None, &witness(), NOW + 3 * 86_400).expect("cosign");
    assert!(matches!(find_cosignature(&future, &name, &key, NOW), Err(WitnessError::FromTheFuture { .. })));
    // A log key given where a witness key is expected, and the other way round.
    assert_eq!(parse_witness_key(&log_vkey()), Err(WitnessError::BadWitnessKey));
    assert!(super::super::parse_verifier_key(&witness().verifier_key()).is_err());
}

#[test]
fn a_key_file_round_trips_and_a_tampered_one_is_refused() {
    let made = WitnessKey::generate("ngo.example/witness").expect("key");
    let read = WitnessKey::from_file_text(&made.to_file_text()).expect("read");
    assert_eq!((read.name.as_str(), read.key.to_bytes()), ("ngo.example/witness", made.key.to_bytes()));
    let text = made.to_file_text();
    for bad in
        [text.replacen("ngo", "ong", 1), text.replacen("PRIVATE", "PUBLIC", 1), "".into(), "PRIVATE+KEY+a+b".into()]
    {
        assert!(WitnessKey::from_file_text(&bad).is_err(), "{bad}");
    }
    for name in ["", "two words", "a+b", "tab\there", "ütf"] {
        assert_eq!(WitnessKey::generate(name).err(), Some(WitnessError::BadName), "{name:?}");
    }
}
