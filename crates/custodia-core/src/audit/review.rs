//! The custody review (issue 11, point 7): what a lawyer or an auditor looks at before trusting the log,
//! gathered in one read. The checkpoints over time, each with the witnesses who cosigned it and the
//! timestamps it has, and whether the log still extends it; how the log stands against the copies held
//! outside it (this computer's copy of the newest checkpoint, the checkpoints that went out with each
//! bundle, the witnesses' newest cosignatures); and the anomalies of `anomalies`, from one pass over the
//! log.

use super::anomalies::{Anomaly, Row, Scan, DETAILED_ACTIONS};
use crate::checkpoint::{self, CheckpointReason, Found, LocalNotice};
use crate::error::Result;
use crate::records::consent::RecipientKind;
use crate::vault::Vault;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The review of a vault's custody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustodyReview {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub events: u64,
    /// Oldest first.
    pub checkpoints: Vec<ReviewedCheckpoint>,
    pub this_computer: LocalCopy,
    /// Newest first: each bundle sent, with the checkpoint its recipients hold.
    pub exports: Vec<ExportSeen>,
    /// Each witness once, by name, with the newest checkpoint they cosigned.
    pub witnesses: Vec<WitnessSeen>,
    pub anomalies: Vec<Anomaly>,
    /// Anomalies found beyond those listed.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub anomalies_left_off: u64,
}

/// A checkpoint the vault signed, with who vouched for it since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReviewedCheckpoint {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub id: u64,
    /// Events covered.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size: u64,
    pub made_at: String,
    pub reason: CheckpointReason,
    /// The note verifies and the log as it stands extends it (what `verify` checks of every checkpoint).
    pub holds: bool,
    pub cosignatures: Vec<Cosigned>,
    pub timestamps: Vec<Timestamped>,
}

/// A witness's cosignature: their name (outside text) and their own time, seconds since 1970 (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Cosigned {
    pub witness: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub signed_at: u64,
}

/// An RFC 3161 timestamp token kept for a checkpoint: the authority's time and address (outside text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Timestamped {
    pub gen_time: String,
    pub tsa_url: String,
}

/// This computer's copy of the newest checkpoint, written at every close and checked at every open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LocalCopy {
    /// The log extends the copy: a checkpoint of `size` events, the last at `last_time`.
    Holds {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        size: u64,
        last_time: Option<String>,
    },
    /// None: a vault new to this computer; the next close writes it.
    Missing,
    /// The copy cannot be used (`why`, the core's English); the next close replaces it.
    Unusable { why: String },
    /// This open went on with an older folder than the copy, by the user's choice (see the anomalies).
    RollbackAccepted,
    /// The log does not extend the copy.
    NotExtended {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        seen_size: u64,
    },
    /// This program keeps no copy (a tool reading the vault once).
    NotKept,
}

/// A bundle sent: its recipients hold its checkpoint and can ask any later log to extend it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportSeen {
    pub bundle: String,
    pub made_at: String,
    pub recipient_kind: RecipientKind,
    /// The recipients' names from the address book (none for a passphrase bundle).
    pub recipients: Vec<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub checkpoint_size: u64,
    /// The log still extends that checkpoint.
    pub holds: bool,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub seq: u64,
}

/// A witness and the newest checkpoint of this vault they cosigned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WitnessSeen {
    pub witness: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub newest_size: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub signed_at: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub cosignatures: u64,
}

impl Vault {
    /// The custody review: reads the checkpoints, their cosignatures and timestamps, the exports, this
    /// computer's copy, and walks the log once for anomalies. Writes nothing.
    pub fn custody_review(&self) -> Result<CustodyReview> {
        let failed: HashSet<u64> = checkpoint::check_all(&self.conn)?.into_iter().map(|f| f.checkpoint.id).collect();
        let mut checkpoints = reviewed_checkpoints(&self.conn, &failed)?;
        attach_outside_proofs(&self.conn, &mut checkpoints)?;
        let sizes: HashMap<u64, u64> = checkpoints.iter().map(|c| (c.id, c.size)).collect();
        let (anomalies, anomalies_left_off, events) = scan_log(&self.conn)?;
        Ok(CustodyReview {
            events,
            witnesses: witnesses(&self.conn)?,
            exports: exports(&self.conn, &sizes, &failed)?,
            checkpoints,
            this_computer: self.local_copy()?,
            anomalies,
            anomalies_left_off,
        })
    }

