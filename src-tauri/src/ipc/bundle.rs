//! Bundles as the page sees them: the address book, the export plan with its consent refusals, a finished
//! export, and the report of a received bundle with each check named by a code the page translates.
//! Nothing here carries a file path from the page: the shell holds the paths the native dialogs gave.

use super::FindingDto;
use custodia_core::bundle::verify::{BundleCheck, CheckStatus, ReceivedItem};
use custodia_core::bundle::{PlannedItem, Recipient, RecipientInput, Refusal};
use custodia_core::{BundleReport, ExportPlan, ExportSelection, Exported, RecipientKind};
use serde::{Deserialize, Serialize};
use specta::Type;

/// A recipient in the address book, with the fingerprint words to read over the phone.
#[derive(Debug, Clone, Serialize, Type)]
pub struct RecipientDto {
    pub id: String,
    pub name: String,
    pub organisation: String,
    /// One of `CATALOG.recipient_kinds`.
    pub kind: String,
    pub public_key: String,
    pub fingerprint: String,
    pub words: String,
    pub added_at: String,
    pub added_by: String,
}

impl From<Recipient> for RecipientDto {
    fn from(r: Recipient) -> Self {
        RecipientDto {
            id: r.id,
            name: r.name,
            organisation: r.organisation,
            kind: r.kind.as_str().into(),
            public_key: r.public_key,
            fingerprint: r.fingerprint.hex,
            words: r.fingerprint.words,
            added_at: r.added_at,
            added_by: r.added_by,
        }
    }
}

/// The address book, and the shortest passphrase a bundle may be sealed with.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AddressBookDto {
    pub recipients: Vec<RecipientDto>,
    pub min_passphrase_chars: u32,
}

#[derive(Debug, Clone, Deserialize, Type)]
pub struct RecipientInputDto {
    pub name: String,
    pub organisation: String,
    pub kind: String,
    /// `age1...`
    pub public_key: String,
}

impl TryFrom<RecipientInputDto> for RecipientInput {
    type Error = super::IpcError;

    fn try_from(r: RecipientInputDto) -> Result<Self, super::IpcError> {
        Ok(RecipientInput {
            name: r.name,
            organisation: r.organisation,
            kind: RecipientKind::parse(&r.kind)?,
            public_key: r.public_key,
        })
    }
}

/// What to send, and to which kind of recipient.
#[derive(Debug, Clone, Default, Deserialize, Type)]
pub struct ExportSelectionDto {
    pub items: Vec<String>,
    pub interviews: Vec<String>,
    pub incident: Option<String>,
    /// One of `CATALOG.recipient_kinds`.
    pub recipient_kind: String,
}

impl TryFrom<ExportSelectionDto> for ExportSelection {
    type Error = super::IpcError;

    fn try_from(s: ExportSelectionDto) -> Result<Self, super::IpcError> {
        Ok(ExportSelection {
            items: s.items,
            interviews: s.interviews,
            incident: s.incident.filter(|i| !i.trim().is_empty()),
            recipient_kind: RecipientKind::parse(&s.recipient_kind)?,
        })
    }
}

/// How the bundle is sealed: to one recipient of the address book, or with a passphrase.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct ExportRequestDto {
    pub selection: ExportSelectionDto,
    /// An address book id (`R-...`); ignored when a passphrase is given.
    pub recipient: Option<String>,
    pub passphrase: Option<String>,
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct PlannedItemDto {
    pub id: String,
    pub name: String,
    pub size: f64,
    pub media_type: String,
    /// English: "chosen", "document of T-…", ...
    pub reasons: Vec<String>,
}

