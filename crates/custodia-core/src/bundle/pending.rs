//! Exports under way, and what becomes of one that was interrupted.
//!
//! An export goes through these states, each made durable before the next step:
//! 1. `writing`: a row names the bundle's final path and its hidden `.partial` file, committed before the
//!    file exists. The file is written and fsynced.
//! 2. `recorded`: the export's custody events and this state are committed in one transaction.
//! 3. The hidden file is renamed to its final name without replacing anything, the folder fsynced, and the
//!    row removed.
//!
//! So a bundle has its final name only once its events are committed. A row found when the vault opens
//! ([`settle_all`]) is settled: a `recorded` export whose hidden file is whole is given its name (its
//! events are already in the log); anything else is abandoned: its hidden file is removed and a
//! `bundle.export_abandoned` event says so, so the log never shows as done an export whose file is gone.
//! A row whose folder cannot be found (a removed stick) waits for a later open.

use crate::custody::{self, Action, Session};
use crate::error::Result;
use crate::{clock, faults, fsutil};
use rusqlite::{params, Connection, Transaction};
use serde_json::json;
use std::fs;
use std::path::{Path, PathBuf};

/// An export that has not reached its final name yet.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub bundle_id: String,
    pub output: PathBuf,
    pub partial: PathBuf,
    recorded: bool,
}

/// What settling a pending export did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Settled {
    /// The bundle was given its final name (its events were already committed).
    Completed,
    /// The bundle already had its name; only the row was left.
    AlreadyPlaced,
    /// The hidden file is gone (or was never whole) and the log says the export was abandoned.
    Abandoned,
    /// Its folder cannot be reached now; tried again at the next open.
    Waiting,
}

/// Records an export as `writing` before its hidden file is created.
pub(crate) fn begin(conn: &mut Connection, pending: &Pending) -> Result<()> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO pending_exports (bundle_id, output, partial, state, started_at) VALUES (?1, ?2, ?3, 'writing', ?4)",
        params![pending.bundle_id, path_bytes(&pending.output), path_bytes(&pending.partial), clock::now_rfc3339()],
    )?;
    faults::commit(tx, "export.pending_commit")
}

impl Pending {
    pub(crate) fn new(bundle_id: &str, output: PathBuf, partial: PathBuf) -> Pending {
        Pending { bundle_id: bundle_id.into(), output, partial, recorded: false }
    }

    /// The same export once its events are committed.
    pub(crate) fn recorded(&self) -> Pending {
        Pending { recorded: true, ..self.clone() }
    }
}

/// Marks the export `recorded`, inside the transaction that commits its custody events.
pub(crate) fn mark_recorded(tx: &Transaction<'_>, bundle_id: &str) -> Result<()> {
    tx.execute("UPDATE pending_exports SET state = 'recorded' WHERE bundle_id = ?1", [bundle_id])?;
    Ok(())
}

/// Removes the row of an export that is finished (its bundle named) or that left nothing behind.
pub(crate) fn forget(conn: &mut Connection, bundle_id: &str) -> Result<()> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM pending_exports WHERE bundle_id = ?1", [bundle_id])?;
    faults::commit(tx, "export.forget_commit")
}