    fn local_copy(&self) -> Result<LocalCopy> {
        if let Some(LocalNotice::RollbackAccepted) = self.local_notice() {
            return Ok(LocalCopy::RollbackAccepted);
        }
        let Some(copies) = self.session.local_copies() else { return Ok(LocalCopy::NotKept) };
        Ok(match copies.check(&self.conn, self.vault_id())? {
            Found::Holds { size, last_event } => LocalCopy::Holds { size, last_time: last_event.map(|e| e.time) },
            Found::Notice(LocalNotice::Unusable { why, .. }) => LocalCopy::Unusable { why },
            Found::Notice(LocalNotice::RollbackAccepted) => LocalCopy::RollbackAccepted,
            Found::Notice(_) => LocalCopy::Missing,
            Found::RolledBack(rollback) => LocalCopy::NotExtended { seen_size: rollback.seen_size },
        })
    }
}

fn reviewed_checkpoints(conn: &Connection, failed: &HashSet<u64>) -> Result<Vec<ReviewedCheckpoint>> {
    let mut stmt = conn.prepare("SELECT id, size, made_at, reason FROM checkpoints ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        let id: u64 = r.get(0)?;
        Ok(ReviewedCheckpoint {
            id,
            size: r.get(1)?,
            made_at: r.get(2)?,
            reason: r.get(3)?,
            holds: !failed.contains(&id),
            cosignatures: Vec::new(),
            timestamps: Vec::new(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds each checkpoint's cosignatures and timestamp tokens (`checkpoints` is by id).
fn attach_outside_proofs(conn: &Connection, checkpoints: &mut [ReviewedCheckpoint]) -> Result<()> {
    let index: HashMap<u64, usize> = checkpoints.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut stmt = conn.prepare("SELECT checkpoint_id, witness, signed_at FROM cosignatures ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = index.get(&r.get::<_, u64>(0)?) {
            let signed_at = r.get::<_, i64>(2)?.max(0) as u64;
            checkpoints[i].cosignatures.push(Cosigned { witness: r.get(1)?, signed_at });
        }
    }
    let sql = "SELECT checkpoint_id, gen_time, tsa_url FROM timestamps WHERE token IS NOT NULL ORDER BY id";
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = index.get(&r.get::<_, u64>(0)?) {
            checkpoints[i].timestamps.push(Timestamped { gen_time: r.get(1)?, tsa_url: r.get(2)? });
        }
    }
    Ok(())
}

fn exports(conn: &Connection, sizes: &HashMap<u64, u64>, failed: &HashSet<u64>) -> Result<Vec<ExportSeen>> {
    let names: HashMap<String, String> = {
        let mut stmt = conn.prepare("SELECT id, name FROM recipients")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let sql = "SELECT id, made_at, recipient_kind, recipients, checkpoint_id, seq FROM exports ORDER BY seq DESC";
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        let ids: Vec<String> = serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default();
        let checkpoint: u64 = r.get(4)?;
        Ok(ExportSeen {
            bundle: r.get(0)?,
            made_at: r.get(1)?,
            recipient_kind: r.get(2)?,
            recipients: ids.iter().map(|id| names.get(id).cloned().unwrap_or_else(|| id.clone())).collect(),
            checkpoint_size: sizes.get(&checkpoint).copied().unwrap_or(0),
            holds: !failed.contains(&checkpoint),
            seq: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn witnesses(conn: &Connection) -> Result<Vec<WitnessSeen>> {
    let sql = "SELECT c.witness, k.size, c.signed_at FROM cosignatures c JOIN checkpoints k ON k.id = c.checkpoint_id";
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut seen: BTreeMap<String, WitnessSeen> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let (witness, size, signed_at): (String, u64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let entry = seen.entry(witness.clone()).or_insert(WitnessSeen {
            witness,
            newest_size: 0,
            signed_at: 0,
            cosignatures: 0,
        });
        entry.cosignatures += 1;
        let signed_at = signed_at.max(0) as u64;
        if (size, signed_at) > (entry.newest_size, entry.signed_at) {
            (entry.newest_size, entry.signed_at) = (size, signed_at);
        }
    }
    Ok(seen.into_values().collect())
}

/// One pass over the log: its anomalies, how many were left off, and the number of events.
fn scan_log(conn: &Connection) -> Result<(Vec<Anomaly>, u64, u64)> {
    let sql = format!(
        "SELECT seq, time, actor, action, subject, CASE WHEN action IN ({DETAILED_ACTIONS}) THEN details END
         FROM events ORDER BY seq"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let (mut scan, mut events) = (Scan::default(), 0u64);
    while let Some(r) = rows.next()? {
        events += 1;
        let details: Option<String> = r.get(5)?;
        scan.push(Row {
            seq: r.get(0)?,
            time: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            subject: r.get(4)?,
            details: details.and_then(|d| serde_json::from_str(&d).ok()),
        });
    }
    let (anomalies, left_off) = scan.finish();
    Ok((anomalies, left_off, events))
}

#[cfg(test)]
mod tests;
