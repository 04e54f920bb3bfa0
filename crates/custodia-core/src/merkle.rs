//! RFC 6962 / RFC 9162 Merkle trees over custody events: the tree hash, inclusion and consistency proofs,
//! and their verification. Leaves are `SHA-256(0x00 ‖ data)`, interior nodes `SHA-256(0x01 ‖ left ‖ right)`.
//! A checkpoint commits to the root of the first N events; an inclusion proof shows one event is in it;
//! a consistency proof shows a later checkpoint extends an earlier one without rewriting it.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// Why a proof does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MerkleError {
    #[error("the index {index} is outside a tree of {size} entries")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("the proof has the wrong number of hashes for this tree")]
    WrongProofLength,
    #[error("the proof does not lead to the expected root hash")]
    RootMismatch,
    #[error("a consistency proof needs a non-empty earlier tree no larger than the later one")]
    BadSizes,
}

/// RFC 6962 leaf hash.
pub fn leaf_hash(data: &[u8]) -> Hash {
    Sha256::new_with_prefix([0u8]).chain_update(data).finalize().into()
}

/// RFC 6962 interior node hash.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new_with_prefix([1u8]).chain_update(left).chain_update(right).finalize().into()
}

/// The largest power of two strictly smaller than `n` (n >= 2): where RFC 6962 splits a tree.
fn split(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// The Merkle tree hash (MTH) of the given leaf hashes. The empty tree hashes the empty string.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The audit path of leaf `index` (RFC 6962 2.1.1).
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Result<Vec<Hash>, MerkleError> {
    if index >= leaves.len() {
        return Err(MerkleError::IndexOutOfRange { index: index as u64, size: leaves.len() as u64 });
    }
    fn path(leaves: &[Hash], m: usize, out: &mut Vec<Hash>) {
        if leaves.len() <= 1 {
            return;
        }
        let k = split(leaves.len());
        if m < k {
            path(&leaves[..k], m, out);
            out.push(root(&leaves[k..]));
        } else {
            path(&leaves[k..], m - k, out);
            out.push(root(&leaves[..k]));
        }
    }
    let mut out = Vec::new();
    path(leaves, index, &mut out);
    Ok(out)
}

/// The consistency proof between the first `old_size` leaves and all of `leaves` (RFC 6962 2.1.2).
pub fn consistency_proof(leaves: &[Hash], old_size: usize) -> Result<Vec<Hash>, MerkleError> {
    if old_size == 0 || old_size > leaves.len() {
        return Err(MerkleError::BadSizes);
    }
    fn subproof(m: usize, leaves: &[Hash], complete: bool, out: &mut Vec<Hash>) {
        let n = leaves.len();
        if m == n {
            if !complete {
                out.push(root(leaves));
            }
            return;
        }
        let k = split(n);
        if m <= k {
            subproof(m, &leaves[..k], complete, out);
            out.push(root(&leaves[k..]));
        } else {
            subproof(m - k, &leaves[k..], false, out);
            out.push(root(&leaves[..k]));
        }
    }
    let mut out = Vec::new();
    subproof(old_size, leaves, true, &mut out);
    Ok(out)
}

/// Checks that `leaf` is entry `index` of the tree of `size` entries with `root` (RFC 9162 2.1.3.2).
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &[u8]) -> Result<(), MerkleError> {
    if index >= size {
        return Err(MerkleError::IndexOutOfRange { index, size });
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return Err(MerkleError::WrongProofLength);
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(MerkleError::WrongProofLength);
    }
    if r.as_slice() != root {
        return Err(MerkleError::RootMismatch);
    }
    Ok(())
}

/// Checks that the tree of `size2` entries with `root2` extends the one of `size1` with `root1`
/// (RFC 9162 2.1.4.2).
/// Roots are byte strings (a root of the wrong length simply never matches).
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    root1: &[u8],
    root2: &[u8],
    proof: &[Hash],
) -> Result<(), MerkleError> {
    if size1 == 0 || size1 > size2 {
        return Err(MerkleError::BadSizes);
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(MerkleError::WrongProofLength);
        }
        return if root1 == root2 { Ok(()) } else { Err(MerkleError::RootMismatch) };
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if size1.is_power_of_two() {
        path.push(root1.try_into().map_err(|_| MerkleError::RootMismatch)?);
    }
    path.extend_from_slice(proof);
    let Some((first, rest)) = path.split_first() else { return Err(MerkleError::WrongProofLength) };
    let (mut f, mut s) = (size1 - 1, size2 - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if s == 0 {
            return Err(MerkleError::WrongProofLength);
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(MerkleError::WrongProofLength);
    }
    if fr.as_slice() != root1 || sr.as_slice() != root2 {
        return Err(MerkleError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(format!("event {i}").as_bytes())).collect()
    }

    #[test]
    fn the_empty_tree_hashes_the_empty_string() {
        assert_eq!(hex::encode(root(&[])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    proptest! {
        #[test]
        fn generated_proofs_verify_and_tampered_ones_do_not(n in 1usize..70, i in 0usize..70, m in 1usize..70, bit in 0usize..256) {
            let all = leaves(n);
            let r = root(&all);
            let i = i % n;
            let proof = inclusion_proof(&all, i).expect("proof");
            prop_assert!(verify_inclusion(&all[i], i as u64, n as u64, &proof, &r).is_ok());
            if let Some(first) = proof.first() {
                let mut bad = proof.clone();
                bad[0] = { let mut h = *first; h[bit / 8] ^= 1 << (bit % 8); h };
                prop_assert!(verify_inclusion(&all[i], i as u64, n as u64, &bad, &r).is_err());
            }
            let m = 1 + (m - 1) % n;
            let proof = consistency_proof(&all, m).expect("proof");
            let old = root(&all[..m]);
            prop_assert!(verify_consistency(m as u64, n as u64, &old, &r, &proof).is_ok());
            if m < n {
                let mut rewritten = all.clone();
                rewritten[m - 1] = leaf_hash(b"rewritten");
                prop_assert!(verify_consistency(m as u64, n as u64, &root(&rewritten[..m]), &r, &proof).is_err());
            }
        }
    }
}
