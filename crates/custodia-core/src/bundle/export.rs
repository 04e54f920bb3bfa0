//! Writing a bundle. Everything but the collected files is prepared first (records, custody events, the
//! checkpoint and its proofs, manifests, the signature), from the hashes the vault recorded at ingest.
//! Then one pass streams the bag (`stream`); a stored copy that is not exactly its recorded size and
//! SHA-256 aborts it, so the manifests written ahead are true of every bundle that is finished.
//!
//! The export is recorded as pending, then the bundle is written to a hidden `.partial` file beside the
//! output and fsynced; then the checkpoint, the export and one `item.exported` event per item are
//! committed together, and only then is the file given its name, without replacing anything. A crash
//! anywhere leaves a pending record that the next open settles (`pending`): the bundle has its final name
//! only together with its events.

use super::bagit::{
    self, BAGIT_TXT, BAG_INFO, CUSTODY_CHECKPOINT, CUSTODY_CONSISTENCY, CUSTODY_EVENTS, CUSTODY_PROOFS, MANIFEST,
    TAG_MANIFEST,
};
use super::book::{self, RecipientInput};
use super::keys::{parse_recipient, recipient_fingerprint};
use super::limits::EXPORT_SCRYPT_LOG_N;
use super::pending::{self, Pending};
use super::plan::{ExportPlan, ExportSelection};
use super::signature::{self, SignerInfo};
use super::stream::{self, Entry};
use super::{consistency, io_error, proofs, BundleError, EXTENSION};
use crate::blobs::{BlobKey, Flow};
use crate::checkpoint::{self, CheckpointReason, StoredCheckpoint};
use crate::custody::{self, Action};
use crate::direct::{self, DirectFile};
use crate::error::Result;
use crate::keys::{StrengthPolicy, Verdict};
use crate::records::fields;
use crate::vault::{Vault, VaultError};
use crate::{clock, faults, fsutil};
use age::x25519;
use rusqlite::params;
use secrecy::SecretString;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A bundle passphrase protects evidence against offline guessing: longer than a vault's minimum.
pub const MIN_BUNDLE_PASSPHRASE_CHARS: usize = 12;

/// The tag files the tag manifest lists (with `custody/proofs.json`, streamed on its own), each in its slot.
struct TagFiles {
    bagit: Vec<u8>,
    bag_info: Vec<u8>,
    manifest: Vec<u8>,
    events: Vec<u8>,
    checkpoint: Vec<u8>,
    consistency: Vec<u8>,
}

impl TagFiles {
    /// Each file's path in the bag and its content, in the tag manifest's order.
    fn listed(&self) -> [(&'static str, &[u8]); 6] {
        [
            (BAGIT_TXT, &self.bagit),
            (BAG_INFO, &self.bag_info),
            (MANIFEST, &self.manifest),
            (CUSTODY_EVENTS, &self.events),
            (CUSTODY_CHECKPOINT, &self.checkpoint),
            (CUSTODY_CONSISTENCY, &self.consistency),
        ]
    }
}

/// The address-book ids of the known recipients a bundle is sealed to, or `None` for a passphrase bundle:
/// earlier bundles to them are the ones whose checkpoints this one proves it extends.
fn sealed_to(sealing: &Option<Sealing>) -> Option<Vec<String>> {
    sealing.as_ref().map(|s| s.known.iter().flatten().map(|r| r.id.clone()).collect())
}

/// Who can open the bundle.
pub enum Protection {
    /// age X25519 public keys (`age1...`), or names or ids from the address book.
    Recipients(Vec<String>),
    /// A passphrase (age scrypt), for a recipient without a key; refused when weak unless the policy
    /// allows it.
    Passphrase(SecretString, StrengthPolicy),
}

impl std::fmt::Debug for Protection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Protection::Recipients(r) => f.debug_tuple("Recipients").field(r).finish(),
            Protection::Passphrase(_, policy) => write!(f, "Passphrase(.., {policy:?})"),
        }
    }
}

