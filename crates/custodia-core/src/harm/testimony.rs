//! Stored MinHash fingerprints of transcripts, and the near-duplicate look-up over them: one indexed query
//! per band, then the candidates' signatures compared, so a check does not grow with the number of
//! testimonies (only with the number of genuinely similar ones).

use super::minhash::{self, Signature};
use crate::error::Result;
use rusqlite::{params, Connection};
use std::collections::BTreeSet;

/// Replaces the stored fingerprint of an interview's transcript (none for a transcript too short).
pub(crate) fn index(tx: &Connection, interview_id: &str, transcript: &str) -> Result<()> {
    tx.execute("DELETE FROM testimony_bands WHERE interview_id = ?1", [interview_id])?;
    tx.execute("DELETE FROM testimony_signatures WHERE interview_id = ?1", [interview_id])?;
    let Some(signature) = minhash::signature(transcript) else { return Ok(()) };
    tx.execute(
        "INSERT INTO testimony_signatures (interview_id, signature) VALUES (?1, ?2)",
        params![interview_id, signature.to_bytes()],
    )?;
    let mut insert = tx.prepare("INSERT INTO testimony_bands (band, key, interview_id) VALUES (?1, ?2, ?3)")?;
    for (band, key) in signature.band_keys().into_iter().enumerate() {
        insert.execute(params![band as i64, key, interview_id])?;
    }
    Ok(())
}

/// Interviews whose transcript is estimated at least `threshold` similar to `transcript`, most similar
/// first, leaving out `exclude` (the interview being edited).
pub(crate) fn similar(
    conn: &Connection,
    transcript: &str,
    exclude: Option<&str>,
    threshold: f64,
) -> Result<Vec<(String, f64)>> {
    let Some(signature) = minhash::signature(transcript) else { return Ok(Vec::new()) };
    let mut candidates = BTreeSet::new();
    let mut lookup = conn.prepare_cached("SELECT interview_id FROM testimony_bands WHERE band = ?1 AND key = ?2")?;
    for (band, key) in signature.band_keys().into_iter().enumerate() {
        let rows = lookup.query_map(params![band as i64, key], |r| r.get::<_, String>(0))?;
        for row in rows {
            candidates.insert(row?);
        }
    }
    if let Some(exclude) = exclude {
        candidates.remove(exclude);
    }
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
