//! Checking an off-site copy: the signed pointer and the manifest with the vault's public key alone (so
//! someone without the passphrase can run it), every listed object present with its size, and with
//! `full` the SHA-256 of its bytes. Inside the vault, two more checks make the copy a witness: it is not
//! older than the newest push this vault recorded to it (a rolled-back remote), and the vault's log
//! extends the copy's checkpoint (a rolled-back or rewritten laptop).

use super::credentials::Credentials;
use super::manifest::{self, Latest, Manifest};
use super::storage::Storage;
use super::url::RemoteUrl;
use super::RemoteError;
use crate::blobs::Flow;
use crate::checkpoint::{parse_verifier_key, Checkpoint, ORIGIN_PREFIX};
use crate::error::Result;
use crate::vault::Vault;
use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// One thing wrong with a copy, named (with the `specta` feature, a TypeScript union tagged by `problem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RemoteProblem {
    /// A listed object is not on the remote.
    Missing { path: String },
    /// A listed object has another size than the manifest says.
    SizeDiffers {
        path: String,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        expected: u64,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        found: u64,
    },
    /// A listed object's bytes do not hash to what the manifest says (`full` only).
    HashDiffers { path: String, expected: String, found: String },
    /// The remote's newest manifest is older than the newest push this vault recorded to it: the remote
    /// was put back to an older state (or a push was lost).
    RolledBack {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        found_seq: u64,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        pushed_seq: u64,
    },
    /// This vault's log does not extend the copy's checkpoint: the laptop's log is older than the copy
    /// (a rolled-back laptop) or the two differ (one was rewritten).
    NotExtended {
        #[cfg_attr(feature = "specta", specta(type = f64))]
        checkpoint_size: u64,
        why: String,
    },
}

impl std::fmt::Display for RemoteProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RemoteProblem::Missing { path } => write!(f, "{path} is missing on the remote"),
            RemoteProblem::SizeDiffers { path, expected, found } => {
                write!(f, "{path} has {found} bytes on the remote instead of {expected}: it was altered")
            }
            RemoteProblem::HashDiffers { path, expected, found } => {
                write!(f, "{path} on the remote hashes to {found} instead of {expected}: it was altered")
            }
            RemoteProblem::RolledBack { found_seq, pushed_seq } => write!(
                f,
                "the remote's newest manifest is number {found_seq}, but this vault pushed number {pushed_seq} to it: the remote was rolled back to an older copy"
            ),
            RemoteProblem::NotExtended { checkpoint_size, why } => write!(
                f,
                "this vault's log does not extend the copy's checkpoint of {checkpoint_size} events ({why}): this laptop's vault is older than the copy, or one of them was rewritten"
            ),
        }
    }
}

/// What a check of a copy found.
#[derive(Debug, Clone, Serialize)]
pub struct RemoteReport {
    pub ok: bool,
    pub seq: u64,
    pub created: String,
    pub checkpoint_size: u64,
    pub objects: u64,
    pub bytes_hashed: u64,
    pub problems: Vec<RemoteProblem>,
}

/// A sink that only hashes what is written into it.
struct HashSink(Sha256);

impl std::io::Write for HashSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads and checks the signed pointer and the manifest it names. Errors when there is none or it does
/// not hold: such a remote holds no copy.
pub(crate) fn read_manifest(storage: &Storage, vault_id: &str, key: &VerifyingKey) -> Result<(Latest, Manifest)> {
    let note = storage.get_bounded(manifest::LATEST, manifest::MAX_LATEST_BYTES)?.ok_or(RemoteError::NoManifest)?;
    if manifest::claimed_vault_id(&note).is_some_and(|id| id != vault_id) {
        return Err(RemoteError::OtherVault.into());
    }
    let latest = manifest::read_latest(&note, vault_id, key)?;
    let path = manifest::manifest_path(latest.seq);
    let bytes = storage.get_bounded(&path, latest.size)?.ok_or_else(|| RemoteError::ManifestInvalid {
        why: format!("{path}, named by the signed pointer, is missing"),
    })?;
    if bytes.len() as u64 != latest.size || hex::encode(Sha256::digest(&bytes)) != latest.sha256 {
        return Err(
            RemoteError::ManifestInvalid { why: format!("{path} is not the one the signed pointer names") }.into()
        );
    }
    let manifest = manifest::parse(&bytes, vault_id, &latest)?;
    let checkpoint = Checkpoint::verify(&manifest.checkpoint, key)
        .map_err(|e| RemoteError::ManifestInvalid { why: format!("its checkpoint: {e}") })?;
    if checkpoint.origin != crate::checkpoint::origin_for(vault_id) {
        return Err(RemoteError::ManifestInvalid { why: "its checkpoint is of another log".into() }.into());
    }
    Ok((latest, manifest))
}