/// An export to perform.
#[derive(Debug)]
pub struct ExportRequest {
    pub selection: ExportSelection,
    pub protection: Protection,
    /// `…/NAME.custodia.age`; must not exist.
    pub output: PathBuf,
    /// Free text for `bag-info.txt` (`External-Description`); empty for a default.
    pub description: String,
    /// `Source-Organization`; empty for the vault's id.
    pub organisation: String,
    /// `Contact-Name`; empty for the acting person.
    pub contact_name: String,
}

/// Progress of an export: bytes of collected files streamed so far, and the item being written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportProgress {
    pub done: u64,
    pub total: u64,
    pub item: Option<String>,
}

/// A recipient a bundle was sealed for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealedFor {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub public_key: String,
    pub fingerprint: String,
}

/// A finished export.
#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    pub bundle_id: String,
    pub path: PathBuf,
    /// SHA-256 of the encrypted file, as recorded in the custody log.
    pub sha256: String,
    pub size: u64,
    pub payload_oxum: String,
    /// Empty for a passphrase bundle.
    pub recipients: Vec<SealedFor>,
    pub checkpoint: StoredCheckpoint,
    pub signer: SignerInfo,
    pub plan: ExportPlan,
}

/// The bag name of an output path `…/NAME.custodia.age`.
fn bag_name(output: &Path) -> std::result::Result<String, BundleError> {
    let file = output.file_name().and_then(|n| n.to_str()).ok_or(BundleError::BadBundleName)?;
    let name = file.strip_suffix(EXTENSION).ok_or(BundleError::BadBundleName)?;
    if !bagit::valid_bag_name(name) {
        return Err(BundleError::BadBundleName);
    }
    Ok(name.to_string())
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// One read transaction over everything an export reads before it streams: the plan, records and custody
/// events are read from one state of the vault, and the thousands of lookups of a large export (several
/// per item) do not each take and release the database's locks. Ended before the bundle is written; the
/// export's own writes come later, in their own transaction.
struct ReadTransaction<'a> {
    conn: &'a rusqlite::Connection,
    open: bool,
}

impl<'a> ReadTransaction<'a> {
    fn begin(conn: &'a rusqlite::Connection) -> Result<Self> {
        conn.execute_batch("BEGIN DEFERRED")?;
        Ok(ReadTransaction { conn, open: true })
    }

    fn end(mut self) -> Result<()> {
        self.open = false;
        Ok(self.conn.execute_batch("COMMIT")?)
    }
}

