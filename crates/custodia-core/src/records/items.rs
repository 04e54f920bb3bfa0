//! Evidence items: adding a file (stream into the content store, then one transaction for the item and its
//! custody event), listing, showing, and extracting a verified copy.

use crate::blobs::{BlobError, Flow, Stored};
use crate::custody::{self, Action, Event};
use crate::error::Result;
use crate::faults;
use crate::fsutil;
use crate::ids;
use crate::records::fields::{self, Change};
use crate::vault::{check_text, io_error, Vault, VaultError};
use crate::Session;
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use serde_json::json;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

const MAX_TEXT_CHARS: usize = 10_000;
const MAX_NAME_CHARS: usize = 1_000;

/// One acquisition of a content: who added which file, when, and its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: String,
    pub name: String,
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub description: String,
    pub source: String,
    pub added_at: String,
    pub added_by: String,
    /// The earlier item with the same content, when this acquisition repeated one.
    pub duplicate_of: Option<String>,
    pub ingest_seq: u64,
}

/// What the person adding a file says about it.
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    pub description: String,
    pub source: String,
}

/// The result of adding one file.
#[derive(Debug, Clone)]
pub struct Added {
    pub item: Item,
    /// False when the vault already held the content: one stored copy, two acquisitions.
    pub newly_stored: bool,
}

/// New values for an item's editable fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ItemEdit {
    pub description: Option<String>,
    pub source: Option<String>,
}

/// The result of extracting a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub sha256: String,
    pub size: u64,
}

const SELECT_ITEM: &str = "SELECT id, original_name, sha256, size, media_type, description, source, added_at, added_by, duplicate_of, ingest_seq FROM items";

fn row_to_item(r: &Row<'_>) -> rusqlite::Result<Item> {
    Ok(Item {
        id: r.get(0)?,
        name: r.get(1)?,
        sha256: r.get(2)?,
        size: r.get(3)?,
        media_type: r.get(4)?,
        description: r.get(5)?,
        source: r.get(6)?,
        added_at: r.get(7)?,
        added_by: r.get(8)?,
        duplicate_of: r.get(9)?,
        ingest_seq: r.get(10)?,
    })
}

fn open_source(path: &Path) -> Result<File, VaultError> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(VaultError::SourceNotFound(path.into())),
        Err(e) => return Err(VaultError::SourceUnreadable { path: path.into(), source: e }),
    };
    if meta.is_dir() {
        return Err(VaultError::SourceIsDirectory(path.into()));
    }
    if !meta.is_file() {
        return Err(VaultError::SourceNotAFile(path.into()));
    }
    File::open(path).map_err(|source| VaultError::SourceUnreadable { path: path.into(), source })
}

/// The name recorded for a file: its last path component, as text, bounded. Not trusted for anything.
fn recorded_name(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "unnamed".into());
    let clean: String = name.chars().map(|c| if c.is_control() { '\u{FFFD}' } else { c }).collect();
    clean.chars().take(MAX_NAME_CHARS).collect()
}

impl Vault {
    /// A plaintext copy inside the vault folder would sit next to the ciphertext (and `tmp/` would even be
    /// swept into quarantine): refuse it, whatever `..` or links the path uses.
    fn refuse_output_inside_vault(&self, output: &Path) -> Result<(), VaultError> {
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let resolved = fs::canonicalize(parent).map_err(io_error("find the folder of", output))?;
        let root = fs::canonicalize(&self.root).map_err(io_error("find", &self.root))?;
        if resolved.starts_with(&root) {
            return Err(VaultError::OutputInsideVault(output.into()));
        }
        Ok(())
    }

    /// Adds the file at `path`. `progress` is called with the bytes read so far and may cancel.
    pub fn add_file(
        &mut self,
        path: &Path,
        options: &AddOptions,
        progress: &mut dyn FnMut(u64) -> Flow,
    ) -> Result<Added> {
        check_text("description", &options.description, MAX_TEXT_CHARS)?;
        check_text("source", &options.source, MAX_TEXT_CHARS)?;
        let mut file = open_source(path)?;
        let stored = self.blobs.ingest(&mut file, progress).map_err(|e| match e {
            BlobError::SourceRead(source) => VaultError::SourceUnreadable { path: path.into(), source }.into(),
            other => crate::Error::from(other),
        })?;
        let name = recorded_name(path);
        let id = match self.record_item(&stored, &name, options) {
            Ok(id) => id,
            Err(e) => {
                if stored.newly_written {
                    self.blobs.discard_unacknowledged(&stored.blob_name);
                }
                return Err(e);
            }
        };
        // Committed: from here on the stored copy is evidence, whatever happens to the read below.
        Ok(Added { item: self.item(&id)?, newly_stored: stored.newly_written })
    }

