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

use super::keys::Unlocker;
use super::limits::{
    MAX_AGE_HEADER_BYTES, MAX_COMPONENT_BYTES, MAX_DEPTH, MAX_EXTENSION_BYTES, MAX_PATH_BYTES, MAX_SCRYPT_LOG_N,
    MAX_TRAILING_ZEROS,
};
use super::{io_error, BundleError};
use crate::blobs::Flow;
use crate::pipe::{HashingReader, PipeWriter};
use sha2::{Digest, Sha256};
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use unicode_normalization::UnicodeNormalization;

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
        "bagit.txt"
            | "bag-info.txt"
            | "custody/events.jsonl"
            | "custody/checkpoint"
            | "custody/proofs.json"
            | "custody/signature"
    ) || (item_records && rel == "data/records/items.json")
        || (!rel.contains('/')
            && (rel.starts_with("manifest-") || rel.starts_with("tagmanifest-"))
            && rel.ends_with(".txt"))
}

/// Shared between the decrypting thread and the reading one: how far the encrypted file has been read,
/// how much plaintext came out, and why decryption stopped if it did.
#[derive(Default)]
struct Tap {
    cipher: Mutex<Sha256>,
    cipher_bytes: AtomicU64,
    plain_bytes: AtomicU64,
    decrypt_failure: Mutex<Option<String>>,
    /// Set once age has read its header: until then at most `MAX_AGE_HEADER_BYTES` are handed to it.
    header_read: AtomicBool,
    /// The header did not end within its bound.
    header_too_long: AtomicBool,
}

impl Tap {
    fn failure(&self) -> Option<String> {
        self.decrypt_failure.lock().map(|mut f| f.take()).unwrap_or(None)
    }
}

/// The encrypted file, hashed and counted as age reads it (through a buffer above this).
struct CipherReader {
    inner: File,
    tap: Arc<Tap>,
}

impl Read for CipherReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // age reads its header line by line into a buffer that grows until the header ends, parsing it all
        // again at every line: a header without an end would take memory and quadratic time with the file's
        // size. So it is handed no more than a header's bound until it has found the end.
        let out = if self.tap.header_read.load(Ordering::Relaxed) {
            out
        } else {
            let left = MAX_AGE_HEADER_BYTES.saturating_sub(self.tap.cipher_bytes.load(Ordering::Relaxed));
            if left == 0 {
                self.tap.header_too_long.store(true, Ordering::Relaxed);
                return Err(io::Error::other("the age header does not end"));
            }
            let len = out.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            &mut out[..len]
        };
        let n = self.inner.read(out)?;
        if let Ok(mut hasher) = self.tap.cipher.lock() {
            hasher.update(&out[..n]);
        }
        self.tap.cipher_bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The decrypting thread: reads the age stream to its authenticated end into the pipe, so that on two
/// cores decryption overlaps the hashing of what comes out. A failure is noted and the pipe left without
/// its end mark, which the reading side sees as a cut-off stream. Returns the encrypted file's SHA-256.
fn pump(
    mut stream: age::stream::StreamReader<BufReader<CipherReader>>,
    tap: &Tap,
    mut out: PipeWriter,
) -> Option<[u8; 32]> {
    let mut buf = vec![0u8; crate::pipe::CHUNK];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                if let Ok(mut failure) = tap.decrypt_failure.lock() {
                    failure.get_or_insert_with(|| e.to_string());
                }
                return None;
            }
        };
        tap.plain_bytes.fetch_add(n as u64, Ordering::Relaxed);
        // The reader stopped (it found a problem, or was cancelled): stop decrypting too.
        if out.write_all(&buf[..n]).is_err() {
            return None;
        }
    }
    out.finish().ok()?;
    let hasher = tap.cipher.lock().ok()?.clone();
    Some(hasher.finalize().into())
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

