//! The checks over a received bag, straight from memory: `bagit.txt`, `bag-info.txt` (Payload-Oxum), the
//! payload and tag manifests, the signature file, the signed checkpoint, the custody events, `proofs.json`
//! and the item list. The input is a packed bag (`custodia_fuzz::pack_files`); a pseudo-file named
//! `expected-signer` stands for the fingerprint the person typed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = custodia_fuzz::unpack_files(data);
    let expected = files.iter().find(|(p, _)| p == "expected-signer").map(|(_, c)| String::from_utf8_lossy(c));
    let _ = custodia_core::fuzzing::check_bag(&files, expected.as_deref());
});
