//! Writing a bundle. Everything but the collected files is prepared first (records, custody events, the
//! checkpoint and its proofs, manifests, the signature), from the hashes the vault recorded at ingest.
//! Then one pass streams: each stored copy is decrypted and hashed on this thread while it is framed into
//! the tar, and a second thread age-encrypts the tar, hashes the ciphertext and writes it. A stored copy
//! that is not exactly its recorded size and SHA-256 aborts the export, so the manifests written ahead are
//! true of every bundle that is finished.
//!
//! The bundle is written to a hidden temporary file beside the output, fsynced, and moved into place
//! without replacing anything; then the checkpoint, the export and one `item.exported` event per item are
//! committed together. If that commit fails the bundle is removed: there is no bundle without its event.

use super::bagit::{self, BAGIT_TXT, BAG_INFO, MANIFEST, TAG_MANIFEST};
use super::book::{self, RecipientInput};
use super::direct::{self, BundleFile};
use super::keys::{parse_recipient, recipient_fingerprint};
use crate::pipe::{self, HashingReader, PipeReader};
use super::plan::{ExportPlan, ExportSelection, PlannedItem};
use super::proofs::ProofsJson;
use super::signature::{self, SignerInfo};
use super::{io_error, proofs, BundleError, EXTENSION};
use crate::blobs::{BlobKey, Flow};
use crate::checkpoint::{self, Reason, StoredCheckpoint};
use crate::custody::{self, Action};
use crate::error::Result;
use crate::keys::KeyError;
use crate::records::fields;
use crate::vault::{Vault, VaultError};
use crate::{clock, fsutil};
use age::x25519;
use rusqlite::params;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::thread;

/// Stored copies opened ahead of the one being streamed (each holds a 1 MiB read buffer).
const OPEN_AHEAD: usize = 4;

/// A bundle passphrase protects evidence against offline guessing: longer than a vault's minimum.
pub const MIN_BUNDLE_PASSPHRASE_CHARS: usize = 12;

/// Who can open the bundle.
pub enum Protection {
    /// age X25519 public keys (`age1...`), or names or ids from the address book.
    Recipients(Vec<String>),
    /// A passphrase (age scrypt), for a recipient without a key.
    Passphrase(SecretString),
}

impl std::fmt::Debug for Protection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Protection::Recipients(r) => f.debug_tuple("Recipients").field(r).finish(),
            Protection::Passphrase(_) => f.write_str("Passphrase(..)"),
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

