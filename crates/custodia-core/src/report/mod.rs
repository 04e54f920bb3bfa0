//! The custody report (issue 11, point 6): everything a court's registry or a lawyer needs to decide whether
//! the history of an item can be trusted, gathered in one read of the vault. For each item: its acquisition,
//! every custody event about it with an RFC 6962 inclusion proof in a checkpoint signed for the report and
//! checked here, the stored checkpoints that cover it with their witnesses and timestamps, and the result
//! of checking it again now (its stored copy re-hashed, its ingest event, the log's chain and checkpoints).
//! Interviews and incidents bring their linked items and their own events. Persons appear only by their
//! code: no name, birth date or place is ever read into a report.
//!
//! The rendering (HTML, PDF) lives in the `custodia-report` crate; this module gives it `ReportData` and
//! records the report as a custody event once it is written (`Vault::record_report`).

use crate::audit::Problem;
use crate::checkpoint::{self, tree::Tree};
use crate::custody::{self, Action, Event};
use crate::error::Result;
use crate::merkle::{self, Hash};
use crate::records::items::Item;
use crate::vault::Vault;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// What a report is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ReportScope {
    Item(String),
    Interview(String),
    Incident(String),
    All,
    /// A received bundle, by its bag's name (`received.rs`).
    Bundle(String),
}

/// Something that does not hold: found checking the vault again, or checking a received bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ReportProblem {
    Vault(Problem),
    Bundle(crate::bundle::BundleProblem),
}

impl std::fmt::Display for ReportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportProblem::Vault(p) => p.fmt(f),
            ReportProblem::Bundle(p) => p.fmt(f),
        }
    }
}

/// One custody event as a report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportEvent {
    pub seq: u64,
    pub time: String,
    pub actor: String,
    pub device: String,
    pub action: String,
    pub hash: String,
    /// Its inclusion proof in the report's checkpoint verified.
    pub proven: bool,
}

/// One item: its acquisition and its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportItem {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub media_type: String,
    pub sha256: String,
    pub added_at: String,
    pub added_by: String,
    /// The device of the ingest event.
    pub device: String,
    pub source: String,
    pub events: Vec<ReportEvent>,
}

/// An interview or incident in scope, by code, with its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportRecord {
    /// `interview` or `incident`.
    pub kind: &'static str,
    pub id: String,
    /// The person interviewed, by code only.
    pub person: Option<String>,
    pub events: Vec<ReportEvent>,
}

/// A stored checkpoint that covers events of the report, with who vouched for it from outside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoveringCheckpoint {
    pub size: u64,
    pub root: String,
    pub made_at: String,
    pub reason: crate::checkpoint::CheckpointReason,
    /// (witness name, cosigned at: seconds since 1970).
    pub witnesses: Vec<(String, u64)>,
    /// (authority URL, time it certified).
    pub timestamps: Vec<(String, String)>,
}

/// The signed checkpoint the report's inclusion proofs lead to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportCheckpoint {
    pub size: u64,
    pub root: String,
    pub note: String,
    /// The vault's verifier key, to check the note with no vault.
    pub verifier_key: String,
}

/// Everything a report says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportData {
    pub scope: ReportScope,
    pub vault_id: String,
    pub made_at: String,
    pub made_by: String,
    pub device: String,
    pub items: Vec<ReportItem>,
    pub records: Vec<ReportRecord>,
    pub checkpoint: ReportCheckpoint,
    pub covering: Vec<CoveringCheckpoint>,
    /// What checking again found now: empty when everything holds.
    pub problems: Vec<ReportProblem>,
    pub bytes_hashed: u64,
    /// For a report of a received bundle: the bundle and its checks.
    pub received: Option<ReceivedBundle>,
}

impl ReportData {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// Every event the report shows, each once.
    pub fn all_events(&self) -> impl Iterator<Item = &ReportEvent> {
        let mut seen = BTreeSet::new();
        let items = self.items.iter().flat_map(|i| &i.events);
        items.chain(self.records.iter().flat_map(|r| &r.events)).filter(move |e| seen.insert(e.seq))
    }
}

