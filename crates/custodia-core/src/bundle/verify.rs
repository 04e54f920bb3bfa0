//! Checking a received bundle, every check named so that a lawyer can say in court which held. The chain
//! of trust runs: the Ed25519 signature (by a key whose fingerprint the sender confirms) covers the tag
//! manifest, which covers `bagit.txt`, `bag-info.txt`, the payload manifest and the custody files; the
//! payload manifest covers every collected file and record. Independently, each custody event's hash is
//! recomputed from its fields, proven by its inclusion proof to be in the log whose checkpoint the same key
//! signed, and each collected file must have the SHA-256 and size its ingest event recorded.

use super::bagit::{self, BAGIT_TXT, BAG_INFO, MANIFEST, TAG_MANIFEST};
use super::keys::Unlocker;
use super::proofs::{PathNode, Proof, ProofsFile};
use super::read::{self, Collected, HashOnly, Limits, ReadProgress};
use super::signature::{self, SignerInfo};
use super::BundleError;
use crate::blobs::Flow;
use crate::checkpoint::Checkpoint;
use crate::custody::Event;
use crate::merkle;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// The checks, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleCheck {
    /// The bundle decrypted with the given key, intact to its authenticated end.
    Decryption,
    /// `bagit.txt` declares BagIt with UTF-8 tag files.
    Bagit,
    /// `Payload-Oxum` in `bag-info.txt` matches the payload's bytes and files.
    PayloadOxum,
    /// Every line of `manifest-sha256.txt` holds, and every payload file is listed.
    PayloadManifest,
    /// Every line of `tagmanifest-sha256.txt` holds, and every tag file is listed.
    TagManifest,
    /// The Ed25519 signature over the tag manifest verifies.
    Signature,
    /// The signer is the one expected (when a fingerprint was given).
    ExpectedSigner,
    /// The checkpoint is signed by the same key.
    Checkpoint,
    /// Each custody event's hash recomputes from its fields.
    CustodyEvents,
    /// Each custody event is proven to be in the checkpoint's tree.
    InclusionProofs,
    /// Each collected file has the SHA-256 and size recorded at its ingest.
    ItemsMatchCustody,
}

/// One check's outcome. `checked` is false when it could not run (a check it depends on failed, or no
/// expected signer was given); then it is not `ok` either, except for the expected signer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckStatus {
    pub check: BundleCheck,
    pub ok: bool,
    pub checked: bool,
    /// One English sentence saying what was found.
    pub summary: String,
}

/// One thing in a bundle that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
#[non_exhaustive]
pub enum BundleProblem {
    BagitDeclaration {
        detail: String,
    },
    PayloadOxum {
        declared: String,
        actual: String,
    },
    ManifestMissing {
        manifest: String,
    },
    ManifestLine {
        manifest: String,
        line: usize,
        text: String,
    },
    /// Listed in a manifest but not in the bundle.
    FileMissing {
        manifest: String,
        path: String,
    },
    /// In the bundle but not listed in its manifest.
    FileUnlisted {
        manifest: String,
        path: String,
    },
    /// In the bundle with other content than its manifest lists.
    FileAltered {
        manifest: String,
        path: String,
        expected: String,
        actual: String,
    },
    SignatureMissing,
    SignatureMalformed {
        detail: String,
    },
    SignatureInvalid,
    SignerMismatch {
        expected: String,
        actual: String,
    },
    CheckpointMissing,
    CheckpointInvalid {
        detail: String,
    },
    EventsMissing,
    EventMalformed {
        line: usize,
    },
    EventAltered {
        seq: u64,
    },
    /// Two consecutive events in the bundle that do not link by hash.
    ChainBroken {
        seq: u64,
    },
    ProofsMissing,
    ProofsMalformed {
        detail: String,
    },
    ProofMissing {
        seq: u64,
    },
    ProofInvalid {
        seq: u64,
        detail: String,
    },
    /// A payload path under `data/items/` that is not `data/items/<id>/<one file>`.
    ItemFolder {
        path: String,
    },
    ItemWithoutIngestEvent {
        item: String,
        path: String,
    },
    ItemNotAsIngested {
        item: String,
        path: String,
        recorded_sha256: String,
        actual_sha256: String,
        recorded_size: u64,
        actual_size: u64,
    },
}

