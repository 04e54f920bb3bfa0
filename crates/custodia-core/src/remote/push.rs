//! `Vault::push`: an incremental, resumable copy of the vault to a remote. Objects go first (stored
//! copies as they are, a database snapshot, the chosen key slots), then the manifest listing them, and
//! last the signed pointer `manifest/latest`. What reached the remote is recorded locally as it goes, so a
//! killed push sends again only what was under way. Stored copies are never deleted from the remote;
//! database snapshots older than the remote's `keep_snapshots` are.

use super::manifest::{self, Manifest, ManifestObject};
use super::storage::Storage;
use super::RemoteError;
use crate::blobs::Flow;
use crate::checkpoint;
use crate::clock;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::keys::Purpose;
use crate::store;
use crate::vault::Vault;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// What the user chose for one push.
#[derive(Debug, Clone, Default)]
pub struct PushOptions {
    /// Also send the passphrase slots. Off by default: a passphrase slot on a server lets whoever holds
    /// the server guess passphrases offline, at the speed of their hardware.
    pub include_passphrase: bool,
}

/// Progress of a push: objects handled out of all, and bytes sent so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushProgress {
    pub done: u64,
    pub total: u64,
    pub bytes_sent: u64,
}

/// What a push did.
#[derive(Debug, Clone, Serialize)]
pub struct PushReport {
    pub remote: String,
    pub seq: u64,
    pub objects: u64,
    /// Objects sent by this push (the rest were on the remote already).
    pub sent: u64,
    pub bytes_sent: u64,
    pub checkpoint_size: u64,
    pub manifest_sha256: String,
}

/// Objects recorded as pushed are committed in groups of this many.
const RECORD_EVERY: usize = 64;

fn hash_file(path: &Path) -> std::result::Result<(u64, String), RemoteError> {
    let local = |e| RemoteError::Local { path: path.to_path_buf(), source: e };
    let mut file = std::fs::File::open(path).map_err(local)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(local)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hex::encode(hasher.finalize())))
}