impl From<PlannedItem> for PlannedItemDto {
    fn from(i: PlannedItem) -> Self {
        PlannedItemDto { id: i.id, name: i.name, size: i.size as f64, media_type: i.media_type, reasons: i.reasons }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct PlannedPersonDto {
    pub id: String,
    /// True when consent lets their identity go; otherwise the record goes pseudonymised.
    pub identity: bool,
}

/// A record consent does not let go, with the finding that words why.
#[derive(Debug, Clone, Serialize, Type)]
pub struct RefusalDto {
    pub record: String,
    pub person: String,
    /// The core's English sentence naming the record, the person and the reason.
    pub message: String,
    pub finding: Option<FindingDto>,
}

impl From<Refusal> for RefusalDto {
    fn from(r: Refusal) -> Self {
        RefusalDto { record: r.record, person: r.person, message: r.message, finding: r.finding.map(Into::into) }
    }
}

/// What an export would hold, shown before anything is written.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ExportPlanDto {
    pub allowed: bool,
    pub recipient_kind: String,
    pub items: Vec<PlannedItemDto>,
    pub interviews: Vec<String>,
    pub persons: Vec<PlannedPersonDto>,
    pub consents: Vec<String>,
    pub incidents: Vec<String>,
    pub refusals: Vec<RefusalDto>,
    pub item_bytes: f64,
}

impl From<ExportPlan> for ExportPlanDto {
    fn from(p: ExportPlan) -> Self {
        ExportPlanDto {
            allowed: p.allowed(),
            recipient_kind: p.recipient_kind.as_str().into(),
            items: p.items.into_iter().map(Into::into).collect(),
            interviews: p.interviews,
            persons: p.persons.into_iter().map(|p| PlannedPersonDto { id: p.id, identity: p.identity }).collect(),
            consents: p.consents,
            incidents: p.incidents,
            refusals: p.refusals.into_iter().map(Into::into).collect(),
            item_bytes: p.item_bytes as f64,
        }
    }
}

/// Who can check the bundle's signature: the vault's key, as words to read over the phone.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SignerDto {
    pub name: String,
    pub fingerprint: String,
    pub words: String,
}

impl From<custodia_core::bundle::signature::SignerInfo> for SignerDto {
    fn from(s: custodia_core::bundle::signature::SignerInfo) -> Self {
        SignerDto { name: s.name, fingerprint: s.fingerprint.hex, words: s.fingerprint.words }
    }
}

/// A finished export: the file's name (not its folder) and its SHA-256, as the custody log records it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ExportedDto {
    pub bundle_id: String,
    pub file_name: String,
    pub sha256: String,
    pub size: f64,
    /// Names of the recipients it was sealed to; empty for a passphrase bundle.
    pub sealed_for: Vec<String>,
    pub signer: SignerDto,
    pub items: u32,
}

impl From<Exported> for ExportedDto {
    fn from(e: Exported) -> Self {
        ExportedDto {
            bundle_id: e.bundle_id,
            file_name: e.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            sha256: e.sha256,
            size: e.size as f64,
            sealed_for: e.recipients.into_iter().map(|r| r.name).collect(),
            signer: e.signer.into(),
            items: e.plan.items.len() as u32,
        }
    }
}

/// How to open a received bundle; the bundle and key files are those the native dialogs gave the shell.
#[derive(Debug, Clone, Default, Deserialize, Type)]
pub struct OpenWithDto {
    /// For a passphrase bundle; otherwise the chosen key file is used.
    pub passphrase: Option<String>,
    /// The signer's fingerprint (hex or words) as the sender read it out, when known.
    pub signer: Option<String>,
}

/// What the shell holds for the receiving side: the names (not paths) of the chosen files.
#[derive(Debug, Clone, Default, Serialize, Type)]
pub struct ReceivingDto {
    pub bundle: Option<String>,
    pub identity: Option<String>,
}

/// The checks, in the order shown; the match makes a new check a compile error here.
pub fn check_code(check: BundleCheck) -> &'static str {
    match check {
        BundleCheck::Decryption => "decryption",
        BundleCheck::Bagit => "bagit",
        BundleCheck::PayloadOxum => "payload_oxum",
        BundleCheck::PayloadManifest => "payload_manifest",
        BundleCheck::TagManifest => "tag_manifest",
        BundleCheck::Signature => "signature",
        BundleCheck::ExpectedSigner => "expected_signer",
        BundleCheck::Checkpoint => "checkpoint",
        BundleCheck::CustodyEvents => "custody_events",
        BundleCheck::InclusionProofs => "inclusion_proofs",
        BundleCheck::ItemsMatchCustody => "items_match_custody",
    }
}

