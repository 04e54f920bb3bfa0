//! Signed notes: a checkpoint (C2SP tlog-checkpoint) with its signature lines, cosignatures by other keys
//! among them, checked against the fuzzing key; and a bundle's `custody/signature` file, which signs text
//! the same way.
#![no_main]

use custodia_core::checkpoint::Checkpoint;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let key = custodia_fuzz::signing_key().verifying_key();
    let _ = Checkpoint::verify(text, &key);
    let _ = custodia_core::fuzzing::bundle_signature_verifies(text, data);
});
