//! Opening a bundle into a folder: everything is extracted into a fresh hidden folder inside the target,
//! and the bag is moved into place only when every check holds. A bundle that does not verify leaves
//! nothing behind; a path that could escape the folder never gets that far (`read` refuses it first).
//! Folders are made 0700 and files 0600: what a bundle holds is for its recipient only. An open killed
//! midway leaves its hidden folder, which the next open into the same folder removes.

use super::keys::Unlocker;
use super::read::{self, Limits, ReadProgress, Sink};
use super::verify::BundleReport;
use super::{io_error, BundleError};
use crate::blobs::Flow;
use crate::fsutil;
use std::fs::{self, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// A bundle opened into a folder.
#[derive(Debug, Clone)]
pub struct Opened {
    pub report: BundleReport,
    /// `DIR/<bag>`, the verified bag.
    pub bag: PathBuf,
}

/// Writes files under `<staging>/<bag>/`, never replacing anything.
struct Extract {
    staging: PathBuf,
    target_dir: PathBuf,
    bag: Option<PathBuf>,
}

fn private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

impl Extract {
    fn root(&self) -> Result<&Path, BundleError> {
        self.bag.as_deref().ok_or_else(|| BundleError::NotABag("a file came before the bag's folder".into()))
    }

    /// Creates the folders leading to `rel` (already checked: relative, no `..`).
    fn folders(&self, rel: &str) -> Result<PathBuf, BundleError> {
        let mut path = self.root()?.to_path_buf();
        for part in rel.split('/') {
            path.push(part);
            match private_dir(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && path.is_dir() => {}
                Err(e) => return Err(io_error("create", &path)(e)),
            }
        }
        Ok(path)
    }
}

impl Sink for Extract {
    fn bag(&mut self, name: &str) -> Result<(), BundleError> {
        let target = self.target_dir.join(name);
        if fs::symlink_metadata(&target).is_ok() {
            return Err(BundleError::TargetExists(target));
        }
        let root = self.staging.join(name);
        private_dir(&root).map_err(io_error("create", &root))?;
        self.bag = Some(root);
        Ok(())
    }

    fn directory(&mut self, rel: &str) -> Result<(), BundleError> {
        self.folders(rel).map(|_| ())
    }

    fn file(&mut self, rel: &str, _size: u64, data: &mut dyn Read) -> Result<(), BundleError> {
        let (parent, _) = rel.rsplit_once('/').unwrap_or(("", rel));
        let mut path = if parent.is_empty() { self.root()?.to_path_buf() } else { self.folders(parent)? };
        path.push(rel.rsplit('/').next().unwrap_or(rel));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&path).map_err(io_error("create", &path))?;
        io::copy(data, &mut file).map_err(io_error("write", &path))?;
        Ok(())
    }
}

/// The start of the name of the hidden folder a bundle is extracted into before it is verified.
const STAGING_PREFIX: &str = ".custodia-open-";

/// Removes the staging folders of opens into `output` that were killed before they finished: unverified
/// content that nobody should take for a bag. A folder another open still holds (its lock) is left alone.
/// Best effort: what cannot be checked stays, and never stops this open.
fn remove_abandoned_staging(output: &Path) {
    let Ok(entries) = fs::read_dir(output) else { return };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(STAGING_PREFIX) {
            continue;
        }
        let path = entry.path();
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let Ok(folder) = fs::File::open(&path) else { continue };
        if folder.try_lock().is_ok() {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Verifies the bundle at `bundle` and extracts its bag to `output/<bag>`. `output` is created if needed.
pub fn open_bundle(
    bundle: &Path,
    unlocker: &Unlocker,
    expected_signer: Option<&str>,
    output: &Path,
    limits: &Limits,
    progress: &mut dyn FnMut(ReadProgress) -> Flow,
) -> Result<Opened, BundleError> {
    fs::create_dir_all(output).map_err(io_error("create", output))?;
    remove_abandoned_staging(output);
    let suffix = crate::keys::random_hex(6).map_err(|e| BundleError::Io {
        op: "name a folder in",
        path: output.into(),
        source: io::Error::other(e.to_string()),
    })?;
    let staging = output.join(format!("{STAGING_PREFIX}{suffix}"));
    private_dir(&staging).map_err(io_error("create", &staging))?;
    // Held until the end, so that another open into this folder does not take it for abandoned.
    let held = fs::File::open(&staging).and_then(|f| f.try_lock().map_err(io::Error::from).map(|()| f));
    let _held = match held {
        Ok(held) => held,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(io_error("lock", &staging)(e));
        }
    };
    let mut sink = Extract { staging: staging.clone(), target_dir: output.to_path_buf(), bag: None };
    let outcome = read::read(bundle, unlocker, limits, &mut sink, progress).and_then(|collected| {
        let report = super::checks::check(&collected, expected_signer);
        if !report.ok {
            return Err(BundleError::NotVerified { report: Box::new(report), action: "extracted" });
        }
        let from = staging.join(&collected.bag);
        let to = output.join(&collected.bag);
        if fs::symlink_metadata(&to).is_ok() {
            return Err(BundleError::TargetExists(to));
        }
        fs::rename(&from, &to).map_err(io_error("move the verified bag to", &to))?;
        fsutil::sync_dir(output).map_err(io_error("sync", output))?;
        Ok(Opened { report, bag: to })
    });
    // Whatever happened, the staging folder goes: it holds nothing verified that was not moved out.
    let _ = fs::remove_dir_all(&staging);
    outcome
}
