//! The checks of a received bundle, one function each, over what `read` collected. Each check passes with
//! a one-line summary when it added no problem; a check whose input another check could not provide (the
//! signer's key, the checkpoint) is left unchecked rather than failed twice.

use super::bagit::{self, BAGIT_TXT, BAG_INFO, MANIFEST, TAG_MANIFEST};
use super::consistency::{self, EarlierFault, ReceivedEarlier};
use super::proofs::{PathNode, Proof, ProofsFile};
use super::read::{self, Collected};
use super::signature::SIGNATURE;
use super::signature::{self, SignerInfo};
use super::verify::{BundleCheck, BundleProblem, BundleReport, CheckStatus, ReceivedCheckpoint, ReceivedItem};
use crate::checkpoint::Checkpoint;
use crate::custody::Event;
use crate::merkle;
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

type Files<'a> = BTreeMap<&'a str, &'a read::Seen>;

/// Runs every check on what `read` collected.
pub(crate) fn check(c: &Collected, expected_signer: Option<&str>) -> BundleReport {
    check_proven(c, expected_signer).0
}

/// `check`, and the sequence numbers of the custody events whose inclusion proofs hold.
pub(crate) fn check_proven(c: &Collected, expected_signer: Option<&str>) -> (BundleReport, BTreeSet<u64>) {
    let mut k = Checker { c, problems: Vec::new(), passed: BTreeMap::new() };
    k.run(BundleCheck::Bagit, Checker::bagit_declaration);
    let payload: Files = c.files.iter().filter(|(p, _)| p.starts_with("data/")).map(|(p, s)| (p.as_str(), s)).collect();
    let payload_bytes: u64 = payload.values().map(|s| s.size).sum();
    let bag_info = k.text(BAG_INFO).map(|t| bagit::parse_tags(&t).0).unwrap_or_default();
    k.run(BundleCheck::PayloadOxum, |k| k.payload_oxum(&bag_info, payload_bytes, payload.len()));
    k.run(BundleCheck::PayloadManifest, |k| k.manifest(MANIFEST, &payload, "payload"));
    // Every file outside data/ but the signed tag manifest itself and the signature over it. Any other
    // tag manifest (`tagmanifest-md5.txt`, a `tagmanifest-…/` folder) is a tag file like the rest: the
    // signed manifest lists it or it is a problem, since otherwise nothing vouches for it.
    let tags: Files = c
        .files
        .iter()
        .filter(|(p, _)| !p.starts_with("data/") && p.as_str() != TAG_MANIFEST && p.as_str() != SIGNATURE)
        .map(|(p, s)| (p.as_str(), s))
        .collect();
    k.run(BundleCheck::TagManifest, |k| k.manifest(TAG_MANIFEST, &tags, "tag"));
    let parsed = k.run(BundleCheck::Signature, Checker::signature);
    let signer = parsed.as_ref().map(|p| p.info());
    if let Some(expected) = expected_signer {
        k.run(BundleCheck::ExpectedSigner, |k| k.expected_signer(expected, signer.as_ref()));
    }
    let checkpoint = k.run(BundleCheck::Checkpoint, |k| k.checkpoint(parsed.as_ref()));
    let events = k.run(BundleCheck::CustodyEvents, Checker::events);
    let proven = k.run(BundleCheck::InclusionProofs, |k| k.proofs(&events, checkpoint.as_ref().map(|(cp, _)| cp)));
    let earlier =
        k.run(BundleCheck::EarlierCheckpoints, |k| k.earlier(checkpoint.as_ref().map(|(cp, _)| cp), parsed.as_ref()));
    let items = k.run(BundleCheck::ItemsMatchCustody, |k| k.items(&payload, &events, &proven));

    let checks = statuses(&k.problems, &k.passed, expected_signer.is_some());
    let report = BundleReport {
        ok: k.problems.is_empty(),
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
        earlier,
        payload_files: payload.len() as u64,
        payload_bytes,
        events: events.len() as u64,
        items,
        checks,
        problems: k.problems,
    };
    (report, proven)
}

/// The custody events of `custody/events.jsonl` that parse, in file order (the checks name the others).
pub(crate) fn parsed_events(c: &Collected) -> Vec<Event> {
    let Some(bytes) = c.kept.get(bagit::CUSTODY_EVENTS) else { return Vec::new() };
    let text = String::from_utf8_lossy(bytes);
    text.split('\n').filter_map(|line| serde_json::from_str::<WireEvent>(line).ok().map(Event::from)).collect()
}

struct Checker<'a> {
    c: &'a Collected,
    problems: Vec<BundleProblem>,
    /// The summary of each check that passed.
    passed: BTreeMap<BundleCheck, String>,
}

