//! Bringing a received bundle into the recipient's own vault. One pass: while the bundle is decrypted and
//! checked, each collected file streams through the vault's normal ingest (hashed again, encrypted to this
//! vault, staged, fsynced, renamed). Only when every check holds, and every ingested hash equals both the
//! manifest and the sender's ingest event, is anything recorded: one transaction adds the items, an
//! `item.ingested` event per item saying from whom and in which bundle it was received, and a
//! `bundle.imported` event, each saying whether the signer was confirmed (`signer_verified`: the recipient
//! gave the fingerprint the sender read out, and it matched) or is only the name the bundle gave itself.
//! Otherwise the copies just written are removed and nothing is recorded.

use super::keys::Unlocker;
use super::read::{self, Limits, ReadProgress, Sink};
use super::verify::{BundleCheck, BundleReport};
use super::BundleError;
use crate::blobs::{BlobStore, Flow, Stored};
use crate::checkpoint::witness::LastSeen;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::faults;
use crate::pipe;
use crate::records::items::{insert_item, Item, NewItem};
use crate::vault::Vault;
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::Path;
use std::thread;

/// A bundle brought into the vault.
#[derive(Debug, Clone)]
pub struct Imported {
    pub report: BundleReport,
    /// The new items, in the bundle's order.
    pub items: Vec<Item>,
    /// The sender's id of each new item, in the same order.
    pub original_ids: Vec<String>,
    /// Whether the recipient gave the signer's fingerprint and it matched. When false, the signer's name
    /// is only what the bundle says of itself, and the import is recorded as unverified.
    pub signer_verified: bool,
}

/// Ingests every `data/items/<id>/<name>` file as it is read; hashes the rest.
struct Ingest<'a> {
    blobs: &'a BlobStore,
    stored: Vec<(String, Stored)>,
}

impl Ingest<'_> {
    fn discard_new(&self) {
        for (_, stored) in &self.stored {
            if stored.newly_written {
                self.blobs.discard_unacknowledged(&stored.blob_name);
            }
        }
    }
}

impl Sink for Ingest<'_> {
    fn file(&mut self, rel: &str, _size: u64, data: &mut dyn Read) -> std::result::Result<(), BundleError> {
        if !(rel.starts_with("data/items/") && rel.split('/').count() == 4) {
            return read::HashOnly.file(rel, 0, data);
        }
        // The tar entry cannot cross threads; its bytes can. The ingest pipeline reads them on its own.
        let (mut writer, mut reader) = pipe::pipe();
        let blobs = self.blobs;
        let (copied, stored) = thread::scope(|scope| {
            let ingest = scope.spawn(move || blobs.ingest(&mut reader, &mut |_| Flow::Continue));
            let copied = io::copy(data, &mut writer).and_then(|_| writer.flush()).and_then(|()| writer.finish());
            (copied, ingest.join())
        });
        let stored = match stored {
            Ok(Ok(stored)) => Some(stored),
            _ => None,
        };
        if let Err(e) = copied {
            if let Some(stored) = stored.filter(|s| s.newly_written) {
                self.blobs.discard_unacknowledged(&stored.blob_name);
            }
            return Err(BundleError::Io { op: "read", path: rel.into(), source: e });
        }
        let stored = stored.ok_or_else(|| BundleError::Io {
            op: "store",
            path: rel.into(),
            source: io::Error::other("the vault could not store the file"),
        })?;
        self.stored.push((rel.to_string(), stored));
        Ok(())
    }

    fn wants_item_records(&self) -> bool {
        true
    }
}

/// Removes the stored copies this import wrote, when it records nothing.
fn discard(blobs: &BlobStore, stored: &[(String, Stored)]) {
    for (_, s) in stored.iter().filter(|(_, s)| s.newly_written) {
        blobs.discard_unacknowledged(&s.blob_name);
    }
}

/// What the sender's `data/records/items.json` says about an item: name, description, source.
pub(crate) fn sender_records(kept: &HashMap<String, Vec<u8>>) -> HashMap<String, Value> {
    let parsed: Option<Value> = kept.get("data/records/items.json").and_then(|b| serde_json::from_slice(b).ok());
    let list = parsed.as_ref().and_then(|v| v["items"].as_array()).cloned().unwrap_or_default();
    list.into_iter().filter_map(|v| v["id"].as_str().map(|id| (id.to_string(), v.clone()))).collect()
}

/// Bounded, control-free text from the sender's records (untrusted).
pub(crate) fn text(value: &Value, max: usize) -> String {
    value.as_str().unwrap_or("").chars().filter(|c| !c.is_control() || *c == '\n').take(max).collect()
}