    /// Records the item and its custody event in one transaction; returns its id once committed.
    fn record_item(&mut self, stored: &Stored, name: &str, options: &AddOptions) -> Result<String> {
        let tx = self.conn.transaction()?;
        let new = NewItem { name, description: &options.description, source: &options.source, received: None };
        let id = insert_item(&tx, &self.session, stored, &new)?;
        faults::commit(tx, "add.commit")?;
        Ok(id)
    }

    /// All items, in the order they were added.
    pub fn items(&self) -> Result<Vec<Item>> {
        let mut stmt = self.conn.prepare(&format!("{SELECT_ITEM} ORDER BY ingest_seq"))?;
        let rows = stmt.query_map([], row_to_item)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// One item by id (as typed: case and look-alike letters do not matter).
    pub fn item(&self, id: &str) -> Result<Item> {
        let id = ids::normalize(id);
        // Cached: an export of thousands of items looks each one up while planning.
        self.conn
            .prepare_cached(&format!("{SELECT_ITEM} WHERE id = ?1"))?
            .query_row([&id], row_to_item)
            .optional()?
            .ok_or_else(|| VaultError::ItemNotFound(id).into())
    }

    /// The custody events about one item.
    pub fn item_events(&self, id: &str) -> Result<Vec<Event>> {
        let item = self.item(id)?;
        Ok(custody::for_subject(&self.conn, &item.id)?)
    }

    /// Changes an item's description or source. Each changed field is one custody event carrying the new
    /// value and the SHA-256 of the previous one, so the history can be replayed and checked.
    pub fn edit_item(&mut self, id: &str, edit: &ItemEdit) -> Result<Item> {
        let item = self.item(id)?;
        let changes: Vec<Change> = [
            ("description", edit.description.as_ref(), &item.description),
            ("source", edit.source.as_ref(), &item.source),
        ]
        .into_iter()
        .filter_map(|(field, new, old)| {
            new.filter(|n| *n != old).map(|n| Change { field, old: old.clone(), new: n.clone() })
        })
        .collect();
        for change in &changes {
            check_text(change.field, &change.new, MAX_TEXT_CHARS)?;
        }
        let tx = self.conn.transaction()?;
        fields::record_changes(&tx, &self.session, Action::ItemEdited, "item", &item.id, &changes)?;
        for change in &changes {
            // `field` comes from the fixed list above, never from the caller.
            tx.execute(&format!("UPDATE items SET {} = ?1 WHERE id = ?2", change.field), params![change.new, item.id])?;
        }
        tx.commit()?;
        self.item(&item.id)
    }

    /// The earlier values of an item's description and source, oldest first.
    pub fn item_history(&self, id: &str) -> Result<Vec<fields::HistoryEntry>> {
        let item = self.item(id)?;
        fields::history(&self.conn, "item", &item.id)
    }

    /// Decrypts a whole item into memory, for a preview that never touches the disk. Refuses items larger
    /// than `max_bytes`; checks the hash; logs the viewing.
    pub fn read_item(&mut self, id: &str, max_bytes: u64) -> Result<Vec<u8>> {
        let item = self.item(id)?;
        if item.size > max_bytes {
            return Err(VaultError::TooLargeToPreview { item: item.id, max_bytes }.into());
        }
        let blob_name: String =
            self.conn.query_row("SELECT blob_name FROM items WHERE id = ?1", [&item.id], |r| r.get(0))?;
        let mut bytes = Vec::with_capacity(item.size as usize);
        let (sha256, _) = self.blobs.copy_out(&blob_name, &mut bytes, &mut |_| Flow::Continue)?;
        if sha256 != item.sha256 {
            return Err(VaultError::ContentMismatch { item: item.id, expected: item.sha256, actual: sha256 }.into());
        }
        let tx = self.conn.transaction()?;
        custody::append(&tx, &self.session, Action::ItemViewed, Some(&item.id), json!({ "sha256": item.sha256 }))?;
        tx.commit()?;
        Ok(bytes)
    }

    /// Decrypts an item to `output`, a path that must not exist yet. The copy is written to a hidden file
    /// beside it (owner-only, named `.custodia-extract-…`), fsynced and hash-checked; only then is the
    /// `item.extracted` event committed and the file renamed into place without replacing anything. So a
    /// copy under `output` is always complete, verified and logged; a failed extract removes its hidden
    /// file and logs nothing, and one killed midway leaves only a hidden file that the next extract into
    /// the same folder removes. The event names the file, never its folder: the log travels in exports,
    /// and a folder's path can say whose machine or which case it is.
    pub fn extract(&mut self, id: &str, output: &Path, progress: &mut dyn FnMut(u64) -> Flow) -> Result<Extracted> {
        let item = self.item(id)?;
        if fs::symlink_metadata(output).is_ok() {
            return Err(VaultError::OutputExists(output.into()).into());
        }
        self.refuse_output_inside_vault(output)?;
        let file_name = output.file_name().map(|n| n.to_string_lossy().into_owned()).ok_or_else(|| {
            io_error("create", output)(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))
        })?;
        let folder = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let blob_name: String =
            self.conn.query_row("SELECT blob_name FROM items WHERE id = ?1", [&item.id], |r| r.get(0))?;
        remove_abandoned_extracts(folder);
        let (temp, mut file) = create_extract_file(folder)?;
        if let Err(e) = faults::hit("extract.write") {
            drop(file);
            let _ = fs::remove_file(&temp);
            return Err(io_error("write", &temp)(e).into());
        }
        let written = self.blobs.copy_out(&blob_name, &mut file, progress).map_err(crate::Error::from).and_then(
            |(sha256, size)| {
                file.flush()
                    .and_then(|()| faults::hit("extract.fsync"))
                    .and_then(|()| file.sync_all())
                    .map_err(io_error("write", &temp))?;
                if sha256 != item.sha256 {
                    return Err(VaultError::ContentMismatch {
                        item: item.id.clone(),
                        expected: item.sha256.clone(),
                        actual: sha256,
                    }
                    .into());
                }
                still_ours(&temp, &file)?;
                Ok(Extracted { sha256, size })
            },
        );
        let extracted = match written {
            Ok(extracted) => extracted,
            Err(e) => {
                drop(file);
                let _ = fs::remove_file(&temp);
                return Err(e);
            }
        };
        let tx = self.conn.transaction()?;
        let details = json!({ "sha256": item.sha256, "to": file_name });
        let logged = custody::append(&tx, &self.session, Action::ItemExtracted, Some(&item.id), details)
            .map_err(crate::Error::from)
            .and_then(|_| faults::commit(tx, "extract.commit"));
        if let Err(e) = logged {
            drop(file);
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
        // Logged first, named second: a crash in between leaves a hidden file and an event, never a copy
        // under its name that the log does not know. The name is checked once more by the rename itself.
        let placed =
            faults::hit("extract.rename").and_then(|()| fsutil::rename_no_replace(&temp, output)).map_err(|e| match e
                .kind()
            {
                std::io::ErrorKind::AlreadyExists => VaultError::OutputExists(output.into()),
                _ => io_error("name", output)(e),
            });
        if let Err(e) = placed {
            drop(file);
            let _ = fs::remove_file(&temp);
            return Err(e.into());
        }
        faults::hit("extract.dir_fsync").and_then(|()| fsutil::sync_dir(folder)).map_err(io_error("sync", folder))?;
        Ok(extracted)
    }
}

/// The start of the name of the hidden file an extract writes before the copy is verified and named.
pub const EXTRACT_TEMP_PREFIX: &str = ".custodia-extract-";

/// Creates the hidden file an extract writes into, readable by its owner only, and locks it for as long as
/// it is open, so that another extract into the same folder knows it is not abandoned.
fn create_extract_file(folder: &Path) -> Result<(PathBuf, File), VaultError> {
    let suffix = crate::keys::random_hex(8)
        .map_err(|e| io_error("name a file in", folder)(std::io::Error::other(e.to_string())))?;
    let temp = folder.join(format!("{EXTRACT_TEMP_PREFIX}{suffix}"));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&temp).map_err(io_error("create", &temp))?;
    if let Err(e) = file.try_lock() {
        drop(file);
        let _ = fs::remove_file(&temp);
        return Err(io_error("lock", &temp)(e.into()));
    }
    Ok((temp, file))
}

