//! Full verification: the database's pages, the custody chain, the signed checkpoints (each still a prefix
//! of the log), every item's ingest event, and every stored copy re-hashed against its recorded SHA-256.
//! Each problem names the item, event or checkpoint it concerns.

pub mod anomalies;
pub mod review;

use crate::blobs::{BlobError, Flow};
use crate::checkpoint::{self, Failure};
use crate::custody::{self, Action, ChainProblem};
use crate::error::Result;
use crate::records::items::Item;
use crate::store;
use crate::vault::Vault;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// One thing that does not hold.
/// One thing `verify` found wrong. Crosses to programs (`--json`) and to the desktop page (with the
/// `specta` feature, as a TypeScript union tagged by `problem`) as it is: its code and the names its
/// sentence needs, numbers as JavaScript numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "problem", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Problem {
    /// SQLCipher's page authentication failed: `vault.db` was altered on disk.
    DatabaseDamaged { detail: String },
    /// Events `first..=last` are absent from the custody log: deleted, or never written.
    EventsMissing {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        first: u64,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        last: u64,
    },
    /// The event's fields no longer match its recorded hash: it was edited.
    EventAltered {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        seq: u64,
    },
    /// The event does not point at the hash of the event before it.
    ChainBroken {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        seq: u64,
    },
    /// The item's ingest event is absent or does not describe it.
    IngestEventMissing {
        item: String,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        seq: u64,
    },
    IngestEventMismatch {
        item: String,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        seq: u64,
    },
    /// The item points at a stored copy that is not the one for its hash.
    WrongStoredCopy { item: String },
    /// The item's stored copy is gone.
    StoredCopyMissing { item: String },
    /// The stored copy decrypts to other bytes than were recorded.
    ContentAltered { item: String, expected: String, actual: String },
    /// The stored copy cannot be decrypted: truncated, damaged, or not ours.
    StoredCopyDamaged { item: String, reason: String },
    /// A stored checkpoint no longer verifies with the vault's key: the checkpoints were tampered with.
    CheckpointInvalid {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        checkpoint: u64,
        made_at: String,
    },
    /// The log holds fewer events than a checkpoint signed earlier: it was cut back, after `intact_up_to`
    /// (the largest prefix an earlier checkpoint still vouches for).
    LogTruncated {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        checkpoint: u64,
        made_at: String,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        signed_events: u64,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        events: u64,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        intact_up_to: u64,
    },
    /// The first `signed_events` events no longer have the root a checkpoint signed: events after
    /// `intact_up_to` (the largest prefix an earlier checkpoint still vouches for) were rewritten.
    HistoryRewritten {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        checkpoint: u64,
        made_at: String,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        signed_events: u64,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        intact_up_to: u64,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::DatabaseDamaged { detail } => write!(f, "the vault database was altered on disk ({detail})"),
            Problem::EventsMissing { first, last } => {
                write!(f, "{}", ChainProblem::EventsMissing { first: *first, last: *last })
            }
            Problem::EventAltered { seq } => write!(f, "{}", ChainProblem::EventAltered { seq: *seq }),
            Problem::ChainBroken { seq } => write!(f, "{}", ChainProblem::ChainBroken { seq: *seq }),
            Problem::IngestEventMissing { item, seq } => {
                write!(f, "item {item}: its ingest event {seq} is missing from the custody log")
            }
            Problem::IngestEventMismatch { item, seq } => {
                write!(f, "item {item}: its ingest event {seq} records a different file")
            }
            Problem::WrongStoredCopy { item } => write!(f, "item {item}: it points at another item's stored copy"),
            Problem::StoredCopyMissing { item } => write!(f, "item {item}: its encrypted copy is missing"),
            Problem::ContentAltered { item, expected, actual } => {
                write!(f, "item {item}: its content was altered (recorded SHA-256 {expected}, now {actual})")
            }
            Problem::StoredCopyDamaged { item, reason } => {
                write!(f, "item {item}: its encrypted copy is damaged or truncated ({reason})")
            }
            Problem::CheckpointInvalid { checkpoint, made_at } => write!(
                f,
                "checkpoint {checkpoint} (signed {made_at}) does not verify with the vault's key: the checkpoints were altered"
            ),
            Problem::LogTruncated { checkpoint, made_at, signed_events, events, intact_up_to } => write!(
                f,
                "the custody log has {events} events but checkpoint {checkpoint} signed {signed_events} at {made_at}: it was cut back, and events {} to {signed_events} as signed are gone",
                intact_up_to + 1
            ),
            Problem::HistoryRewritten { checkpoint, made_at, signed_events, intact_up_to } => write!(
                f,
                "the custody log no longer matches checkpoint {checkpoint} (signed {made_at} over {signed_events} events): events {} to {signed_events} were rewritten",
                intact_up_to + 1
            ),
        }
    }
}

impl From<ChainProblem> for Problem {
    fn from(p: ChainProblem) -> Self {
        match p {
            ChainProblem::EventsMissing { first, last } => Problem::EventsMissing { first, last },
            ChainProblem::EventAltered { seq } => Problem::EventAltered { seq },
            ChainProblem::ChainBroken { seq } => Problem::ChainBroken { seq },
        }
    }
}

/// The outcome of `Vault::verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub items: u64,
    pub stored_copies: u64,
    pub events: u64,
    pub bytes_hashed: u64,
    pub problems: Vec<Problem>,
}

