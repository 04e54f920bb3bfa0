//! The content store: each distinct content is one age file under `blobs/`, named by an HMAC of its
//! SHA-256 so names reveal nothing and equal content is stored once.
//!
//! Ingest reads the source once, hashing and encrypting in the same pass into `tmp/` (`pipeline`), then
//! fsyncs the file, renames it into place and fsyncs the directory. Memory use does not depend on the
//! file size.

use crate::{faults, fsutil};

mod pipeline;
use age::x25519;
use age_core::format::{FileKey, Stanza};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretBox};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::iter;
use std::path::{Path, PathBuf};

const CHUNK: usize = 1 << 20;
/// The read buffer of a stored copy being decrypted: room for its header, smaller than an age chunk.
const HEADER_BUFFER: usize = 8 << 10;

/// Errors of the content store, in the user's terms.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    #[error("could not {op} {path}: {source}")]
    Io { op: &'static str, path: PathBuf, source: io::Error },
    #[error("reading the file failed part-way: {0}")]
    SourceRead(#[source] io::Error),
    #[error("cancelled; nothing was added")]
    Cancelled,
    #[error("encryption failed: {0}")]
    Encrypt(String),
    #[error("the stored copy cannot be decrypted ({0}): it is damaged or was replaced")]
    Decrypt(#[source] age::DecryptError),
    /// Its decryption failed part-way (age reports a damaged chunk as an I/O error of the stream).
    #[error("the stored copy cannot be decrypted ({0}): it is damaged or was replaced")]
    DecryptRead(#[source] io::Error),
    #[error("the stored copy is missing from the vault")]
    Missing,
}

/// What the caller decides after each chunk of progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Cancel,
}

/// The result of storing one content.
#[derive(Debug)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
    pub blob_name: String,
    pub media_type: &'static str,
    /// False when the vault already held this content and the new copy was dropped.
    pub newly_written: bool,
    /// The age file key of the copy just written (`None` when it was dropped as a duplicate), kept in the
    /// encrypted database so that the copy can be opened again without the vault's X25519 key agreement.
    pub(crate) file_key: Option<BlobKey>,
}

/// A stored copy's age file key: the symmetric key its payload is encrypted and authenticated under,
/// random for each copy. Whoever holds it can read that one copy, and only it can make a copy that
/// opens with it, so a copy that opens with the key kept at ingest is the copy written at ingest.
pub(crate) struct BlobKey(SecretBox<[u8; 16]>);

impl BlobKey {
    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Self> {
        let key: [u8; 16] = bytes.try_into().ok()?;
        Some(BlobKey(SecretBox::new(Box::new(key))))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for BlobKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BlobKey(..)")
    }
}

/// The vault's blob recipient, noting the file key it wraps so that ingest can keep it.
struct KeepingKey<'a> {
    recipient: &'a x25519::Recipient,
    kept: RefCell<Option<BlobKey>>,
}

impl age::Recipient for KeepingKey<'_> {
    fn wrap_file_key(&self, file_key: &FileKey) -> Result<(Vec<Stanza>, HashSet<String>), age::EncryptError> {
        *self.kept.borrow_mut() = Some(BlobKey(SecretBox::new(Box::new(*file_key.expose_secret()))));
        self.recipient.wrap_file_key(file_key)
    }
}

/// Opens a stored copy with its kept file key. age still checks the header's MAC under that key, then
/// every 64 KiB chunk of the payload: a copy made with any other key fails before a byte is read.
impl age::Identity for BlobKey {
    fn unwrap_stanza(&self, _stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        Some(Ok(FileKey::new(Box::new(*self.0.expose_secret()))))
    }
}

pub(crate) struct BlobStore {
    root: PathBuf,
    name_key: SecretBox<[u8; 32]>,
    identity: x25519::Identity,
}

impl std::fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobStore").field("root", &self.root).finish_non_exhaustive()
    }
}

fn io_err<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> BlobError + 'a {
    move |source| BlobError::Io { op, path: path.to_path_buf(), source }
}

impl BlobStore {
    pub(crate) fn new(root: &Path, name_key: SecretBox<[u8; 32]>, identity: x25519::Identity) -> Self {
        BlobStore { root: root.to_path_buf(), name_key, identity }
    }

    pub(crate) fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    pub(crate) fn blobs_dir(&self) -> PathBuf {
        self.root.join("blobs")
    }

