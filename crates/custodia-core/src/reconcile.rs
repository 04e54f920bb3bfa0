//! Open-time reconcile: staging files left in `tmp/` by an interrupted ingest, and blob files that no item
//! references (a crash between the rename and the commit), are moved to `quarantine/<time>/` and reported.
//! Nothing of the vault's is ever deleted here: a reviewer decides what quarantined files are. Exports an
//! earlier run left under way are settled here too (`bundle::pending`).

use crate::bundle::pending::{self, Settled};
use crate::custody::Session;
use crate::error::Result;
use crate::vault::{io_error, KEYSLOTS_FILE};
use crate::{faults, fsutil};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The folder inside the vault where leftovers are set aside.
pub(crate) const QUARANTINE_DIR: &str = "quarantine";

/// What reconcile found. Paths are relative to the vault folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    pub quarantine: Option<PathBuf>,
    pub tmp_leftovers: Vec<String>,
    pub unreferenced_blobs: Vec<String>,
    pub other_files: Vec<String>,
    /// Exports found logged but not yet named, given their name now (bundle ids).
    pub exports_completed: Vec<String>,
    /// Exports found unfinished: their hidden file removed and `bundle.export_abandoned` logged.
    pub exports_abandoned: Vec<String>,
    /// Exports found unfinished in a folder that cannot be reached now (a removed stick); settled later.
    pub exports_waiting: Vec<String>,
}

impl Reconciliation {
    pub fn is_clean(&self) -> bool {
        self.tmp_leftovers.is_empty()
            && self.unreferenced_blobs.is_empty()
            && self.other_files.is_empty()
            && self.exports_completed.is_empty()
            && self.exports_abandoned.is_empty()
            && self.exports_waiting.is_empty()
    }