/// Whether the hidden file is still the one this extract wrote: another extract may have taken it for
/// abandoned in the instant between its creation and its lock. Checked before anything is logged.
fn still_ours(temp: &Path, file: &File) -> Result<(), VaultError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let open = file.metadata().map_err(io_error("check", temp))?;
        let named = fs::symlink_metadata(temp).map_err(io_error("check", temp))?;
        if (open.dev(), open.ino()) != (named.dev(), named.ino()) {
            return Err(io_error("check", temp)(std::io::Error::other("the file was replaced while it was written")));
        }
    }
    #[cfg(not(unix))]
    let _ = (temp, file);
    Ok(())
}

/// Removes the hidden files of extracts into `folder` that were killed before they finished: unverified
/// plaintext that nobody should take for a copy. A file another extract still holds (its lock) is left
/// alone. Best effort: a file that cannot be checked stays, and never stops this extract.
fn remove_abandoned_extracts(folder: &Path) {
    let Ok(entries) = fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(EXTRACT_TEMP_PREFIX) {
            continue;
        }
        let path = entry.path();
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let Ok(file) = File::open(&path) else { continue };
        if file.try_lock().is_ok() {
            let _ = fs::remove_file(&path);
        }
    }
}

/// What an item is recorded with besides its stored copy.
pub(crate) struct NewItem<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub source: &'a str,
    /// For an item received in a bundle: from whom and where, kept in its ingest event.
    pub received: Option<serde_json::Value>,
}

