//! Streaming a bag into a bundle file. Stored copies are opened ahead on a helper thread (with the file
//! key kept at ingest when there is one), then decrypted and hashed on the calling thread while they are
//! framed into the tar; through `crate::pipe`, a second thread age-encrypts the tar and hashes the
//! ciphertext, and the file's own thread writes it (`crate::direct`). On two cores the two halves of the work
//! (decrypt and hash, encrypt and hash) each keep one core busy, and each hash reads bytes still in the
//! cache of the core that just made them. A stored copy that is not exactly its recorded size and SHA-256
//! aborts the stream, so the manifests written ahead are true of every bundle that is finished.

use super::export::ExportProgress;
use super::plan::PlannedItem;
use super::proofs::ProofsJson;
use super::BundleError;
use crate::blobs::{BlobKey, BlobStore, Flow};
use crate::direct::DirectFile;
use crate::error::Result;
use crate::pipe::{self, HashingReader, HashingWriter, PipeReader};
use crate::vault::VaultError;
use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};
use std::thread;

/// Stored copies opened ahead of the one being streamed (each holds an 8 KiB header buffer and age's
/// 64 KiB chunk).
const OPEN_AHEAD: usize = 4;

/// One file of the bag, in tar order.
pub(super) enum Entry<'a> {
    Bytes {
        path: String,
        bytes: Vec<u8>,
    },
    Item {
        item: &'a PlannedItem,
        blob: String,
        /// Kept at ingest since schema version 5; `None` for an older copy.
        key: Option<BlobKey>,
    },
    /// Made while it is written, and checked to be what the tag manifest lists.
    Proofs {
        path: &'static str,
        proofs: &'a ProofsJson,
    },
}