impl Vault {
    /// Pushes the vault to the remote `name` (see the module's description). `progress` may cancel
    /// between objects; what was sent stays recorded and the next push goes on from there.
    pub fn push(
        &mut self,
        name: &str,
        options: &PushOptions,
        progress: &mut dyn FnMut(PushProgress) -> Flow,
    ) -> Result<PushReport> {
        let configured = self.configured_remote(name)?;
        let url = configured.url.to_string();
        let keyslots = self.slots.for_remote(options.include_passphrase).map_err(|e| match e {
            crate::keys::KeyError::NoRecoverySlot => crate::Error::from(RemoteError::NoRecoveryKey),
            other => other.into(),
        })?;
        let storage = Storage::connect(&configured.url, &configured.credentials)?;
        let vault_id = self.vault_id().to_string();
        let signing = checkpoint::signing_key(&self.conn)?;

        // The remote's own pointer: a copy of another vault at this place is refused; ours gives a floor
        // for this push's number, so a number is never reused even if this database forgot a push.
        let mut seq: u64 = self
            .conn
            .query_row("SELECT max(seq) FROM remote_pushes WHERE url = ?1", [&url], |r| r.get::<_, Option<u64>>(0))?
            .unwrap_or(0);
        if let Some(note) = storage.get_bounded(manifest::LATEST, manifest::MAX_LATEST_BYTES)? {
            match manifest::claimed_vault_id(&note) {
                Some(id) if id == vault_id => {
                    if let Ok(latest) = manifest::read_latest(&note, &vault_id, &signing.verifying_key()) {
                        seq = seq.max(latest.seq);
                    }
                }
                _ => return Err(RemoteError::OtherVault.into()),
            }
        }
        let seq = seq + 1;

        let blob_names: Vec<String> = {
            let mut stmt = self.conn.prepare("SELECT name FROM blobs ORDER BY name")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let total = blob_names.len() as u64 + 3;
        let mut report = PushReport {
            remote: name.to_string(),
            seq,
            objects: 0,
            sent: 0,
            bytes_sent: 0,
            checkpoint_size: 0,
            manifest_sha256: String::new(),
        };
        let mut objects: Vec<ManifestObject> = Vec::with_capacity(blob_names.len() + 2);
        let mut pending: Vec<ManifestObject> = Vec::new();
        for (index, blob) in blob_names.iter().enumerate() {
            if blob.len() < 2 {
                continue;
            }
            if progress(PushProgress { done: index as u64, total, bytes_sent: report.bytes_sent }) == Flow::Cancel {
                self.record_pushed(&url, &pending)?;
                return Err(RemoteError::Cancelled.into());
            }
            let path = format!("blobs/{}/{blob}", &blob[..2]);
            let known: Option<(u64, String)> = self
                .conn
                .prepare_cached("SELECT size, sha256 FROM remote_objects WHERE url = ?1 AND path = ?2")?
                .query_row(params![url, path], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let object = match known {
                Some((size, sha256)) => ManifestObject { path, size, sha256 },
                None => {
                    let local = self.blobs.path_of(blob);
                    let (size, sha256) = hash_file(&local)?;
                    // Already there with its size (a push killed after sending it): not sent again.
                    if storage.size_of(&path)? != Some(size) {
                        storage.put_file(&path, &local)?;
                        report.sent += 1;
                        report.bytes_sent += size;
                    }
                    let object = ManifestObject { path, size, sha256 };
                    pending.push(object.clone());
                    if pending.len() >= RECORD_EVERY {
                        self.record_pushed(&url, &pending)?;
                        pending.clear();
                    }
                    object
                }
            };
            objects.push(object);
        }
        self.record_pushed(&url, &pending)?;

        // The database as it stands now, with a checkpoint signed over exactly that log.
        let (checkpoint_size, _, checkpoint_note) = checkpoint::sign_log(&self.conn, &vault_id)?;
        report.checkpoint_size = checkpoint_size;
        let snapshot_path = self.root.join("tmp").join(format!(".push-{}.db", crate::keys::random_hex(8)?));
        let snapshot = SnapshotFile(&snapshot_path);
        store::snapshot(&self.conn, snapshot.0, &self.master.derive(Purpose::Database, &vault_id))?;
        let (db_size, db_sha) = hash_file(snapshot.0)?;
        let db_path = format!("db/{seq}.db");
        storage.put_file(&db_path, snapshot.0)?;
        drop(snapshot);
        report.sent += 1;
        report.bytes_sent += db_size;
        objects.push(ManifestObject { path: db_path.clone(), size: db_size, sha256: db_sha });

        let keyslots_path = format!("keyslots/{seq}.json");
        storage.put(&keyslots_path, &keyslots)?;
        report.sent += 1;
        report.bytes_sent += keyslots.len() as u64;
        objects.push(ManifestObject {
            path: keyslots_path.clone(),
            size: keyslots.len() as u64,
            sha256: hex::encode(Sha256::digest(&keyslots)),
        });
        if progress(PushProgress { done: total - 1, total, bytes_sent: report.bytes_sent }) == Flow::Cancel {
            return Err(RemoteError::Cancelled.into());
        }

        report.objects = objects.len() as u64;
        let manifest = Manifest {
            format: 1,
            vault_id: vault_id.clone(),
            seq,
            created: clock::now_rfc3339(),
            checkpoint: checkpoint_note,
            verifier_key: checkpoint::verifier_key(&checkpoint::origin_for(&vault_id), &signing.verifying_key()),
            database: db_path,
            keyslots: keyslots_path,
            objects,
        };
        let bytes = serde_json::to_vec(&manifest).map_err(|e| RemoteError::ManifestInvalid { why: e.to_string() })?;
        report.manifest_sha256 = hex::encode(Sha256::digest(&bytes));
        storage.put(&manifest::manifest_path(seq), &bytes)?;
        // Last: only now is the copy a copy.
        storage.put(manifest::LATEST, manifest::sign_latest(&vault_id, seq, &bytes, &signing).as_bytes())?;
        report.bytes_sent += bytes.len() as u64;

        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO remote_pushes (url, seq, manifest_sha256, checkpoint_size, pushed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![url, seq, report.manifest_sha256, checkpoint_size, clock::now_rfc3339()],
        )?;
        custody::append(
            &tx,
            &self.session,
            Action::RemotePushed,
            Some(name),
            json!({
                "kind": configured.url.kind(),
                "seq": seq,
                "objects": report.objects,
                "sent": report.sent,
                "bytes_sent": report.bytes_sent,
                "checkpoint_size": checkpoint_size,
                "manifest_sha256": report.manifest_sha256,
                "passphrase_slots": options.include_passphrase,
            }),
        )?;
        tx.commit()?;
        progress(PushProgress { done: total, total, bytes_sent: report.bytes_sent });

        // Older snapshots beyond what the user keeps; a failure here leaves more snapshots, never fewer.
        let keep = configured.keep_snapshots as u64;
        if seq > keep + 1 {
            let old: Vec<u64> = {
                let mut stmt = self.conn.prepare("SELECT seq FROM remote_pushes WHERE url = ?1 AND seq < ?2")?;
                let rows = stmt.query_map(params![url, seq - keep], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for old_seq in old {
                let _ = storage.delete(&format!("db/{old_seq}.db"));
            }
        }
        Ok(report)
    }

    fn record_pushed(&mut self, url: &str, objects: &[ManifestObject]) -> Result<()> {
        if objects.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        {
            let mut put = tx.prepare_cached(
                "INSERT OR REPLACE INTO remote_objects (url, path, size, sha256) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for object in objects {
                put.execute(params![url, object.path, object.size, object.sha256])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// The snapshot's file in `tmp/`, removed when the push is done with it (also on an error).
struct SnapshotFile<'a>(&'a Path);

impl Drop for SnapshotFile<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.0);
    }
}