/// Opens the age layer with `unlocker`, mapping each failure to what the person should do.
fn decrypt(
    path: &Path,
    file: BufReader<CipherReader>,
    tap: &Tap,
    unlocker: &Unlocker,
) -> Result<age::stream::StreamReader<BufReader<CipherReader>>, BundleError> {
    let not_bundle = |why: String| BundleError::NotABundle(path.into(), why);
    let decryptor = match age::Decryptor::new_buffered(file) {
        Ok(d) => d,
        Err(_) if tap.header_too_long.load(Ordering::Relaxed) => {
            return Err(not_bundle(format!(
                "its age header does not end within the first {} KiB, where a bundle's header is a few hundred bytes",
                MAX_AGE_HEADER_BYTES / 1024
            )))
        }
        Err(age::DecryptError::Io(e)) => return Err(io_error("read", path)(e)),
        Err(e) => return Err(not_bundle(e.to_string())),
    };
    tap.header_read.store(true, Ordering::Relaxed);
    let scrypt = decryptor.is_scrypt();
    let result = match (unlocker, scrypt) {
        (Unlocker::Passphrase(_), false) => return Err(BundleError::NeedsIdentity),
        (Unlocker::Identities { .. }, true) => return Err(BundleError::NeedsPassphrase),
        (Unlocker::Passphrase(p), true) => {
            // A fixed ceiling, refused by age before any derivation: age's own default depends on this
            // machine's speed and admits gigabytes.
            let mut identity = age::scrypt::Identity::new(p.clone());
            identity.set_max_work_factor(MAX_SCRYPT_LOG_N);
            decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity))
        }
        (Unlocker::Identities { identities, .. }, false) => {
            decryptor.decrypt(identities.iter().map(|i| i as &dyn age::Identity))
        }
    };
    result.map_err(|e| match (e, unlocker) {
        (age::DecryptError::NoMatchingKeys, Unlocker::Identities { path, .. }) => BundleError::WrongKey(path.clone()),
        (age::DecryptError::DecryptionFailed | age::DecryptError::KeyDecryptionFailed, Unlocker::Passphrase(_)) => {
            BundleError::WrongPassphrase
        }
        (age::DecryptError::NoMatchingKeys, Unlocker::Passphrase(_)) => BundleError::WrongPassphrase,
        (age::DecryptError::ExcessiveWork { required, .. }, _) => {
            BundleError::TooMuchWork { required, limit: MAX_SCRYPT_LOG_N }
        }
        (age::DecryptError::InvalidMac, _) => {
            BundleError::Damaged { offset: 0, detail: "the header's authentication failed".into() }
        }
        (age::DecryptError::Io(e), _) => io_error("read", path)(e),
        (other, _) => not_bundle(other.to_string()),
    })
}