    /// The blob name for a content hash: hex HMAC-SHA256 under the blob-name key.
    pub(crate) fn name_for(&self, sha256_hex: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(self.name_key.expose_secret()).expect("HMAC accepts any key length");
        mac.update(sha256_hex.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    pub(crate) fn path_of(&self, blob_name: &str) -> PathBuf {
        self.blobs_dir().join(&blob_name[..2]).join(blob_name)
    }

    /// Streams `source` into the store. On any error or cancel, nothing is left behind but what reconcile
    /// would find after a crash (and normally not even that).
    pub(crate) fn ingest(
        &self,
        source: &mut (dyn Read + Send),
        progress: &mut dyn FnMut(u64) -> Flow,
    ) -> Result<Stored, BlobError> {
        let tmp = self
            .tmp_dir()
            .join(format!("ingest-{}.age", crate::keys::random_hex(8).map_err(|e| BlobError::Encrypt(e.to_string()))?));
        let result = self.encrypt_to(&tmp, source, progress);
        let (sha256, size, media_type, key) = match result {
            Ok(done) => done,
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        };
        let blob_name = self.name_for(&sha256);
        let target = self.path_of(&blob_name);
        let newly_written = !target.exists();
        if newly_written {
            let dir = target.parent().unwrap_or(&self.root).to_path_buf();
            let placed = fsutil::create_dir_durable(&dir)
                .and_then(|()| faults::hit("blob.rename"))
                .and_then(|()| fs::rename(&tmp, &target))
                .and_then(|()| faults::hit("blob.dir_fsync"))
                .and_then(|()| fsutil::sync_dir(&dir))
                .map_err(io_err("store the encrypted copy in", &dir));
            if let Err(e) = placed {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        } else {
            // Our own ciphertext of content the vault already holds: nothing of value is lost.
            let _ = fs::remove_file(&tmp);
        }
        let file_key = newly_written.then_some(key);
        Ok(Stored { sha256, size, blob_name, media_type, newly_written, file_key })
    }

    fn encrypt_to(
        &self,
        tmp: &Path,
        source: &mut (dyn Read + Send),
        progress: &mut dyn FnMut(u64) -> Flow,
    ) -> Result<(String, u64, &'static str, BlobKey), BlobError> {
        let file = crate::direct::create(tmp).map_err(io_err("create", tmp))?;
        faults::hit("blob.write").map_err(io_err("write", tmp))?;
        let recipient = KeepingKey { recipient: &self.identity.to_public(), kept: RefCell::new(None) };
        let encryptor = age::Encryptor::with_recipients(iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| BlobError::Encrypt(e.to_string()))?;
        let key = recipient.kept.take().ok_or_else(|| BlobError::Encrypt("no file key was made".into()))?;
        let done = pipeline::run(source, encryptor, file, progress)?;
        Ok((hex::encode(done.sha256), done.size, done.media_type, key))
    }

    /// A reader of a blob's plaintext, opened with the vault's blob identity. Decryption is authenticated
    /// chunk by chunk: damage shows as a read error at the damaged chunk.
    pub(crate) fn reader(&self, blob_name: &str) -> Result<impl Read + use<>, BlobError> {
        self.open(blob_name, &self.identity)
    }

    /// A reader of a blob's plaintext, opened with the file key kept at ingest (no key agreement).
    pub(crate) fn reader_with_key(&self, blob_name: &str, key: &BlobKey) -> Result<impl Read + use<>, BlobError> {
        self.open(blob_name, key)
    }

    fn open(&self, blob_name: &str, identity: &dyn age::Identity) -> Result<impl Read + use<>, BlobError> {
        let path = self.path_of(blob_name);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(BlobError::Missing),
            Err(e) => return Err(BlobError::Io { op: "open", path, source: e }),
        };
        // The buffer only serves the header. age reads each 64 KiB chunk with one call, larger than the
        // buffer, which then passes it straight from the kernel into age's chunk: a larger buffer would
        // add a copy of every byte (a tenth of an export's time). The kernel reads ahead of both.
        let decryptor =
            age::Decryptor::new_buffered(BufReader::with_capacity(HEADER_BUFFER, file)).map_err(BlobError::Decrypt)?;
        decryptor.decrypt(iter::once(identity)).map_err(BlobError::Decrypt)
    }

    /// Decrypts a blob into `out`, hashing as it goes. Returns the SHA-256 (hex) and size of the plaintext.
    pub(crate) fn copy_out(
        &self,
        blob_name: &str,
        out: &mut dyn Write,
        progress: &mut dyn FnMut(u64) -> Flow,
    ) -> Result<(String, u64), BlobError> {
        let mut reader = self.reader(blob_name)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; CHUNK];
        let mut size = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(BlobError::DecryptRead(e)),
            };
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n]).map_err(|e| BlobError::Io {
                op: "write",
                path: PathBuf::from("the output"),
                source: e,
            })?;
            size += n as u64;
            if progress(size) == Flow::Cancel {
                return Err(BlobError::Cancelled);
            }
        }
        Ok((hex::encode(hasher.finalize()), size))
    }

    /// Removes a blob this process has just written when the transaction that would reference it failed;
    /// the item was never acknowledged, so this is cleanup, not loss.
    pub(crate) fn discard_unacknowledged(&self, blob_name: &str) {
        let _ = fs::remove_file(self.path_of(blob_name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn store() -> (tempfile::TempDir, BlobStore) {
        let dir = tempfile::tempdir().expect("tempdir");
        for sub in ["tmp", "blobs"] {
            fs::create_dir(dir.path().join(sub)).expect("mkdir");
        }
        let store = BlobStore::new(dir.path(), SecretBox::new(Box::new([3u8; 32])), x25519::Identity::generate());
        (dir, store)
    }

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn sizes_around_every_buffer_boundary_round_trip_with_the_right_hash() {
        let (_dir, store) = store();
        let age_chunk = 64 * 1024;
        for len in [0, 1, age_chunk - 1, age_chunk, age_chunk + 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            let data = pattern(len);
            let stored = store.ingest(&mut &data[..], &mut |_| Flow::Continue).expect("ingest");
            assert_eq!(stored.sha256, hex::encode(Sha256::digest(&data)), "hash of {len} bytes");
            assert_eq!(stored.size, len as u64);
            let mut back = Vec::new();
            store.reader(&stored.blob_name).expect("reader").read_to_end(&mut back).expect("decrypt");
            assert!(back == data, "{len} bytes did not round-trip");
        }
    }

    #[test]
    fn a_new_copy_keeps_its_file_key_which_opens_it_and_no_other() {
        let (_dir, store) = store();
        let (first, second) = (pattern(100_000), pattern(3_000));
        let a = store.ingest(&mut &first[..], &mut |_| Flow::Continue).expect("ingest");
        let b = store.ingest(&mut &second[..], &mut |_| Flow::Continue).expect("ingest");
        let again = store.ingest(&mut &first[..], &mut |_| Flow::Continue).expect("ingest");
        assert!(!again.newly_written && again.file_key.is_none(), "a dropped duplicate has no key to keep");
        let (key_a, key_b) = (a.file_key.expect("kept"), b.file_key.expect("kept"));
        assert_ne!(key_a.bytes(), key_b.bytes());

        let mut back = Vec::new();
        store.reader_with_key(&a.blob_name, &key_a).expect("opens").read_to_end(&mut back).expect("decrypt");
        assert!(back == first);
        let err = store.reader_with_key(&a.blob_name, &key_b).err().expect("another copy's key");
        assert!(matches!(err, BlobError::Decrypt(_)), "{err}");
        assert!(BlobKey::from_slice(&[0u8; 15]).is_none(), "a key is 16 bytes");
    }

    struct FailingSource {
        left: usize,
    }

    impl Read for FailingSource {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.left == 0 {
                return Err(io::Error::other("disk unplugged"));
            }
            let n = buf.len().min(self.left);
            buf[..n].fill(1);
            self.left -= n;
            Ok(n)
        }
    }

    #[test]
    fn a_source_that_fails_midway_leaves_nothing_behind() {
        let (dir, store) = store();
        let err = store.ingest(&mut FailingSource { left: 5 * CHUNK + 3 }, &mut |_| Flow::Continue).expect_err("fails");
        assert!(matches!(err, BlobError::SourceRead(_)), "{err}");
        for sub in ["tmp", "blobs"] {
            assert_eq!(fs::read_dir(dir.path().join(sub)).expect("list").count(), 0, "{sub} must be empty");
        }
    }

    #[test]
    fn cancelling_midway_leaves_nothing_behind() {
        let (dir, store) = store();
        let data = pattern(6 * CHUNK);
        let err =
            store.ingest(&mut &data[..], &mut |n| if n > 2 * CHUNK as u64 { Flow::Cancel } else { Flow::Continue });
        assert!(matches!(err, Err(BlobError::Cancelled)));
        assert_eq!(fs::read_dir(dir.path().join("tmp")).expect("list").count(), 0);
    }
}
