//! `restore`: a vault folder made again from an off-site copy on a new laptop, with the recovery key (or
//! the passphrase when its slot was pushed). Every object is checked against the signed manifest as it
//! arrives; a manifest that does not verify, or one object that does not match, stops the restore. Files
//! are written only under the target folder, at paths built from the manifest's checked names
//! (`manifest::object_path_ok`), and `keyslots.json`, whose presence marks a vault, is written last.
//!
//! Which key vouches for the copy: the verifier key the user gives (`--key`, from paper or a colleague),
//! else the one the manifest names, which is then checked against the signing key inside the restored
//! database. The second way proves the copy is whole and consistent, not that it is the user's own vault
//! (whoever holds the server sees the recovery key's public half and could build a vault it opens), so
//! the caller shows the key's fingerprint to be compared.

use super::credentials::Credentials;
use super::manifest::{self, Manifest};
use super::storage::Storage;
use super::url::RemoteUrl;
use super::verify::read_manifest;
use super::RemoteError;
use crate::audit::VerifyReport;
use crate::blobs::Flow;
use crate::checkpoint::{parse_verifier_key, ORIGIN_PREFIX};
use crate::custody::{self, Action, Session};
use crate::error::Result;
use crate::fsutil;
use crate::keys::Unlock;
use crate::vault::{Vault, DATABASE_FILE, KEYSLOTS_FILE};
use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

/// Key slots larger than this are not key slots.
const MAX_KEYSLOTS_BYTES: u64 = 256 * 1024;

/// Progress of a restore: objects fetched out of all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestoreProgress {
    pub done: u64,
    pub total: u64,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub seq: u64,
    pub objects: u64,
    pub bytes: u64,
    pub checkpoint_size: u64,
    /// The vault's verifier key, to compare with the one kept on paper.
    pub verifier_key: String,
    /// The copy was checked against a verifier key the user gave.
    pub key_given: bool,
    /// The restored vault's own check (`verify`).
    pub verify: VerifyReport,
}

/// Writes and hashes at once.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The verifier key and vault id to check the copy with: the given key, else the manifest's own.
fn key_for(storage: &Storage, given: Option<&str>) -> Result<(String, String, ed25519_dalek::VerifyingKey)> {
    if let Some(text) = given {
        let (name, key) = parse_verifier_key(text)?;
        let id = name.strip_prefix(ORIGIN_PREFIX).ok_or(RemoteError::OtherVault)?.to_string();
        return Ok((text.trim().to_string(), id, key));
    }
    let note = storage.get_bounded(manifest::LATEST, manifest::MAX_LATEST_BYTES)?.ok_or(RemoteError::NoManifest)?;
    let invalid = |why: &str| RemoteError::ManifestInvalid { why: why.to_string() };
    let vault_id = manifest::claimed_vault_id(&note).ok_or_else(|| invalid("manifest/latest names no vault"))?;
    // Unverified until `read_manifest`: only its claimed size bounds the read.
    let text = std::str::from_utf8(&note).map_err(|_| invalid("manifest/latest is not text"))?;
    let mut lines = text.lines().skip(2);
    let seq: u64 = lines.next().and_then(|l| l.parse().ok()).ok_or_else(|| invalid("manifest/latest has no number"))?;
    let size: u64 = lines.next().and_then(|l| l.parse().ok()).ok_or_else(|| invalid("manifest/latest has no size"))?;
    let bytes = storage
        .get_bounded(&manifest::manifest_path(seq), size.min(manifest::MAX_MANIFEST_BYTES))?
        .ok_or_else(|| invalid("the manifest named by manifest/latest is missing"))?;
    #[derive(serde::Deserialize)]
    struct KeyOnly {
        verifier_key: String,
    }
    let claimed: KeyOnly = serde_json::from_slice(&bytes).map_err(|_| invalid("the manifest names no verifier key"))?;
    let (name, key) = parse_verifier_key(&claimed.verifier_key)?;
    if name != crate::checkpoint::origin_for(&vault_id) {
        return Err(RemoteError::OtherVault.into());
    }
    Ok((claimed.verifier_key, vault_id, key))
}