/// One file of the bag, in tar order.
enum Entry<'a> {
    Bytes {
        path: String,
        bytes: Vec<u8>,
    },
    Item {
        item: &'a PlannedItem,
        blob: String,
        /// Kept at ingest since schema version 5; `None` for an older copy.
        key: Option<BlobKey>,
    },
    /// Made while it is written, and checked to be what the tag manifest lists.
    Proofs {
        path: &'static str,
        proofs: &'a ProofsJson,
    },
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
        let sealing = match &request.protection {
            Protection::Recipients(list) => Some(self.resolve_recipients(list, &request.selection)?),
            Protection::Passphrase(p) => {
                if p.expose_secret().chars().count() < MIN_BUNDLE_PASSPHRASE_CHARS {
                    return Err(KeyError::PassphraseTooShort { min: MIN_BUNDLE_PASSPHRASE_CHARS }.into());
                }
                None
            }
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
        let contact = if request.contact_name.trim().is_empty() {
            self.session.actor().to_string()
        } else {
            fields::line("contact name", &request.contact_name)?
        };
        let organisation = if request.organisation.trim().is_empty() {
            format!("Custodia vault {vault_id}")
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
        let bag_info = bagit::render_tags(&[
            ("Source-Organization", organisation),
            ("Contact-Name", contact),
            ("External-Identifier", bundle_id.clone()),
            ("External-Description", description),
            ("Bagging-Date", clock::now_rfc3339()[..10].to_string()),
            ("Payload-Oxum", oxum.clone()),
            ("Bag-Software-Agent", format!("Custodia {}", env!("CARGO_PKG_VERSION"))),
            ("Custodia-Recipient-Kind", plan.recipient_kind.as_str().into()),
            ("Custodia-Signer", origin.clone()),
            ("Custodia-Signer-Fingerprint", signer.fingerprint.hex.clone()),
        ]);
        let tags: Vec<(&str, Vec<u8>)> = vec![
            (BAGIT_TXT, bagit::DECLARATION.as_bytes().to_vec()),
            (BAG_INFO, bag_info.into_bytes()),
            (MANIFEST, manifest.into_bytes()),
            ("custody/events.jsonl", std::mem::take(&mut custody.events_jsonl)),
            ("custody/checkpoint", custody.checkpoint_note.clone().into_bytes()),
        ];
        const PROOFS: &str = "custody/proofs.json";
        let mut tag_lines: Vec<(String, String)> = tags.iter().map(|(p, b)| (p.to_string(), sha256_hex(b))).collect();
        tag_lines.push((PROOFS.into(), hex::encode(custody.proofs.sha256)));
        let tag_manifest = bagit::manifest(&tag_lines);
        let signature = signature::sign(&origin, &signing_key, tag_manifest.as_bytes());

        let mut entries: Vec<Entry> = Vec::new();
        let mut tags = tags.into_iter();
        for (path, bytes) in tags.by_ref().take(3) {
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
        for (path, bytes) in tags {
            entries.push(Entry::Bytes { path: path.into(), bytes });
        }
        entries.push(Entry::Proofs { path: PROOFS, proofs: &custody.proofs });
        entries.push(Entry::Bytes { path: TAG_MANIFEST.into(), bytes: tag_manifest.into_bytes() });
        entries.push(Entry::Bytes { path: "custody/signature".into(), bytes: signature.into_bytes() });

        let encryptor = match (&request.protection, &sealing) {
            (_, Some(sealing)) => {
                age::Encryptor::with_recipients(sealing.keys.iter().map(|k| k as &dyn age::Recipient))
                    .map_err(|e| BundleError::Encrypt(e.to_string()))?
            }
            (Protection::Passphrase(p), None) => age::Encryptor::with_user_passphrase(p.clone()),
            (Protection::Recipients(_), None) => return Err(BundleError::NoRecipient.into()),
        };
        snapshot.end()?;
        let (tmp, file) = temp_beside(&request.output)?;
        let written = self.stream(&name, &entries, plan.item_bytes, encryptor, file, progress);
        let (sha256, size) = match written.and_then(|done| {
            place(&tmp, &request.output)?;
            Ok(done)
        }) {
            Ok(done) => done,
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        };
        match self.record_export(&bundle_id, &request.output, &sha256, size, &plan, &sealing, &custody, &oxum) {
            Ok((checkpoint, recipients)) => Ok(Exported {
                bundle_id,
                path: request.output.clone(),
                sha256,
                size,
                payload_oxum: oxum,
                recipients,
                checkpoint,
                signer,
                plan,
            }),
            Err(e) => {
                // The bundle exists only if its custody event does.
                let _ = fs::remove_file(&request.output);
                Err(e)
            }
        }
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

    /// Streams the bag into `file`: tar framing and decryption of stored copies here, encryption and
    /// writing on a second thread. Returns the SHA-256 and size of the encrypted file, synced.
    fn stream(
        &self,
        bag: &str,
        entries: &[Entry<'_>],
        total: u64,
        encryptor: age::Encryptor,
        file: BundleFile,
        progress: &mut dyn FnMut(ExportProgress) -> Flow,
    ) -> Result<(String, u64)> {
        let (sink, source) = pipe::pipe();
        thread::scope(|scope| {
            let writer = scope.spawn(move || encrypt_and_write(source, encryptor, file));
            let framed = self.frame(bag, entries, total, sink, progress);
            let written = writer.join().map_err(|_| BundleError::Encrypt("the writing thread failed".into()))?;
            // A failed write explains a broken pipe on this side, so it is reported first.
            let (sha256, size) = match (framed, written) {
                (Ok(()), Ok(done)) => done,
                (Err(e), Ok(_)) => return Err(e),
                (Err(e), Err(_)) if !is_broken_pipe(&e) => return Err(e),
                (_, Err(e)) => return Err(BundleError::Io { op: "write", path: "the bundle".into(), source: e }.into()),
            };
            Ok((hex::encode(sha256), size))
        })
    }

    fn frame(
        &self,
        bag: &str,
        entries: &[Entry<'_>],
        total: u64,
        sink: pipe::PipeWriter,
        progress: &mut dyn FnMut(ExportProgress) -> Flow,
    ) -> Result<()> {
        let blobs = &self.blobs;
        thread::scope(|scope| {
            // A helper opens the next stored copies (a file, its header, and for a copy older than its
            // kept key an X25519 key agreement) while this thread streams the current one.
            let (opened, ready) = std::sync::mpsc::sync_channel(OPEN_AHEAD);
            scope.spawn(move || {
                for entry in entries {
                    if let Entry::Item { blob, key, .. } = entry {
                        let reader: std::result::Result<Box<dyn Read + Send>, _> = match key {
                            Some(key) => blobs.reader_with_key(blob, key).map(|r| Box::new(r) as _),
                            None => blobs.reader(blob).map(|r| Box::new(r) as _),
                        };
                        if opened.send(reader).is_err() {
                            break;
                        }
                    }
                }
            });
            let mut builder = tar::Builder::new(sink);
            let mtime = chrono::Utc::now().timestamp().max(0) as u64;
            let tar_err = |e: io::Error| BundleError::Io { op: "write", path: "the bundle".into(), source: e };
            let mut done = 0u64;
            for entry in entries {
                let mut header = tar::Header::new_gnu();
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(0o644);
                header.set_mtime(mtime);
                match entry {
                    Entry::Bytes { path, bytes } => {
                        header.set_size(bytes.len() as u64);
                        builder.append_data(&mut header, format!("{bag}/{path}"), &bytes[..]).map_err(tar_err)?;
                    }
                    Entry::Proofs { path, proofs } => {
                        header.set_size(proofs.size);
                        let mut reader = HashingReader::new(proofs.reader().take(proofs.size));
                        builder.append_data(&mut header, format!("{bag}/{path}"), &mut reader).map_err(tar_err)?;
                        if reader.finish() != (proofs.sha256, proofs.size) {
                            return Err(BundleError::Encoding(format!("{path} came out differently twice")).into());
                        }
                    }
                    Entry::Item { item, .. } => {
                        let PlannedItem { path, id, sha256, size, .. } = item;
                        header.set_size(*size);
                        let inner = ready
                            .recv()
                            .map_err(|_| BundleError::Encrypt("the thread opening stored copies stopped".into()))?
                            .map_err(|e| copy_fault(id, e.to_string()))?;
                        let mut reader = ItemReader {
                            inner,
                            hasher: Sha256::new(),
                            left: *size,
                            item: id,
                            failure: None,
                            done: &mut done,
                            total,
                            progress: &mut *progress,
                        };
                        let appended = builder.append_data(&mut header, format!("{bag}/{path}"), &mut reader);
                        if let Some(failure) = reader.failure.take() {
                            return Err(failure);
                        }
                        appended.map_err(tar_err)?;
                        let actual = hex::encode(reader.hasher.finalize());
                        if &actual != sha256 {
                            return Err(VaultError::ContentMismatch {
                                item: id.clone(),
                                expected: sha256.clone(),
                                actual,
                            }
                            .into());
                        }
                    }
                }
            }
            let sink = builder.into_inner().map_err(tar_err)?;
            sink.finish().map_err(tar_err)?;
            Ok(())
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn record_export(
        &mut self,
        bundle_id: &str,
        output: &Path,
        sha256: &str,
        size: u64,
        plan: &ExportPlan,
        sealing: &Option<Sealing>,
        custody: &proofs::BagCustody,
        oxum: &str,
    ) -> Result<(StoredCheckpoint, Vec<SealedFor>)> {
        let tx = self.conn.transaction()?;
        let checkpoint =
            checkpoint::store(&tx, Reason::Export, custody.tree_size, custody.root, custody.checkpoint_note.clone())?;
        let mut recipients = Vec::new();
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
        let details = json!({
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
        tx.commit()?;
        Ok((checkpoint, recipients))
    }
}

fn is_broken_pipe(e: &crate::Error) -> bool {
    matches!(e, crate::Error::Bundle(BundleError::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe)
}

/// The writing side: one thread age-encrypts the tar stream while another hashes the ciphertext and
/// writes it (the two halves cost about the same, and each is about as much as the framing thread's
/// decryption). Only a stream that ended with `End` is finished; a cut-off stream leaves an unfinished
/// file for the caller to remove.
fn encrypt_and_write(source: PipeReader, encryptor: age::Encryptor, file: BundleFile) -> io::Result<([u8; 32], u64)> {
    let (sink, ciphertext) = pipe::pipe();
    thread::scope(|scope| {
        let writer = scope.spawn(move || hash_and_write(ciphertext, file));
        let encrypted = encrypt(source, encryptor, sink);
        let written = writer.join().map_err(|_| io::Error::other("the writing thread failed"))?;
        match (encrypted, written) {
            (Ok(()), done) => done,
            // A failed write explains a broken pipe on the encrypting side, so it is reported first.
            (Err(e), Err(written)) if e.kind() == io::ErrorKind::BrokenPipe => Err(written),
            (Err(e), _) => Err(e),
        }
    })
}

fn encrypt(mut source: PipeReader, encryptor: age::Encryptor, sink: pipe::PipeWriter) -> io::Result<()> {
    let mut stream = encryptor.wrap_output(sink)?;
    while let Some(chunk) = source.next_chunk()? {
        stream.write_all(chunk)?;
    }
    stream.finish()?.finish()
}

/// Hashes and writes the ciphertext, then syncs the file.
fn hash_and_write(mut source: PipeReader, mut file: BundleFile) -> io::Result<([u8; 32], u64)> {
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = source.next_chunk()? {
        hasher.update(chunk);
        file.write(chunk)?;
        size += chunk.len() as u64;
    }
    file.finish()?;
    Ok((hasher.finalize().into(), size))
}

/// Reads one stored copy for the tar: never more than its recorded size, an error if it is shorter,
/// hashing as it goes and reporting progress (which may cancel).
struct ItemReader<'a, R> {
    inner: R,
    hasher: Sha256,
    left: u64,
    item: &'a str,
    failure: Option<crate::Error>,
    done: &'a mut u64,
    total: u64,
    progress: &'a mut dyn FnMut(ExportProgress) -> Flow,
}

impl<R: Read> Read for ItemReader<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let stop = |this: &mut Self, failure: crate::Error| {
            this.failure = Some(failure);
            Err(io::Error::other("export stopped"))
        };
        if self.left == 0 {
            // The tar entry is full: the stored copy must end here too.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe) {
                Ok(0) => Ok(0),
                Ok(_) => stop(self, copy_fault(self.item, "a stored copy longer than recorded".into())),
                Err(e) => stop(self, unreadable(self.item, e)),
            };
        }
        let want = out.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = match self.inner.read(&mut out[..want]) {
            Ok(0) => return stop(self, copy_fault(self.item, "a stored copy shorter than recorded".into())),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
            Err(e) => return stop(self, unreadable(self.item, e)),
        };
        self.hasher.update(&out[..n]);
        self.left -= n as u64;
        *self.done += n as u64;
        let report = ExportProgress { done: *self.done, total: self.total, item: Some(self.item.to_string()) };
        if (self.progress)(report) == Flow::Cancel {
            return stop(self, BundleError::Cancelled.into());
        }
        Ok(n)
    }
}

/// A stored copy that is not what was recorded (missing, damaged, replaced, another length), by item.
fn copy_fault(item: &str, found: String) -> crate::Error {
    VaultError::ContentMismatch { item: item.into(), expected: "the copy recorded at ingest".into(), actual: found }
        .into()
}

fn unreadable(item: &str, e: io::Error) -> crate::Error {
    copy_fault(item, crate::blobs::BlobError::Decrypt(e.to_string()).to_string())
}

/// A new hidden file beside `output`, readable only by its owner.
fn temp_beside(output: &Path) -> Result<(PathBuf, BundleFile)> {
    let dir = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let suffix = crate::keys::random_hex(6)?;
    let tmp = dir.join(format!(".{name}.{suffix}.partial"));
    let file = direct::create(&tmp).map_err(io_error("create", &tmp))?;
    Ok((tmp, file))
}

/// Moves the finished temporary file to `output` without ever replacing a file there, then makes the
/// directory entry durable. A hard link fails if `output` exists; where links are not supported (FAT and
/// exFAT sticks), a checked rename is the fallback.
fn place(tmp: &Path, output: &Path) -> Result<()> {
    match fs::hard_link(tmp, output) {
        Ok(()) => {
            let _ = fs::remove_file(tmp);
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(VaultError::OutputExists(output.into()).into());
        }
        Err(_) => {
            if fs::symlink_metadata(output).is_ok() {
                return Err(VaultError::OutputExists(output.into()).into());
            }
            fs::rename(tmp, output).map_err(io_error("move the bundle to", output))?;
        }
    }
    let dir = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fsutil::sync_dir(dir).map_err(io_error("sync", dir))?;
    Ok(())
}
