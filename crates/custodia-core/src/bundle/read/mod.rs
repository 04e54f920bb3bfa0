//! Reading a bundle someone handed over, assuming it was built to do harm. The age layer is decrypted as
//! a stream (a flipped byte or a cut-off end fails at the chunk concerned, and the whole stream is read to
//! its authenticated end, on a thread of its own); the tar inside is walked header by header in the tar crate's raw mode, so no
//! extension header is read without a bound. Every entry must be a regular file or a folder, inside one
//! top folder (the bag), with a relative UTF-8 path free of `..`, and not a duplicate (ignoring case, for
//! the file systems that do); links, devices, pipes and sparse files are refused by name. Entry count,
//! entry size, total size and the size of what is held in memory are bounded.
//!
//! `read` hands each file to a `Sink` (hash only, extract, or ingest) and returns what the checks need:
//! each file's SHA-256 and size, the tag files' contents, and the SHA-256 of the encrypted file.
//!
//! `age_layer` opens and decrypts the stream; `entries` turns the tar into an iterator of checked entries
//! (`CheckedEntries`, holding the bounds' counters); `names` checks each path and remembers the names taken.

mod age_layer;
mod entries;
mod names;
#[cfg(test)]
mod tests;

use self::age_layer::{decrypt, pump, CipherReader, Tap};
use self::entries::{CheckedEntries, CheckedEntry, CheckedFile};
use super::bagit::{BAGIT_TXT, BAG_INFO, CUSTODY_CHECKPOINT, CUSTODY_CONSISTENCY, CUSTODY_EVENTS, CUSTODY_PROOFS};
use super::keys::Unlocker;
use super::limits::MAX_TRAILING_ZEROS;
use super::signature::SIGNATURE;
use super::{io_error, BundleError};
use crate::blobs::Flow;
use crate::pipe::HashingReader;
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread;

pub use super::limits::Limits;

/// Progress through the encrypted file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadProgress {
    pub done: u64,
    pub total: u64,
}

/// What receives the files of a bag as they are read.
pub(crate) trait Sink {
    /// The bag's folder name, once known (before any file).
    fn bag(&mut self, _name: &str) -> Result<(), BundleError> {
        Ok(())
    }
    /// A folder inside the bag (`rel` relative to the bag).
    fn directory(&mut self, _rel: &str) -> Result<(), BundleError> {
        Ok(())
    }
    /// A file inside the bag: `data` yields exactly `size` bytes unless the bundle is damaged; read it all.
    fn file(&mut self, rel: &str, size: u64, data: &mut dyn Read) -> Result<(), BundleError>;
    /// Whether `data/records/items.json` is kept in memory too (an import reads the sender's names and
    /// descriptions from it; the checks do not need it).
    fn wants_item_records(&self) -> bool {
        false
    }
}

/// A sink that only hashes.
pub(crate) struct HashOnly;

impl Sink for HashOnly {
    fn file(&mut self, rel: &str, _size: u64, data: &mut dyn Read) -> Result<(), BundleError> {
        io::copy(data, &mut io::sink()).map(|_| ()).map_err(|e| BundleError::Io {
            op: "read",
            path: rel.into(),
            source: e,
        })
    }
}

/// One file as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seen {
    pub sha256: [u8; 32],
    pub size: u64,
}

/// Everything the checks need from one pass over a bundle.
#[derive(Debug, Clone, Default)]
pub(crate) struct Collected {
    pub bag: String,
    /// Every file, by path relative to the bag.
    pub files: BTreeMap<String, Seen>,
    /// The contents of the tag files, and of `data/records/items.json` when the sink wants it.
    pub kept: HashMap<String, Vec<u8>>,
    pub bundle_sha256: String,
    pub bundle_size: u64,
}

