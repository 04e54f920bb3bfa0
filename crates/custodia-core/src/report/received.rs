//! The receiving side's custody report (issue 11, point 6): `custodia bundle report`. A received bundle is
//! read and checked exactly as `bundle verify` checks it, with no vault and nothing written, and its own
//! files become the report: each item's acquisition from `data/records/items.json` and its ingest event,
//! the custody events of `custody/events.jsonl` each marked with whether its inclusion proof held, the
//! sender's signed checkpoint, the earlier checkpoints it was proven to extend, and every check's outcome.
//! A bundle's interviews carry no person here: the bag's records say what consent allowed, and the report
//! names interviews and incidents by code only.

use super::{ReportCheckpoint, ReportData, ReportEvent, ReportItem, ReportProblem, ReportRecord, ReportScope};
use crate::blobs::Flow;
use crate::bundle::import::{sender_records, text};
use crate::bundle::read::{self, ReadProgress, Sink};
use crate::bundle::signature::SignerInfo;
use crate::bundle::{checks, BundleError, CheckStatus, Limits, ReceivedEarlier, Unlocker};
use crate::custody::Event;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

/// What a report of a received bundle adds: the bundle file and every check `bundle verify` runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceivedBundle {
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
    pub bag: String,
    pub signer: Option<SignerInfo>,
    pub checks: Vec<CheckStatus>,
    pub earlier: Vec<ReceivedEarlier>,
}

/// Reads, checks and reports the bundle at `path` (see the module note). Errors are bundles that cannot
/// be read at all, as for `bundle verify`; everything else is in the report's checks and problems.
pub fn report_bundle(
    path: &Path,
    unlocker: &Unlocker,
    expected_signer: Option<&str>,
    limits: &Limits,
    progress: &mut dyn FnMut(ReadProgress) -> Flow,
) -> Result<ReportData, BundleError> {
    let collected = read::read(path, unlocker, limits, &mut KeepItemRecords, progress)?;
    let (checked, proven) = checks::check_proven(&collected, expected_signer);
    let records = sender_records(&collected.kept);
    let mut by_subject: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    for event in checks::parsed_events(&collected) {
        by_subject.entry(event.subject.clone().unwrap_or_default()).or_default().push(event);
    }
    let shown =
        |events: Vec<Event>| -> Vec<ReportEvent> { events.into_iter().map(|e| report_event(e, &proven)).collect() };
    let mut items = Vec::new();
    for received in &checked.items {
        let events = by_subject.remove(&received.id).unwrap_or_default();
        let ingest = events.iter().find(|e| Some(e.seq) == received.ingest_seq);
        let record = records.get(&received.id);
        let field = |name: &str| record.map(|r| text(&r[name], 1000)).unwrap_or_default();
        items.push(ReportItem {
            id: received.id.clone(),
            name: field("name"),
            size: received.size,
            media_type: field("media_type"),
            sha256: received.sha256.clone(),
            added_at: ingest.map(|e| e.time.clone()).unwrap_or_else(|| field("added_at")),
            added_by: ingest.map(|e| e.actor.clone()).unwrap_or_else(|| field("added_by")),
            device: ingest.map(|e| e.device.clone()).unwrap_or_default(),
            source: field("source"),
            events: shown(events),
        });
    }
    let records: Vec<ReportRecord> = by_subject
        .into_iter()
        .filter_map(|(id, events)| {
            let kind = record_kind(&events)?;
            Some(ReportRecord { kind, id, person: None, events: shown(events) })
        })
        .collect();
    let checkpoint = checked.checkpoint.as_ref();
    let signer = checked.signer.clone();
    Ok(ReportData {
        scope: ReportScope::Bundle(checked.bag.clone()),
        vault_id: checkpoint.map(|cp| cp.origin.clone()).unwrap_or_default(),
        made_at: crate::clock::now_rfc3339(),
        made_by: crate::host::login_name().unwrap_or_default(),
        device: crate::host::this_device_id(),
        items,
        records,
        checkpoint: ReportCheckpoint {
            size: checkpoint.map_or(0, |cp| cp.size),
            root: checkpoint.map(|cp| cp.root.clone()).unwrap_or_default(),
            note: checkpoint.map(|cp| cp.note.clone()).unwrap_or_default(),
            verifier_key: signer.as_ref().map(|s| s.verifier_key.clone()).unwrap_or_default(),
        },
        covering: Vec::new(),
        problems: checked.problems.into_iter().map(ReportProblem::Bundle).collect(),
        bytes_hashed: checked.payload_bytes,
        received: Some(ReceivedBundle {
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            sha256: checked.bundle_sha256,
            size: checked.bundle_size,
            bag: checked.bag,
            signer,
            checks: checked.checks,
            earlier: checked.earlier,
        }),
    })
}

fn report_event(e: Event, proven: &BTreeSet<u64>) -> ReportEvent {
    ReportEvent {
        proven: proven.contains(&e.seq),
        seq: e.seq,
        time: e.time,
        actor: e.actor,
        device: e.device,
        action: e.action,
        hash: e.hash,
    }
}

/// An interview's or an incident's events, by their actions; events about anything else (persons, the
/// export itself) are counted by the checks but not listed.
fn record_kind(events: &[Event]) -> Option<&'static str> {
    let first = events.first()?.action.as_str();
    [("interview.", "interview"), ("incident.", "incident")]
        .into_iter()
        .find(|(prefix, _)| first.starts_with(prefix))
        .map(|(_, kind)| kind)
}

/// Hashes every file as `bundle verify` does, and keeps `items.json` for the items' names.
struct KeepItemRecords;

impl Sink for KeepItemRecords {
    fn file(&mut self, rel: &str, size: u64, data: &mut dyn Read) -> Result<(), BundleError> {
        read::HashOnly.file(rel, size, data)
    }

    fn wants_item_records(&self) -> bool {
        true
    }
}
