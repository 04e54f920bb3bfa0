//! Checking a received bundle, every check named so that a lawyer can say in court which held. The chain
//! of trust runs: the Ed25519 signature (by a key whose fingerprint the sender confirms) covers the tag
//! manifest, which covers `bagit.txt`, `bag-info.txt`, the payload manifest and the custody files; the
//! payload manifest covers every collected file and record. A file that neither manifest covers is a
//! problem of its own (`FileUnsigned`), so the report is red and nothing of the bag is extracted or
//! imported. Independently, each custody event's hash is recomputed from its fields, proven by its
//! inclusion proof to be in the log whose checkpoint the same key signed, and each collected file must have
//! the SHA-256 and size its ingest event recorded.

use super::bagit::TAG_MANIFEST;
use super::keys::Unlocker;
use super::read::{self, HashOnly, Limits, ReadProgress};
use super::signature::SignerInfo;
use super::BundleError;
use crate::blobs::Flow;
use crate::vocabulary::vocabulary;
use serde::Serialize;
use std::path::Path;

vocabulary! {
    /// The checks, in the order they are shown.
    #[derive(PartialOrd, Ord)]
    pub enum BundleCheck {
        /// The bundle decrypted with the given key, intact to its authenticated end.
        Decryption = "decryption",
        /// `bagit.txt` declares BagIt with UTF-8 tag files.
        Bagit = "bagit",
        /// `Payload-Oxum` in `bag-info.txt` matches the payload's bytes and files.
        PayloadOxum = "payload_oxum",
        /// Every line of `manifest-sha256.txt` holds, and every payload file is listed.
        PayloadManifest = "payload_manifest",
        /// Every line of `tagmanifest-sha256.txt` holds, and it lists every file outside `data/` but itself and
        /// `custody/signature`: a file that neither manifest covers is a problem, never extracted or imported.
        TagManifest = "tag_manifest",
        /// The Ed25519 signature over the tag manifest verifies.
        Signature = "signature",
        /// The signer is the one expected (when a fingerprint was given).
        ExpectedSigner = "expected_signer",
        /// The checkpoint is signed by the same key.
        Checkpoint = "checkpoint",
        /// Each custody event's hash recomputes from its fields.
        CustodyEvents = "custody_events",
        /// Each custody event is proven to be in the checkpoint's tree.
        InclusionProofs = "inclusion_proofs",
        /// The log extends every earlier checkpoint of the sender that the bundle carries (checkpoints of
        /// earlier bundles to the same recipient, the newest cosigned one): no fork since.
        EarlierCheckpoints = "earlier_checkpoints",
        /// Each collected file has the SHA-256 and size recorded at its ingest.
        ItemsMatchCustody = "items_match_custody",
    }
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

/// One thing in a bundle that does not hold. Crosses to programs (`--json`) and to the desktop page (with
/// the `specta` feature, as a TypeScript union tagged by `problem`) as it is: its code and the names its
/// sentence needs. Numbers cross as JavaScript numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
        #[cfg_attr(feature = "specta", specta(type = f64))]
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
    /// A tag file (outside `data/`) that the signed tag manifest does not list: a second tag manifest, a
    /// folder named like one, anything added beside the bag. Nothing vouches for it.
    FileUnsigned {
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
        #[cfg_attr(feature = "specta", specta(type = f64))]
        line: usize,
    },
    EventAltered {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        seq: u64,
    },
    /// Two consecutive events in the bundle that do not link by hash: `seq` does not point at `previous`.
    ChainBroken {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        seq: u64,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        previous: u64,
    },
    ProofsMissing,
    ProofsMalformed {
        detail: String,
    },
    ProofMissing {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        seq: u64,
    },
    ProofInvalid {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        seq: u64,
        detail: String,
    },
    /// `custody/consistency.json` cannot be read, or an earlier checkpoint in it is not the signer's.
    EarlierMalformed {
        detail: String,
    },
    /// The bundle's checkpoint does not extend the checkpoint of an earlier bundle (`bundle`) of the same
    /// sender that it carries: the sender's log was rewritten after it.
    EarlierNotExtended {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        size: u64,
        bundle: String,
    },
    /// The bundle's checkpoint does not extend the sender's cosigned checkpoint that it carries.
    CosignedNotExtended {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        size: u64,
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
        #[cfg_attr(feature = "specta", specta(type = f64))]
        recorded_size: u64,
        #[cfg_attr(feature = "specta", specta(type = f64))]
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
            BundleCheck::EarlierCheckpoints => "earlier checkpoints",
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
            FileUnsigned { .. } => BundleCheck::TagManifest,
            SignatureMissing | SignatureMalformed { .. } | SignatureInvalid => BundleCheck::Signature,
            SignerMismatch { .. } => BundleCheck::ExpectedSigner,
            CheckpointMissing | CheckpointInvalid { .. } => BundleCheck::Checkpoint,
            EventsMissing | EventMalformed { .. } | EventAltered { .. } | ChainBroken { .. } => {
                BundleCheck::CustodyEvents
            }
            ProofsMissing | ProofsMalformed { .. } | ProofMissing { .. } | ProofInvalid { .. } => {
                BundleCheck::InclusionProofs
            }
            EarlierMalformed { .. } | EarlierNotExtended { .. } | CosignedNotExtended { .. } => {
                BundleCheck::EarlierCheckpoints
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
            FileUnsigned { path } => write!(
                f,
                "{path:?} is in the bag but covered by neither manifest-sha256.txt nor the signed tagmanifest-sha256.txt: nothing vouches for it"
            ),
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
            ChainBroken { seq, previous } => write!(f, "custody event {seq} does not point at event {previous} before it"),
            ProofsMissing => f.write_str("custody/proofs.json is missing"),
            ProofsMalformed { detail } => write!(f, "custody/proofs.json cannot be read: {detail}"),
            ProofMissing { seq } => write!(f, "custody event {seq} has no inclusion proof"),
            ProofInvalid { seq, detail } => write!(f, "custody event {seq} is not proven to be in the signed log: {detail}"),
            EarlierMalformed { detail } => write!(f, "custody/consistency.json cannot be used: {detail}"),
            EarlierNotExtended { size, bundle } => write!(
                f,
                "this sender's log was rewritten after bundle {bundle}: this bundle's checkpoint does not extend that bundle's checkpoint of {size} events"
            ),
            CosignedNotExtended { size } => write!(
                f,
                "this sender's log was rewritten after its cosigned checkpoint of {size} events: this bundle's checkpoint does not extend it"
            ),
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
    /// Earlier checkpoints of the sender that the bundle's checkpoint was proven to extend.
    pub earlier: Vec<super::ReceivedEarlier>,
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
    Ok(super::checks::check(&collected, expected_signer))
}
