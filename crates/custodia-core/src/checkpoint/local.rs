//! This computer's copy of the vault's newest checkpoint (issue 11, point 2). At every close the vault
//! writes the checkpoint it signed, with the last event it covers, to a file outside the vault folder (in
//! the user's state directory, one file per vault id). At open the log must still extend that checkpoint:
//! a folder, a `vault.db`, or a `vault.db` with its write-ahead log put back from an older copy does not,
//! and the vault refuses to carry on silently. Going on with the older copy is an explicit choice with a
//! written reason, recorded as a custody event that carries both checkpoints.
//!
//! The file is outside the vault and so as hostile as any input: it is read bounded, its checkpoint must
//! verify with the vault's own key for the vault's own origin, and one that is missing (a vault moved to
//! a new computer), damaged or of another vault is not an error: it is said, and replaced at the next
//! close. Someone who can delete the file can hide a rollback from this computer; that is the limit of a
//! local copy, and what checkpoints held by others (witnesses, recipients) are for.

use super::{for_each_leaf, note::Checkpoint, origin_for, outside, signing_key};
use crate::error::Result;
use crate::fsutil;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The file is a checkpoint note and a few short fields: a few KiB. Anything larger is not ours.
const MAX_FILE_BYTES: u64 = 64 * 1024;
const FORMAT: u32 = 1;

/// The last event a checkpoint covers, as the log stores it: for the user to recognise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastEvent {
    pub seq: u64,
    pub time: String,
    pub action: String,
}

/// The file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LocalFile {
    format: u32,
    vault_id: String,
    /// The signed checkpoint note, as the vault signed it.
    note: String,
    /// The last event the checkpoint covers (none for an empty log).
    last_event: Option<LastEvent>,
}

/// Where this computer keeps its copies: one file per vault in `dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalCopies {
    dir: PathBuf,
}

/// A vault was put back from an older copy: what this computer saw at its last close, and what the
/// folder holds now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rollback {
    /// This computer's copy of the newest checkpoint.
    pub seen_note: String,
    pub seen_size: u64,
    pub seen_last: Option<LastEvent>,
    /// The log as the folder holds it now.
    pub found_size: u64,
    pub found_last: Option<LastEvent>,
    /// The file this computer's copy is in.
    pub copy: PathBuf,
}

/// What the open found in this computer's copy, when it is not simply extended by the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalNotice {
    /// No copy: a vault new to this computer. Not an error.
    NoCopy,
    /// The copy could not be used (`why`, in English); it is replaced at the next close.
    Unusable { copy: PathBuf, why: String },
    /// The user chose to go on with an older copy; the custody log records it.
    RollbackAccepted,
}

/// The result of checking the copy at open.
#[derive(Debug)]
pub(crate) enum Found {
    /// The log extends the copy, a checkpoint of `size` events whose last is `last_event`.
    Holds {
        size: u64,
        last_event: Option<LastEvent>,
    },
    Notice(LocalNotice),
    RolledBack(Box<Rollback>),
}