/// Checks an entry's path and returns it relative to the bag, learning the bag's name from the first
/// entry. `is_dir` entries may end in `/`.
fn checked_path(raw: &[u8], is_dir: bool, bag: &mut Option<String>) -> Result<Option<String>, BundleError> {
    let shown = || String::from_utf8_lossy(raw).chars().take(200).collect::<String>();
    let unsafe_entry = |reason| BundleError::UnsafeEntry { path: shown(), reason };
    let text = std::str::from_utf8(raw).map_err(|_| unsafe_entry("a name that is not UTF-8 text"))?;
    if text.len() > MAX_PATH_BYTES {
        return Err(unsafe_entry("a path longer than 4096 bytes"));
    }
    let drive = text.len() >= 2 && text.as_bytes()[0].is_ascii_alphabetic() && text.as_bytes()[1] == b':';
    if text.starts_with('/') || text.contains('\\') || drive {
        return Err(unsafe_entry("an absolute path"));
    }
    if text.contains('\0') || text.chars().any(char::is_control) {
        return Err(unsafe_entry("control characters in its name"));
    }
    let trimmed = if is_dir { text.trim_end_matches('/') } else { text };
    let parts: Vec<&str> = trimmed.split('/').collect();
    for part in &parts {
        match *part {
            ".." => return Err(unsafe_entry("a path that climbs out of its folder (..)")),
            "" | "." => return Err(unsafe_entry("an empty or '.' path component")),
            p if p.len() > MAX_COMPONENT_BYTES => return Err(unsafe_entry("a name longer than 255 bytes")),
            _ => {}
        }
    }
    // The first name is the bag's folder.
    if parts.len() > MAX_DEPTH + 1 {
        return Err(unsafe_entry("a path more than 64 folders deep"));
    }
    let top = parts[0];
    match bag {
        None if parts.len() == 1 && !is_dir => {
            return Err(BundleError::NotABag(format!(
                "{} is not inside a folder; a bundle holds one folder, the bag",
                shown()
            )))
        }
        None => *bag = Some(top.to_string()),
        Some(name) if name.as_str() != top => {
            return Err(BundleError::NotABag(format!(
                "{} is outside the bag's folder {name}; a bundle holds exactly one bag",
                shown()
            )))
        }
        Some(_) => {}
    }
    Ok((parts.len() > 1).then(|| parts[1..].join("/")))
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
        let walked = walk(&mut archive, &tap, &cancelled, limits, sink, &mut collected, total, progress);
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

/// The names taken so far, compared as some file systems compare them (NFC and lower case), each kept as
/// 16 bytes of its SHA-256 so that what is remembered per entry does not grow with its path. Two names
/// with one digest could only make a good bundle be refused, never a bad one pass.
#[derive(Default)]
struct Names {
    files: HashSet<[u8; 16]>,
    folders: HashSet<[u8; 16]>,
}

type NameDigest = [u8; 16];

fn digest(hasher: Sha256) -> NameDigest {
    let full: [u8; 32] = hasher.finalize().into();
    let mut short = [0u8; 16];
    short.copy_from_slice(&full[..16]);
    short
}

impl Names {
    /// The digests of `key`'s folders, outermost first, and of `key` itself, in one pass over it: the
    /// hasher runs on, and each folder's digest is taken from a copy of it.
    fn digests(key: &str) -> (Vec<NameDigest>, NameDigest) {
        let mut hasher = Sha256::new();
        let mut folders = Vec::new();
        let mut parts = key.split('/').peekable();
        while let Some(part) = parts.next() {
            hasher.update(part.as_bytes());
            if parts.peek().is_some() {
                folders.push(digest(hasher.clone()));
                hasher.update(b"/");
            }
        }
        (folders, digest(hasher))
    }

    /// Records the folders above an entry, innermost first, stopping at the first one already known: the
    /// ones above it were recorded and checked with it. So each folder is checked once, and a bundle
    /// of deep paths costs time in proportion to its size.
    fn enter_folders(&mut self, folders: &[NameDigest]) -> Result<(), &'static str> {
        for folder in folders.iter().rev() {
            if self.folders.contains(folder) {
                break;
            }
            if self.files.contains(folder) {
                return Err("a file inside something that is a file");
            }
            self.folders.insert(*folder);
        }
        Ok(())
    }

    fn add_folder(&mut self, key: &str) -> Result<(), &'static str> {
        let (above, own) = Self::digests(key);
        if self.files.contains(&own) {
            return Err("a folder with the name of a file");
        }
        self.enter_folders(&above)?;
        self.folders.insert(own);
        Ok(())
    }

    fn add_file(&mut self, key: &str) -> Result<(), &'static str> {
        let (above, own) = Self::digests(key);
        if self.folders.contains(&own) || !self.files.insert(own) {
            return Err("a second entry with the same name (ignoring case)");
        }
        // A file may not sit where another entry needs a folder, nor under a path that is a file.
        self.enter_folders(&above)
    }
}