impl Vault {
    /// Gathers a report of `scope`: items and records are looked up first, so an unknown id is refused
    /// before anything else is done. Re-hashes the stored copy of every item in scope.
    pub fn report(&self, scope: &ReportScope) -> Result<ReportData> {
        let (items, records) = self.scope_contents(scope)?;
        let subjects: BTreeSet<String> =
            items.iter().map(|i| i.id.clone()).chain(records.iter().map(|(_, id, _)| id.clone())).collect();
        let (tree, mut events) = walk_log(self, &subjects)?;
        let size = tree.size();
        let root = tree.root();
        let note = checkpoint::sign(&self.conn, self.vault_id(), size, root)?;
        let verifier_key =
            checkpoint::verifier_key(&checkpoint::origin_for(self.vault_id()), &self.signing_public_key()?);
        let mut take = |id: &str| events.remove(id).unwrap_or_default();
        let report_items: Vec<ReportItem> = items
            .iter()
            .map(|item| {
                let events = take(&item.id);
                let device = events.iter().find(|e| e.seq == item.ingest_seq).map(|e| e.device.clone());
                ReportItem {
                    id: item.id.clone(),
                    name: item.name.clone(),
                    size: item.size,
                    media_type: item.media_type.clone(),
                    sha256: item.sha256.clone(),
                    added_at: item.added_at.clone(),
                    added_by: item.added_by.clone(),
                    device: device.unwrap_or_default(),
                    source: item.source.clone(),
                    events,
                }
            })
            .collect();
        let report_records = records
            .into_iter()
            .map(|(kind, id, person)| ReportRecord { kind, events: take(&id), id, person })
            .collect();
        let first_seq = report_items.iter().flat_map(|i| i.events.first()).map(|e| e.seq).min().unwrap_or(1);
        let (problems, bytes_hashed) = self.check_for_report(&items)?;
        Ok(ReportData {
            scope: scope.clone(),
            vault_id: self.vault_id().to_string(),
            made_at: crate::clock::now_rfc3339(),
            made_by: self.session.actor().to_string(),
            device: self.session.device().to_string(),
            items: report_items,
            records: report_records,
            checkpoint: ReportCheckpoint { size, root: hex::encode(root), note, verifier_key },
            covering: covering_checkpoints(&self.conn, first_seq)?,
            problems: problems.into_iter().map(ReportProblem::Vault).collect(),
            bytes_hashed,
            received: None,
        })
    }

    /// Records a written report (`bytes`, as written) as a custody event with the file's SHA-256, which
    /// it returns.
    pub fn record_report(&mut self, data: &ReportData, file_name: &str, format: &str, bytes: &[u8]) -> Result<String> {
        let sha256 = file_sha256(bytes);
        let details = json!({
            "scope": data.scope, "format": format, "file_name": file_name, "sha256": sha256,
            "items": data.items.iter().map(|i| &i.id).collect::<Vec<_>>(),
            "events": data.all_events().count(), "checkpoint": { "size": data.checkpoint.size, "root": data.checkpoint.root },
            "ok": data.ok(),
        });
        let subject = match &data.scope {
            ReportScope::Item(id) | ReportScope::Interview(id) | ReportScope::Incident(id) => Some(id.as_str()),
            ReportScope::All | ReportScope::Bundle(_) => None,
        };
        let tx = self.conn.transaction()?;
        custody::append(&tx, &self.session, Action::ReportMade, subject, details)?;
        tx.commit()?;
        Ok(sha256)
    }

    /// Writes a rendered report to `path`, a new file (an existing one is never replaced), and records it
    /// (`record_report`); a file the custody log could not record is removed. Returns its SHA-256.
    pub fn save_report(
        &mut self,
        data: &ReportData,
        path: &std::path::Path,
        format: &str,
        bytes: &[u8],
    ) -> Result<String> {
        crate::fsutil::write_new(path, bytes).map_err(|source| crate::vault::VaultError::Io {
            op: "write",
            path: path.to_path_buf(),
            source,
        })?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        self.record_report(data, &name, format, bytes).inspect_err(|_| {
            let _ = std::fs::remove_file(path);
        })
    }

    /// The items in scope and the interviews and incidents (kind, id, person code).
    #[allow(clippy::type_complexity)]
    fn scope_contents(&self, scope: &ReportScope) -> Result<(Vec<Item>, Vec<(&'static str, String, Option<String>)>)> {
        let items_of = |ids: &[String]| ids.iter().map(|id| self.item(id)).collect::<Result<Vec<_>>>();
        match scope {
            ReportScope::Item(id) => Ok((vec![self.item(id)?], Vec::new())),
            ReportScope::Interview(id) => {
                let interview = self.interview(id)?;
                Ok((items_of(&interview.documents)?, vec![("interview", interview.id, Some(interview.person))]))
            }
            ReportScope::Incident(id) => {
                let incident = self.incident(id)?;
                let mut records = vec![("incident", incident.id.clone(), None)];
                let mut documents = incident.documents.clone();
                for interview_id in &incident.interviews {
                    let interview = self.interview(interview_id)?;
                    documents.extend(interview.documents.iter().cloned());
                    records.push(("interview", interview.id, Some(interview.person)));
                }
                documents.sort();
                documents.dedup();
                Ok((items_of(&documents)?, records))
            }
            ReportScope::All => Ok((self.items()?, Vec::new())),
            ReportScope::Bundle(_) => Ok((Vec::new(), Vec::new())),
        }
    }
}

/// Hex SHA-256 of a written report, as its custody event keeps it and as `sha256sum` prints it.
pub fn file_sha256(bytes: &[u8]) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes))
}

