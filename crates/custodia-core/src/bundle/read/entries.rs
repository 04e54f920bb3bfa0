//! The tar inside a bundle, entry by entry, each one checked before anyone reads it: `CheckedEntries` walks
//! the archive in the tar crate's raw mode (no extension header is read without a bound), folds GNU long
//! names and PAX paths into the entry they name, refuses whatever is not a regular file or a folder inside
//! the bag, and keeps the bundle's bounds (entries, sizes, names, what is held in memory) as it goes.

use super::names::{checked_path, Names};
use super::{kept, Limits};
use crate::bundle::limits::MAX_EXTENSION_BYTES;
use crate::bundle::BundleError;
use std::io::{self, Read};
use unicode_normalization::UnicodeNormalization;

/// One entry of the bag, checked.
pub(super) enum CheckedEntry<'a, R: Read> {
    /// The bag's folder name, given once, as soon as the first entry names it (before that entry).
    Bag(String),
    /// A folder inside the bag, relative to it.
    Folder(String),
    /// A file inside the bag, within every bound; its data is still to be read. Boxed: a tar entry is
    /// large, and the other variants small.
    File(Box<CheckedFile<'a, R>>),
}

/// A file inside the bag, relative to it, whose data is next in the archive.
pub(super) struct CheckedFile<'a, R: Read> {
    pub rel: String,
    /// The size its header gives: the data must be exactly this long.
    pub size: u64,
    /// Whether its content is kept in memory for the checks (it was counted in `Limits::max_kept_bytes`).
    pub keep: bool,
    pub data: tar::Entry<'a, R>,
}

/// The entries of a bag, checked one by one. Yields an error at most once, then ends; an archive without
/// a single entry is an error at its end.
pub(super) struct CheckedEntries<'a, R: Read> {
    entries: tar::Entries<'a, R>,
    limits: &'a Limits,
    /// Whether `data/records/items.json` is kept in memory too (see `Sink::wants_item_records`).
    item_records: bool,
    bag: Option<String>,
    names: Names,
    /// Entries so far, extension headers included.
    count: u64,
    /// Sizes of the files so far, of those kept in memory, and of their names.
    bytes: u64,
    kept_bytes: u64,
    name_bytes: u64,
    /// What extension headers said of the entry that follows them.
    long_name: Option<Vec<u8>>,
    pax_path: Option<Vec<u8>>,
    pax_size: Option<u64>,
    /// The entry that follows a `Bag`, already checked.
    pending: Option<Result<CheckedEntry<'a, R>, BundleError>>,
    done: bool,
}

fn malformed(e: io::Error) -> BundleError {
    BundleError::MalformedArchive(e.to_string())
}

impl<'a, R: Read> CheckedEntries<'a, R> {
    pub(super) fn new(
        archive: &'a mut tar::Archive<R>,
        limits: &'a Limits,
        item_records: bool,
    ) -> Result<Self, BundleError> {
        Ok(CheckedEntries {
            entries: archive.entries().map_err(malformed)?.raw(true),
            limits,
            item_records,
            bag: None,
            names: Names::default(),
            count: 0,
            bytes: 0,
            kept_bytes: 0,
            name_bytes: 0,
            long_name: None,
            pax_path: None,
            pax_size: None,
            pending: None,
            done: false,
        })
    }