impl BundleCheck {
    /// A short English name, for lists of checks.
    pub fn label(self) -> &'static str {
        match self {
            BundleCheck::Decryption => "decryption",
            BundleCheck::Bagit => "BagIt declaration",
            BundleCheck::PayloadOxum => "Payload-Oxum",
            BundleCheck::PayloadManifest => "payload manifest",
            BundleCheck::TagManifest => "tag manifest",
            BundleCheck::Signature => "signature",
            BundleCheck::ExpectedSigner => "expected signer",
            BundleCheck::Checkpoint => "checkpoint",
            BundleCheck::CustodyEvents => "custody events",
            BundleCheck::InclusionProofs => "inclusion proofs",
            BundleCheck::ItemsMatchCustody => "items as collected",
        }
    }
}

impl BundleProblem {
    pub fn check(&self) -> BundleCheck {
        use BundleProblem::*;
        match self {
            BagitDeclaration { .. } => BundleCheck::Bagit,
            PayloadOxum { .. } => BundleCheck::PayloadOxum,
            ManifestMissing { manifest }
            | ManifestLine { manifest, .. }
            | FileMissing { manifest, .. }
            | FileUnlisted { manifest, .. }
            | FileAltered { manifest, .. } => {
                if manifest == TAG_MANIFEST {
                    BundleCheck::TagManifest
                } else {
                    BundleCheck::PayloadManifest
                }
            }
            SignatureMissing | SignatureMalformed { .. } | SignatureInvalid => BundleCheck::Signature,
            SignerMismatch { .. } => BundleCheck::ExpectedSigner,
            CheckpointMissing | CheckpointInvalid { .. } => BundleCheck::Checkpoint,
            EventsMissing | EventMalformed { .. } | EventAltered { .. } | ChainBroken { .. } => {
                BundleCheck::CustodyEvents
            }
            ProofsMissing | ProofsMalformed { .. } | ProofMissing { .. } | ProofInvalid { .. } => {
                BundleCheck::InclusionProofs
            }
            ItemFolder { .. } | ItemWithoutIngestEvent { .. } | ItemNotAsIngested { .. } => {
                BundleCheck::ItemsMatchCustody
            }
        }
    }
}

impl std::fmt::Display for BundleProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use BundleProblem::*;
        match self {
            BagitDeclaration { detail } => write!(f, "bagit.txt: {detail}"),
            PayloadOxum { declared, actual } => {
                write!(f, "bag-info.txt declares Payload-Oxum {declared}, but the payload is {actual} (bytes.files)")
            }
            ManifestMissing { manifest } => write!(f, "{manifest} is missing"),
            ManifestLine { manifest, line, text } => write!(f, "{manifest}, line {line}, cannot be read: {text:?}"),
            FileMissing { manifest, path } => write!(f, "{path} is listed in {manifest} but missing from the bundle"),
            FileUnlisted { manifest, path } => write!(f, "{path} is in the bundle but not listed in {manifest}"),
            FileAltered { manifest, path, expected, actual } => {
                write!(f, "{path} was altered: {manifest} lists SHA-256 {expected}, the file has {actual}")
            }
            SignatureMissing => f.write_str("custody/signature is missing: nothing vouches for the bag"),
            SignatureMalformed { detail } => write!(f, "custody/signature cannot be read: {detail}"),
            SignatureInvalid => f.write_str(
                "the signature over tagmanifest-sha256.txt does not verify: the bag was altered after it was signed",
            ),
            SignerMismatch { expected, actual } => {
                write!(f, "the bundle was signed by {actual}, not by the expected signer {expected}")
            }
            CheckpointMissing => f.write_str("custody/checkpoint is missing"),
            CheckpointInvalid { detail } => write!(f, "custody/checkpoint: {detail}"),
            EventsMissing => f.write_str("custody/events.jsonl is missing"),
            EventMalformed { line } => write!(f, "custody/events.jsonl, line {line}, is not a custody event"),
            EventAltered { seq } => write!(f, "custody event {seq} was altered: its fields no longer give its hash"),
            ChainBroken { seq } => write!(f, "custody event {seq} does not point at event {} before it", seq - 1),
            ProofsMissing => f.write_str("custody/proofs.json is missing"),
            ProofsMalformed { detail } => write!(f, "custody/proofs.json cannot be read: {detail}"),
            ProofMissing { seq } => write!(f, "custody event {seq} has no inclusion proof"),
            ProofInvalid { seq, detail } => write!(f, "custody event {seq} is not proven to be in the signed log: {detail}"),
            ItemFolder { path } => write!(f, "{path} is not where an item belongs (data/items/<id>/<one file>)"),
            ItemWithoutIngestEvent { item, path } => {
                write!(f, "{path}: item {item} has no ingest event in the custody events")
            }
            ItemNotAsIngested { item, path, recorded_sha256, actual_sha256, recorded_size, actual_size } => write!(
                f,
                "{path}: item {item} is not what was collected (recorded SHA-256 {recorded_sha256}, {recorded_size} bytes; found {actual_sha256}, {actual_size} bytes)"
            ),
        }
    }
}