impl Vault {
    /// Verifies the bundle at `path` and imports its collected files. Refuses a bundle already imported.
    pub fn import_bundle(
        &mut self,
        path: &Path,
        unlocker: &Unlocker,
        expected_signer: Option<&str>,
        limits: &Limits,
        progress: &mut dyn FnMut(ReadProgress) -> Flow,
    ) -> Result<Imported> {
        let mut sink = Ingest { blobs: &self.blobs, stored: Vec::new() };
        let collected = match read::read(path, unlocker, limits, &mut sink, progress) {
            Ok(c) => c,
            Err(e) => {
                sink.discard_new();
                return Err(e.into());
            }
        };
        let report = super::checks::check(&collected, expected_signer);
        let stored = std::mem::take(&mut sink.stored);
        if !report.ok {
            discard(&self.blobs, &stored);
            return Err(BundleError::NotVerified { report: Box::new(report), action: "imported" }.into());
        }
        let already: Option<String> = self
            .conn
            .query_row("SELECT imported_at FROM imports WHERE sha256 = ?1", [&report.bundle_sha256], |r| r.get(0))
            .optional()?;
        if let Some(when) = already {
            discard(&self.blobs, &stored);
            return Err(BundleError::AlreadyImported { sha256: report.bundle_sha256, when }.into());
        }
        let sender = match super::consistency::against_seen(&self.conn, &report) {
            Ok(sender) => sender,
            Err(e) => {
                discard(&self.blobs, &stored);
                return Err(e);
            }
        };
        // Hashed three times now: by the manifest, by the sender's ingest event, and by our own ingest.
        for (rel, s) in &stored {
            let seen = collected.files.get(rel).map(|f| hex::encode(f.sha256));
            let item = report.items.iter().find(|i| &i.path == rel);
            if seen.as_deref() != Some(s.sha256.as_str()) || !item.is_some_and(|i| i.ok && i.sha256 == s.sha256) {
                discard(&self.blobs, &stored);
                return Err(BundleError::MalformedArchive(format!("{rel} changed while it was being read")).into());
            }
        }
        // Read from the report rather than from the argument: confirmed means the check ran and held.
        let signer_verified = report.checks.iter().any(|c| c.check == BundleCheck::ExpectedSigner && c.checked && c.ok);
        match self.record_import(&report, signer_verified, &stored, &sender_records(&collected.kept), sender.as_ref()) {
            Ok((items, original_ids)) => Ok(Imported { report, items, original_ids, signer_verified }),
            Err(e) => {
                discard(&self.blobs, &stored);
                Err(e)
            }
        }
    }

    fn record_import(
        &mut self,
        report: &BundleReport,
        signer_verified: bool,
        stored: &[(String, Stored)],
        records: &HashMap<String, Value>,
        sender: Option<&LastSeen>,
    ) -> Result<(Vec<Item>, Vec<String>)> {
        let bundle_id = report.bag_info("External-Identifier").unwrap_or(&report.bag).to_string();
        let organisation = report.bag_info("Source-Organization").unwrap_or("").to_string();
        let contact = report.bag_info("Contact-Name").unwrap_or("").to_string();
        let signer = report.signer.as_ref();
        let received_from = json!({
            "signer": signer.map(|s| s.name.clone()),
            "signer_fingerprint": signer.map(|s| s.fingerprint.hex.clone()),
            // Without it, "signer" is only the name the bundle chose for itself.
            "signer_verified": signer_verified,
            "organisation": organisation,
            "contact": contact,
            "bundle": bundle_id,
            "bundle_sha256": report.bundle_sha256,
            "checkpoint": report.checkpoint.as_ref().map(|c| json!({ "origin": c.origin, "size": c.size, "root": c.root })),
        });
        let from_words = format!(
            "bundle {bundle_id} from {}",
            if contact.is_empty() { organisation.clone() } else { format!("{contact}, {organisation}") }
        );
        let tx = self.conn.transaction()?;
        let mut ids_made = Vec::new();
        let mut originals = Vec::new();
        for (rel, s) in stored {
            let original = rel.split('/').nth(2).unwrap_or("").to_string();
            let record = records.get(&original);
            let file_name = rel.rsplit('/').next().unwrap_or("unnamed");
            let name = record
                .map(|r| text(&r["name"], 1000))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| file_name.to_string());
            let description = record.map(|r| text(&r["description"], 5000)).unwrap_or_default();
            let sender_source = record.map(|r| text(&r["source"], 4000)).unwrap_or_default();
            let source = if sender_source.is_empty() {
                format!("Received in {from_words}")
            } else {
                format!("{sender_source} (received in {from_words})")
            };
            let source: String = source.chars().filter(|c| !c.is_control()).take(9000).collect();
            let mut received = received_from.clone();
            received["original_item"] = original.clone().into();
            received["original_ingest_seq"] =
                report.items.iter().find(|i| &i.path == rel).and_then(|i| i.ingest_seq).into();
            let new = NewItem { name: &name, description: &description, source: &source, received: Some(received) };
            let id = insert_item(&tx, &self.session, s, &new)?;
            ids_made.push(id);
            originals.push(original);
        }
        let items_json: Vec<Value> = ids_made
            .iter()
            .zip(&originals)
            .zip(stored)
            .map(|((id, original), (_, s))| json!({ "id": id, "original_item": original, "sha256": s.sha256 }))
            .collect();
        let mut details = received_from;
        details["items"] = items_json.into();
        details["bag"] = report.bag.clone().into();
        let event = custody::append(&tx, &self.session, Action::BundleImported, Some(&bundle_id), details)?;
        if let Some(sender) = sender {
            crate::checkpoint::remember(&tx, sender, &bundle_id)?;
        }
        tx.execute(
            "INSERT INTO imports (sha256, bundle_id, signer, items, imported_at, seq, signer_fingerprint, signer_verified)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                report.bundle_sha256,
                bundle_id,
                signer.map(|s| s.name.clone()).unwrap_or_default(),
                ids_made.len() as u64,
                event.time,
                event.seq,
                signer.map(|s| s.fingerprint.hex.clone()),
                signer_verified,
            ],
        )?;
        faults::commit(tx, "import.commit")?;
        let items = ids_made.iter().map(|id| self.item(id)).collect::<Result<Vec<_>>>()?;
        Ok((items, originals))
    }
}