/// A check's result for the checks after it, and its summary when it passed.
type Outcome<T> = (T, Option<String>);

impl<'a> Checker<'a> {
    /// A kept tag file as text: borrowed where the bytes are UTF-8, as Custodia writes them (the custody
    /// files of a large bag are megabytes each, and a copy of each would outlive the checks).
    fn text(&self, rel: &str) -> Option<Cow<'a, str>> {
        self.c.kept.get(rel).map(|b| String::from_utf8_lossy(b))
    }

    fn fail(&mut self, problem: BundleProblem) {
        self.problems.push(problem);
    }

    /// Runs one check: it passed if it gave a summary and added no problem.
    fn run<T>(&mut self, check: BundleCheck, f: impl FnOnce(&mut Self) -> Outcome<T>) -> T {
        let before = self.problems.len();
        let (value, summary) = f(self);
        if let Some(summary) = summary.filter(|_| self.problems.len() == before) {
            self.passed.insert(check, summary);
        }
        value
    }

    fn bagit_declaration(&mut self) -> Outcome<()> {
        let Some(declaration) = self.text(BAGIT_TXT) else {
            self.fail(BundleProblem::BagitDeclaration { detail: "it is missing".into() });
            return ((), None);
        };
        let (tags, _) = bagit::parse_tags(&declaration);
        let get = |l: &str| tags.iter().find(|(k, _)| k == l).map(|(_, v)| v.as_str());
        match (get("BagIt-Version"), get("Tag-File-Character-Encoding")) {
            (Some(version @ ("1.0" | "0.97")), Some(enc)) if enc.eq_ignore_ascii_case("UTF-8") => {
                ((), Some(format!("bagit.txt declares BagIt {version}")))
            }
            (version, _) => {
                let detail = format!(
                    "it does not declare BagIt 1.0 with UTF-8 tag files (version {})",
                    version.unwrap_or("absent")
                );
                self.fail(BundleProblem::BagitDeclaration { detail });
                ((), None)
            }
        }
    }

    fn payload_oxum(&mut self, bag_info: &[(String, String)], bytes: u64, files: usize) -> Outcome<()> {
        let actual = bagit::oxum(bytes, files as u64);
        match bag_info.iter().find(|(l, _)| l.eq_ignore_ascii_case("Payload-Oxum")) {
            Some((_, declared)) if *declared == actual => {
                ((), Some(format!("Payload-Oxum {declared} matches the payload")))
            }
            Some((_, declared)) => {
                self.fail(BundleProblem::PayloadOxum { declared: declared.clone(), actual });
                ((), None)
            }
            None => {
                self.fail(BundleProblem::PayloadOxum { declared: "(none in bag-info.txt)".into(), actual });
                ((), None)
            }
        }
    }

    /// Compares a manifest with the files it should list, both ways.
    fn manifest(&mut self, manifest: &str, files: &Files, kind: &str) -> Outcome<()> {
        let Some(text) = self.text(manifest) else {
            self.fail(BundleProblem::ManifestMissing { manifest: manifest.into() });
            return ((), None);
        };
        let (entries, bad) = bagit::parse_manifest(&text);
        for line in bad {
            self.fail(BundleProblem::ManifestLine { manifest: manifest.into(), line: line.number, text: line.text });
        }
        let mut listed: BTreeSet<&str> = BTreeSet::new();
        for (i, (path, expected)) in entries.iter().enumerate() {
            if !listed.insert(path.as_str()) {
                let text = format!("{path} is listed twice");
                self.fail(BundleProblem::ManifestLine { manifest: manifest.into(), line: i + 1, text });
                continue;
            }
            match files.get(path.as_str()) {
                None => self.fail(BundleProblem::FileMissing { manifest: manifest.into(), path: path.clone() }),
                Some(seen) => {
                    let actual = hex::encode(seen.sha256);
                    if &actual != expected {
                        self.fail(BundleProblem::FileAltered {
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
            let path = path.to_string();
            self.fail(if manifest == TAG_MANIFEST {
                BundleProblem::FileUnsigned { path }
            } else {
                BundleProblem::FileUnlisted { manifest: manifest.into(), path }
            });
        }
        ((), Some(format!("{} {kind} file(s) match {manifest}", files.len())))
    }

    fn signature(&mut self) -> Outcome<Option<signature::Parsed>> {
        let Some(text) = self.text(SIGNATURE) else {
            self.fail(BundleProblem::SignatureMissing);
            return (None, None);
        };
        let parsed = match signature::parse(&text) {
            Ok(parsed) => parsed,
            Err(detail) => {
                self.fail(BundleProblem::SignatureMalformed { detail });
                return (None, None);
            }
        };
        if self.c.kept.get(TAG_MANIFEST).is_some_and(|m| parsed.verifies(m)) {
            let summary = format!("the Ed25519 signature by {} verifies", parsed.signer);
            (Some(parsed), Some(summary))
        } else {
            self.fail(BundleProblem::SignatureInvalid);
            (Some(parsed), None)
        }
    }

    fn expected_signer(&mut self, expected: &str, signer: Option<&SignerInfo>) -> Outcome<()> {
        if signer.is_some_and(|info| info.fingerprint.matches(expected)) {
            return ((), Some("the signer's fingerprint is the one expected".into()));
        }
        self.fail(BundleProblem::SignerMismatch {
            expected: expected.trim().to_string(),
            actual: signer.map(|s| format!("{} ({})", s.name, s.fingerprint.hex)).unwrap_or_else(|| "nobody".into()),
        });
        ((), None)
    }

    /// The checkpoint, under the signer's key and name, with its note.
    fn checkpoint(&mut self, parsed: Option<&signature::Parsed>) -> Outcome<Option<(Checkpoint, String)>> {
        let Some(note) = self.text(bagit::CUSTODY_CHECKPOINT) else {
            self.fail(BundleProblem::CheckpointMissing);
            return (None, None);
        };
        let Some(parsed) = parsed else { return (None, None) };
        match Checkpoint::verify(&note, &parsed.key) {
            Ok(found) if found.origin == parsed.signer => {
                let summary =
                    format!("the checkpoint of {} events of {} is signed by the same key", found.size, found.origin);
                (Some((found, note.into_owned())), Some(summary))
            }
            Ok(found) => {
                let detail = format!("it is the log of {}, but the bag was signed as {}", found.origin, parsed.signer);
                self.fail(BundleProblem::CheckpointInvalid { detail });
                (None, None)
            }
            Err(e) => {
                self.fail(BundleProblem::CheckpointInvalid { detail: e.to_string() });
                (None, None)
            }
        }
    }

    /// Custody events. Each is parsed in full to recompute its hash, then only what the later checks need is
    /// kept: a bag of many items carries as many events.
    fn events(&mut self) -> Outcome<BTreeMap<u64, CheckedEvent>> {
        let mut events: BTreeMap<u64, CheckedEvent> = BTreeMap::new();
        let Some(lines) = self.text(bagit::CUSTODY_EVENTS) else {
            self.fail(BundleProblem::EventsMissing);
            return (events, None);
        };
        for (i, line) in lines.split('\n').enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let Ok(event) = serde_json::from_str::<WireEvent>(line).map(Event::from) else {
                self.fail(BundleProblem::EventMalformed { line: i + 1 });
                continue;
            };
            if event.compute_hash().ok().as_deref() != Some(event.hash.as_str()) {
                self.fail(BundleProblem::EventAltered { seq: event.seq });
            }
            if events.insert(event.seq, CheckedEvent::from(event)).is_some() {
                self.fail(BundleProblem::EventMalformed { line: i + 1 });
            }
        }
        for (seq, event) in &events {
            if let Some(previous) = seq.checked_sub(1) {
                if events.get(&previous).is_some_and(|before| event.prev_hash != before.hash) {
                    self.fail(BundleProblem::ChainBroken { seq: *seq, previous });
                }
            }
        }
        let summary = format!("{} custody event(s) recompute to their hashes", events.len());
        (events, Some(summary))
    }

    /// Inclusion proofs, against the signed root only. Returns the events proven.
    fn proofs(&mut self, events: &BTreeMap<u64, CheckedEvent>, cp: Option<&Checkpoint>) -> Outcome<BTreeSet<u64>> {
        let mut proven: BTreeSet<u64> = BTreeSet::new();
        let Some(json) = self.text(bagit::CUSTODY_PROOFS) else {
            self.fail(BundleProblem::ProofsMissing);
            return (proven, None);
        };
        let Some(cp) = cp else { return (proven, None) };
        let file = match serde_json::from_str::<ProofsFile>(&json) {
            Err(e) => {
                self.fail(BundleProblem::ProofsMalformed { detail: e.to_string() });
                return (proven, None);
            }
            Ok(file) if file.format != "custodia.proofs/1" => {
                self.fail(BundleProblem::ProofsMalformed { detail: format!("unknown format {:?}", file.format) });
                return (proven, None);
            }
            Ok(file) => file,
        };
        if file.checkpoint.tree_size != cp.size
            || file.checkpoint.root_hash != hex::encode(cp.root)
            || file.checkpoint.origin != cp.origin
        {
            let detail = "it refers to another checkpoint than custody/checkpoint".into();
            self.fail(BundleProblem::ProofsMalformed { detail });
        }
        let by_seq: BTreeMap<u64, &Proof> = file.proofs.iter().map(|p| (p.seq, p)).collect();
        for (seq, event) in events {
            let Some(proof) = by_seq.get(seq) else {
                self.fail(BundleProblem::ProofMissing { seq: *seq });
                continue;
            };
            match prove(*seq, &event.hash, proof, cp) {
                Ok(()) => {
                    proven.insert(*seq);
                }
                Err(detail) => self.fail(BundleProblem::ProofInvalid { seq: *seq, detail }),
            }
        }
        let summary = format!("{} event(s) are proven to be in the signed log", proven.len());
        (proven, Some(summary))
    }

    /// The sender's earlier checkpoints the bundle carries, each extended by its checkpoint. A bundle made
    /// before Custodia carried them has none: nothing to check, and the check says so.
    fn earlier(
        &mut self,
        cp: Option<&Checkpoint>,
        parsed: Option<&signature::Parsed>,
    ) -> Outcome<Vec<ReceivedEarlier>> {
        let Some(json) = self.text(bagit::CUSTODY_CONSISTENCY) else {
            return (Vec::new(), Some("the bundle carries no earlier checkpoint of its sender".into()));
        };
        let (Some(cp), Some(parsed)) = (cp, parsed) else { return (Vec::new(), None) };
        match consistency::check(&json, cp, &parsed.key) {
            Ok(earlier) => {
                let summary =
                    format!("the log extends the {} earlier checkpoint(s) of its sender it carries", earlier.len());
                (earlier, Some(summary))
            }
            Err(EarlierFault::Malformed(detail)) => {
                self.fail(BundleProblem::EarlierMalformed { detail });
                (Vec::new(), None)
            }
            Err(EarlierFault::NotExtended { size, bundle }) => {
                self.fail(match bundle {
                    Some(bundle) => BundleProblem::EarlierNotExtended { size, bundle },
                    None => BundleProblem::CosignedNotExtended { size },
                });
                (Vec::new(), None)
            }
        }
    }

    /// Each collected file against the first ingest event of its item.
    fn items(
        &mut self,
        payload: &Files,
        events: &BTreeMap<u64, CheckedEvent>,
        proven: &BTreeSet<u64>,
    ) -> Outcome<Vec<ReceivedItem>> {
        let mut items = Vec::new();
        let mut per_folder: BTreeMap<&str, u32> = BTreeMap::new();
        let mut ingests: HashMap<&str, (u64, &Ingested)> = HashMap::new();
        for (seq, event) in events {
            if let Some(ingested) = &event.ingested {
                ingests.entry(ingested.item.as_str()).or_insert((*seq, ingested));
            }
        }
        for (path, seen) in payload.iter().filter(|(p, _)| p.starts_with("data/items/")) {
            let parts: Vec<&str> = path.split('/').collect();
            if parts.len() != 4 {
                self.fail(BundleProblem::ItemFolder { path: path.to_string() });
                continue;
            }
            *per_folder.entry(parts[2]).or_default() += 1;
            let id = parts[2].to_string();
            let sha256 = hex::encode(seen.sha256);
            let ingest = ingests.get(id.as_str()).copied();
            let ok = match ingest {
                None => {
                    self.fail(BundleProblem::ItemWithoutIngestEvent { item: id.clone(), path: path.to_string() });
                    false
                }
                Some((_, recorded)) if recorded.sha256 != sha256 || recorded.size != seen.size => {
                    self.fail(BundleProblem::ItemNotAsIngested {
                        item: id.clone(),
                        path: path.to_string(),
                        recorded_sha256: recorded.sha256.clone(),
                        actual_sha256: sha256.clone(),
                        recorded_size: recorded.size,
                        actual_size: seen.size,
                    });
                    false
                }
                Some((seq, _)) => proven.contains(&seq),
            };
            let ingest_seq = ingest.map(|(seq, _)| seq);
            items.push(ReceivedItem { id, path: path.to_string(), sha256, size: seen.size, ingest_seq, ok });
        }
        for (folder, count) in per_folder {
            if count > 1 {
                self.fail(BundleProblem::ItemFolder { path: format!("data/items/{folder}/ ({count} files)") });
            }
        }
        let summary = format!("{} item(s) match their ingest events", items.len());
        (items, Some(summary))
    }
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

/// Every check in the order shown: passed with its summary, failed with its problems, or not checked.
fn statuses(
    problems: &[BundleProblem],
    passed: &BTreeMap<BundleCheck, String>,
    signer_expected: bool,
) -> Vec<CheckStatus> {
    use BundleCheck::*;
    BundleCheck::ALL
        .into_iter()
        .map(|check| {
            let failed: Vec<String> = problems.iter().filter(|p| p.check() == check).map(|p| p.to_string()).collect();
            match (check, passed.get(&check)) {
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
                (_, Some(summary)) if failed.is_empty() => {
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
