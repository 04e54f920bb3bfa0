use super::*;
use crate::checkpoint::origin_for;
use ed25519_dalek::SigningKey;

fn leaves(n: usize) -> Vec<Hash> {
    (0..n).map(|i| merkle::leaf_hash(format!("event {i}").as_bytes())).collect()
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[4u8; 32])
}

fn signed(leaves: &[Hash]) -> (Checkpoint, String) {
    let cp = Checkpoint { origin: origin_for("v1"), size: leaves.len() as u64, root: merkle::root(leaves) };
    let note = cp.sign(&key());
    (cp, note)
}

/// A file for the bundle checkpoint over `log`, carrying the checkpoint of its first `earlier` events.
fn file(log: &[Hash], earlier: usize) -> (Checkpoint, ConsistencyFile) {
    let (cp, _) = signed(log);
    let (_, note) = signed(&log[..earlier]);
    let proof = Tree::new(log.to_vec()).consistency_proof(earlier as u64).expect("proof");
    let entry = EarlierEntry {
        why: EarlierWhy::Sent,
        bundle: Some("B-11111-22222".into()),
        note,
        proof: proof.iter().map(hex::encode).collect(),
    };
    let head = ProofsCheckpoint { origin: cp.origin.clone(), tree_size: cp.size, root_hash: hex::encode(cp.root) };
    (cp, ConsistencyFile { format: FORMAT.into(), checkpoint: head, earlier: vec![entry] })
}

fn run(cp: &Checkpoint, file: &ConsistencyFile) -> std::result::Result<Vec<ReceivedEarlier>, EarlierFault> {
    check(&serde_json::to_string(file).expect("json"), cp, &key().verifying_key())
}

#[test]
fn an_earlier_checkpoint_that_the_log_extends_is_reported() {
    let (cp, f) = file(&leaves(40), 17);
    let found = run(&cp, &f).expect("holds");
    assert_eq!((found[0].size, found[0].bundle.as_deref()), (17, Some("B-11111-22222")));
}

#[test]
fn proofs_that_disagree_with_the_checkpoint_are_named_with_the_earlier_bundle() {
    let log = leaves(40);
    let (cp, f) = file(&log, 17);
    let not_extended = Err(EarlierFault::NotExtended { size: 17, bundle: Some("B-11111-22222".into()) });
    let mut bent = f.clone();
    bent.earlier[0].proof[0] = hex::encode([0u8; 32]);
    assert_eq!(run(&cp, &bent), not_extended);
    let mut short = f.clone();
    short.earlier[0].proof.pop();
    assert_eq!(run(&cp, &short), not_extended);
    let mut long = f.clone();
    long.earlier[0].proof.push(hex::encode([1u8; 32]));
    assert_eq!(run(&cp, &long), not_extended);
    // The earlier checkpoint of another history (a rewritten event 3) with the same proof.
    let mut rewritten = log.clone();
    rewritten[3] = merkle::leaf_hash(b"rewritten");
    let mut other = f.clone();
    other.earlier[0].note = signed(&rewritten[..17]).1;
    assert_eq!(run(&cp, &other), not_extended);
    // Larger than the bundle's checkpoint.
    let mut beyond = f.clone();
    beyond.earlier[0].note = signed(&leaves(41)).1;
    assert!(matches!(run(&cp, &beyond), Err(EarlierFault::NotExtended { size: 41, .. })));
}

#[test]
fn a_malformed_file_a_foreign_note_or_a_bad_hash_is_refused_as_malformed() {
    let (cp, f) = file(&leaves(20), 5);
    let malformed =
        |r: std::result::Result<Vec<ReceivedEarlier>, EarlierFault>| matches!(r, Err(EarlierFault::Malformed(_)));
    let mut format = f.clone();
    format.format = "custodia.consistency/9".into();
    assert!(malformed(run(&cp, &format)));
    let mut head = f.clone();
    head.checkpoint.tree_size = 19;
    assert!(malformed(run(&cp, &head)));
    let mut forged = f.clone();
    forged.earlier[0].note =
        Checkpoint { origin: origin_for("v1"), size: 5, root: [0; 32] }.sign(&SigningKey::from_bytes(&[9; 32]));
    assert!(malformed(run(&cp, &forged)), "signed by another key");
    let mut foreign = f.clone();
    foreign.earlier[0].note = Checkpoint { origin: origin_for("v2"), size: 5, root: [0; 32] }.sign(&key());
    assert!(malformed(run(&cp, &foreign)), "another log");
    let mut not_hex = f.clone();
    not_hex.earlier[0].proof[0] = "zz".into();
    assert!(malformed(run(&cp, &not_hex)));
    let mut too_many = f.clone();
    too_many.earlier = vec![f.earlier[0].clone(); MAX_EARLIER + 1];
    assert!(malformed(run(&cp, &too_many)));
    let mut too_long = f.clone();
    too_long.earlier[0].proof = vec![hex::encode([0u8; 32]); MAX_PROOF_HASHES + 1];
    assert!(malformed(run(&cp, &too_long)));
    assert!(matches!(check("{", &cp, &key().verifying_key()), Err(EarlierFault::Malformed(_))));
}