/// A collected file as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceivedItem {
    pub id: String,
    pub path: String,
    pub sha256: String,
    pub size: u64,
    /// The sequence number of its ingest event in the sender's log.
    pub ingest_seq: Option<u64>,
    /// Its bytes match its ingest event, and that event is proven in the signed checkpoint.
    pub ok: bool,
}

/// What the checkpoint of a bundle says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceivedCheckpoint {
    pub origin: String,
    pub size: u64,
    pub root: String,
    /// The signed note, as found.
    pub note: String,
}

/// The outcome of checking a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleReport {
    pub ok: bool,
    pub bundle_sha256: String,
    pub bundle_size: u64,
    pub bag: String,
    /// `bag-info.txt`, label and value, in order.
    pub bag_info: Vec<(String, String)>,
    pub signer: Option<SignerInfo>,
    pub checkpoint: Option<ReceivedCheckpoint>,
    pub payload_files: u64,
    pub payload_bytes: u64,
    pub events: u64,
    pub items: Vec<ReceivedItem>,
    pub checks: Vec<CheckStatus>,
    pub problems: Vec<BundleProblem>,
}

impl BundleReport {
    pub fn bag_info(&self, label: &str) -> Option<&str> {
        self.bag_info.iter().find(|(l, _)| l.eq_ignore_ascii_case(label)).map(|(_, v)| v.as_str())
    }
}

/// Decrypts and checks the bundle at `path`, writing nothing. Errors are bundles that cannot be read at
/// all (wrong key, damage, a hostile archive); everything else is in the report.
pub fn verify_bundle(
    path: &Path,
    unlocker: &Unlocker,
    expected_signer: Option<&str>,
    limits: &Limits,
    progress: &mut dyn FnMut(ReadProgress) -> Flow,
) -> Result<BundleReport, BundleError> {
    let collected = read::read(path, unlocker, limits, &mut HashOnly, progress)?;
    Ok(check(&collected, expected_signer))
}

/// A custody event as `events.jsonl` carries it.
#[derive(Debug, Deserialize)]
struct WireEvent {
    seq: u64,
    time: String,
    actor: String,
    device: String,
    action: String,
    subject: Option<String>,
    details: Value,
    prev_hash: String,
    hash: String,
}

impl From<WireEvent> for Event {
    fn from(w: WireEvent) -> Event {
        Event {
            seq: w.seq,
            time: w.time,
            actor: w.actor,
            device: w.device,
            action: w.action,
            subject: w.subject,
            details: w.details,
            prev_hash: w.prev_hash,
            hash: w.hash,
        }
    }
}

/// An event whose hash was recomputed, reduced to what the chain, proof and item checks read.
struct CheckedEvent {
    hash: String,
    prev_hash: String,
    /// For an `item.ingested` event: the item and what was recorded of it.
    ingested: Option<Ingested>,
}

struct Ingested {
    item: String,
    sha256: String,
    size: u64,
}

impl From<Event> for CheckedEvent {
    fn from(event: Event) -> CheckedEvent {
        let ingested = match (event.action.as_str(), event.subject) {
            ("item.ingested", Some(item)) => Some(Ingested {
                item,
                sha256: event.details["sha256"].as_str().unwrap_or("").to_string(),
                size: event.details["size"].as_u64().unwrap_or(u64::MAX),
            }),
            _ => None,
        };
        CheckedEvent { hash: event.hash, prev_hash: event.prev_hash, ingested }
    }
}

