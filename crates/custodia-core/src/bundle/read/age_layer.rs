//! The age layer of a bundle, opened as a stream: the encrypted file hashed and counted as age reads it,
//! age's header bounded before it ends, and a thread that decrypts to the authenticated end into a pipe,
//! noting why it stopped if it did.

use crate::bundle::keys::Unlocker;
use crate::bundle::limits::{MAX_AGE_HEADER_BYTES, MAX_SCRYPT_LOG_N};
use crate::bundle::{io_error, BundleError};
use crate::pipe::PipeWriter;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Shared between the decrypting thread and the reading one: how far the encrypted file has been read,
/// how much plaintext came out, and why decryption stopped if it did.
#[derive(Default)]
pub(super) struct Tap {
    pub(super) cipher: Mutex<Sha256>,
    pub(super) cipher_bytes: AtomicU64,
    pub(super) plain_bytes: AtomicU64,
    decrypt_failure: Mutex<Option<String>>,
    /// Set once age has read its header: until then at most `MAX_AGE_HEADER_BYTES` are handed to it.
    header_read: AtomicBool,
    /// The header did not end within its bound.
    header_too_long: AtomicBool,
}

impl Tap {
    pub(super) fn failure(&self) -> Option<String> {
        self.decrypt_failure.lock().map(|mut f| f.take()).unwrap_or(None)
    }
}

/// The encrypted file, hashed and counted as age reads it (through a buffer above this).
pub(super) struct CipherReader {
    pub(super) inner: File,
    pub(super) tap: Arc<Tap>,
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
pub(super) fn pump(
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

/// Opens the age layer with `unlocker`, mapping each failure to what the person should do.
pub(super) fn decrypt(
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
