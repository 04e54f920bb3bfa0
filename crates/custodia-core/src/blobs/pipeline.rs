//! The ingest pipeline: three threads joined by bounded channels, so hashing, encryption and disk writes
//! overlap on a two-core laptop while memory stays fixed (recycled buffers; the ciphertext goes to the
//! writer through `crate::pipe`).
//!
//! reader: read the source, SHA-256 it  ->  main: age-encrypt, report progress  ->  writer: write the
//! ciphertext, pushing it to disk every `SYNC_EVERY` bytes so the final fsync has little left to do.

use super::{BlobError, Flow};
use crate::media;
use crate::pipe::{self, PipeReader, PipeWriter};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread;

const CHUNK: usize = 1 << 20;
/// Plaintext buffers in flight; with the ciphertext pipe this bounds the pipeline's memory to about 9 MiB.
const DEPTH: usize = 4;
const SYNC_EVERY: u64 = 32 << 20;

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
    file: File,
    progress: &mut dyn FnMut(u64) -> Flow,
) -> Result<Encrypted, BlobError> {
    let (plain_tx, plain_rx) = sync_channel::<Vec<u8>>(DEPTH);
    let (free_plain_tx, free_plain_rx) = pool(DEPTH + 2);
    let (sink, ciphertext) = pipe::pipe();

    thread::scope(|scope| {
        let reader = scope.spawn(move || read_and_hash(source, &plain_tx, &free_plain_rx));
        let writer = scope.spawn(move || write_and_sync(file, ciphertext));
        let encrypted = encrypt(plain_rx, free_plain_tx, encryptor, sink, progress);
        // The encryptor has dropped its channel ends, so both threads are finishing.
        let read = reader.join().map_err(|_| BlobError::Encrypt("the reading thread failed".into()))?;
        let written = writer.join().map_err(|_| BlobError::Encrypt("the writing thread failed".into()))?;
        let sha256 = read.map_err(BlobError::SourceRead)?;
        let write_error = |e| BlobError::Io { op: "write", path: "the staging file".into(), source: e };
        match (encrypted, written) {
            (Ok((size, media_type)), written) => {
                written.map_err(write_error)?;
                Ok(Encrypted { sha256, size, media_type })
            }
            // A write error explains an encryptor error (a broken pipe), so it is reported first; a
            // cut-off stream on the writing side is the encryptor's own stop (an error or a cancel).
            (Err(_), Err(e)) if e.kind() != io::ErrorKind::UnexpectedEof => Err(write_error(e)),
            (Err(e), _) => Err(e),
        }
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

fn encrypt(
    plain: Receiver<Vec<u8>>,
    recycle: SyncSender<Vec<u8>>,
    encryptor: age::Encryptor,
    sink: PipeWriter,
    progress: &mut dyn FnMut(u64) -> Flow,
) -> Result<(u64, &'static str), BlobError> {
    let io_err = |e: io::Error| BlobError::Io { op: "encrypt into", path: "the staging file".into(), source: e };
    let mut stream = encryptor.wrap_output(sink).map_err(io_err)?;
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
    stream.finish().and_then(PipeWriter::finish).map_err(io_err)?;
    Ok((size, media_type.unwrap_or(media::EMPTY)))
}

/// Writes the ciphertext, pushing it to disk every `SYNC_EVERY` bytes, then syncs the file. A stream cut
/// off without its end (the encryptor stopped) is an error, and the caller removes the file.
fn write_and_sync(mut file: File, mut ciphertext: PipeReader) -> io::Result<()> {
    let mut unsynced = 0u64;
    while let Some(chunk) = ciphertext.next_chunk()? {
        file.write_all(chunk)?;
        unsynced += chunk.len() as u64;
        if unsynced >= SYNC_EVERY {
            file.sync_data()?;
            unsynced = 0;
        }
    }
    file.sync_all()
}