/// Runs every check on what `read` collected.
pub(crate) fn check(c: &Collected, expected_signer: Option<&str>) -> BundleReport {
    let mut problems = Vec::new();
    let mut summaries: BTreeMap<BundleCheck, (bool, String)> = BTreeMap::new();
    // Borrowed where the bytes are UTF-8, as Custodia writes them: the custody files of a large bag are
    // megabytes each, and a copy of each would outlive the checks.
    let text = |rel: &str| c.kept.get(rel).map(|b| String::from_utf8_lossy(b));

    // BagIt declaration.
    match text(BAGIT_TXT) {
        Some(declaration) => {
            let (tags, _) = bagit::parse_tags(&declaration);
            let get = |l: &str| tags.iter().find(|(k, _)| k == l).map(|(_, v)| v.as_str());
            match (get("BagIt-Version"), get("Tag-File-Character-Encoding")) {
                (Some("1.0" | "0.97"), Some(enc)) if enc.eq_ignore_ascii_case("UTF-8") => {
                    summaries.insert(
                        BundleCheck::Bagit,
                        (true, format!("bagit.txt declares BagIt {}", get("BagIt-Version").unwrap_or(""))),
                    );
                }
                (version, _) => problems.push(BundleProblem::BagitDeclaration {
                    detail: format!(
                        "it does not declare BagIt 1.0 with UTF-8 tag files (version {})",
                        version.unwrap_or("absent")
                    ),
                }),
            }
        }
        None => problems.push(BundleProblem::BagitDeclaration { detail: "it is missing".into() }),
    }

    // Payload-Oxum.
    let payload: BTreeMap<&str, &read::Seen> =
        c.files.iter().filter(|(p, _)| p.starts_with("data/")).map(|(p, s)| (p.as_str(), s)).collect();
    let payload_bytes: u64 = payload.values().map(|s| s.size).sum();
    let actual_oxum = bagit::oxum(payload_bytes, payload.len() as u64);
    let bag_info = text(BAG_INFO).map(|t| bagit::parse_tags(&t).0).unwrap_or_default();
    match bag_info.iter().find(|(l, _)| l.eq_ignore_ascii_case("Payload-Oxum")) {
        Some((_, declared)) if *declared == actual_oxum => {
            summaries.insert(BundleCheck::PayloadOxum, (true, format!("Payload-Oxum {declared} matches the payload")));
        }
        Some((_, declared)) => {
            problems.push(BundleProblem::PayloadOxum { declared: declared.clone(), actual: actual_oxum.clone() })
        }
        None => problems.push(BundleProblem::PayloadOxum {
            declared: "(none in bag-info.txt)".into(),
            actual: actual_oxum.clone(),
        }),
    }

    // Payload manifest.
    let before = problems.len();
    match text(MANIFEST) {
        Some(manifest) => compare(MANIFEST, &manifest, &payload, &mut problems),
        None => problems.push(BundleProblem::ManifestMissing { manifest: MANIFEST.into() }),
    }
    if problems.len() == before {
        summaries.insert(
            BundleCheck::PayloadManifest,
            (true, format!("{} payload file(s) match {MANIFEST}", payload.len())),
        );
    }

    // Tag manifest: every file outside data/ but the tag manifests and the signature over them.
    let tag_files: BTreeMap<&str, &read::Seen> = c
        .files
        .iter()
        .filter(|(p, _)| !p.starts_with("data/") && !p.starts_with("tagmanifest-") && p.as_str() != "custody/signature")
        .map(|(p, s)| (p.as_str(), s))
        .collect();
    let before = problems.len();
    match text(TAG_MANIFEST) {
        Some(manifest) => compare(TAG_MANIFEST, &manifest, &tag_files, &mut problems),
        None => problems.push(BundleProblem::ManifestMissing { manifest: TAG_MANIFEST.into() }),
    }
    if problems.len() == before {
        summaries
            .insert(BundleCheck::TagManifest, (true, format!("{} tag file(s) match {TAG_MANIFEST}", tag_files.len())));
    }

    // Signature.
    let parsed = match (text("custody/signature"), c.kept.get(TAG_MANIFEST)) {
        (None, _) => {
            problems.push(BundleProblem::SignatureMissing);
            None
        }
        (Some(t), manifest) => match signature::parse(&t) {
            Err(detail) => {
                problems.push(BundleProblem::SignatureMalformed { detail });
                None
            }
            Ok(parsed) => {
                if manifest.is_some_and(|m| parsed.verifies(m)) {
                    summaries.insert(
                        BundleCheck::Signature,
                        (true, format!("the Ed25519 signature by {} verifies", parsed.signer)),
                    );
                } else {
                    problems.push(BundleProblem::SignatureInvalid);
                }
                Some(parsed)
            }
        },
    };
    let signer = parsed.as_ref().map(|p| p.info());

    // Expected signer.
    match (expected_signer, &signer) {
        (Some(expected), Some(info)) if info.fingerprint.matches(expected) => {
            summaries
                .insert(BundleCheck::ExpectedSigner, (true, "the signer's fingerprint is the one expected".into()));
        }
        (Some(expected), _) => problems.push(BundleProblem::SignerMismatch {
            expected: expected.trim().to_string(),
            actual: signer
                .as_ref()
                .map(|s| format!("{} ({})", s.name, s.fingerprint.hex))
                .unwrap_or_else(|| "nobody".into()),
        }),
        (None, _) => {}
    }

    // Checkpoint, under the signer's key and name.
    let mut checkpoint: Option<(Checkpoint, String)> = None;
    match (text("custody/checkpoint"), &parsed) {
        (None, _) => problems.push(BundleProblem::CheckpointMissing),
        (Some(_), None) => {}
        (Some(note), Some(parsed)) => match Checkpoint::verify(&note, &parsed.key) {
            Ok(found) if found.origin == parsed.signer => {
                summaries.insert(
                    BundleCheck::Checkpoint,
                    (
                        true,
                        format!(
                            "the checkpoint of {} events of {} is signed by the same key",
                            found.size, found.origin
                        ),
                    ),
                );
                checkpoint = Some((found, note.into_owned()));
            }
            Ok(found) => problems.push(BundleProblem::CheckpointInvalid {
                detail: format!("it is the log of {}, but the bag was signed as {}", found.origin, parsed.signer),
            }),
            Err(e) => problems.push(BundleProblem::CheckpointInvalid { detail: e.to_string() }),
        },
    }

    // Custody events. Each is parsed in full to recompute its hash, then only what the later checks need
    // is kept: a bag of many items carries as many events.
    let before = problems.len();
    let mut events: BTreeMap<u64, CheckedEvent> = BTreeMap::new();
    match text("custody/events.jsonl") {
        None => problems.push(BundleProblem::EventsMissing),
        Some(lines) => {
            for (i, line) in lines.split('\n').enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                let Ok(event) = serde_json::from_str::<WireEvent>(line).map(Event::from) else {
                    problems.push(BundleProblem::EventMalformed { line: i + 1 });
                    continue;
                };
                if event.compute_hash().ok().as_deref() != Some(event.hash.as_str()) {
                    problems.push(BundleProblem::EventAltered { seq: event.seq });
                }
                if events.insert(event.seq, CheckedEvent::from(event)).is_some() {
                    problems.push(BundleProblem::EventMalformed { line: i + 1 });
                }
            }
            for (seq, event) in &events {
                if let Some(before) = seq.checked_sub(1).and_then(|s| events.get(&s)) {
                    if event.prev_hash != before.hash {
                        problems.push(BundleProblem::ChainBroken { seq: *seq });
                    }
                }
            }
        }
    }
    if problems.len() == before {
        summaries.insert(
            BundleCheck::CustodyEvents,
            (true, format!("{} custody event(s) recompute to their hashes", events.len())),
        );
    }

    // Inclusion proofs, against the signed root only.
    let before = problems.len();
    let mut proven: BTreeSet<u64> = BTreeSet::new();
    match (text("custody/proofs.json"), &checkpoint) {
        (None, _) => problems.push(BundleProblem::ProofsMissing),
        (Some(_), None) => {}
        (Some(json), Some((cp, _))) => match serde_json::from_str::<ProofsFile>(&json) {
            Err(e) => problems.push(BundleProblem::ProofsMalformed { detail: e.to_string() }),
            Ok(file) if file.format != "custodia.proofs/1" => {
                problems.push(BundleProblem::ProofsMalformed { detail: format!("unknown format {:?}", file.format) })
            }
            Ok(file) => {
                if file.checkpoint.tree_size != cp.size
                    || file.checkpoint.root_hash != hex::encode(cp.root)
                    || file.checkpoint.origin != cp.origin
                {
                    problems.push(BundleProblem::ProofsMalformed {
                        detail: "it refers to another checkpoint than custody/checkpoint".into(),
                    });
                }
                let by_seq: BTreeMap<u64, &Proof> = file.proofs.iter().map(|p| (p.seq, p)).collect();
                for (seq, event) in &events {
                    let Some(proof) = by_seq.get(seq) else {
                        problems.push(BundleProblem::ProofMissing { seq: *seq });
                        continue;
                    };
                    match prove(*seq, &event.hash, proof, cp) {
                        Ok(()) => {
                            proven.insert(*seq);
                        }
                        Err(detail) => problems.push(BundleProblem::ProofInvalid { seq: *seq, detail }),
                    }
                }
            }
        },
    }
    if problems.len() == before && checkpoint.is_some() {
        summaries.insert(
            BundleCheck::InclusionProofs,
            (true, format!("{} event(s) are proven to be in the signed log", proven.len())),
        );
    }

    // Items against their ingest events.
    let before = problems.len();
    let mut items = Vec::new();
    let mut per_folder: BTreeMap<&str, u32> = BTreeMap::new();
    // The first ingest event of each item, looked up once per collected file.
    let mut ingests: HashMap<&str, (u64, &Ingested)> = HashMap::new();
    for (seq, event) in &events {
        if let Some(ingested) = &event.ingested {
            ingests.entry(ingested.item.as_str()).or_insert((*seq, ingested));
        }
    }
    for (path, seen) in payload.iter().filter(|(p, _)| p.starts_with("data/items/")) {
        let parts: Vec<&str> = path.split('/').collect();
        if parts.len() != 4 {
            problems.push(BundleProblem::ItemFolder { path: path.to_string() });
            continue;
        }
        *per_folder.entry(parts[2]).or_default() += 1;
        let id = parts[2].to_string();
        let sha256 = hex::encode(seen.sha256);
        let ingest = ingests.get(id.as_str()).copied();
        let ok = match ingest {
            None => {
                problems.push(BundleProblem::ItemWithoutIngestEvent { item: id.clone(), path: path.to_string() });
                false
            }
            Some((seq, recorded)) => {
                let recorded_sha256 = recorded.sha256.clone();
                let recorded_size = recorded.size;
                if recorded_sha256 != sha256 || recorded_size != seen.size {
                    problems.push(BundleProblem::ItemNotAsIngested {
                        item: id.clone(),
                        path: path.to_string(),
                        recorded_sha256,
                        actual_sha256: sha256.clone(),
                        recorded_size,
                        actual_size: seen.size,
                    });
                    false
                } else {
                    proven.contains(&seq)
                }
            }
        };
        items.push(ReceivedItem {
            id,
            path: path.to_string(),
            sha256,
            size: seen.size,
            ingest_seq: ingest.map(|(seq, _)| seq),
            ok,
        });
    }
    for (folder, count) in per_folder {
        if count > 1 {
            problems.push(BundleProblem::ItemFolder { path: format!("data/items/{folder}/ ({count} files)") });
        }
    }
    if problems.len() == before {
        summaries.insert(
            BundleCheck::ItemsMatchCustody,
            (true, format!("{} item(s) match their ingest events", items.len())),
        );
    }

    let checks = statuses(&problems, &summaries, expected_signer.is_some());
    BundleReport {
        ok: problems.is_empty(),
        bundle_sha256: c.bundle_sha256.clone(),
        bundle_size: c.bundle_size,
        bag: c.bag.clone(),
        bag_info,
        signer,
        checkpoint: checkpoint.map(|(cp, note)| ReceivedCheckpoint {
            origin: cp.origin,
            size: cp.size,
            root: hex::encode(cp.root),
            note,
        }),
        payload_files: payload.len() as u64,
        payload_bytes,
        events: events.len() as u64,
        items,
        checks,
        problems,
    }
}