/// Records a stored copy as a new item inside the caller's transaction: the blob row (shared by
/// duplicates), the item, and its `item.ingested` event. Returns the new item's id.
pub(crate) fn insert_item(
    tx: &rusqlite::Transaction<'_>,
    session: &Session,
    stored: &Stored,
    new: &NewItem<'_>,
) -> Result<String> {
    // A copy written now replaces any file of that name, so its key replaces any key kept for the name.
    tx.execute(
        "INSERT INTO blobs (name, sha256, size, file_key) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET file_key = excluded.file_key WHERE excluded.file_key IS NOT NULL",
        params![stored.blob_name, stored.sha256, stored.size, stored.file_key.as_ref().map(|k| k.bytes())],
    )?;
    let duplicate_of: Option<String> = tx
        .query_row("SELECT id FROM items WHERE blob_name = ?1 ORDER BY ingest_seq LIMIT 1", [&stored.blob_name], |r| {
            r.get(0)
        })
        .optional()?;
    let id = fields::new_id(tx, "items", "E", &[5, 5])?;
    let mut details = json!({
        "sha256": stored.sha256,
        "size": stored.size,
        "name": new.name,
        "media_type": stored.media_type,
    });
    if let Some(received) = &new.received {
        details["received"] = received.clone();
    }
    // Descriptions and sources are the documenter's free text and can name people; the log, which
    // travels in exports, carries only their hashes (the values stay in the encrypted items table).
    for (key, value) in [("description_sha256", new.description), ("source_sha256", new.source)] {
        if !value.is_empty() {
            details[key] = fields::sha256_hex(value).into();
        }
    }
    if let Some(first) = &duplicate_of {
        details["duplicate_of"] = first.as_str().into();
    }
    let event = custody::append(tx, session, Action::ItemIngested, Some(&id), details)?;
    tx.execute(
        "INSERT INTO items (id, blob_name, sha256, size, original_name, media_type, description, source,
                            added_at, added_by, duplicate_of, ingest_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id,
            stored.blob_name,
            stored.sha256,
            stored.size,
            new.name,
            stored.media_type,
            new.description,
            new.source,
            event.time,
            event.actor,
            duplicate_of,
            event.seq
        ],
    )?;
    Ok(id)
}