/// Progress of a verification: bytes hashed so far out of the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyProgress {
    pub done: u64,
    pub total: u64,
}

/// A checkpoint that no longer holds, in the report's terms.
fn checkpoint_problem(failed: checkpoint::Failed) -> Problem {
    let (checkpoint, made_at, signed_events) =
        (failed.checkpoint.id, failed.checkpoint.made_at, failed.checkpoint.size);
    match failed.failure {
        Failure::BadSignature => Problem::CheckpointInvalid { checkpoint, made_at },
        Failure::BeyondLog { events, holds_up_to } => {
            Problem::LogTruncated { checkpoint, made_at, signed_events, events, intact_up_to: holds_up_to }
        }
        Failure::Rewritten { holds_up_to } => {
            Problem::HistoryRewritten { checkpoint, made_at, signed_events, intact_up_to: holds_up_to }
        }
    }
}

impl Vault {
    /// Checks everything and records the result as a custody event.
    pub fn verify(&mut self, progress: &mut dyn FnMut(VerifyProgress) -> Flow) -> Result<VerifyReport> {
        let mut problems: Vec<Problem> = store::integrity_problems(&self.conn)?
            .into_iter()
            .map(|detail| Problem::DatabaseDamaged { detail })
            .collect();
        let (events, chain) = custody::check_chain(&self.conn)?;
        problems.extend(chain.into_iter().map(Problem::from));
        problems.extend(checkpoint::check_all(&self.conn)?.into_iter().map(checkpoint_problem));
        let items = self.items()?;
        for item in &items {
            if let Some(p) = self.check_ingest_event(item)? {
                problems.push(p);
            }
        }
        let (stored_copies, bytes_hashed) = self.check_contents(&items, &mut problems, progress)?;
        let report = VerifyReport {
            ok: problems.is_empty(),
            items: items.len() as u64,
            stored_copies,
            events,
            bytes_hashed,
            problems,
        };
        let tx = self.conn.transaction()?;
        let details = json!({ "ok": report.ok, "problems": report.problems.len(), "items": report.items, "events": report.events });
        custody::append(&tx, &self.session, Action::VaultVerified, None, details)?;
        tx.commit()?;
        Ok(report)
    }

    /// What `verify` finds about the log and `items`, without recording a verification: a report's
    /// "checked again now". Returns the problems and the bytes re-hashed.
    pub(crate) fn check_for_report(&self, items: &[Item]) -> Result<(Vec<Problem>, u64)> {
        let (_, chain) = custody::check_chain(&self.conn)?;
        let mut problems: Vec<Problem> = chain.into_iter().map(Problem::from).collect();
        problems.extend(checkpoint::check_all(&self.conn)?.into_iter().map(checkpoint_problem));
        for item in items {
            problems.extend(self.check_ingest_event(item)?);
        }
        let (_, bytes_hashed) = self.check_contents(items, &mut problems, &mut |_| Flow::Continue)?;
        Ok((problems, bytes_hashed))
    }

    fn check_ingest_event(&self, item: &Item) -> Result<Option<Problem>> {
        let seq = item.ingest_seq;
        let Some(event) = custody::get(&self.conn, seq)? else {
            return Ok(Some(Problem::IngestEventMissing { item: item.id.clone(), seq }));
        };
        let matches = event.action == Action::ItemIngested.as_str()
            && event.subject.as_deref() == Some(item.id.as_str())
            && event.details["sha256"] == item.sha256.as_str()
            && event.details["size"] == item.size;
        Ok((!matches).then(|| Problem::IngestEventMismatch { item: item.id.clone(), seq }))
    }

    /// Re-hashes each stored copy once, reporting against every item that shares it.
    fn check_contents(
        &self,
        items: &[Item],
        problems: &mut Vec<Problem>,
        progress: &mut dyn FnMut(VerifyProgress) -> Flow,
    ) -> Result<(u64, u64)> {
        let mut by_blob: BTreeMap<String, Vec<&Item>> = BTreeMap::new();
        let mut stmt = self.conn.prepare("SELECT blob_name FROM items WHERE id = ?1")?;
        for item in items {
            let blob: String = stmt.query_row([&item.id], |r| r.get(0))?;
            if blob != self.blobs.name_for(&item.sha256) {
                problems.push(Problem::WrongStoredCopy { item: item.id.clone() });
            }
            by_blob.entry(blob).or_default().push(item);
        }
        let total: u64 = by_blob.values().map(|v| v[0].size).sum();
        let mut done = 0u64;
        for (blob, sharing) in &by_blob {
            let expected = &sharing[0].sha256;
            let base = done;
            let outcome = self
                .blobs
                .copy_out(blob, &mut std::io::sink(), &mut |n| progress(VerifyProgress { done: base + n, total }));
            done += sharing[0].size;
            for item in sharing {
                let id = item.id.clone();
                match &outcome {
                    Ok((actual, _)) if actual == &item.sha256 => {}
                    Ok((actual, _)) => problems.push(Problem::ContentAltered {
                        item: id,
                        expected: expected.clone(),
                        actual: actual.clone(),
                    }),
                    Err(BlobError::Missing) => problems.push(Problem::StoredCopyMissing { item: id }),
                    Err(BlobError::Cancelled) => return Err(BlobError::Cancelled.into()),
                    Err(e) => problems.push(Problem::StoredCopyDamaged { item: id, reason: e.to_string() }),
                }
            }
        }
        Ok((by_blob.len() as u64, done))
    }
}