    pub(crate) fn to_details(&self) -> serde_json::Value {
        serde_json::json!({
            "quarantine": self.quarantine.as_ref().map(|p| p.to_string_lossy().into_owned()),
            "tmp_leftovers": self.tmp_leftovers.len(),
            "unreferenced_blobs": self.unreferenced_blobs.len(),
            "other_files": self.other_files.len(),
            "exports_completed": self.exports_completed,
            "exports_abandoned": self.exports_abandoned,
            "exports_waiting": self.exports_waiting,
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
        faults::hit("reconcile.move")
            .and_then(|()| fs::rename(path, dir.join(&name)))
            .map_err(io_error("move to quarantine", path))?;
        faults::hit("reconcile.dir_fsync").and_then(|()| fsutil::sync_dir(&dir)).map_err(io_error("flush", &dir))?;
        Ok(name)
    }
}

/// A folder's entries with their types, or `None` when the folder does not exist (reconcile creates it).
type Entries = Option<Vec<(PathBuf, fs::FileType)>>;

/// What `tmp/` and `blobs/` held when the vault was opened. Reading it writes nothing and needs no key,
/// so `Vault::open` starts it before the key derivation and it costs the unlock nothing on a second core
/// (at 100k items it is most of reconcile's time). The vault folder is locked before it starts, so the
/// listing is still true when the sweep uses it.
#[derive(Debug)]
pub(crate) struct Listing {
    tmp: Entries,
    /// Each entry of `blobs/`, with the entries of those that are shard folders.
    blobs: Option<Vec<(PathBuf, fs::FileType, Entries)>>,
}

impl Listing {
    pub(crate) fn read(root: &Path) -> Result<Listing> {
        let tmp = list(&root.join(TMP_DIR))?;
        let blobs = match list(&root.join(BLOBS_DIR))? {
            None => None,
            Some(entries) => {
                let mut shards = Vec::with_capacity(entries.len());
                for (path, file_type) in entries {
                    let inside = if file_type.is_dir() { list(&path)? } else { None };
                    shards.push((path, file_type, inside));
                }
                Some(shards)
            }
        };
        Ok(Listing { tmp, blobs })
    }
}

/// A listing being read on a helper thread, or already read when no thread could be started.
#[derive(Debug)]
pub(crate) enum PendingListing {
    Running(std::thread::JoinHandle<Result<Listing>>),
    Ready(Box<Result<Listing>>),
}

impl PendingListing {
    /// Starts reading the listing of the (already locked) vault folder `root` on a helper thread.
    pub(crate) fn start(root: &Path) -> PendingListing {
        let owned = root.to_path_buf();
        match std::thread::Builder::new().name("reconcile-listing".into()).spawn(move || Listing::read(&owned)) {
            Ok(handle) => PendingListing::Running(handle),
            Err(_) => PendingListing::Ready(Box::new(Listing::read(root))),
        }
    }

    /// The listing; read again here if the helper thread died.
    fn wait(self, root: &Path) -> Result<Listing> {
        match self {
            PendingListing::Running(handle) => handle.join().unwrap_or_else(|_| Listing::read(root)),
            PendingListing::Ready(listing) => *listing,
        }
    }
}

/// Settles the exports an earlier run left under way (`bundle::pending`) and adds them to `found`.
pub(crate) fn settle_exports(conn: &mut Connection, session: &Session, found: &mut Reconciliation) -> Result<()> {
    for (bundle_id, settled) in pending::settle_all(conn, session)? {
        match settled {
            Settled::Completed => found.exports_completed.push(bundle_id),
            Settled::Abandoned => found.exports_abandoned.push(bundle_id),
            Settled::Waiting => found.exports_waiting.push(bundle_id),
            Settled::AlreadyPlaced => {}
        }
    }
    Ok(())
}

/// Sweeps what `listing` found: staging leftovers and blob files no database row names go to quarantine.
/// Runs inside `Vault::open`, before the vault is handed to anyone, so nothing can use a leftover.
pub(crate) fn run(root: &Path, conn: &Connection, listing: PendingListing) -> Result<Reconciliation> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string();
    let mut q = Quarantine { root, relative: Path::new(QUARANTINE_DIR).join(stamp), created: false };
    let mut found = Reconciliation::default();

    // Read while the listing may still be running on the other core.
    let referenced: HashSet<String> = {
        let mut stmt = conn.prepare("SELECT name FROM blobs")?;
        let names = stmt.query_map([], |r| r.get(0))?;
        names.collect::<std::result::Result<_, _>>()?
    };
    let listing = listing.wait(root)?;

    for (path, _) in existing(root, TMP_DIR, listing.tmp)? {
        found.tmp_leftovers.push(q.take(&path, "tmp")?);
    }
    let stale_slots = root.join(format!("{KEYSLOTS_FILE}.new"));
    if stale_slots.exists() {
        found.other_files.push(q.take(&stale_slots, "other")?);
    }

    // File types come from the directory listing itself: no stat per blob, which matters at 100k items.
    let shards = match listing.blobs {
        Some(shards) => shards,
        None => {
            create(&root.join(BLOBS_DIR))?;
            Vec::new()
        }
    };
    for (shard_path, shard_type, inside) in shards {
        if !shard_type.is_dir() {
            found.other_files.push(q.take(&shard_path, "other")?);
            continue;
        }
        let shard = file_name(&shard_path);
        for (path, file_type) in inside.unwrap_or_default() {
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

const TMP_DIR: &str = "tmp";
const BLOBS_DIR: &str = "blobs";

/// The entries listed for `root/name`, creating the folder when it was missing.
fn existing(root: &Path, name: &str, entries: Entries) -> Result<Vec<(PathBuf, fs::FileType)>> {
    match entries {
        Some(entries) => Ok(entries),
        None => {
            create(&root.join(name))?;
            Ok(Vec::new())
        }
    }
}

fn create(dir: &Path) -> Result<()> {
    fsutil::create_dir_durable(dir).map_err(io_error("create", dir))?;
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The entries of `dir` with their types (symlinks are not followed); `None` when `dir` does not exist.
fn list(dir: &Path) -> Result<Entries> {
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut found = Vec::new();
            for entry in entries {
                let entry = entry.map_err(io_error("list", dir))?;
                let file_type = entry.file_type().map_err(io_error("list", dir))?;
                found.push((entry.path(), file_type));
            }
            Ok(Some(found))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error("list", dir)(e).into()),
    }
}
