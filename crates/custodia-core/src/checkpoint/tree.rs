//! Merkle trees built once and asked many questions: every level kept, so an export can prove thousands of
//! events without recomputing subtrees for each (`merkle::inclusion_proof` costs a full pass per proof),
//! and a compact frontier that gives the root of every prefix of a log read once in order.
//!
//! Both give exactly the RFC 6962 tree: pairing nodes level by level and carrying an unpaired last node up
//! unchanged yields the same shape as splitting at the largest power of two. Tests compare with `merkle`.

use crate::merkle::{node_hash, Hash};
use sha2::{Digest, Sha256};

/// A whole tree, level by level: `levels[0]` are the leaf hashes, the last level is the root.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    pub(crate) fn new(leaves: Vec<Hash>) -> Tree {
        let mut levels = vec![leaves];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().map(Vec::as_slice).unwrap_or_default();
            let above: Vec<Hash> = below
                .chunks(2)
                .map(|pair| match pair {
                    [left, right] => node_hash(left, right),
                    [single] => *single,
                    _ => unreachable!("chunks(2) yields one or two hashes"),
                })
                .collect();
            levels.push(above);
        }
        Tree { levels }
    }

    pub(crate) fn size(&self) -> u64 {
        self.levels[0].len() as u64
    }

    /// The hash of leaf `index`.
    pub(crate) fn leaf(&self, index: u64) -> Option<Hash> {
        self.levels[0].get(usize::try_from(index).ok()?).copied()
    }

    /// The RFC 6962 root; the empty tree hashes the empty string.
    pub(crate) fn root(&self) -> Hash {
        match self.levels.last().and_then(|l| l.first()) {
            Some(root) if self.size() > 0 => *root,
            _ => Sha256::digest([]).into(),
        }
    }

    /// The audit path of leaf `index`, as `merkle::inclusion_proof` would give it.
    pub(crate) fn inclusion_proof(&self, index: u64) -> Option<Vec<Hash>> {
        if index >= self.size() {
            return None;
        }
        let mut i = index as usize;
        let mut path = Vec::new();
        for level in &self.levels[..self.levels.len() - 1] {
            // A node without a sibling is carried up unchanged: it contributes nothing to the path.
            if let Some(sibling) = level.get(i ^ 1) {
                path.push(*sibling);
            }
            i >>= 1;
        }
        Some(path)
    }
}

impl Tree {
    /// The RFC 6962 consistency proof from the tree of the first `old_size` leaves to this one, as
    /// `merkle::consistency_proof` gives it, but each subtree root read from the kept levels: a bundle
    /// carries several such proofs and each costs a few lookups instead of a pass over every leaf.
    pub(crate) fn consistency_proof(&self, old_size: u64) -> Option<Vec<Hash>> {
        if old_size == 0 || old_size > self.size() {
            return None;
        }
        let mut out = Vec::new();
        self.subproof(old_size, 0, self.size(), true, &mut out);
        Some(out)
    }

    /// RFC 6962 2.1.2's SUBPROOF over the leaves `start..end`.
    fn subproof(&self, m: u64, start: u64, end: u64, complete: bool, out: &mut Vec<Hash>) {
        let n = end - start;
        if m == n {
            if !complete {
                out.push(self.range_root(start, n));
            }
            return;
        }
        // The largest power of two below n (n > m >= 1, so n >= 2).
        let k = 1u64 << (63 - (n - 1).leading_zeros());
        if m <= k {
            self.subproof(m, start, start + k, complete, out);
            out.push(self.range_root(start + k, n - k));
        } else {
            self.subproof(m - k, start + k, end, false, out);
            out.push(self.range_root(start, k));
        }
    }

    /// The root of the leaves `start..start + len`, where `start` is a multiple of the power of two at or
    /// above `len` and the range is either that whole power of two or runs to the end of the tree: then it
    /// is one node of the kept levels (an unpaired node is carried up unchanged).
    fn range_root(&self, start: u64, len: u64) -> Hash {
        let level = len.next_power_of_two().trailing_zeros() as usize;
        self.levels[level][(start >> level) as usize]
    }
}

/// The right edge of a growing tree: one root per perfect subtree, largest first. Pushing leaves one by one
/// and asking `root()` at any point gives the root of the prefix seen so far, in memory logarithmic in it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Frontier {
    /// (number of leaves, root) of each perfect subtree, sizes strictly decreasing.
    stack: Vec<(u64, Hash)>,
    size: u64,
}

impl Frontier {
    pub(crate) fn push(&mut self, leaf: Hash) {
        let mut node = (1u64, leaf);
        while let Some(&(size, left)) = self.stack.last() {
            if size != node.0 {
                break;
            }
            self.stack.pop();
            node = (size * 2, node_hash(&left, &node.1));
        }
        self.stack.push(node);
        self.size += 1;
    }

    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    pub(crate) fn root(&self) -> Hash {
        let mut nodes = self.stack.iter().rev();
        let Some(&(_, mut root)) = nodes.next() else { return Sha256::digest([]).into() };
        for (_, left) in nodes {
            root = node_hash(left, &root);
        }
        root
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n).map(|i| merkle::leaf_hash(format!("event {i}").as_bytes())).collect()
    }

    #[test]
    fn level_tree_roots_and_proofs_match_the_recursive_definition() {
        for n in 0..70 {
            let all = leaves(n);
            let tree = Tree::new(all.clone());
            assert_eq!(tree.root(), merkle::root(&all), "root of {n} leaves");
            for i in 0..n {
                let ours = tree.inclusion_proof(i as u64).expect("in range");
                assert_eq!(ours, merkle::inclusion_proof(&all, i).expect("in range"), "proof of {i} in {n}");
            }
            assert!(tree.inclusion_proof(n as u64).is_none());
        }
    }

    #[test]
    fn consistency_proofs_from_the_levels_match_the_recursive_definition() {
        for n in 1..70usize {
            let tree = Tree::new(leaves(n));
            for m in 1..=n {
                let expected = merkle::consistency_proof(&leaves(n), m).expect("proof");
                assert_eq!(tree.consistency_proof(m as u64), Some(expected), "from {m} to {n}");
            }
            assert_eq!(tree.consistency_proof(0), None);
            assert_eq!(tree.consistency_proof(n as u64 + 1), None);
        }
    }

    #[test]
    fn frontier_gives_the_root_of_every_prefix() {
        let all = leaves(130);
        let mut frontier = Frontier::default();
        assert_eq!(frontier.root(), merkle::root(&[]));
        for (i, leaf) in all.iter().enumerate() {
            frontier.push(*leaf);
            assert_eq!(frontier.size(), i as u64 + 1);
            assert_eq!(frontier.root(), merkle::root(&all[..=i]), "prefix of {}", i + 1);
        }
    }
}