#[allow(clippy::too_many_arguments)]
fn walk<R: Read>(
    archive: &mut tar::Archive<R>,
    tap: &Tap,
    cancelled: &Cell<bool>,
    limits: &Limits,
    sink: &mut dyn Sink,
    collected: &mut Collected,
    total: u64,
    progress: &mut dyn FnMut(ReadProgress) -> Flow,
) -> Result<(), BundleError> {
    let malformed = |e: io::Error| BundleError::MalformedArchive(e.to_string());
    let entries = archive.entries().map_err(malformed)?.raw(true);
    let mut bag: Option<String> = None;
    let mut count = 0u64;
    let mut bytes = 0u64;
    let mut kept_bytes = 0u64;
    let mut name_bytes = 0u64;
    let mut names = Names::default();
    let mut long_name: Option<Vec<u8>> = None;
    let mut pax_path: Option<Vec<u8>> = None;
    let mut pax_size: Option<u64> = None;
    for entry in entries {
        let mut entry = entry.map_err(malformed)?;
        count += 1;
        if count > limits.max_entries {
            return Err(BundleError::TooManyEntries { limit: limits.max_entries });
        }
        let kind = entry.header().entry_type();
        let size = entry.header().entry_size().map_err(malformed)?;
        if kind.is_gnu_longname() {
            let mut name = small(&mut entry, size, "a long file name")?;
            while name.last() == Some(&0) {
                name.pop();
            }
            long_name = Some(name);
            continue;
        }
        if kind.is_pax_local_extensions() {
            let data = small(&mut entry, size, "a PAX header")?;
            for extension in tar::PaxExtensions::new(&data) {
                let extension = extension.map_err(malformed)?;
                match extension.key_bytes() {
                    b"path" => pax_path = Some(extension.value_bytes().to_vec()),
                    b"size" => {
                        let value = std::str::from_utf8(extension.value_bytes()).ok().and_then(|v| v.parse().ok());
                        pax_size = Some(
                            value.ok_or_else(|| BundleError::MalformedArchive("a PAX size is not a number".into()))?,
                        );
                    }
                    _ => {}
                }
            }
            continue;
        }
        if kind.is_pax_global_extensions() || kind.is_gnu_longlink() {
            small(&mut entry, size, "an extension header")?;
            continue;
        }
        let raw_path = match (pax_path.take(), long_name.take()) {
            (Some(p), _) | (None, Some(p)) => p,
            (None, None) => entry.header().path_bytes().into_owned(),
        };
        if pax_size.take().is_some_and(|s| s != size) {
            // Readers that honour the PAX size and readers that do not would see different files.
            return Err(BundleError::UnsafeEntry {
                path: String::from_utf8_lossy(&raw_path).into_owned(),
                reason: "two different sizes for one file",
            });
        }
        let reason = if kind.is_symlink() {
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
        };
        if let Some(reason) = reason {
            return Err(BundleError::UnsafeEntry {
                path: String::from_utf8_lossy(&raw_path).chars().take(200).collect(),
                reason,
            });
        }
        let was_unnamed = bag.is_none();
        let rel = checked_path(&raw_path, kind.is_dir(), &mut bag)?;
        if was_unnamed {
            if let Some(name) = &bag {
                collected.bag = name.clone();
                sink.bag(name)?;
            }
        }
        let Some(rel) = rel else {
            if !kind.is_dir() {
                return Err(BundleError::NotABag("the bag's folder is a file".into()));
            }
            continue;
        };
        // Paths as compared for duplicates: NFC and lower case, since some file systems ignore both.
        let key: String = rel.nfc().collect::<String>().to_lowercase();
        if kind.is_dir() {
            if let Err(reason) = names.add_folder(&key) {
                return Err(BundleError::UnsafeEntry { path: rel, reason });
            }
            sink.directory(&rel)?;
            continue;
        }
        if let Err(reason) = names.add_file(&key) {
            return Err(BundleError::UnsafeEntry { path: rel, reason });
        }
        // Every file's path is remembered for the checks.
        name_bytes = name_bytes.saturating_add(rel.len() as u64);
        if name_bytes > limits.max_name_bytes {
            return Err(BundleError::TooLarge {
                what: "the list of the bundle's file names".into(),
                size: name_bytes,
                limit: limits.max_name_bytes,
            });
        }
        if size > limits.max_file_bytes {
            return Err(BundleError::TooLarge { what: rel, size, limit: limits.max_file_bytes });
        }
        bytes = bytes.saturating_add(size);
        if bytes > limits.max_total_bytes {
            return Err(BundleError::TooLarge {
                what: "the bundle's content".into(),
                size: bytes,
                limit: limits.max_total_bytes,
            });
        }
        let keep = kept(&rel, sink.wants_item_records());
        if keep {
            // Checked on the header's size, before anything is read: several large tag files are refused
            // as one too large.
            kept_bytes = kept_bytes.saturating_add(size);
            if kept_bytes > limits.max_kept_bytes {
                return Err(BundleError::TooLarge {
                    what: format!("{rel}, with the other tag files read before it,"),
                    size: kept_bytes,
                    limit: limits.max_kept_bytes,
                });
            }
        }
        let seen = if keep {
            let content = read_kept(&mut entry, size).map_err(malformed)?;
            let mut reader = HashingReader::new(&content[..]);
            sink.file(&rel, size, &mut reader)?;
            let (sha256, read) = reader.finish();
            collected.kept.insert(rel.clone(), content);
            Seen { sha256, size: read }
        } else {
            let mut reader = HashingReader::new(Progressing {
                inner: (&mut entry).take(size),
                tap,
                cancelled,
                total,
                progress: &mut *progress,
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
        collected.files.insert(rel, seen);
    }
    if bag.is_none() {
        return Err(BundleError::NotABag("the archive is empty".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(path: &str, is_dir: bool) -> Result<Option<String>, BundleError> {
        let mut bag = Some("bag".to_string());
        checked_path(path.as_bytes(), is_dir, &mut bag)
    }

    #[test]
    fn paths_that_could_escape_are_refused_with_their_reason() {
        assert_eq!(check("bag/data/a.txt", false).expect("ok"), Some("data/a.txt".into()));
        assert_eq!(check("bag/data/", true).expect("ok"), Some("data".into()));
        for (path, reason) in [
            ("bag/../evil", "climbs"),
            ("/etc/passwd", "absolute"),
            ("bag\\..\\evil", "absolute"),
            ("C:/evil", "absolute"),
            ("bag//x", "empty"),
            ("bag/./x", "empty"),
            ("bag/a\nb", "control"),
        ] {
            let err = check(path, false).expect_err(path).to_string();
            assert!(err.contains(reason), "{path:?}: {err}");
        }
        assert!(matches!(check("other/x", false), Err(BundleError::NotABag(_))));
        let mut none = None;
        assert!(matches!(checked_path(b"bagit.txt", false, &mut none), Err(BundleError::NotABag(_))));
        assert!(checked_path(b"bag/\xff.txt", false, &mut Some("bag".into())).is_err());
    }

    #[test]
    fn only_tag_files_and_the_item_list_are_kept_in_memory() {
        for rel in ["bagit.txt", "manifest-sha256.txt", "tagmanifest-sha512.txt", "custody/proofs.json"] {
            assert!(kept(rel, false), "{rel} is kept for the checks");
        }
        assert!(kept("data/records/items.json", true), "items.json is kept for an import");
        assert!(!kept("data/records/items.json", false), "items.json is not kept for the checks alone");
        for rel in ["data/items/E-1/manifest-sha256.txt", "data/records/persons.json", "custody/other"] {
            assert!(!kept(rel, true), "{rel} is never kept");
        }
    }

    /// A file whose age layer opens with the returned unlocker.
    fn sealed(dir: &Path, name: &str, plain: &[u8]) -> (std::path::PathBuf, Unlocker) {
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public();
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).expect("encryptor");
        let path = dir.join(name);
        let mut writer = encryptor.wrap_output(File::create(&path).expect("create")).expect("wrap");
        writer.write_all(plain).expect("write");
        writer.finish().expect("finish");
        (path.clone(), Unlocker::Identities { path, identities: vec![identity] })
    }

    /// A tar of `(path, bytes)` files, and folders for paths ending in `/`.
    fn tar_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, data) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            if path.ends_with('/') {
                header.set_entry_type(tar::EntryType::Directory);
            }
            builder.append_data(&mut header, path, &data[..]).expect("append");
        }
        builder.into_inner().expect("finish")
    }

    fn bag_with(mut entries: Vec<(String, Vec<u8>)>) -> Vec<u8> {
        entries.insert(0, ("bag/bagit.txt".into(), b"BagIt-Version: 1.0\n".to_vec()));
        tar_of(&entries)
    }

    fn read_with(path: &Path, unlocker: &Unlocker, limits: &Limits) -> Result<Collected, BundleError> {
        read(path, unlocker, limits, &mut HashOnly, &mut |_| Flow::Continue)
    }

    fn refused_entry(result: Result<Collected, BundleError>, says: &str) {
        match result {
            Err(BundleError::UnsafeEntry { reason, .. }) => assert!(reason.contains(says), "{reason}"),
            other => panic!("expected an unsafe entry ({says}), got {other:?}"),
        }
    }

    #[test]
    fn an_age_header_that_never_ends_is_refused_after_its_bound() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = age::x25519::Identity::generate();
        let unlocker = Unlocker::Identities { path: "key.txt".into(), identities: vec![key] };
        let zeros = dir.path().join("zeros.custodia.age");
        File::create(&zeros).and_then(|f| f.set_len(100 << 20)).expect("100 MiB of zeros");
        let mut stanzas = b"age-encryption.org/v1\n".to_vec();
        let line =
            b"-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\nEmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U\n";
        while stanzas.len() < 100 << 20 {
            stanzas.extend_from_slice(line);
        }
        let endless = dir.path().join("stanzas.custodia.age");
        std::fs::write(&endless, &stanzas).expect("write");
        for path in [zeros, endless] {
            match read_with(&path, &unlocker, &Limits::default()) {
                Err(BundleError::NotABundle(_, why)) => {
                    assert!(why.contains("does not end within the first 64 KiB"), "{}: {why}", path.display())
                }
                other => panic!("{}: expected a refused header, got {other:?}", path.display()),
            }
        }
    }

    /// A passphrase file sealed at work factor `log_n`, its header then edited to claim `claimed`.
    fn passphrase_file(dir: &Path, log_n: u8, claimed: u8) -> std::path::PathBuf {
        let mut recipient = age::scrypt::Recipient::new("the right passphrase".into());
        recipient.set_work_factor(log_n);
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).expect("encryptor");
        let mut sealed = Vec::new();
        let mut writer = encryptor.wrap_output(&mut sealed).expect("wrap");
        writer.write_all(&bag_with(Vec::new())).expect("write");
        writer.finish().expect("finish");
        let text = String::from_utf8_lossy(&sealed[..sealed.iter().position(|b| *b == b'\n').expect("line") + 80]);
        let stanza = text.lines().nth(1).expect("the scrypt stanza").to_string();
        assert!(stanza.starts_with("-> scrypt ") && stanza.ends_with(&format!(" {log_n}")), "{stanza}");
        let edited = format!("{} {claimed}", &stanza[..stanza.rfind(' ').expect("space")]);
        let at = sealed.windows(stanza.len()).position(|w| w == stanza.as_bytes()).expect("found");
        let mut out = sealed[..at].to_vec();
        out.extend_from_slice(edited.as_bytes());
        out.extend_from_slice(&sealed[at + stanza.len()..]);
        let path = dir.join(format!("scrypt-{claimed}.custodia.age"));
        std::fs::write(&path, out).expect("write");
        path
    }

    #[test]
    fn a_scrypt_work_factor_above_the_ceiling_is_refused_before_any_work() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = passphrase_file(dir.path(), 2, 30);
        let unlocker = Unlocker::Passphrase("the right passphrase".into());
        let started = std::time::Instant::now();
        let result = read_with(&path, &unlocker, &Limits::default());
        // 2^30 would take 1 TiB of memory: only a refusal before deriving anything can come back at all.
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "refused at once, took {:?}", started.elapsed());
        match result {
            Err(e @ BundleError::TooMuchWork { required: 30, limit: MAX_SCRYPT_LOG_N }) => {
                let words = e.to_string();
                assert!(
                    words.contains("2^30") && words.contains("your age key"),
                    "names the factor and the way out: {words}"
                );
            }
            other => panic!("expected too much work, got {other:?}"),
        }
    }

    #[test]
    fn our_own_work_factor_is_within_the_ceiling() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = passphrase_file(dir.path(), super::super::limits::EXPORT_SCRYPT_LOG_N, 16);
        let wrong = Unlocker::Passphrase("another passphrase".into());
        assert!(
            matches!(read_with(&path, &wrong, &Limits::default()), Err(BundleError::WrongPassphrase)),
            "the passphrase is tried at our own work factor"
        );
    }

    #[test]
    fn a_path_more_than_64_folders_deep_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let at_limit = format!("bag/{}f", "d/".repeat(MAX_DEPTH - 1));
        let (path, unlocker) = sealed(dir.path(), "deep-ok.custodia.age", &bag_with(vec![(at_limit, b"x".to_vec())]));
        let read = read_with(&path, &unlocker, &Limits::default()).expect("64 names below the bag are fine");
        assert_eq!(read.files.len(), 2, "both files are read");
        let too_deep = format!("bag/{}f", "d/".repeat(MAX_DEPTH));
        let (path, unlocker) = sealed(dir.path(), "deep.custodia.age", &bag_with(vec![(too_deep, b"x".to_vec())]));
        refused_entry(read_with(&path, &unlocker, &Limits::default()), "more than 64 folders deep");
    }

    #[test]
    fn a_folder_inside_a_file_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let entries = vec![("bag/data/a".to_string(), b"x".to_vec()), ("bag/data/A/b/".to_string(), Vec::new())];
        let (path, unlocker) = sealed(dir.path(), "folder-in-file.custodia.age", &bag_with(entries));
        refused_entry(read_with(&path, &unlocker, &Limits::default()), "a file inside something that is a file");
        let entries = vec![("bag/data/a/b/".to_string(), Vec::new()), ("bag/data/A".to_string(), b"x".to_vec())];
        let (path, unlocker) = sealed(dir.path(), "file-on-folder.custodia.age", &bag_with(entries));
        refused_entry(read_with(&path, &unlocker, &Limits::default()), "same name");
    }

    #[test]
    fn tag_files_are_bounded_together_not_one_by_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ten_mib = vec![b'a'; 10 << 20];
        let entries = ["manifest-md5.txt", "manifest-sha1.txt", "manifest-sha512.txt"]
            .iter()
            .map(|name| (format!("bag/{name}"), ten_mib.clone()))
            .collect();
        let (path, unlocker) = sealed(dir.path(), "manifests.custodia.age", &bag_with(entries));
        match read_with(&path, &unlocker, &Limits::default()) {
            Err(BundleError::TooLarge { what, limit, .. }) => {
                assert!(what.starts_with("manifest-sha512.txt"), "the third one crosses the bound: {what}");
                assert_eq!(limit, 24 << 20);
            }
            other => panic!("expected too large, got {other:?}"),
        }
    }

    #[test]
    fn entries_and_the_bytes_of_their_names_are_bounded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let entries: Vec<_> = (0..10).map(|i| (format!("bag/data/file-{i:04}"), b"x".to_vec())).collect();
        let (path, unlocker) = sealed(dir.path(), "many.custodia.age", &bag_with(entries));
        let few = Limits { max_entries: 5, ..Limits::default() };
        assert!(matches!(read_with(&path, &unlocker, &few), Err(BundleError::TooManyEntries { limit: 5 })));
        let short = Limits { max_name_bytes: 100, ..Limits::default() };
        match read_with(&path, &unlocker, &short) {
            Err(BundleError::TooLarge { what, limit: 100, .. }) => assert!(what.contains("names"), "{what}"),
            other => panic!("expected the names to be too large, got {other:?}"),
        }
        assert!(read_with(&path, &unlocker, &Limits::default()).is_ok(), "within the defaults it reads");
    }

    #[test]
    fn a_kept_file_takes_no_more_memory_than_its_bytes() {
        let bytes: Vec<u8> = (0..3_000_001u32).map(|i| i as u8).collect();
        let read = read_kept(&mut &bytes[..], bytes.len() as u64).expect("read");
        assert_eq!(read, bytes, "every byte arrives");
        assert_eq!(read.capacity(), bytes.len(), "the buffer is exactly the file");
        let short = read_kept(&mut &bytes[..10], 100).expect("read");
        assert_eq!(short.len(), 10, "a file cut short yields what there was, for the caller to refuse");
        let capped = read_kept(&mut &bytes[..], 5).expect("read");
        assert_eq!(capped, &bytes[..5], "never more than the header's size");
    }
}
