//! Signed notes: a checkpoint (C2SP tlog-checkpoint) with its signature lines, cosignatures by other keys
//! among them, checked against the fuzzing key; a bundle's `custody/signature` file, which signs text
//! the same way; and what a reviewer hands back to `custodia checkpoint`: a consistency proof in the
//! tlog-witness text (checked offline against the input as both checkpoints), a checkpoint's words and a
//! verifier key.
#![no_main]

use custodia_core::checkpoint::{check_offline, from_words, parse_verifier_key, Checkpoint, ConsistencyProof};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let key = custodia_fuzz::signing_key().verifying_key();
    let _ = Checkpoint::verify(text, &key);
    let _ = custodia_core::fuzzing::bundle_signature_verifies(text, data);
    if let Ok(proof) = ConsistencyProof::parse(text) {
        let _ = check_offline(&proof.note, &proof.note, &proof, &key);
    }
    let _ = from_words(text);
    let _ = parse_verifier_key(text);
});