/// One pass over the log: every leaf for the tree, and the events about `subjects`, by subject, each with
/// its inclusion proof in the whole log's tree checked.
fn walk_log(vault: &Vault, subjects: &BTreeSet<String>) -> Result<(Tree, BTreeMap<String, Vec<ReportEvent>>)> {
    let mut leaves: Vec<Hash> = Vec::new();
    let mut kept: Vec<(String, Event)> = Vec::new();
    custody::for_each(&vault.conn, |event| {
        let mut leaf = [0u8; 32];
        if hex::decode_to_slice(&event.hash, &mut leaf).is_err() {
            leaf = merkle::leaf_hash(event.hash.as_bytes());
        }
        leaves.push(leaf);
        if let Some(subject) = event.subject.clone().filter(|s| subjects.contains(s)) {
            kept.push((subject, event));
        }
        Ok(())
    })?;
    let tree = Tree::new(leaves);
    let root = tree.root();
    let mut by_subject: BTreeMap<String, Vec<ReportEvent>> = BTreeMap::new();
    for (subject, event) in kept {
        let index = event.seq.saturating_sub(1);
        let proven = match (tree.leaf(index), tree.inclusion_proof(index)) {
            (Some(leaf), Some(path)) => {
                // The leaf must be the event as it reads now, and the path must lead to the signed root.
                event.compute_hash().ok().as_deref() == Some(hex::encode(leaf).as_str())
                    && merkle::verify_inclusion(&leaf, index, tree.size(), &path, &root).is_ok()
            }
            _ => false,
        };
        by_subject.entry(subject).or_default().push(ReportEvent {
            seq: event.seq,
            time: event.time,
            actor: event.actor,
            device: event.device,
            action: event.action,
            hash: event.hash,
            proven,
        });
    }
    Ok((tree, by_subject))
}

/// The stored checkpoints that cover the report's first event: the first one made after it, the newest,
/// and every one a witness cosigned or an authority timestamped.
fn covering_checkpoints(conn: &rusqlite::Connection, first_seq: u64) -> Result<Vec<CoveringCheckpoint>> {
    let mut witnesses: BTreeMap<u64, Vec<(String, u64)>> = BTreeMap::new();
    let mut stmt = conn.prepare("SELECT checkpoint_id, witness, signed_at FROM cosignatures ORDER BY id")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, u64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))? {
        let (id, witness, at) = row?;
        witnesses.entry(id).or_default().push((witness, at.max(0) as u64));
    }
    let mut timestamps: BTreeMap<u64, Vec<(String, String)>> = BTreeMap::new();
    let mut stmt =
        conn.prepare("SELECT checkpoint_id, tsa_url, gen_time FROM timestamps WHERE token IS NOT NULL ORDER BY id")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, u64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))? {
        let (id, url, time) = row?;
        timestamps.entry(id).or_default().push((url, time));
    }
    let mut stmt =
        conn.prepare("SELECT id, size, root, made_at, reason FROM checkpoints WHERE size >= ?1 ORDER BY id")?;
    let rows: Vec<(u64, u64, String, String, crate::checkpoint::CheckpointReason)> = stmt
        .query_map([first_seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let (first, last) = (rows.first().map(|r| r.0), rows.last().map(|r| r.0));
    let mut covering = Vec::new();
    for (id, size, root, made_at, reason) in rows {
        let (w, t) = (witnesses.remove(&id), timestamps.remove(&id));
        if Some(id) == first || Some(id) == last || w.is_some() || t.is_some() {
            let (witnesses, timestamps) = (w.unwrap_or_default(), t.unwrap_or_default());
            covering.push(CoveringCheckpoint { size, root, made_at, reason, witnesses, timestamps });
        }
    }
    Ok(covering)
}

mod received;
#[cfg(test)]
mod tests;

pub use received::{report_bundle, ReceivedBundle};
