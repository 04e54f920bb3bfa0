//! The outside RFC 6962 vectors (transparency-dev/merkle testdata, copied under tests/vectors/rfc6962):
//! every happy path verifies and every tampered case (modified bits, wrong index or size, garbage) fails.

use base64::Engine;
use custodia_core::merkle::{verify_consistency, verify_inclusion, Hash};
use std::path::{Path, PathBuf};

fn vectors(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors/rfc6962").join(kind);
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("vector folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A hash field; anything that is not exactly 32 bytes cannot be a valid hash, so the case must fail.
fn hash(v: &serde_json::Value) -> Option<Hash> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap_or_default()).ok()?;
    bytes.try_into().ok()
}

/// A root: any bytes (the verifier compares them; wrong lengths never match).
fn bytes(v: &serde_json::Value) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap_or_default()).ok()
}

fn proof(v: &serde_json::Value) -> Option<Vec<Hash>> {
    v.as_array().map_or(Some(Vec::new()), |items| items.iter().map(hash).collect())
}

fn check(path: &Path, run: impl Fn(&serde_json::Value) -> bool) {
    let case: serde_json::Value = serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json");
    let want_err = case["wantErr"].as_bool().expect("wantErr");
    let ok = run(&case);
    assert_eq!(ok, !want_err, "{}: {}", path.display(), case["desc"]);
}

#[test]
fn every_inclusion_vector_gives_the_expected_answer() {
    let files = vectors("inclusion");
    assert!(files.len() > 50, "vectors missing: {}", files.len());
    for path in files {
        check(&path, |c| {
            let (Some(leaf), Some(root), Some(proof)) = (hash(&c["leafHash"]), bytes(&c["root"]), proof(&c["proof"]))
            else {
                return false;
            };
            let (index, size) = (c["leafIdx"].as_u64().unwrap_or(u64::MAX), c["treeSize"].as_u64().unwrap_or(0));
            verify_inclusion(&leaf, index, size, &proof, &root).is_ok()
        });
    }
}

#[test]
fn every_consistency_vector_gives_the_expected_answer() {
    let files = vectors("consistency");
    assert!(files.len() > 50, "vectors missing: {}", files.len());
    for path in files {
        check(&path, |c| {
            let (Some(root1), Some(root2), Some(proof)) = (bytes(&c["root1"]), bytes(&c["root2"]), proof(&c["proof"]))
            else {
                return false;
            };
            let (size1, size2) = (c["size1"].as_u64().unwrap_or(0), c["size2"].as_u64().unwrap_or(0));
            verify_consistency(size1, size2, &root1, &root2, &proof).is_ok()
        });
    }
}
