//! Inclusion and consistency proofs (RFC 9162). The first byte picks: 0 verifies an inclusion proof and 1 a
//! consistency proof taken from the input; otherwise proofs are made for a tree of up to 512 leaves and
//! must verify, and must fail once one of their bytes is changed.
#![no_main]

use custodia_core::merkle::{self, Hash};
use custodia_fuzz::Fields;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut f = Fields(data);
    match f.bytes::<1>()[0] {
        0 => {
            let (index, size) = (f.u64(), f.u64());
            let (leaf, root) = (f.bytes::<32>(), f.bytes::<32>());
            let _ = merkle::verify_inclusion(&leaf, index, size, &f.hashes(), &root);
        }
        1 => {
            let (size1, size2) = (f.u64(), f.u64());
            let (root1, root2) = (f.bytes::<32>(), f.bytes::<32>());
            let _ = merkle::verify_consistency(size1, size2, &root1, &root2, &f.hashes());
        }
        _ => round_trip(&mut f),
    }
});

fn round_trip(f: &mut Fields) {
    let n = usize::from(f.u16() % 512) + 1;
    let (index, old) = (usize::from(f.u16()) % n, usize::from(f.u16()) % n + 1);
    let flip = usize::from(f.u16());
    let leaves: Vec<Hash> = (0..n).map(|i| merkle::leaf_hash(&i.to_le_bytes())).collect();
    let root = merkle::root(&leaves);
    let (size, at) = (n as u64, index as u64);

    let mut proof = merkle::inclusion_proof(&leaves, index).expect("the index is in the tree");
    assert!(merkle::verify_inclusion(&leaves[index], at, size, &proof, &root).is_ok(), "inclusion {index} of {n}");
    if !proof.is_empty() {
        tamper(&mut proof, flip);
        assert!(merkle::verify_inclusion(&leaves[index], at, size, &proof, &root).is_err(), "tampered inclusion");
    }

    let old_root = merkle::root(&leaves[..old]);
    let mut proof = merkle::consistency_proof(&leaves, old).expect("the old size is in range");
    assert!(merkle::verify_consistency(old as u64, size, &old_root, &root, &proof).is_ok(), "{old} to {n}");
    if !proof.is_empty() {
        tamper(&mut proof, flip);
        assert!(merkle::verify_consistency(old as u64, size, &old_root, &root, &proof).is_err(), "tampered");
    }
}

/// Changes one bit of one hash of a non-empty proof.
fn tamper(proof: &mut [Hash], flip: usize) {
    let len = proof.len();
    proof[flip / 256 % len][flip % 32] ^= 1 << (flip % 8);
}