/// Settles every export an earlier run left under way. Returns each bundle id with what was done.
pub(crate) fn settle_all(conn: &mut Connection, session: &Session) -> Result<Vec<(String, Settled)>> {
    let rows = {
        let mut stmt = conn.prepare("SELECT bundle_id, output, partial, state FROM pending_exports ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| {
            Ok(Pending {
                bundle_id: r.get(0)?,
                output: bytes_path(r.get(1)?),
                partial: bytes_path(r.get(2)?),
                recorded: r.get::<_, String>(3)? == "recorded",
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let mut settled = Vec::with_capacity(rows.len());
    for pending in rows {
        let outcome = settle(conn, session, &pending)?;
        settled.push((pending.bundle_id, outcome));
    }
    Ok(settled)
}

/// Settles one interrupted export (see the module's comment).
pub(crate) fn settle(conn: &mut Connection, session: &Session, pending: &Pending) -> Result<Settled> {
    let folder = pending.output.parent().unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Ok(Settled::Waiting);
    }
    let partial = fs::symlink_metadata(&pending.partial).ok();
    let output = fs::symlink_metadata(&pending.output).ok();
    let reason = match (pending.recorded, &partial, &output) {
        (true, None, Some(_)) => return placed(conn, pending, folder),
        (true, Some(p), Some(o)) if same_file(p, o) => {
            // A hard-link rename stopped between its two steps: the bundle has its name already.
            if fs::remove_file(&pending.partial).is_err() {
                return Ok(Settled::Waiting);
            }
            return placed(conn, pending, folder);
        }
        (true, Some(p), None) if Some(p.len()) == recorded_size(conn, &pending.bundle_id)? => {
            if complete(pending, folder).is_ok() {
                forget_settled(conn, &pending.bundle_id)?;
                return Ok(Settled::Completed);
            }
            return Ok(Settled::Waiting);
        }
        (true, Some(_), None) => "incomplete",
        (true, Some(_), Some(_)) => "name_taken",
        (true, None, None) => "file_missing",
        (false, _, _) => "interrupted",
    };
    abandon(conn, session, pending, reason, partial.is_some())
}

/// The bundle has its name: once the name is durable (the folder fsynced, which may be what failed),
/// the row goes.
fn placed(conn: &mut Connection, pending: &Pending, folder: &Path) -> Result<Settled> {
    if fsutil::sync_dir(folder).is_err() {
        return Ok(Settled::Waiting);
    }
    forget_settled(conn, &pending.bundle_id)?;
    Ok(Settled::AlreadyPlaced)
}

/// Gives a whole `recorded` bundle its final name, never replacing a file, and makes the name durable.
fn complete(pending: &Pending, folder: &Path) -> std::io::Result<()> {
    faults::hit("reconcile.export_rename")?;
    fsutil::rename_no_replace(&pending.partial, &pending.output)?;
    fsutil::sync_dir(folder)
}

/// Removes the hidden file and records, with the row's removal, that the export was abandoned.
fn abandon(
    conn: &mut Connection,
    session: &Session,
    pending: &Pending,
    reason: &str,
    partial_exists: bool,
) -> Result<Settled> {
    if partial_exists {
        let removed = faults::hit("reconcile.export_remove").and_then(|()| fs::remove_file(&pending.partial));
        if removed.is_err() {
            return Ok(Settled::Waiting);
        }
        let folder = pending.partial.parent().unwrap_or(Path::new("."));
        let _ = fsutil::sync_dir(folder);
    }
    let tx = conn.transaction()?;
    // The file's name, never its folder: the log travels in exports, and a folder can say whose it is.
    let details = json!({
        "file_name": pending.output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        "state": if pending.recorded { "recorded" } else { "writing" },
        "reason": reason,
        "partial_file": if partial_exists { "removed" } else { "absent" },
    });
    custody::append(&tx, session, Action::BundleExportAbandoned, Some(&pending.bundle_id), details)?;
    tx.execute("DELETE FROM pending_exports WHERE bundle_id = ?1", [&pending.bundle_id])?;
    faults::commit(tx, "reconcile.export_commit")?;
    Ok(Settled::Abandoned)
}

fn forget_settled(conn: &mut Connection, bundle_id: &str) -> Result<()> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM pending_exports WHERE bundle_id = ?1", [bundle_id])?;
    faults::commit(tx, "reconcile.export_commit")
}

fn recorded_size(conn: &Connection, bundle_id: &str) -> Result<Option<u64>> {
    let size = conn
        .query_row("SELECT size FROM exports WHERE id = ?1", [bundle_id], |r| r.get::<_, i64>(0))
        .map(|s| u64::try_from(s).ok());
    match size {
        Ok(size) => Ok(size),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (a.dev(), a.ino()) == (b.dev(), b.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

fn path_bytes(path: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned().into_bytes()
    }
}

fn bytes_path(bytes: Vec<u8>) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
    }
}