/// Every listed object present with its size (and with `full` its hash).
fn check_objects(
    storage: &Storage,
    manifest: &Manifest,
    full: bool,
    progress: &mut dyn FnMut(u64, u64) -> Flow,
) -> Result<RemoteReport> {
    let checkpoint_size = manifest.checkpoint.lines().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut report = RemoteReport {
        ok: true,
        seq: manifest.seq,
        created: manifest.created.clone(),
        checkpoint_size,
        objects: manifest.objects.len() as u64,
        bytes_hashed: 0,
        problems: Vec::new(),
    };
    let total = manifest.objects.len() as u64;
    for (index, object) in manifest.objects.iter().enumerate() {
        if progress(index as u64, total) == Flow::Cancel {
            return Err(RemoteError::Cancelled.into());
        }
        match storage.size_of(&object.path)? {
            None => report.problems.push(RemoteProblem::Missing { path: object.path.clone() }),
            Some(found) if found != object.size => report.problems.push(RemoteProblem::SizeDiffers {
                path: object.path.clone(),
                expected: object.size,
                found,
            }),
            Some(_) if full => {
                let mut sink = HashSink(Sha256::new());
                match storage.copy_to(&object.path, object.size, &mut sink) {
                    Ok(n) => report.bytes_hashed += n,
                    Err(RemoteError::SizeChanged { found, .. }) => {
                        report.problems.push(RemoteProblem::SizeDiffers {
                            path: object.path.clone(),
                            expected: object.size,
                            found,
                        });
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                }
                let found = hex::encode(sink.0.finalize());
                if found != object.sha256 {
                    report.problems.push(RemoteProblem::HashDiffers {
                        path: object.path.clone(),
                        expected: object.sha256.clone(),
                        found,
                    });
                }
            }
            Some(_) => {}
        }
    }
    progress(total, total);
    report.ok = report.problems.is_empty();
    Ok(report)
}

/// Checks the copy at `url` with the vault's verifier key (`custodia.vault/<id>+<key id>+<key>`), no
/// vault and no passphrase needed.
pub fn verify_at(
    url: &RemoteUrl,
    credentials: &Credentials,
    verifier_key: &str,
    full: bool,
    progress: &mut dyn FnMut(u64, u64) -> Flow,
) -> Result<RemoteReport> {
    let (name, key) = parse_verifier_key(verifier_key)?;
    let vault_id = name.strip_prefix(ORIGIN_PREFIX).ok_or(RemoteError::OtherVault)?.to_string();
    let storage = Storage::connect(url, credentials)?;
    let (_, manifest) = read_manifest(&storage, &vault_id, &key)?;
    check_objects(&storage, &manifest, full, progress)
}

impl Vault {
    /// Checks the copy on the remote `name` with this vault's key, and against this vault: not older
    /// than the newest push recorded here, and its checkpoint extended by this vault's log.
    pub fn verify_remote(
        &self,
        name: &str,
        full: bool,
        progress: &mut dyn FnMut(u64, u64) -> Flow,
    ) -> Result<RemoteReport> {
        let configured = self.configured_remote(name)?;
        let url = configured.url.to_string();
        let storage = Storage::connect(&configured.url, &configured.credentials)?;
        let key = self.signing_public_key()?;
        let (_, manifest) = read_manifest(&storage, self.vault_id(), &key)?;
        let mut report = check_objects(&storage, &manifest, full, progress)?;
        let pushed: Option<u64> =
            self.conn.query_row("SELECT max(seq) FROM remote_pushes WHERE url = ?1", [&url], |r| r.get(0))?;
        // What is missing or altered there is no longer taken as pushed: the next push sends it again.
        for problem in &report.problems {
            if let RemoteProblem::Missing { path }
            | RemoteProblem::SizeDiffers { path, .. }
            | RemoteProblem::HashDiffers { path, .. } = problem
            {
                self.conn
                    .execute("DELETE FROM remote_objects WHERE url = ?1 AND path = ?2", rusqlite::params![url, path])?;
            }
        }
        if let Some(pushed_seq) = pushed.filter(|pushed| *pushed > manifest.seq) {
            report.problems.push(RemoteProblem::RolledBack { found_seq: manifest.seq, pushed_seq });
        }
        if let Err(e) = self.check_outside_checkpoint(&manifest.checkpoint)? {
            report
                .problems
                .push(RemoteProblem::NotExtended { checkpoint_size: report.checkpoint_size, why: e.to_string() });
        }
        report.ok = report.problems.is_empty();
        Ok(report)
    }
}
