//! Bundles as the page sees them: the address book, the export plan with its consent refusals, a finished
//! export, and the report of a received bundle with each check named by a code the page translates.
//! Nothing here carries a file path from the page: the shell holds the paths the native dialogs gave.

use super::{FindingDto, Secret};
use custodia_core::bundle::verify::{BundleCheck, BundleProblem, CheckStatus, ReceivedItem};
use custodia_core::bundle::{PlannedItem, Recipient, RecipientInput, Refusal};
use custodia_core::{BundleReport, ConsentRefusal, ExportPlan, ExportSelection, Exported, RecipientKind};
use serde::{Deserialize, Serialize};
use specta::Type;

/// A recipient in the address book, with the fingerprint words to read over the phone.
#[derive(Debug, Clone, Serialize, Type)]
pub struct RecipientDto {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub kind: RecipientKind,
    pub public_key: String,
    pub fingerprint: String,
    pub words: String,
    /// The same fingerprint as eight groups of digits, read in any language.
    pub numbers: String,
    pub added_at: String,
    pub added_by: String,
}

impl From<Recipient> for RecipientDto {
    fn from(r: Recipient) -> Self {
        RecipientDto {
            id: r.id,
            name: r.name,
            organisation: r.organisation,
            kind: r.kind,
            public_key: r.public_key,
            fingerprint: r.fingerprint.hex,
            words: r.fingerprint.words,
            numbers: r.fingerprint.numbers,
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
    pub kind: RecipientKind,
    /// `age1...`
    pub public_key: String,
}

impl From<RecipientInputDto> for RecipientInput {
    fn from(r: RecipientInputDto) -> Self {
        RecipientInput { name: r.name, organisation: r.organisation, kind: r.kind, public_key: r.public_key }
    }
}

/// What to send, and to which kind of recipient.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct ExportSelectionDto {
    pub items: Vec<String>,
    pub interviews: Vec<String>,
    pub incident: Option<String>,
    pub recipient_kind: RecipientKind,
}

impl From<ExportSelectionDto> for ExportSelection {
    fn from(s: ExportSelectionDto) -> Self {
        ExportSelection {
            items: s.items,
            interviews: s.interviews,
            incident: s.incident.filter(|i| !i.trim().is_empty()),
            recipient_kind: s.recipient_kind,
        }
    }
}

/// How the bundle is sealed: to one recipient of the address book, or with a passphrase.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct ExportRequestDto {
    pub selection: ExportSelectionDto,
    /// An address book id (`R-...`); ignored when a passphrase is given.
    pub recipient: Option<String>,
    pub passphrase: Option<Secret>,
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
    /// Why, from the consent decision, for the page's words when there is no finding.
    pub reason: ConsentRefusal,
    /// The core's English sentence naming the record, the person and the reason.
    pub message: String,
    pub finding: Option<FindingDto>,
}

impl From<Refusal> for RefusalDto {
    fn from(r: Refusal) -> Self {
        RefusalDto {
            reason: r.decision.refusal(),
            record: r.record,
            person: r.person,
            message: r.message,
            finding: r.finding.map(Into::into),
        }
    }
}

/// A new key file, made for a lawyer who had none: its name (not its folder), the public key to give
/// senders, and its fingerprint as hex and as words to read over the phone.
#[derive(Debug, Clone, Serialize, Type)]
pub struct MadeKeyDto {
    pub file_name: String,
    pub public_key: String,
    pub fingerprint: String,
    pub words: String,
    pub numbers: String,
}

impl From<custodia_core::bundle::keys::GeneratedIdentity> for MadeKeyDto {
    fn from(g: custodia_core::bundle::keys::GeneratedIdentity) -> Self {
        MadeKeyDto {
            file_name: g.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            public_key: g.public_key,
            fingerprint: g.fingerprint.hex,
            words: g.fingerprint.words,
            numbers: g.fingerprint.numbers,
        }
    }
}

/// What an export would hold, shown before anything is written.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ExportPlanDto {
    pub allowed: bool,
    pub recipient_kind: RecipientKind,
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
            recipient_kind: p.recipient_kind,
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

/// Who can check the bundle's signature: the vault's key, as words and as numbers to read over the phone.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SignerDto {
    pub name: String,
    pub fingerprint: String,
    pub words: String,
    pub numbers: String,
}

impl From<custodia_core::bundle::signature::SignerInfo> for SignerDto {
    fn from(s: custodia_core::bundle::signature::SignerInfo) -> Self {
        SignerDto {
            name: s.name,
            fingerprint: s.fingerprint.hex,
            words: s.fingerprint.words,
            numbers: s.fingerprint.numbers,
        }
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
    pub passphrase: Option<Secret>,
    /// The signer's fingerprint (hex or words) as the sender read it out, when known.
    pub signer: Option<String>,
}

/// What the shell holds for the receiving side: the names (not paths) of the chosen files.
#[derive(Debug, Clone, Default, Serialize, Type)]
pub struct ReceivingDto {
    pub bundle: Option<String>,
    pub identity: Option<String>,
}

/// One check: held, failed, or not run (a check it depends on failed, or no expected signer was given).
#[derive(Debug, Clone, Serialize, Type)]
pub struct BundleCheckDto {
    pub check: BundleCheck,
    pub ok: bool,
    pub checked: bool,
    /// The core's English sentence of what was found.
    pub summary: String,
    /// What failed in this check, each naming the file, item or event.
    pub problems: Vec<BundleProblemDto>,
}

/// One thing in a received bundle that does not hold: the core's problem as it is (its code, tagged
/// `problem`, and the names its sentence needs, so the page words it in the reader's language), and the
/// core's English sentence. Every name comes from the bundle (untrusted text).
#[derive(Debug, Clone, Serialize, Type)]
pub struct BundleProblemDto {
    pub found: BundleProblem,
    /// The core's English sentence.
    pub message: String,
}

impl From<&BundleProblem> for BundleProblemDto {
    fn from(problem: &BundleProblem) -> Self {
        BundleProblemDto { found: problem.clone(), message: problem.to_string() }
    }
}

fn check_dto(status: CheckStatus, report: &BundleReport) -> BundleCheckDto {
    let problems = report.problems.iter().filter(|p| p.check() == status.check).map(Into::into).collect::<Vec<_>>();
    BundleCheckDto { check: status.check, ok: status.ok, checked: status.checked, summary: status.summary, problems }
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
    /// False when no signer's words were given: the import is recorded as from an unconfirmed signer, and
    /// the page says so with `signer_words` for the person to confirm by phone.
    pub signer_verified: bool,
    pub signer_words: Option<String>,
    pub signer_numbers: Option<String>,
}

impl From<custodia_core::bundle::Imported> for ImportedDto {
    fn from(i: custodia_core::bundle::Imported) -> Self {
        ImportedDto {
            signer_words: i.report.signer.as_ref().map(|s| s.fingerprint.words.clone()),
            signer_numbers: i.report.signer.as_ref().map(|s| s.fingerprint.numbers.clone()),
            bundle_sha256: i.report.bundle_sha256,
            items: i.items.into_iter().map(Into::into).collect(),
            original_ids: i.original_ids,
            signer_verified: i.signer_verified,
        }
    }
}