/// Whether a file's content is kept in memory for the checks (and `items.json` for an import).
fn kept(rel: &str, item_records: bool) -> bool {
    matches!(
        rel,
        BAGIT_TXT | BAG_INFO | CUSTODY_EVENTS | CUSTODY_CHECKPOINT | CUSTODY_PROOFS | CUSTODY_CONSISTENCY | SIGNATURE
    ) || (item_records && rel == "data/records/items.json")
        || (!rel.contains('/')
            && (rel.starts_with("manifest-") || rel.starts_with("tagmanifest-"))
            && rel.ends_with(".txt"))
}

/// A file's data on its way to the sink: progress reported, and a cancel turned into an error.
struct Progressing<'a, R> {
    inner: R,
    tap: &'a Tap,
    cancelled: &'a Cell<bool>,
    total: u64,
    progress: &'a mut dyn FnMut(ReadProgress) -> Flow,
}

impl<R: Read> Read for Progressing<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        let done = self.tap.cipher_bytes.load(Ordering::Relaxed);
        if (self.progress)(ReadProgress { done, total: self.total }) == Flow::Cancel {
            self.cancelled.set(true);
            return Err(io::Error::other("cancelled"));
        }
        Ok(n)
    }
}

/// Reads the bundle at `path` and feeds its files to `sink`.
pub(crate) fn read(
    path: &Path,
    unlocker: &Unlocker,
    limits: &Limits,
    sink: &mut dyn Sink,
    progress: &mut dyn FnMut(ReadProgress) -> Flow,
) -> Result<Collected, BundleError> {
    let file = File::open(path).map_err(io_error("open", path))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let tap = Arc::new(Tap::default());
    let cipher = CipherReader { inner: file, tap: tap.clone() };
    let stream = decrypt(path, BufReader::with_capacity(crate::pipe::CHUNK, cipher), &tap, unlocker)?;
    let cancelled = Cell::new(false);
    let mut collected = Collected::default();
    let (walked, cipher_sha256) = thread::scope(|scope| {
        let (plain_out, plain_in) = crate::pipe::pipe();
        let decrypting = scope.spawn(|| pump(stream, &tap, plain_out));
        let mut archive = tar::Archive::new(plain_in);
        let mut feed = Feed { tap: &tap, cancelled: &cancelled, total, progress };
        let walked = walk(&mut archive, limits, sink, &mut collected, &mut feed);
        // Reading to the end makes the decrypting thread reach age's final chunk, where truncation shows;
        // stopping early drops the pipe, which stops it.
        let walked = match walked {
            Ok(()) => drain(archive.into_inner()),
            Err(e) => {
                drop(archive);
                Err(e)
            }
        };
        let cipher_sha256 = decrypting.join().ok().flatten();
        (walked, cipher_sha256)
    });
    // Damage explains whatever error it caused further up.
    if let Some(detail) = tap.failure() {
        return Err(BundleError::Damaged { offset: tap.plain_bytes.load(Ordering::Relaxed), detail });
    }
    if let Err(e) = walked {
        if cancelled.get() {
            return Err(BundleError::Cancelled);
        }
        return Err(e);
    }
    let Some(cipher_sha256) = cipher_sha256 else {
        return Err(BundleError::Damaged {
            offset: tap.plain_bytes.load(Ordering::Relaxed),
            detail: "the decryption stopped".into(),
        });
    };
    if !collected.files.contains_key("bagit.txt") {
        let nested = collected.files.keys().find(|p| p.ends_with("/bagit.txt"));
        return Err(BundleError::NotABag(match nested {
            Some(p) => format!(
                "bagit.txt is at {}/{p}, not at the top of the bag: the bag is nested inside another folder",
                collected.bag
            ),
            None => format!("there is no bagit.txt at the top of {}", collected.bag),
        }));
    }
    collected.bundle_sha256 = hex::encode(cipher_sha256);
    collected.bundle_size = tap.cipher_bytes.load(Ordering::Relaxed);
    Ok(collected)
}