/// Compares a manifest with the files it should list, both ways.
fn compare(manifest: &str, text: &str, files: &BTreeMap<&str, &read::Seen>, problems: &mut Vec<BundleProblem>) {
    let (entries, bad) = bagit::parse_manifest(text);
    for line in bad {
        problems.push(BundleProblem::ManifestLine { manifest: manifest.into(), line: line.number, text: line.text });
    }
    let mut listed: BTreeSet<&str> = BTreeSet::new();
    for (i, (path, expected)) in entries.iter().enumerate() {
        if !listed.insert(path.as_str()) {
            problems.push(BundleProblem::ManifestLine {
                manifest: manifest.into(),
                line: i + 1,
                text: format!("{path} is listed twice"),
            });
            continue;
        }
        match files.get(path.as_str()) {
            None => problems.push(BundleProblem::FileMissing { manifest: manifest.into(), path: path.clone() }),
            Some(seen) => {
                let actual = hex::encode(seen.sha256);
                if &actual != expected {
                    problems.push(BundleProblem::FileAltered {
                        manifest: manifest.into(),
                        path: path.clone(),
                        expected: expected.clone(),
                        actual,
                    });
                }
            }
        }
    }
    for path in files.keys().filter(|p| !listed.contains(*p)) {
        problems.push(BundleProblem::FileUnlisted { manifest: manifest.into(), path: path.to_string() });
    }
}