impl Drop for ReadTransaction<'_> {
    fn drop(&mut self) {
        if self.open {
            // Nothing was written inside it: ending it is all that is left to do.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// How the bundle was sealed, for its custody event: the recipients' keys, or a passphrase and whether a
/// weak one was allowed.
struct Sealed<'a> {
    sealing: &'a Option<Sealing>,
    verdict: Verdict,
}

/// Resolved recipients: their keys, and who they are when the address book knows them.
struct Sealing {
    keys: Vec<x25519::Recipient>,
    known: Vec<Option<book::Recipient>>,
}

impl Vault {
    /// Writes a bundle of `request.selection` to `request.output`, after the consent check, and records it.
    pub fn export(
        &mut self,
        request: &ExportRequest,
        progress: &mut dyn FnMut(ExportProgress) -> Flow,
    ) -> Result<Exported> {
        let name = bag_name(&request.output)?;
        if fs::symlink_metadata(&request.output).is_ok() {
            return Err(VaultError::OutputExists(request.output.clone()).into());
        }
        self.refuse_bundle_inside_vault(&request.output)?;
        let snapshot = ReadTransaction::begin(&self.conn)?;
        let (sealing, verdict) = match &request.protection {
            Protection::Recipients(list) => (Some(self.resolve_recipients(list, &request.selection)?), Verdict::Strong),
            Protection::Passphrase(p, policy) => (None, policy.check(p, MIN_BUNDLE_PASSPHRASE_CHARS)?),
        };
        let plan = self.plan_export(&request.selection)?;
        if !plan.allowed() {
            return Err(BundleError::ConsentRefused(plan.refusals).into());
        }
        let bundle_id = fields::new_id(&self.conn, "exports", "B", &[5, 5])?;
        let vault_id = self.vault_id().to_string();
        let origin = checkpoint::origin_for(&vault_id);
        let signing_key = checkpoint::signing_key(&self.conn)?;
        let signer = SignerInfo::new(&origin, &signing_key.verifying_key());

        let mut subjects: HashSet<String> = HashSet::new();
        subjects.extend(plan.items.iter().map(|i| i.id.clone()));
        subjects.extend(plan.interviews.iter().cloned());
        subjects.extend(plan.consents.iter().cloned());
        subjects.extend(plan.incidents.iter().cloned());
        // Events about a pseudonymised person carry hashes of their identity: they stay in the vault.
        subjects.extend(plan.persons.iter().filter(|p| p.identity).map(|p| p.id.clone()));
        let mut custody = proofs::gather(&self.conn, &vault_id, &subjects)?;

        let records = self.bundle_records(&plan)?;
        let mut payload: Vec<(String, String)> = Vec::new();
        let mut payload_bytes = 0u64;
        for record in &records {
            payload.push((record.path.clone(), sha256_hex(&record.bytes)));
            payload_bytes += record.bytes.len() as u64;
        }
        for item in &plan.items {
            payload.push((item.path.clone(), item.sha256.clone()));
            payload_bytes += item.size;
        }
        let oxum = bagit::oxum(payload_bytes, payload.len() as u64);
        let manifest = bagit::manifest(&payload);
        drop(payload);
        let bag_info = self.bag_info(request, &plan, &bundle_id, &oxum, &signer)?;
        let head = proofs::ProofsCheckpoint {
            origin: origin.clone(),
            tree_size: custody.tree_size,
            root_hash: hex::encode(custody.root),
        };
        let consistency = consistency::gather(&self.conn, sealed_to(&sealing).as_deref(), &custody.proofs.tree, head)?;
        let tags = TagFiles {
            bagit: bagit::DECLARATION.as_bytes().to_vec(),
            bag_info: bag_info.into_bytes(),
            manifest: manifest.into_bytes(),
            events: std::mem::take(&mut custody.events_jsonl),
            checkpoint: custody.checkpoint_note.clone().into_bytes(),
            consistency,
        };
        let mut tag_lines: Vec<(String, String)> =
            tags.listed().iter().map(|(p, b)| (p.to_string(), sha256_hex(b))).collect();
        tag_lines.push((CUSTODY_PROOFS.into(), hex::encode(custody.proofs.sha256)));
        let tag_manifest = bagit::manifest(&tag_lines);
        let signature = signature::sign(&origin, &signing_key, tag_manifest.as_bytes());

        // The bag's declaration, info and payload manifest open it; the custody files follow the payload.
        let TagFiles { bagit: declaration, bag_info, manifest, events, checkpoint, consistency } = tags;
        let mut entries: Vec<Entry> = Vec::new();
        for (path, bytes) in [(BAGIT_TXT, declaration), (BAG_INFO, bag_info), (MANIFEST, manifest)] {
            entries.push(Entry::Bytes { path: path.into(), bytes });
        }
        for record in records {
            entries.push(Entry::Bytes { path: record.path, bytes: record.bytes });
        }
        for item in &plan.items {
            let (blob, key): (String, Option<Vec<u8>>) = self
                .conn
                .prepare_cached(
                    "SELECT b.name, b.file_key FROM items i JOIN blobs b ON b.name = i.blob_name WHERE i.id = ?1",
                )?
                .query_row([&item.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let key = key.as_deref().and_then(BlobKey::from_slice);
            entries.push(Entry::Item { item, blob, key });
        }
        for (path, bytes) in
            [(CUSTODY_EVENTS, events), (CUSTODY_CHECKPOINT, checkpoint), (CUSTODY_CONSISTENCY, consistency)]
        {
            entries.push(Entry::Bytes { path: path.into(), bytes });
        }
        entries.push(Entry::Proofs { path: CUSTODY_PROOFS, proofs: &custody.proofs });
        entries.push(Entry::Bytes { path: TAG_MANIFEST.into(), bytes: tag_manifest.into_bytes() });
        entries.push(Entry::Bytes { path: signature::SIGNATURE.into(), bytes: signature.into_bytes() });

        let encryptor = match (&request.protection, &sealing) {
            (_, Some(sealing)) => {
                age::Encryptor::with_recipients(sealing.keys.iter().map(|k| k as &dyn age::Recipient))
                    .map_err(|e| BundleError::Encrypt(e.to_string()))?
            }
            (Protection::Passphrase(p, _), None) => {
                // A fixed work factor: age would pick one from this machine's speed, which a slower
                // recipient's Custodia may refuse (it accepts at most `MAX_SCRYPT_LOG_N`).
                let mut recipient = age::scrypt::Recipient::new(p.clone());
                recipient.set_work_factor(EXPORT_SCRYPT_LOG_N);
                age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                    .map_err(|e| BundleError::Encrypt(e.to_string()))?
            }
            (Protection::Recipients(_), None) => return Err(BundleError::NoRecipient.into()),
        };
        snapshot.end()?;
        let output = absolute(&request.output)?;
        let pending = Pending::new(&bundle_id, output.clone(), partial_beside(&output)?);
        pending::begin(&mut self.conn, &pending)?;
        let written = write_partial(&pending.partial, |file| {
            stream::stream(&self.blobs, &name, &entries, plan.item_bytes, encryptor, file, progress)
        });
        let sealed = Sealed { sealing: &sealing, verdict };
        let recorded = written.and_then(|(sha256, size)| {
            let done = self.record_export(&bundle_id, &output, &sha256, size, &plan, sealed, &custody, &oxum)?;
            Ok((sha256, size, done))
        });
        let (sha256, size, (checkpoint, recipients)) = match recorded {
            Ok(done) => done,
            Err(e) => {
                // Nothing was logged: the hidden file goes, and with it the record that it was under way.
                let _ = fs::remove_file(&pending.partial);
                let _ = pending::forget(&mut self.conn, &bundle_id);
                return Err(e);
            }
        };
        if let Err(e) = place(&pending.partial, &output) {
            // Logged but not named: settled now as the next open would, so the log and the folder agree.
            let settled = pending::settle(&mut self.conn, &self.session, &pending.recorded())?;
            if !matches!(settled, pending::Settled::Completed | pending::Settled::AlreadyPlaced) {
                return Err(e);
            }
        }
        // The bundle is in place and logged; a row left by a failure here is removed at the next open.
        let _ = pending::forget(&mut self.conn, &bundle_id);
        Ok(Exported {
            bundle_id,
            path: request.output.clone(),
            sha256,
            size,
            payload_oxum: oxum,
            recipients,
            checkpoint,
            signer,
            plan,
        })
    }

    /// `bag-info.txt`: the request's organisation, contact and description, or defaults in their place.
    fn bag_info(
        &self,
        request: &ExportRequest,
        plan: &ExportPlan,
        bundle_id: &str,
        oxum: &str,
        signer: &SignerInfo,
    ) -> Result<String> {
        let contact = if request.contact_name.trim().is_empty() {
            self.session.actor().to_string()
        } else {
            fields::line("contact name", &request.contact_name)?
        };
        let organisation = if request.organisation.trim().is_empty() {
            format!("Custodia vault {}", self.vault_id())
        } else {
            fields::line("organisation", &request.organisation)?
        };
        let description = if request.description.trim().is_empty() {
            format!(
                "Evidence from a Custodia vault for {}: {} item(s), {} interview(s), {} incident(s).",
                plan.recipient_kind.label(),
                plan.items.len(),
                plan.interviews.len(),
                plan.incidents.len()
            )
        } else {
            fields::text("description", &request.description, fields::MEDIUM)?
        };
        Ok(bagit::render_tags(&[
            ("Source-Organization", organisation),
            ("Contact-Name", contact),
            ("External-Identifier", bundle_id.into()),
            ("External-Description", description),
            ("Bagging-Date", clock::now_rfc3339()[..10].to_string()),
            ("Payload-Oxum", oxum.into()),
            ("Bag-Software-Agent", format!("Custodia {}", env!("CARGO_PKG_VERSION"))),
            ("Custodia-Recipient-Kind", plan.recipient_kind.as_str().into()),
            ("Custodia-Signer", signer.name.clone()),
            ("Custodia-Signer-Fingerprint", signer.fingerprint.hex.clone()),
        ]))
    }

    fn refuse_bundle_inside_vault(&self, output: &Path) -> std::result::Result<(), VaultError> {
        let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let resolved = fs::canonicalize(parent).map_err(crate::vault::io_error("find the folder of", output))?;
        let root = fs::canonicalize(&self.root).map_err(crate::vault::io_error("find", &self.root))?;
        if resolved.starts_with(&root) {
            // The vault's open-time reconcile would move it to quarantine.
            return Err(VaultError::OutputInsideVault(output.into()));
        }
        Ok(())
    }

    /// Turns the typed recipients into keys, checking each against the address book: a recipient recorded
    /// there for another kind of recipient is refused, so consent is checked for who really receives.
    fn resolve_recipients(&self, typed: &[String], selection: &ExportSelection) -> Result<Sealing> {
        if typed.is_empty() {
            return Err(BundleError::NoRecipient.into());
        }
        let mut sealing = Sealing { keys: Vec::new(), known: Vec::new() };
        for value in typed {
            let value = value.trim();
            let (key, known) = if value.starts_with("age1") {
                let key = parse_recipient(value)?;
                let known = book::by_key(&self.conn, &key.to_string())?;
                (key, known)
            } else {
                let Some(found) = book::by_name_or_id(&self.conn, value)? else {
                    return Err(BundleError::BadRecipient {
                        value: value.chars().take(100).collect(),
                        reason: "no such name or id in the address book".into(),
                    }
                    .into());
                };
                (parse_recipient(&found.public_key)?, Some(found))
            };
            if let Some(found) = &known {
                if found.kind != selection.recipient_kind {
                    return Err(BundleError::RecipientKindMismatch {
                        recipient: format!("{} ({})", found.name, found.id),
                        recorded: found.kind.label().into(),
                        requested: selection.recipient_kind.label().into(),
                    }
                    .into());
                }
            }
            if !sealing.keys.iter().any(|k| k.to_string() == key.to_string()) {
                sealing.keys.push(key);
                sealing.known.push(known);
            }
        }
        Ok(sealing)
    }

    #[allow(clippy::too_many_arguments)]
    fn record_export(
        &mut self,
        bundle_id: &str,
        output: &Path,
        sha256: &str,
        size: u64,
        plan: &ExportPlan,
        sealed: Sealed<'_>,
        custody: &proofs::BagCustody,
        oxum: &str,
    ) -> Result<(StoredCheckpoint, Vec<SealedFor>)> {
        let tx = self.conn.transaction()?;
        let checkpoint = checkpoint::store(
            &tx,
            CheckpointReason::Export,
            custody.tree_size,
            custody.root,
            custody.checkpoint_note.clone(),
        )?;
        let mut recipients = Vec::new();
        let sealing = sealed.sealing;
        if let Some(sealing) = sealing {
            for (key, known) in sealing.keys.iter().zip(&sealing.known) {
                let entry = match known {
                    Some(found) => found.clone(),
                    // Keys typed at export are remembered, so the next export can name them.
                    None => book::insert(
                        &tx,
                        &self.session,
                        &RecipientInput {
                            name: format!("Recipient of {bundle_id}"),
                            organisation: String::new(),
                            kind: plan.recipient_kind,
                            public_key: key.to_string(),
                        },
                    )?,
                };
                recipients.push(SealedFor {
                    id: entry.id,
                    name: entry.name,
                    organisation: entry.organisation,
                    public_key: entry.public_key,
                    fingerprint: recipient_fingerprint(key).hex,
                });
            }
        }
        let file_name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut details = json!({
            "file_name": file_name,
            "sha256": sha256,
            "size": size,
            "recipient_kind": plan.recipient_kind,
            "protection": if sealing.is_some() { "x25519" } else { "passphrase" },
            "recipients": recipients,
            "items": plan.items.iter().map(|i| json!({ "id": i.id, "sha256": i.sha256 })).collect::<Vec<_>>(),
            "interviews": plan.interviews,
            "persons": plan.persons,
            "consents": plan.consents,
            "incidents": plan.incidents,
            "payload_oxum": oxum,
            "checkpoint": { "id": checkpoint.id, "size": checkpoint.size, "root": checkpoint.root },
            "events_included": custody.events,
        });
        sealed.verdict.mark(&mut details);
        let event = custody::append(&tx, &self.session, Action::BundleExported, Some(bundle_id), details)?;
        for item in &plan.items {
            custody::append(
                &tx,
                &self.session,
                Action::ItemExported,
                Some(&item.id),
                json!({ "bundle": bundle_id, "bundle_sha256": sha256, "recipient_kind": plan.recipient_kind }),
            )?;
        }
        tx.execute(
            "INSERT INTO exports (id, file_name, sha256, size, recipient_kind, recipients, items, checkpoint_id,
                                  made_at, seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                bundle_id,
                file_name,
                sha256,
                size,
                plan.recipient_kind.as_str(),
                serde_json::to_string(&recipients.iter().map(|r| &r.id).collect::<Vec<_>>())
                    .unwrap_or_else(|_| "[]".into()),
                plan.items.len() as u64,
                checkpoint.id,
                event.time,
                event.seq
            ],
        )?;
        pending::mark_recorded(&tx, bundle_id)?;
        faults::commit(tx, "export.commit")?;
        Ok((checkpoint, recipients))
    }
}
/// `output` with its folder resolved, so the pending record still names it when the vault is next opened
/// from another working directory.
fn absolute(output: &Path) -> Result<PathBuf> {
    let folder = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let folder = fs::canonicalize(folder).map_err(io_error("find the folder of", output))?;
    let name = output.file_name().ok_or(BundleError::BadBundleName)?;
    Ok(folder.join(name))
}

/// The name of the hidden file a bundle is written to before it is logged and named.
fn partial_beside(output: &Path) -> Result<PathBuf> {
    let dir = output.parent().unwrap_or(Path::new("."));
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let suffix = crate::keys::random_hex(6)?;
    Ok(dir.join(format!(".{name}.{suffix}{PARTIAL_SUFFIX}")))
}

/// The end of the name of a bundle's hidden file while it is written.
pub const PARTIAL_SUFFIX: &str = ".partial";

/// Creates the hidden file (readable only by its owner) and has `write` fill and fsync it.
fn write_partial(partial: &Path, write: impl FnOnce(DirectFile) -> Result<(String, u64)>) -> Result<(String, u64)> {
    let file = direct::create(partial).map_err(io_error("create", partial))?;
    faults::hit("export.write").map_err(io_error("write", partial))?;
    write(file)
}

/// Gives the fsynced hidden file its final name without ever replacing a file there, then makes the
/// name durable. Where links and exclusive renames are not supported (FAT and exFAT sticks), a checked
/// rename is the fallback.
fn place(partial: &Path, output: &Path) -> Result<()> {
    match faults::hit("export.rename").and_then(|()| fsutil::rename_no_replace(partial, output)) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(VaultError::OutputExists(output.into()).into());
        }
        Err(_) if fs::symlink_metadata(output).is_err() && partial.exists() => {
            fs::rename(partial, output).map_err(io_error("move the bundle to", output))?;
        }
        Err(e) => return Err(io_error("move the bundle to", output)(e).into()),
    }
    let dir = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    faults::hit("export.dir_fsync").and_then(|()| fsutil::sync_dir(dir)).map_err(io_error("sync", dir))?;
    Ok(())
}