/// Streams the bag into `file`: tar framing and decryption of stored copies here, encryption and
/// writing on other threads. Returns the SHA-256 and size of the encrypted file, synced.
pub(super) fn stream(
    blobs: &BlobStore,
    bag: &str,
    entries: &[Entry<'_>],
    total: u64,
    encryptor: age::Encryptor,
    file: DirectFile,
    progress: &mut dyn FnMut(ExportProgress) -> Flow,
) -> Result<(String, u64)> {
    let (sink, source) = pipe::pipe();
    thread::scope(|scope| {
        let writer = scope.spawn(move || encrypt_and_write(source, encryptor, file));
        let framed = frame(blobs, bag, entries, total, sink, progress);
        let written = writer.join().map_err(|_| BundleError::Encrypt("the writing thread failed".into()))?;
        // A failed write explains a broken pipe on this side, so it is reported first.
        let (sha256, size) = match (framed, written) {
            (Ok(()), Ok(done)) => done,
            (Err(e), Ok(_)) => return Err(e),
            (Err(e), Err(_)) if !is_broken_pipe(&e) => return Err(e),
            (_, Err(e)) => return Err(BundleError::Io { op: "write", path: "the bundle".into(), source: e }.into()),
        };
        Ok((hex::encode(sha256), size))
    })
}

fn frame(
    blobs: &BlobStore,
    bag: &str,
    entries: &[Entry<'_>],
    total: u64,
    sink: pipe::PipeWriter,
    progress: &mut dyn FnMut(ExportProgress) -> Flow,
) -> Result<()> {
    thread::scope(|scope| {
        // A helper opens the next stored copies (a file, its header, and for a copy older than its
        // kept key an X25519 key agreement) while this thread streams the current one.
        let (opened, ready) = std::sync::mpsc::sync_channel(OPEN_AHEAD);
        scope.spawn(move || {
            for entry in entries {
                if let Entry::Item { blob, key, .. } = entry {
                    let reader: std::result::Result<Box<dyn Read + Send>, _> = match key {
                        Some(key) => blobs.reader_with_key(blob, key).map(|r| Box::new(r) as _),
                        None => blobs.reader(blob).map(|r| Box::new(r) as _),
                    };
                    if opened.send(reader).is_err() {
                        break;
                    }
                }
            }
        });
        let mut tar = TarOut { sink, mtime: chrono::Utc::now().timestamp().max(0) as u64 };
        let tar_err = |e: io::Error| BundleError::Io { op: "write", path: "the bundle".into(), source: e };
        let mut done = 0u64;
        for entry in entries {
            match entry {
                Entry::Bytes { path, bytes } => tar.bytes(&format!("{bag}/{path}"), bytes).map_err(tar_err)?,
                Entry::Proofs { path, proofs } => {
                    let mut reader = HashingReader::new(proofs.reader().take(proofs.size));
                    tar.file(&format!("{bag}/{path}"), proofs.size, &mut reader).map_err(tar_err)?;
                    if reader.finish() != (proofs.sha256, proofs.size) {
                        return Err(BundleError::Encoding(format!("{path} came out differently twice")).into());
                    }
                }
                Entry::Item { item, .. } => {
                    let PlannedItem { path, id, sha256, size, .. } = item;
                    let inner = ready
                        .recv()
                        .map_err(|_| BundleError::Encrypt("the thread opening stored copies stopped".into()))?
                        .map_err(|e| copy_fault(id, e.to_string()))?;
                    let mut reader = ItemReader {
                        inner,
                        hasher: Sha256::new(),
                        left: *size,
                        item: id,
                        failure: None,
                        done: &mut done,
                        total,
                        progress: &mut *progress,
                    };
                    let appended = tar.file(&format!("{bag}/{path}"), *size, &mut reader);
                    if let Some(failure) = reader.failure.take() {
                        return Err(failure);
                    }
                    appended.map_err(tar_err)?;
                    let actual = hex::encode(reader.hasher.finalize());
                    if &actual != sha256 {
                        return Err(
                            VaultError::ContentMismatch { item: id.clone(), expected: sha256.clone(), actual }.into()
                        );
                    }
                }
            }
        }
        Ok(tar.finish().map_err(tar_err)?)
    })
}

/// Writes a tar stream into the pipe: headers as `tar::Builder` makes them, contents read straight into
/// the pipe's buffers (the builder would copy them through a small buffer of its own).
struct TarOut {
    sink: pipe::PipeWriter,
    mtime: u64,
}

const TAR_BLOCK: u64 = 512;

impl TarOut {
    fn bytes(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.file(path, bytes.len() as u64, &mut &bytes[..])
    }

    /// One regular file of `size` bytes from `content`, which must give exactly that many: a tar header
    /// written ahead cannot be corrected. (A reader that gives fewer makes its caller abort the stream.)
    fn file(&mut self, path: &str, size: u64, content: &mut impl Read) -> io::Result<()> {
        self.sink.write_all(&header_blocks(path, size, self.mtime)?)?;
        let mut copied = 0u64;
        loop {
            let n = self.sink.write_from(usize::MAX, |space| content.read(space))?;
            if n == 0 {
                break;
            }
            copied += n as u64;
        }
        if copied != size {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, format!("{path} gave {copied} of {size} bytes")));
        }
        let padding = (TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK;
        self.sink.write_all(&[0u8; TAR_BLOCK as usize][..padding as usize])
    }

    /// The two empty blocks that end a tar, and the end of the stream.
    fn finish(mut self) -> io::Result<()> {
        self.sink.write_all(&[0u8; 2 * TAR_BLOCK as usize])?;
        self.sink.finish()
    }
}

/// The header block(s) of a regular file: exactly what `tar::Builder::append_data` writes before the
/// file's bytes, with a GNU long-name entry first where the path needs one. (Given no bytes to copy, the
/// builder adds no padding: what it wrote is the header alone.)
fn header_blocks(path: &str, size: u64, mtime: u64) -> io::Result<Vec<u8>> {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Regular);
    header.set_mode(0o644);
    header.set_mtime(mtime);
    header.set_size(size);
    let mut builder = tar::Builder::new(Vec::with_capacity(3 * TAR_BLOCK as usize));
    builder.append_data(&mut header, path, io::empty())?;
    Ok(std::mem::take(builder.get_mut()))
}

fn is_broken_pipe(e: &crate::Error) -> bool {
    matches!(e, crate::Error::Bundle(BundleError::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe)
}

/// The writing side: age-encrypts the tar stream and hashes the ciphertext while it is still in this
/// core's cache; the file's own thread writes it. Only a stream that ended with `End` is finished; a
/// cut-off stream leaves an unfinished file for the caller to remove.
fn encrypt_and_write(
    mut source: PipeReader,
    encryptor: age::Encryptor,
    file: DirectFile,
) -> io::Result<([u8; 32], u64)> {
    let mut stream = encryptor.wrap_output(HashingWriter::new(file))?;
    while let Some(chunk) = source.next_chunk()? {
        stream.write_all(chunk)?;
    }
    let (file, sha256, size) = stream.finish()?.finish();
    crate::faults::hit("export.fsync")?;
    file.finish()?;
    Ok((sha256, size))
}

/// Reads one stored copy for the tar: never more than its recorded size, an error if it is shorter,
/// hashing as it goes and reporting progress (which may cancel).
struct ItemReader<'a, R> {
    inner: R,
    hasher: Sha256,
    left: u64,
    item: &'a str,
    failure: Option<crate::Error>,
    done: &'a mut u64,
    total: u64,
    progress: &'a mut dyn FnMut(ExportProgress) -> Flow,
}

