//! The ingest pipeline: three threads joined by bounded channels, so hashing, encryption and disk writes
//! overlap on a two-core laptop while memory stays fixed (recycled buffers).
//!
//! reader: read the source, SHA-256 it  ->  main: age-encrypt, report progress  ->  the file's own
//! thread (`crate::direct`): write the ciphertext around the page cache, then sync it.

use super::{BlobError, Flow};
use crate::direct::DirectFile;
use crate::media;
use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread;

const CHUNK: usize = 1 << 20;
/// Plaintext buffers in flight; with the file's blocks this bounds the pipeline's memory to about 9 MiB.
const DEPTH: usize = 4;

/// What the pipeline produced: the plaintext's hash, size and media type. The file is synced and closed.
pub(super) struct Encrypted {
    pub sha256: [u8; 32],
    pub size: u64,
    pub media_type: &'static str,
}

/// A pool of reusable buffers: a channel pre-filled with empty buffers.
fn pool(count: usize) -> (SyncSender<Vec<u8>>, Receiver<Vec<u8>>) {
    let (tx, rx) = sync_channel(count);
    for _ in 0..count {
        // Capacity is reserved, not touched: a small file never pays for the whole pool.
        let _ = tx.send(Vec::with_capacity(CHUNK));
    }
    (tx, rx)
}

/// Hashes `source` and encrypts it with `encryptor` into `file`, then fsyncs `file`.
pub(super) fn run(
    source: &mut (dyn Read + Send),
    encryptor: age::Encryptor,
    file: DirectFile,
    progress: &mut dyn FnMut(u64) -> Flow,
) -> Result<Encrypted, BlobError> {
    let (plain_tx, plain_rx) = sync_channel::<Vec<u8>>(DEPTH);
    let (free_plain_tx, free_plain_rx) = pool(DEPTH + 2);

    thread::scope(|scope| {
        let reader = scope.spawn(move || read_and_hash(source, &plain_tx, &free_plain_rx));
        let encrypted = encrypt(plain_rx, free_plain_tx, encryptor, file, progress);
        // The encryptor has dropped its channel ends, so the reader is finishing.
        let read = reader.join().map_err(|_| BlobError::Encrypt("the reading thread failed".into()))?;
        let sha256 = read.map_err(BlobError::SourceRead)?;
        let (size, media_type) = encrypted?;
        Ok(Encrypted { sha256, size, media_type })
    })
}

fn read_and_hash(
    source: &mut (dyn Read + Send),
    full: &SyncSender<Vec<u8>>,
    empty: &Receiver<Vec<u8>>,
) -> io::Result<[u8; 32]> {
    let mut hasher = Sha256::new();
    // An empty pool means the encryptor stopped early (error or cancel): stop reading too.
    while let Ok(mut buf) = empty.recv() {
        buf.resize(CHUNK, 0);
        let n = fill(source, &mut buf)?;
        if n == 0 {
            break;
        }
        buf.truncate(n);
        hasher.update(&buf);
        if full.send(buf).is_err() {
            break;
        }
    }
    Ok(hasher.finalize().into())
}

/// Reads until `buf` is full or the source ends; returns the bytes read.
fn fill(source: &mut (dyn Read + Send), buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match source.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Encrypts into `file`; a write the disk refused comes back from `file` as the error it was.
fn encrypt(
    plain: Receiver<Vec<u8>>,
    recycle: SyncSender<Vec<u8>>,
    encryptor: age::Encryptor,
    file: DirectFile,
    progress: &mut dyn FnMut(u64) -> Flow,
) -> Result<(u64, &'static str), BlobError> {
    let io_err = |e: io::Error| BlobError::Io { op: "write", path: "the staging file".into(), source: e };
    let mut stream = encryptor.wrap_output(file).map_err(io_err)?;
    let mut size = 0u64;
    let mut media_type = None;
    for buf in plain.iter() {
        media_type.get_or_insert_with(|| media::sniff(&buf));
        stream.write_all(&buf).map_err(io_err)?;
        size += buf.len() as u64;
        let _ = recycle.send(buf);
        if progress(size) == Flow::Cancel {
            return Err(BlobError::Cancelled);
        }
    }
    let file = stream.finish().map_err(io_err)?;
    crate::faults::hit("blob.fsync").and_then(|()| file.finish()).map_err(io_err)?;
    Ok((size, media_type.unwrap_or(media::EMPTY)))
}
