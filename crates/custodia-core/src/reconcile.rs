//! Open-time reconcile: staging files left in `tmp/` by an interrupted ingest, and blob files that no item
//! references (a crash between the rename and the commit), are moved to `quarantine/<time>/` and reported.
//! Nothing is ever deleted here: a reviewer decides what quarantined files are.

use crate::blobs::BlobStore;
use crate::error::Result;
use crate::fsutil;
use crate::vault::{io_error, KEYSLOTS_FILE};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// What reconcile found. Paths are relative to the vault folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    pub quarantine: Option<PathBuf>,
    pub tmp_leftovers: Vec<String>,
    pub unreferenced_blobs: Vec<String>,
    pub other_files: Vec<String>,
}

impl Reconciliation {
    pub fn is_clean(&self) -> bool {
        self.tmp_leftovers.is_empty() && self.unreferenced_blobs.is_empty() && self.other_files.is_empty()
    }

    pub(crate) fn to_details(&self) -> serde_json::Value {
        serde_json::json!({
            "quarantine": self.quarantine.as_ref().map(|p| p.to_string_lossy().into_owned()),
            "tmp_leftovers": self.tmp_leftovers.len(),
            "unreferenced_blobs": self.unreferenced_blobs.len(),
            "other_files": self.other_files.len(),
        })
    }
}

struct Quarantine<'a> {
    root: &'a Path,
    relative: PathBuf,
    created: bool,
}

impl Quarantine<'_> {
    /// Moves `path` to `quarantine/<time>/<bucket>/<name>`.
    fn take(&mut self, path: &Path, bucket: &str) -> Result<String> {
        let name = file_name(path);
        let dir = self.root.join(&self.relative).join(bucket);
        if !self.created || !dir.is_dir() {
            fsutil::create_dir_durable(&dir).map_err(io_error("create", &dir))?;
            self.created = true;
        }
        fs::rename(path, dir.join(&name)).map_err(io_error("move to quarantine", path))?;
        fsutil::sync_dir(&dir).map_err(io_error("flush", &dir))?;
        Ok(name)
    }
}

pub(crate) fn run(root: &Path, conn: &Connection, blobs: &BlobStore) -> Result<Reconciliation> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string();
    let mut q = Quarantine { root, relative: Path::new("quarantine").join(stamp), created: false };
    let mut found = Reconciliation::default();

    for (path, _) in read_dir(&blobs.tmp_dir())? {
        found.tmp_leftovers.push(q.take(&path, "tmp")?);
    }
    let stale_slots = root.join(format!("{KEYSLOTS_FILE}.new"));
    if stale_slots.exists() {
        found.other_files.push(q.take(&stale_slots, "other")?);
    }

    let referenced: HashSet<String> = {
        let mut stmt = conn.prepare("SELECT name FROM blobs")?;
        let names = stmt.query_map([], |r| r.get(0))?;
        names.collect::<std::result::Result<_, _>>()?
    };
    // File types come from the directory listing itself: no stat per blob, which matters at 100k items.
    for (shard_path, shard_type) in read_dir(&blobs.blobs_dir())? {
        if !shard_type.is_dir() {
            found.other_files.push(q.take(&shard_path, "other")?);
            continue;
        }
        let shard = file_name(&shard_path);
        for (path, file_type) in read_dir(&shard_path)? {
            let name = file_name(&path);
            if !(file_type.is_file() && referenced.contains(&name) && name.starts_with(&shard)) {
                found.unreferenced_blobs.push(q.take(&path, "blobs")?);
            }
        }
    }
    if q.created {
        found.quarantine = Some(q.relative);
    }
    Ok(found)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The entries of `dir` with their types (symlinks are not followed); creates `dir` when missing.
fn read_dir(dir: &Path) -> Result<Vec<(PathBuf, fs::FileType)>> {
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut found = Vec::new();
            for entry in entries {
                let entry = entry.map_err(io_error("list", dir))?;
                let file_type = entry.file_type().map_err(io_error("list", dir))?;
                found.push((entry.path(), file_type));
            }
            Ok(found)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fsutil::create_dir_durable(dir).map_err(io_error("create", dir))?;
            Ok(Vec::new())
        }
        Err(e) => Err(io_error("list", dir)(e).into()),
    }
}