/// Checks one event's inclusion proof against the signed checkpoint.
fn prove(seq: u64, hash: &str, proof: &Proof, cp: &Checkpoint) -> Result<(), String> {
    if proof.leaf_hash != hash {
        return Err("its proof is for another event".into());
    }
    if proof.leaf_index + 1 != seq {
        return Err(format!("its proof places it at position {}, not {}", proof.leaf_index + 1, seq));
    }
    let mut leaf = [0u8; 32];
    hex::decode_to_slice(hash, &mut leaf).map_err(|_| "its hash is not hex".to_string())?;
    let mut path = Vec::with_capacity(proof.audit_path.len());
    for node in &proof.audit_path {
        match node {
            PathNode::Hash(hash) => path.push(*hash),
            PathNode::NotHex => return Err("its proof holds a hash that is not hex".into()),
        }
    }
    merkle::verify_inclusion(&leaf, proof.leaf_index, cp.size, &path, &cp.root).map_err(|e| e.to_string())
}

fn statuses(
    problems: &[BundleProblem],
    summaries: &BTreeMap<BundleCheck, (bool, String)>,
    signer_expected: bool,
) -> Vec<CheckStatus> {
    use BundleCheck::*;
    [
        Decryption,
        Bagit,
        PayloadOxum,
        PayloadManifest,
        TagManifest,
        Signature,
        ExpectedSigner,
        Checkpoint,
        CustodyEvents,
        InclusionProofs,
        ItemsMatchCustody,
    ]
    .into_iter()
    .map(|check| {
        let failed: Vec<String> = problems.iter().filter(|p| p.check() == check).map(|p| p.to_string()).collect();
        match (check, summaries.get(&check)) {
            (Decryption, _) => CheckStatus {
                check,
                ok: true,
                checked: true,
                summary: "the bundle decrypted and is intact to its end".into(),
            },
            (ExpectedSigner, None) if !signer_expected => CheckStatus {
                check,
                ok: true,
                checked: false,
                summary: "no expected signer was given: confirm the fingerprint words with the sender".into(),
            },
            (_, Some((true, summary))) if failed.is_empty() => {
                CheckStatus { check, ok: true, checked: true, summary: summary.clone() }
            }
            _ if !failed.is_empty() => CheckStatus { check, ok: false, checked: true, summary: failed.join("; ") },
            _ => CheckStatus {
                check,
                ok: false,
                checked: false,
                summary: "not checked: a check it depends on failed".into(),
            },
        }
    })
    .collect()
}
