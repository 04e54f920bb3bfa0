//! A quality floor on a fixed slice of the development set, so that a change that loses duplicates or
//! merges siblings fails here before it reaches the benchmarks.

use std::collections::HashSet;

use custodia_matching::{MatchIndex, DEFAULT_THRESHOLD};

use crate::common::{dev_slice, dev_slice_truth};

/// Measured 2026-11-26 on this slice: precision 1.000, recall 0.988 (see `tests/data/matching/README.md`).
/// The floors leave room for small trade-offs, not for a regression.
const PRECISION_FLOOR: f64 = 0.97;
const RECALL_FLOOR: f64 = 0.92;

#[test]
fn the_dev_slice_keeps_its_precision_and_recall() {
    let persons = dev_slice();
    let truth = dev_slice_truth();
    assert_eq!(persons.len(), 150, "the slice is fixed");
    assert!(truth.len() > 50, "the slice has true pairs");
    let mut index = MatchIndex::new();
    for p in &persons {
        index.insert(p);
    }
    let found: HashSet<(String, String)> =
        index.duplicate_pairs(DEFAULT_THRESHOLD).into_iter().map(|m| (m.a, m.b)).collect();
    let hits = found.intersection(&truth).count() as f64;
    let precision = hits / found.len().max(1) as f64;
    let recall = hits / truth.len() as f64;
    assert!(precision >= PRECISION_FLOOR, "precision {precision:.3} below {PRECISION_FLOOR}");
    assert!(recall >= RECALL_FLOOR, "recall {recall:.3} below {RECALL_FLOOR}");
}