/// Restores the copy at `url` into `to` (a new or empty folder), opens it with `unlock`, checks it against
/// the manifest, records `vault.restored`, runs the vault's own check and closes it.
/// `accept_rollback`: the user's reason to go on when this computer last saw a newer state of the vault.
#[allow(clippy::too_many_arguments)]
pub fn restore(
    url: &RemoteUrl,
    credentials: &Credentials,
    to: &Path,
    unlock: &Unlock,
    session: Session,
    verifier_key: Option<&str>,
    accept_rollback: Option<&str>,
    progress: &mut dyn FnMut(RestoreProgress) -> Flow,
) -> Result<Restored> {
    let storage = Storage::connect(url, credentials)?;
    let (key_text, vault_id, key) = key_for(&storage, verifier_key)?;
    let (_, manifest) = read_manifest(&storage, &vault_id, &key)?;
    let empty = match fs::read_dir(to) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(RemoteError::Local { path: to.to_path_buf(), source: e }.into()),
    };
    if !empty || to.is_file() {
        return Err(RemoteError::TargetNotEmpty(to.to_path_buf()).into());
    }
    let existed = to.exists();
    let source = Source {
        storage: &storage,
        manifest: &manifest,
        vault_id: &vault_id,
        key: &key,
        kind: url.kind(),
        key_given: verifier_key.is_some(),
    };
    let restored = restore_into(&source, to, unlock, session, accept_rollback, progress);
    let Err(error) = restored else {
        return restored.map(|fetched| Restored {
            seq: manifest.seq,
            objects: manifest.objects.len() as u64,
            bytes: fetched.bytes,
            checkpoint_size: fetched.checkpoint_size,
            verifier_key: key_text,
            key_given: verifier_key.is_some(),
            verify: fetched.verify,
        });
    };
    // A restore that stops (cancelled, a lost connection, an object that does not match) leaves the
    // folder as it found it: empty, or not there. Everything in it was written by this restore.
    let _ = if existed { empty_dir(to) } else { fs::remove_dir_all(to) };
    Err(error)
}

