//! Byte streams between threads, in recycled 256 KiB buffers over bounded channels, so that on a two-core
//! laptop one step of a stream (decrypt, encrypt, hash, write) runs while another does, with fixed memory.
//! A buffer is small enough to stay in a core's cache between the steps that read it. A stream ends only
//! with an explicit `End`: a writer dropped on an error is an abort, never a short but well-formed file.

use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

pub(crate) const CHUNK: usize = 256 << 10;
/// Buffers in flight; with the spare ones this bounds a pipe to 2.5 MiB.
const DEPTH: usize = 8;

pub(crate) enum Msg {
    Data(Vec<u8>),
    End,
}

/// The sending end: a `Write` that hands over full buffers.
pub(crate) struct PipeWriter {
    buf: Vec<u8>,
    full: SyncSender<Msg>,
    empty: Receiver<Vec<u8>>,
}

/// The receiving end: a `Read` over the buffers, that fails if the sender went away without `End`.
pub(crate) struct PipeReader {
    current: Vec<u8>,
    pos: usize,
    full: Receiver<Msg>,
    empty: SyncSender<Vec<u8>>,
    ended: bool,
}

pub(crate) fn pipe() -> (PipeWriter, PipeReader) {
    let (full_tx, full_rx) = sync_channel(DEPTH);
    let (empty_tx, empty_rx) = sync_channel(DEPTH + 2);
    for _ in 0..DEPTH + 2 {
        let _ = empty_tx.send(Vec::with_capacity(CHUNK));
    }
    (
        PipeWriter { buf: Vec::new(), full: full_tx, empty: empty_rx },
        PipeReader { current: Vec::new(), pos: 0, full: full_rx, empty: empty_tx, ended: false },
    )
}

fn gone() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "the other side of the stream stopped")
}

impl PipeWriter {
    fn send(&mut self) -> io::Result<()> {
        let next = self.empty.recv().map_err(|_| gone())?;
        let done = std::mem::replace(&mut self.buf, next);
        self.buf.clear();
        self.full.send(Msg::Data(done)).map_err(|_| gone())
    }

    /// Sends what is buffered and marks the stream complete.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.send()?;
        }
        self.full.send(Msg::End).map_err(|_| gone())
    }
}

impl Write for PipeWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.capacity() == 0 {
            self.buf = self.empty.recv().map_err(|_| gone())?;
            self.buf.clear();
        }
        let n = (CHUNK - self.buf.len()).min(data.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl PipeReader {
    /// Waits for unread bytes; false once the stream has ended.
    fn refill(&mut self) -> io::Result<bool> {
        while self.pos == self.current.len() {
            if self.ended {
                return Ok(false);
            }
            match self.full.recv() {
                Ok(Msg::Data(next)) => {
                    let used = std::mem::replace(&mut self.current, next);
                    if used.capacity() > 0 {
                        let _ = self.empty.send(used);
                    }
                    self.pos = 0;
                }
                Ok(Msg::End) => self.ended = true,
                Err(_) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the stream was cut off")),
            }
        }
        Ok(true)
    }

    /// The next unread bytes, as they arrived, without copying them; `None` at the end of the stream.
    pub(crate) fn next_chunk(&mut self) -> io::Result<Option<&[u8]>> {
        if !self.refill()? {
            return Ok(None);
        }
        let start = std::mem::replace(&mut self.pos, self.current.len());
        Ok(Some(&self.current[start..]))
    }
}

impl Read for PipeReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if !self.refill()? {
            return Ok(0);
        }
        let n = out.len().min(self.current.len() - self.pos);
        out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A writer that hashes and counts what passes through it.
pub(crate) struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    count: u64,
}

impl<W: Write> HashingWriter<W> {
    pub(crate) fn new(inner: W) -> Self {
        HashingWriter { inner, hasher: Sha256::new(), count: 0 }
    }

    pub(crate) fn finish(self) -> (W, [u8; 32], u64) {
        (self.inner, self.hasher.finalize().into(), self.count)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(data)?;
        self.hasher.update(&data[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A reader that hashes and counts what passes through it.
pub(crate) struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    count: u64,
}

impl<R: Read> HashingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        HashingReader { inner, hasher: Sha256::new(), count: 0 }
    }

    pub(crate) fn finish(self) -> ([u8; 32], u64) {
        (self.hasher.finalize().into(), self.count)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.hasher.update(&out[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_cross_intact_and_a_writer_dropped_without_finish_is_an_error() {
        let data: Vec<u8> = (0..3 * CHUNK + 17).map(|i| (i % 251) as u8).collect();
        let (mut w, mut r) = pipe();
        let sent = data.clone();
        let t = std::thread::spawn(move || {
            w.write_all(&sent).expect("write");
            w.finish().expect("finish");
        });
        let mut got = Vec::new();
        r.read_to_end(&mut got).expect("read");
        t.join().expect("join");
        assert!(got == data);

        let (mut w, mut r) = pipe();
        let t = std::thread::spawn(move || {
            w.write_all(&[1u8; 10]).expect("write");
            drop(w);
        });
        let err = r.read_to_end(&mut Vec::new()).expect_err("cut off");
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        t.join().expect("join");
    }
}
