//! Stored MinHash fingerprints of transcripts, and the near-duplicate look-up over them: one indexed query
//! per band, then the candidates' signatures compared, so a check does not grow with the number of
//! testimonies (only with the number of genuinely similar ones). Public for the benchmark
//! (`examples/harm_bench.rs`); the vault calls it inside its own transactions.

use super::minhash::{self, Signature};
use crate::error::Result;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;

/// Candidates sharing a single band are compared only up to this many (see `similar`).
pub const MAX_SINGLE_BAND_CANDIDATES: usize = 32;

/// Replaces the stored fingerprint of an interview's transcript (none for a transcript too short).
pub fn index(tx: &Connection, interview_id: &str, transcript: &str) -> Result<()> {
    // The old band keys are recomputed from the stored signature, so removal needs no second index.
    let old: Option<Vec<u8>> = tx
        .query_row("SELECT signature FROM testimony_signatures WHERE interview_id = ?1", [interview_id], |r| r.get(0))
        .optional()?;
    if let Some(old) = old.as_deref().and_then(Signature::from_bytes) {
        let mut delete = tx.prepare_cached("DELETE FROM testimony_bands WHERE key = ?1 AND interview_id = ?2")?;
        for key in old.band_keys() {
            delete.execute(params![key, interview_id])?;
        }
        tx.execute("DELETE FROM testimony_signatures WHERE interview_id = ?1", [interview_id])?;
    }
    let Some(signature) = minhash::signature(transcript) else { return Ok(()) };
    tx.execute(
        "INSERT INTO testimony_signatures (interview_id, signature) VALUES (?1, ?2)",
        params![interview_id, signature.to_bytes()],
    )?;
    let mut insert = tx.prepare_cached("INSERT OR IGNORE INTO testimony_bands (key, interview_id) VALUES (?1, ?2)")?;
    for key in signature.band_keys() {
        insert.execute(params![key, interview_id])?;
    }
    Ok(())
}

/// Interviews whose transcript is estimated at least `threshold` similar to `transcript`, most similar
/// first, leaving out `exclude` (the interview being edited).
pub fn similar(
    conn: &Connection,
    transcript: &str,
    exclude: Option<&str>,
    threshold: f64,
) -> Result<Vec<(String, f64)>> {
    let Some(signature) = minhash::signature(transcript) else { return Ok(Vec::new()) };
    let mut shared: BTreeMap<String, u32> = BTreeMap::new();
    let mut lookup = conn.prepare_cached("SELECT interview_id FROM testimony_bands WHERE key = ?1")?;
    for key in signature.band_keys() {
        let rows = lookup.query_map(params![key], |r| r.get::<_, String>(0))?;
        for row in rows {
            *shared.entry(row?).or_default() += 1;
        }
    }
    if let Some(exclude) = exclude {
        shared.remove(exclude);
    }
    // A similar pair usually shares several bands; unrelated accounts of the same events share at most
    // one, by chance, and their number grows with the vault. Candidates sharing a single band are checked
    // only while they are few, so the cost of a check stays bounded (see the module doc of `minhash`).
    let single = shared.values().filter(|n| **n == 1).count();
    let candidates: Vec<String> =
        shared.into_iter().filter(|(_, n)| *n >= 2 || single <= MAX_SINGLE_BAND_CANDIDATES).map(|(id, _)| id).collect();
    let mut stored = conn.prepare_cached("SELECT signature FROM testimony_signatures WHERE interview_id = ?1")?;
    let mut found = Vec::new();
    for id in candidates {
        let bytes: Vec<u8> = stored.query_row([&id], |r| r.get(0))?;
        if let Some(other) = Signature::from_bytes(&bytes) {
            let similarity = signature.similarity(&other);
            if similarity >= threshold {
                found.push((id, similarity));
            }
        }
    }
    found.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(found)
}