    /// Reads the next entry of the archive: `None` for an extension header (folded into what follows) or
    /// the bag's own folder entry, else the entry checked.
    fn step(&mut self, mut entry: tar::Entry<'a, R>) -> Result<Option<CheckedEntry<'a, R>>, BundleError> {
        self.count += 1;
        if self.count > self.limits.max_entries {
            return Err(BundleError::TooManyEntries { limit: self.limits.max_entries });
        }
        let kind = entry.header().entry_type();
        let size = entry.header().entry_size().map_err(malformed)?;
        if self.extension(&mut entry, kind, size)? {
            return Ok(None);
        }
        let raw_path = match (self.pax_path.take(), self.long_name.take()) {
            (Some(p), _) | (None, Some(p)) => p,
            (None, None) => entry.header().path_bytes().into_owned(),
        };
        if self.pax_size.take().is_some_and(|s| s != size) {
            // Readers that honour the PAX size and readers that do not would see different files.
            return Err(BundleError::UnsafeEntry {
                path: String::from_utf8_lossy(&raw_path).into_owned(),
                reason: "two different sizes for one file",
            });
        }
        if let Some(reason) = refused_kind(kind) {
            return Err(BundleError::UnsafeEntry {
                path: String::from_utf8_lossy(&raw_path).chars().take(200).collect(),
                reason,
            });
        }
        let was_unnamed = self.bag.is_none();
        let rel = checked_path(&raw_path, kind.is_dir(), &mut self.bag);
        let named = match (&rel, &self.bag) {
            (Ok(_), Some(name)) if was_unnamed => Some(name.clone()),
            _ => None,
        };
        let checked = rel.and_then(|rel| self.checked(rel, kind, size, entry));
        // The bag's name comes first, then what its first entry turned out to be.
        match named {
            Some(name) => {
                self.pending = checked.transpose();
                Ok(Some(CheckedEntry::Bag(name)))
            }
            None => checked,
        }
    }

    /// Takes in an extension header (GNU long name, PAX), returning whether `entry` was one.
    fn extension(
        &mut self,
        entry: &mut tar::Entry<'a, R>,
        kind: tar::EntryType,
        size: u64,
    ) -> Result<bool, BundleError> {
        if kind.is_gnu_longname() {
            let mut name = small(entry, size, "a long file name")?;
            while name.last() == Some(&0) {
                name.pop();
            }
            self.long_name = Some(name);
        } else if kind.is_pax_local_extensions() {
            let data = small(entry, size, "a PAX header")?;
            for extension in tar::PaxExtensions::new(&data) {
                let extension = extension.map_err(malformed)?;
                match extension.key_bytes() {
                    b"path" => self.pax_path = Some(extension.value_bytes().to_vec()),
                    b"size" => {
                        let value = std::str::from_utf8(extension.value_bytes()).ok().and_then(|v| v.parse().ok());
                        self.pax_size = Some(
                            value.ok_or_else(|| BundleError::MalformedArchive("a PAX size is not a number".into()))?,
                        );
                    }
                    _ => {}
                }
            }
        } else if kind.is_pax_global_extensions() || kind.is_gnu_longlink() {
            small(entry, size, "an extension header")?;
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// An entry of the bag whose path was checked (`None`: the bag's own folder): names compared for
    /// duplicates, then the bounds on files.
    fn checked(
        &mut self,
        rel: Option<String>,
        kind: tar::EntryType,
        size: u64,
        data: tar::Entry<'a, R>,
    ) -> Result<Option<CheckedEntry<'a, R>>, BundleError> {
        let Some(rel) = rel else {
            if !kind.is_dir() {
                return Err(BundleError::NotABag("the bag's folder is a file".into()));
            }
            return Ok(None);
        };
        // Paths as compared for duplicates: NFC and lower case, since some file systems ignore both.
        let key: String = rel.nfc().collect::<String>().to_lowercase();
        if kind.is_dir() {
            if let Err(reason) = self.names.add_folder(&key) {
                return Err(BundleError::UnsafeEntry { path: rel, reason });
            }
            return Ok(Some(CheckedEntry::Folder(rel)));
        }
        if let Err(reason) = self.names.add_file(&key) {
            return Err(BundleError::UnsafeEntry { path: rel, reason });
        }
        let keep = kept(&rel, self.item_records);
        self.bound_file(&rel, size, keep)?;
        Ok(Some(CheckedEntry::File(Box::new(CheckedFile { rel, size, keep, data }))))
    }

    /// Counts a file against the bounds: its name (every file's path is remembered for the checks), its
    /// size, the bundle's total, and what is kept in memory.
    fn bound_file(&mut self, rel: &str, size: u64, keep: bool) -> Result<(), BundleError> {
        let limits = self.limits;
        self.name_bytes = self.name_bytes.saturating_add(rel.len() as u64);
        if self.name_bytes > limits.max_name_bytes {
            return Err(BundleError::TooLarge {
                what: "the list of the bundle's file names".into(),
                size: self.name_bytes,
                limit: limits.max_name_bytes,
            });
        }
        if size > limits.max_file_bytes {
            return Err(BundleError::TooLarge { what: rel.to_string(), size, limit: limits.max_file_bytes });
        }
        self.bytes = self.bytes.saturating_add(size);
        if self.bytes > limits.max_total_bytes {
            return Err(BundleError::TooLarge {
                what: "the bundle's content".into(),
                size: self.bytes,
                limit: limits.max_total_bytes,
            });
        }
        if keep {
            // Checked on the header's size, before anything is read: several large tag files are refused
            // as one too large.
            self.kept_bytes = self.kept_bytes.saturating_add(size);
            if self.kept_bytes > limits.max_kept_bytes {
                return Err(BundleError::TooLarge {
                    what: format!("{rel}, with the other tag files read before it,"),
                    size: self.kept_bytes,
                    limit: limits.max_kept_bytes,
                });
            }
        }
        Ok(())
    }
}

impl<'a, R: Read> Iterator for CheckedEntries<'a, R> {
    type Item = Result<CheckedEntry<'a, R>, BundleError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.pending.take().or_else(|| loop {
            let entry = match self.entries.next() {
                None if self.bag.is_none() => break Some(Err(BundleError::NotABag("the archive is empty".into()))),
                None => break None,
                Some(entry) => entry.map_err(malformed),
            };
            match entry.and_then(|entry| self.step(entry)) {
                Ok(None) => continue,
                other => break other.transpose(),
            }
        });
        self.done = !matches!(next, Some(Ok(_)));
        next
    }
}

/// Why an entry's type is refused: anything but a regular file or a folder, named.
fn refused_kind(kind: tar::EntryType) -> Option<&'static str> {
    if kind.is_symlink() {
        Some("a symbolic link")
    } else if kind.is_hard_link() {
        Some("a hard link")
    } else if kind.is_character_special() || kind.is_block_special() {
        Some("a device file")
    } else if kind.is_fifo() {
        Some("a named pipe")
    } else if kind.is_gnu_sparse() {
        Some("a sparse file")
    } else if !(kind.is_file() || kind.is_dir() || kind.is_contiguous()) {
        Some("an entry of a type that is not a file or a folder")
    } else {
        None
    }
}

/// Reads an extension entry's data, within its bound.
fn small(entry: &mut dyn Read, size: u64, what: &str) -> Result<Vec<u8>, BundleError> {
    if size > MAX_EXTENSION_BYTES {
        return Err(BundleError::UnsafeEntry {
            path: what.into(),
            reason: "an extension header far larger than any name",
        });
    }
    let mut data = Vec::with_capacity(size as usize);
    entry.take(size).read_to_end(&mut data).map_err(|e| BundleError::MalformedArchive(e.to_string()))?;
    Ok(data)
}
