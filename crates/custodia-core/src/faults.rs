//! Fault points: the name of every durable step (a file written, fsynced or renamed, a transaction
//! committed), where the crash harness can stop the process or make the step fail with a disk error.
//!
//! A point is named `<operation>.<step>`; steps shared by several operations carry the name of the layer
//! that owns them (`blob.*` is every ingest: `add`, `import`). [`POINTS`] lists them all: a point hit
//! that is not listed is a bug (checked in the harness's builds), and the harness checks that each point
//! it lists for an operation is reached. Without the `failpoints` feature every point compiles to nothing.

use std::io;

/// Every fault point, grouped by the operation or layer that owns it.
pub const POINTS: &[&str] = &[
    // Ingest into the content store (`add`, `import`): the staging file, its fsync, its rename into
    // `blobs/`, the directory's fsync.
    "blob.write",
    "blob.fsync",
    "blob.rename",
    "blob.dir_fsync",
    "add.commit",
    "import.commit",
    // Export (bundle/pending.rs): the pending record, the hidden file, its fsync, the events, the final
    // name, its directory's fsync, the pending record's removal.
    "export.pending_commit",
    "export.write",
    "export.fsync",
    "export.commit",
    "export.rename",
    "export.dir_fsync",
    "export.forget_commit",
    "extract.write",
    "extract.fsync",
    "extract.commit",
    "extract.rename",
    "extract.dir_fsync",
    "person_import.commit",
    "interview.commit",
    "interview.edit_commit",
    "interview.complete_commit",
    "consent.commit",
    // Open: leftovers moved to quarantine, exports found under way finished or abandoned, the open event.
    "reconcile.move",
    "reconcile.dir_fsync",
    "reconcile.export_rename",
    "reconcile.export_remove",
    "reconcile.export_commit",
    "open.commit",
    // Close: the close event with its signed checkpoint, then the write-ahead log folded back.
    "close.commit",
    "close.wal_checkpoint",
];

/// The fault points of key changes (vault/rotation.rs): passphrase change and recovery key creation.
/// Kept apart from [`POINTS`] because the CLI harness reopens its runs with one fixed passphrase; they are
/// covered instead by the core's `tests/vault/keys_faults.rs`, which knows which secret must open after
/// each step.
pub const KEY_POINTS: &[&str] = &[
    "passphrase.slots_pending",
    "passphrase.rekeyed",
    "passphrase.slots_final",
    "recovery.slot_pending",
    "recovery.shown",
    "recovery.slots_pending",
    "recovery.rekeyed",
    "recovery.slots_final",
];

/// The step named `name` is about to run: returns the error the harness injected there, if any.
#[inline]
pub(crate) fn hit(name: &'static str) -> io::Result<()> {
    #[cfg(feature = "failpoints")]
    {
        debug_assert!(
            POINTS.contains(&name) || KEY_POINTS.contains(&name),
            "fault point {name} is missing from faults::POINTS"
        );
        fail::fail_point!(name, |arg: Option<String>| Err(injected(arg.as_deref())));
    }
    #[cfg(not(feature = "failpoints"))]
    let _ = name;
    Ok(())
}

/// Commits `tx` after the fault point `name`; an injected error is reported as SQLite would report it.
pub(crate) fn commit(tx: rusqlite::Transaction<'_>, name: &'static str) -> crate::Result<()> {
    if let Err(e) = hit(name) {
        let code =
            if e.raw_os_error() == Some(ENOSPC) { rusqlite::ffi::SQLITE_FULL } else { rusqlite::ffi::SQLITE_IOERR };
        return Err(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some(e.to_string())).into());
    }
    tx.commit()?;
    Ok(())
}

const ENOSPC: i32 = 28;
#[cfg(feature = "failpoints")]
const EIO: i32 = 5;

/// The error an armed point returns: `enospc` a full disk, anything else an I/O error.
#[cfg(feature = "failpoints")]
fn injected(arg: Option<&str>) -> io::Error {
    io::Error::from_raw_os_error(if arg == Some("enospc") { ENOSPC } else { EIO })
}

#[cfg(test)]
mod tests {
    use super::{KEY_POINTS, POINTS};
    use std::collections::HashSet;

    #[test]
    fn every_point_is_named_once_as_operation_dot_step() {
        let mut seen = HashSet::new();
        for point in POINTS {
            assert!(seen.insert(point), "{point} is listed twice");
            let (op, step) = point.split_once('.').unwrap_or_else(|| panic!("{point} is not <operation>.<step>"));
            assert!(!op.is_empty() && !step.is_empty() && !step.contains('.'), "{point} is not <operation>.<step>");
        }
    }

    /// Every `faults::hit("...")` and `faults::commit(.., "...")` in the sources names a listed point, and
    /// every listed point is used somewhere: the list and the code cannot drift apart.
    #[test]
    fn the_list_matches_the_points_in_the_sources() {
        let mut used = HashSet::new();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        collect_points(&src, &mut used);
        // Key changes name their points through a table of steps (vault/rotation.rs).
        let rotation = std::fs::read_to_string(src.join("vault/rotation.rs")).expect("read rotation.rs");
        used.extend(KEY_POINTS.iter().filter(|p| rotation.contains(&format!("\"{p}\""))).map(|p| p.to_string()));
        let listed: HashSet<String> = POINTS.iter().chain(KEY_POINTS).map(|p| p.to_string()).collect();
        let unlisted: Vec<_> = used.difference(&listed).collect();
        let unused: Vec<_> = listed.difference(&used).collect();
        assert!(unlisted.is_empty(), "points used but not in POINTS: {unlisted:?}");
        assert!(unused.is_empty(), "points in POINTS but used nowhere: {unused:?}");
    }

    fn collect_points(dir: &std::path::Path, used: &mut HashSet<String>) {
        for entry in std::fs::read_dir(dir).expect("list sources") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                collect_points(&path, used);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("faults.rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                for call in ["faults::hit(", "faults::commit("] {
                    for (at, _) in text.match_indices(call) {
                        let rest = &text[at + call.len()..];
                        let end = rest.find(')').unwrap_or(rest.len());
                        if let Some(name) = rest[..end].split('"').nth(1) {
                            used.insert(name.to_string());
                        }
                    }
                }
            }
        }
    }
}