impl LocalCopies {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        LocalCopies { dir: dir.into() }
    }

    /// The platform's per-user state directory (`$XDG_STATE_HOME`, else `~/.local/state`; the data
    /// directory where there is no state directory), `custodia/checkpoints` in it.
    pub fn default_dir() -> Option<PathBuf> {
        let base = dirs::state_dir().or_else(dirs::data_dir)?;
        Some(base.join("custodia").join("checkpoints"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file for `vault_id`. Vault ids are 32 hex digits (the key slots bind them); any other is
    /// refused here so that a planted id never names a path.
    fn file(&self, vault_id: &str) -> Option<PathBuf> {
        let ok = vault_id.len() == 32 && vault_id.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| self.dir.join(format!("{vault_id}.json")))
    }

    /// Removes this computer's copy for `vault_id` (the panic wipe: it names a vault that was here).
    pub(crate) fn forget(&self, vault_id: &str) -> std::io::Result<()> {
        let Some(path) = self.file(vault_id) else { return Ok(()) };
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Checks the copy for `vault_id` against the log in `conn`. Reads and writes nothing else.
    pub(crate) fn check(&self, conn: &Connection, vault_id: &str) -> Result<Found> {
        let Some(path) = self.file(vault_id) else {
            return Ok(Found::Notice(unusable(&self.dir, "the vault id is not one Custodia makes")));
        };
        let file = match read(&path) {
            Ok(Some(file)) => file,
            Ok(None) => return Ok(Found::Notice(LocalNotice::NoCopy)),
            Err(why) => return Ok(Found::Notice(unusable(&path, &why))),
        };
        if file.vault_id != vault_id {
            return Ok(Found::Notice(unusable(&path, "it is the copy of another vault")));
        }
        let key = signing_key(conn)?.verifying_key();
        let seen = match outside::read_for(&file.note, &key, &origin_for(vault_id)) {
            Ok(seen) => seen,
            Err(e) => return Ok(Found::Notice(unusable(&path, &e.to_string()))),
        };
        if holds(conn, &seen, &file.note)? {
            return Ok(Found::Holds { size: seen.size, last_event: file.last_event });
        }
        Ok(Found::RolledBack(Box::new(Rollback {
            seen_note: file.note,
            seen_size: seen.size,
            seen_last: file.last_event,
            found_size: event_count(conn)?,
            found_last: last_event(conn)?,
            copy: path,
        })))
    }

    /// Writes `note` (a checkpoint of the whole log in `conn`) as this computer's copy for `vault_id`,
    /// replacing the old one in one step.
    pub(crate) fn write(&self, conn: &Connection, vault_id: &str, note: &str) -> std::io::Result<()> {
        let Some(path) = self.file(vault_id) else { return Ok(()) };
        let last_event = last_event(conn).map_err(std::io::Error::other)?;
        let file = LocalFile { format: FORMAT, vault_id: vault_id.into(), note: note.into(), last_event };
        let bytes = serde_json::to_vec_pretty(&file).map_err(std::io::Error::other)?;
        fsutil::create_private_dir(&self.dir)?;
        fsutil::write_atomic(&path, &bytes)
    }
}

fn unusable(copy: &Path, why: &str) -> LocalNotice {
    LocalNotice::Unusable { copy: copy.to_path_buf(), why: why.into() }
}

/// The copy at `path`: `None` when there is none, `Err` (in English) when it cannot be used.
fn read(path: &Path) -> std::result::Result<Option<LocalFile>, String> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("it cannot be read ({e})")),
    };
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("it cannot be read ({e})"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("it is larger than {MAX_FILE_BYTES} bytes"));
    }
    let file: LocalFile = serde_json::from_slice(&bytes).map_err(|_| "it is damaged".to_string())?;
    if file.format != FORMAT {
        return Err(format!("it is in format {}, which this version does not read", file.format));
    }
    Ok(Some(file))
}

/// Whether the log extends the checkpoint `seen`. The quick way: the vault stored that very note and the
/// log reaches its size (`verify` checks every stored checkpoint against the log in full). Otherwise an
/// RFC 9162 consistency proof over the whole log decides.
fn holds(conn: &Connection, seen: &Checkpoint, note: &str) -> Result<bool> {
    let stored: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM checkpoints WHERE size = ?1 AND root = ?2 AND note = ?3 LIMIT 1",
            params![seen.size, hex::encode(seen.root), note],
            |r| r.get(0),
        )
        .optional()?;
    if stored.is_some() && event_count(conn)? >= seen.size {
        return Ok(true);
    }
    let mut leaves = Vec::new();
    for_each_leaf(conn, |leaf| leaves.push(leaf))?;
    Ok(outside::check_against_log(seen, &leaves).is_ok())
}

fn event_count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0))?)
}

fn last_event(conn: &Connection) -> rusqlite::Result<Option<LastEvent>> {
    conn.query_row("SELECT seq, time, action FROM events ORDER BY seq DESC LIMIT 1", [], |r| {
        Ok(LastEvent { seq: r.get(0)?, time: r.get(1)?, action: r.get(2)? })
    })
    .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_vault_id_custodia_makes_names_a_file_in_the_folder() {
        let copies = LocalCopies::new("/state/custodia/checkpoints");
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(copies.file(id), Some(PathBuf::from(format!("/state/custodia/checkpoints/{id}.json"))));
        for planted in ["../../../home/user/.bashrc", "", "0123456789abcdef0123456789abcde/", "é".repeat(16).as_str()]
        {
            assert_eq!(copies.file(planted), None, "{planted:?}");
        }
    }

    #[test]
    fn a_copy_that_is_missing_too_large_damaged_or_of_another_format_is_told_apart() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("copy.json");
        assert_eq!(read(&path), Ok(None), "missing: a vault new to this computer");
        std::fs::write(&path, vec![b' '; MAX_FILE_BYTES as usize + 1]).expect("write");
        assert!(read(&path).is_err_and(|why| why.contains("larger than")));
        std::fs::write(&path, b"{\"format\":1,\"vault_id\":\"x\"").expect("write");
        assert!(read(&path).is_err_and(|why| why.contains("damaged")));
        let later = r#"{"format":2,"vault_id":"x","note":"n","last_event":null}"#;
        std::fs::write(&path, later).expect("write");
        assert!(read(&path).is_err_and(|why| why.contains("format 2")));
    }
}