/// Every check code, for the page's translation check.
pub const BUNDLE_CHECKS: &[&str] = &[
    "decryption",
    "bagit",
    "payload_oxum",
    "payload_manifest",
    "tag_manifest",
    "signature",
    "expected_signer",
    "checkpoint",
    "custody_events",
    "inclusion_proofs",
    "items_match_custody",
];

/// One check: held, failed, or not run (a check it depends on failed, or no expected signer was given).
#[derive(Debug, Clone, Serialize, Type)]
pub struct BundleCheckDto {
    /// One of `CATALOG.bundle_checks`.
    pub check: String,
    pub ok: bool,
    pub checked: bool,
    /// The core's English sentence of what was found.
    pub summary: String,
    /// The English sentences of what failed in this check, each naming the file, item or event.
    pub problems: Vec<String>,
}

fn check_dto(status: CheckStatus, report: &BundleReport) -> BundleCheckDto {
    let problems =
        report.problems.iter().filter(|p| p.check() == status.check).map(|p| p.to_string()).collect::<Vec<_>>();
    BundleCheckDto {
        check: check_code(status.check).into(),
        ok: status.ok,
        checked: status.checked,
        summary: status.summary,
        problems,
    }
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct ReceivedItemDto {
    pub id: String,
    pub path: String,
    pub sha256: String,
    pub size: f64,
    pub ok: bool,
}

impl From<ReceivedItem> for ReceivedItemDto {
    fn from(i: ReceivedItem) -> Self {
        ReceivedItemDto { id: i.id, path: i.path, sha256: i.sha256, size: i.size as f64, ok: i.ok }
    }
}

/// The outcome of checking a received bundle.
#[derive(Debug, Clone, Serialize, Type)]
pub struct BundleReportDto {
    pub ok: bool,
    pub bundle_sha256: String,
    pub bundle_size: f64,
    pub bag: String,
    /// `bag-info.txt` labels and values, as the sender wrote them (untrusted text).
    pub bag_info: Vec<(String, String)>,
    pub signer: Option<SignerDto>,
    pub payload_files: f64,
    pub events: f64,
    pub items: Vec<ReceivedItemDto>,
    pub checks: Vec<BundleCheckDto>,
    /// Every problem's English sentence, also those listed under their check.
    pub problems: Vec<String>,
}

impl From<BundleReport> for BundleReportDto {
    fn from(mut r: BundleReport) -> Self {
        let statuses = std::mem::take(&mut r.checks);
        let checks = statuses.into_iter().map(|s| check_dto(s, &r)).collect();
        BundleReportDto {
            ok: r.ok,
            bundle_sha256: r.bundle_sha256,
            bundle_size: r.bundle_size as f64,
            bag: r.bag,
            bag_info: r.bag_info,
            signer: r.signer.map(Into::into),
            payload_files: r.payload_files as f64,
            events: r.events as f64,
            items: r.items.into_iter().map(Into::into).collect(),
            checks,
            problems: r.problems.iter().map(|p| p.to_string()).collect(),
        }
    }
}

/// A verified bag extracted to a folder the user chose.
#[derive(Debug, Clone, Serialize, Type)]
pub struct OpenedDto {
    pub report: BundleReportDto,
    pub folder: String,
}

/// Items brought into this vault from a bundle, each with the sender's id.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ImportedDto {
    pub bundle_sha256: String,
    pub items: Vec<super::ItemDto>,
    pub original_ids: Vec<String>,
}

impl From<custodia_core::bundle::Imported> for ImportedDto {
    fn from(i: custodia_core::bundle::Imported) -> Self {
        ImportedDto {
            bundle_sha256: i.report.bundle_sha256,
            items: i.items.into_iter().map(Into::into).collect(),
            original_ids: i.original_ids,
        }
    }
}