/// After the end-of-archive blocks only zero padding may follow; reading to the end also makes age check
/// the final chunk, which is where a truncated bundle shows.
fn drain(mut rest: impl Read) -> Result<(), BundleError> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut seen = 0u64;
    loop {
        let n = match rest.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(BundleError::MalformedArchive(e.to_string())),
        };
        seen += n as u64;
        if buf[..n].iter().any(|b| *b != 0) || seen > MAX_TRAILING_ZEROS {
            return Err(BundleError::MalformedArchive("there is data after the end of the archive".into()));
        }
    }
}

/// Hands each checked entry of the bag to `sink` and collects what the checks need.
fn walk<R: Read>(
    archive: &mut tar::Archive<R>,
    limits: &Limits,
    sink: &mut dyn Sink,
    collected: &mut Collected,
    feed: &mut Feed<'_>,
) -> Result<(), BundleError> {
    for entry in CheckedEntries::new(archive, limits, sink.wants_item_records())? {
        match entry? {
            CheckedEntry::Bag(name) => {
                sink.bag(&name)?;
                collected.bag = name;
            }
            CheckedEntry::Folder(rel) => sink.directory(&rel)?,
            CheckedEntry::File(file) => {
                let (rel, seen) = receive(*file, sink, collected, feed)?;
                collected.files.insert(rel, seen);
            }
        }
    }
    Ok(())
}

/// What a file's data passes through on its way to the sink: progress through the encrypted file, and
/// the cancel it may answer.
struct Feed<'a> {
    tap: &'a Tap,
    cancelled: &'a Cell<bool>,
    total: u64,
    progress: &'a mut dyn FnMut(ReadProgress) -> Flow,
}

/// Reads one file to the sink, hashing it, and keeps its content when the checks need it. The file must
/// hold exactly the size its header gave.
fn receive<R: Read>(
    file: CheckedFile<'_, R>,
    sink: &mut dyn Sink,
    collected: &mut Collected,
    feed: &mut Feed<'_>,
) -> Result<(String, Seen), BundleError> {
    let malformed = |e: io::Error| BundleError::MalformedArchive(e.to_string());
    let CheckedFile { rel, size, keep, mut data } = file;
    let seen = if keep {
        let content = read_kept(&mut data, size).map_err(malformed)?;
        let mut reader = HashingReader::new(&content[..]);
        sink.file(&rel, size, &mut reader)?;
        let (sha256, read) = reader.finish();
        collected.kept.insert(rel.clone(), content);
        Seen { sha256, size: read }
    } else {
        let mut reader = HashingReader::new(Progressing {
            inner: (&mut data).take(size),
            tap: feed.tap,
            cancelled: feed.cancelled,
            total: feed.total,
            progress: &mut *feed.progress,
        });
        sink.file(&rel, size, &mut reader)?;
        // Whatever the sink left unread still counts towards the hash and the size.
        io::copy(&mut reader, &mut io::sink()).map_err(malformed)?;
        let (sha256, read) = reader.finish();
        Seen { sha256, size: read }
    };
    if seen.size != size {
        return Err(BundleError::MalformedArchive(format!("{rel} is cut short: {} of {size} bytes", seen.size)));
    }
    Ok((rel, seen))
}

/// Reads a kept file of at most `size` bytes into a buffer no larger than what arrived. The size comes
/// from a header, so memory is reserved as the bytes come (in steps that double, up to the size), never
/// all at once on the header's word; nor is a large file left in a buffer grown to twice its size.
fn read_kept(entry: &mut impl Read, size: u64) -> io::Result<Vec<u8>> {
    const FIRST_STEP: u64 = 1 << 20;
    let mut content = Vec::new();
    loop {
        let have = content.len() as u64;
        let step = (size - have).min(have.max(FIRST_STEP));
        if step == 0 {
            return Ok(content);
        }
        content.reserve_exact(step as usize);
        if entry.take(step).read_to_end(&mut content)? == 0 {
            return Ok(content);
        }
    }
}