/// Removes everything inside `dir`, keeping `dir`.
fn empty_dir(dir: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() && !path.is_symlink() {
            fs::remove_dir_all(&path)?;
        } else {
            fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// What `restore_into` fetched and checked.
struct Fetched {
    bytes: u64,
    checkpoint_size: u64,
    verify: VerifyReport,
}

/// The copy being restored, its manifest checked, and what the restored vault must match.
struct Source<'a> {
    storage: &'a Storage,
    manifest: &'a Manifest,
    vault_id: &'a str,
    key: &'a VerifyingKey,
    kind: super::RemoteKind,
    key_given: bool,
}

/// Writes the copy into the empty folder `to`, opens it and checks it.
fn restore_into(
    source: &Source<'_>,
    to: &Path,
    unlock: &Unlock,
    session: Session,
    accept_rollback: Option<&str>,
    progress: &mut dyn FnMut(RestoreProgress) -> Flow,
) -> Result<Fetched> {
    let local = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RemoteError::Local { path, source }
    };
    fsutil::create_private_dir(to).map_err(local(to))?;
    for dir in [to.join("tmp"), to.join("blobs")] {
        fsutil::create_dir_durable(&dir).map_err(local(&dir))?;
    }
    let (storage, manifest) = (source.storage, source.manifest);
    let bytes = fetch_all(storage, manifest, to, progress)?;

    let keyslots = storage
        .get_bounded(&manifest.keyslots, MAX_KEYSLOTS_BYTES)?
        .ok_or_else(|| RemoteError::ObjectsAltered { count: 1, first: manifest.keyslots.clone() })?;
    let listed = manifest.objects.iter().find(|o| o.path == manifest.keyslots);
    if listed.is_none_or(|o| o.sha256 != hex::encode(Sha256::digest(&keyslots))) {
        return Err(RemoteError::ObjectsAltered { count: 1, first: manifest.keyslots.clone() }.into());
    }
    // Last: keyslots.json marks a complete vault folder.
    let slots_path = to.join(KEYSLOTS_FILE);
    fsutil::write_atomic(&slots_path, &keyslots).map_err(local(&slots_path))?;

    let mut vault = match accept_rollback {
        Some(reason) => Vault::open_accepting_rollback(to, unlock, session, reason)?,
        None => Vault::open(to, unlock, session)?,
    };
    if vault.vault_id() != source.vault_id || vault.signing_public_key()? != *source.key {
        return Err(RemoteError::RestoredMismatch {
            why: "its signing key is not the one that signed the copy".into(),
        }
        .into());
    }
    if let Err(e) = vault.check_outside_checkpoint(&manifest.checkpoint)? {
        return Err(RemoteError::RestoredMismatch { why: e.to_string() }.into());
    }
    let checkpoint_size = manifest.checkpoint.lines().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    {
        let tx = vault.conn.transaction()?;
        custody::append(
            &tx,
            &vault.session,
            Action::VaultRestored,
            None,
            json!({
                "kind": source.kind,
                "seq": manifest.seq,
                "objects": manifest.objects.len(),
                "checkpoint_size": checkpoint_size,
                "verifier_key_given": source.key_given,
            }),
        )?;
        tx.commit()?;
    }
    let verify = vault.verify(&mut |_| Flow::Continue)?;
    vault.close()?;
    Ok(Fetched { bytes, checkpoint_size, verify })
}

/// Downloads the stored copies and the database snapshot, each checked against the manifest.
fn fetch_all(
    storage: &Storage,
    manifest: &Manifest,
    to: &Path,
    progress: &mut dyn FnMut(RestoreProgress) -> Flow,
) -> Result<u64> {
    let total = manifest.objects.len() as u64;
    let mut bytes = 0;
    for (index, object) in manifest.objects.iter().enumerate() {
        if progress(RestoreProgress { done: index as u64, total }) == Flow::Cancel {
            return Err(RemoteError::Cancelled.into());
        }
        // Paths were checked by `manifest::parse`: `blobs/xx/NAME`, `db/N.db` or `keyslots/N.json`.
        let dest = if object.path == manifest.database {
            to.join(DATABASE_FILE)
        } else if object.path.starts_with("blobs/") {
            let dest = to.join(&object.path);
            if let Some(dir) = dest.parent().filter(|d| !d.exists()) {
                fsutil::create_private_dir(dir)
                    .map_err(|source| RemoteError::Local { path: dir.to_path_buf(), source })?;
            }
            dest
        } else {
            continue;
        };
        let altered = || RemoteError::ObjectsAltered { count: 1, first: object.path.clone() };
        let found = storage.size_of(&object.path)?.ok_or_else(altered)?;
        if found != object.size {
            return Err(altered().into());
        }
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&dest).map_err(|source| RemoteError::Local { path: dest.clone(), source })?;
        let mut sink = Hashing { inner: file, hasher: Sha256::new() };
        match storage.copy_to(&object.path, object.size, &mut sink) {
            Ok(n) => bytes += n,
            Err(RemoteError::SizeChanged { .. }) => return Err(altered().into()),
            Err(e) => return Err(e.into()),
        }
        if hex::encode(sink.hasher.finalize()) != object.sha256 {
            return Err(altered().into());
        }
        sink.inner.sync_all().map_err(|source| RemoteError::Local { path: dest.clone(), source })?;
    }
    for dir in [to.join("blobs"), to.to_path_buf()] {
        fsutil::sync_dir(&dir).map_err(|source| RemoteError::Local { path: dir.clone(), source })?;
    }
    progress(RestoreProgress { done: total, total });
    Ok(bytes)
}