impl<R: Read> Read for ItemReader<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let stop = |this: &mut Self, failure: crate::Error| {
            this.failure = Some(failure);
            Err(io::Error::other("export stopped"))
        };
        if self.left == 0 {
            // The tar entry is full: the stored copy must end here too.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe) {
                Ok(0) => Ok(0),
                Ok(_) => stop(self, copy_fault(self.item, "a stored copy longer than recorded".into())),
                Err(e) => stop(self, unreadable(self.item, e)),
            };
        }
        let want = out.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = match self.inner.read(&mut out[..want]) {
            Ok(0) => return stop(self, copy_fault(self.item, "a stored copy shorter than recorded".into())),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
            Err(e) => return stop(self, unreadable(self.item, e)),
        };
        self.hasher.update(&out[..n]);
        self.left -= n as u64;
        *self.done += n as u64;
        let report = ExportProgress { done: *self.done, total: self.total, item: Some(self.item.to_string()) };
        if (self.progress)(report) == Flow::Cancel {
            return stop(self, BundleError::Cancelled.into());
        }
        Ok(n)
    }
}

/// A stored copy that is not what was recorded (missing, damaged, replaced, another length), by item.
fn copy_fault(item: &str, found: String) -> crate::Error {
    VaultError::ContentMismatch { item: item.into(), expected: "the copy recorded at ingest".into(), actual: found }
        .into()
}

fn unreadable(item: &str, e: io::Error) -> crate::Error {
    copy_fault(item, crate::blobs::BlobError::DecryptRead(e).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tar this module writes is byte for byte the one `tar::Builder` writes, long names included.
    #[test]
    fn the_tar_is_what_the_tar_crate_would_write() {
        let long = format!("bag/data/items/E-1/{}.jpg", "é".repeat(80));
        let entries: Vec<(String, Vec<u8>)> = [0usize, 1, 511, 512, 513, 300_000]
            .iter()
            .enumerate()
            .map(|(i, len)| {
                let path = if i % 2 == 0 { format!("bag/data/items/E-{i}/a.bin") } else { format!("{long}{i}") };
                (path, (0..*len).map(|b| (b % 253) as u8).collect())
            })
            .collect();
        let mtime = 1_700_000_000;

        let (sink, mut source) = pipe::pipe();
        let rows = entries.clone();
        let writer = std::thread::spawn(move || {
            let mut tar = TarOut { sink, mtime };
            for (path, bytes) in &rows {
                tar.bytes(path, bytes).expect("entry");
            }
            tar.finish().expect("finish");
        });
        let mut ours = Vec::new();
        source.read_to_end(&mut ours).expect("read");
        writer.join().expect("join");

        let mut builder = tar::Builder::new(Vec::new());
        for (path, bytes) in &entries {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(tar::EntryType::Regular);
            header.set_mode(0o644);
            header.set_mtime(mtime);
            header.set_size(bytes.len() as u64);
            builder.append_data(&mut header, path, &bytes[..]).expect("append");
        }
        let theirs = builder.into_inner().expect("finish");
        assert!(ours == theirs, "{} bytes against {}", ours.len(), theirs.len());
        let names: Vec<String> = tar::Archive::new(&ours[..])
            .entries()
            .expect("entries")
            .map(|e| e.expect("entry").path().expect("path").to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, entries.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>());
    }

    #[test]
    fn a_content_shorter_than_its_header_says_is_an_error() {
        let (sink, mut source) = pipe::pipe();
        let reader = std::thread::spawn(move || source.read_to_end(&mut Vec::new()));
        let mut tar = TarOut { sink, mtime: 0 };
        let err = tar.file("bag/x", 10, &mut &[1u8; 4][..]).expect_err("short");
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        drop(tar);
        assert!(reader.join().expect("join").is_err(), "a stream cut off is never a finished tar");
    }
}
