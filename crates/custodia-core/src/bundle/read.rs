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
use super::{io_error, BundleError};
use crate::blobs::Flow;
use crate::pipe::{HashingReader, PipeWriter};
use sha2::{Digest, Sha256};
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use unicode_normalization::UnicodeNormalization;

/// Bounds on what a bundle may hold. The defaults admit any bundle Custodia writes of a realistic case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_entries: u64,
    pub max_file_bytes: u64,
    pub max_total_bytes: u64,
    /// Tag files and records are read into memory for checking: each at most this.
    pub max_tag_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_entries: 1_000_000, max_file_bytes: 256 << 30, max_total_bytes: 1 << 40, max_tag_bytes: 512 << 20 }
    }
}

/// Progress through the encrypted file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadProgress {
    pub done: u64,
    pub total: u64,
}

/// Extension headers (long names, PAX records) are small; a large one is an attack on memory.
const MAX_EXTENSION_BYTES: u64 = 64 * 1024;
const MAX_PATH_BYTES: usize = 4096;
const MAX_COMPONENT_BYTES: usize = 255;
/// Zero padding a tar writer may leave after the end-of-archive blocks (GNU tar pads to 10 KiB records).
const MAX_TRAILING_ZEROS: u64 = 1 << 20;

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
    unlocker: &Unlocker,
) -> Result<age::stream::StreamReader<BufReader<CipherReader>>, BundleError> {
    let not_bundle = |why: String| BundleError::NotABundle(path.into(), why);
    let decryptor = match age::Decryptor::new_buffered(file) {
        Ok(d) => d,
        Err(age::DecryptError::Io(e)) => return Err(io_error("read", path)(e)),
        Err(e) => return Err(not_bundle(e.to_string())),
    };
    let scrypt = decryptor.is_scrypt();
    let result = match (unlocker, scrypt) {
        (Unlocker::Passphrase(_), false) => return Err(BundleError::NeedsIdentity),
        (Unlocker::Identities { .. }, true) => return Err(BundleError::NeedsPassphrase),
        (Unlocker::Passphrase(p), true) => {
            let identity = age::scrypt::Identity::new(p.clone());
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
        (age::DecryptError::ExcessiveWork { required, .. }, _) => BundleError::ExcessiveWork(required),
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
    let stream = decrypt(path, BufReader::with_capacity(crate::pipe::CHUNK, cipher), unlocker)?;
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
    // Paths as compared for duplicates: NFC and lower case, since some file systems ignore both.
    let mut taken: HashSet<String> = HashSet::new();
    let mut folders: HashSet<String> = HashSet::new();
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
        let key: String = rel.nfc().collect::<String>().to_lowercase();
        if kind.is_dir() {
            if taken.contains(&key) {
                return Err(BundleError::UnsafeEntry { path: rel, reason: "a folder with the name of a file" });
            }
            folders.insert(key);
            sink.directory(&rel)?;
            continue;
        }
        if !taken.insert(key.clone()) || folders.contains(&key) {
            return Err(BundleError::UnsafeEntry {
                path: rel,
                reason: "a second entry with the same name (ignoring case)",
            });
        }
        // A file may not sit where another entry needs a folder, nor under a path that is a file.
        let mut prefix = String::new();
        for part in key.split('/').take(key.split('/').count() - 1) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if taken.contains(&prefix) {
                return Err(BundleError::UnsafeEntry { path: rel, reason: "a file inside something that is a file" });
            }
            folders.insert(prefix.clone());
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
        if keep && size > limits.max_tag_bytes {
            return Err(BundleError::TooLarge { what: rel, size, limit: limits.max_tag_bytes });
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
