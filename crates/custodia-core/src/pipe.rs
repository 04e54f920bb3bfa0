//! Byte streams between threads, in recycled 256 KiB buffers over bounded channels, so that on a two-core
//! laptop one step of a stream (decrypt, encrypt, hash) runs while another does, with fixed memory.
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

/// The sending end: a `Write` that hands over full buffers. The buffer it fills is always `CHUNK` long,
/// with `filled` bytes written, so that `write_from` can read into the rest of it in place.
pub(crate) struct PipeWriter {
    buf: Vec<u8>,
    filled: usize,
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
        let _ = empty_tx.send(Vec::new());
    }
    (
        PipeWriter { buf: Vec::new(), filled: 0, full: full_tx, empty: empty_rx },
        PipeReader { current: Vec::new(), pos: 0, full: full_rx, empty: empty_tx, ended: false },
    )
}

fn gone() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "the other side of the stream stopped")
}

impl PipeWriter {
    /// The unwritten rest of the current buffer, taking a recycled one first if needed.
    fn space(&mut self) -> io::Result<&mut [u8]> {
        if self.buf.is_empty() {
            self.buf = self.empty.recv().map_err(|_| gone())?;
            // Only a stream's last buffer comes back shorter; a new one is zeroed once.
            self.buf.resize(CHUNK, 0);
            self.filled = 0;
        }
        Ok(&mut self.buf[self.filled..])
    }

    /// Counts `n` bytes written into `space()`, handing the buffer over when it is full.
    fn advance(&mut self, n: usize) -> io::Result<()> {
        self.filled += n;
        if self.filled == CHUNK {
            self.send()?;
        }
        Ok(())
    }

    fn send(&mut self) -> io::Result<()> {
        let mut done = std::mem::take(&mut self.buf);
        done.truncate(self.filled);
        self.filled = 0;
        self.full.send(Msg::Data(done)).map_err(|_| gone())
    }

    /// Lets `read` write up to `max` bytes straight into the pipe's buffer (sparing a copy through a
    /// buffer of the caller's); returns what `read` returned, 0 at its end.
    pub(crate) fn write_from(
        &mut self,
        max: usize,
        read: impl FnOnce(&mut [u8]) -> io::Result<usize>,
    ) -> io::Result<usize> {
        let space = self.space()?;
        let want = space.len().min(max);
        let n = read(&mut space[..want])?.min(want);
        self.advance(n)?;
        Ok(n)
    }

    /// Sends what is buffered and marks the stream complete.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        if self.filled > 0 {
            self.send()?;
        }
        self.full.send(Msg::End).map_err(|_| gone())
    }
}

impl Write for PipeWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let space = self.space()?;
        let n = space.len().min(data.len());
        space[..n].copy_from_slice(&data[..n]);
        self.advance(n)?;
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
                    if !used.is_empty() {
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

    #[test]
    fn reading_in_place_and_writing_mix_in_order_and_never_take_more_than_asked() {
        let data: Vec<u8> = (0..2 * CHUNK + 999).map(|i| (i % 241) as u8).collect();
        let (mut w, mut r) = pipe();
        let sent = data.clone();
        let t = std::thread::spawn(move || {
            let mut source = &sent[..];
            w.write_all(&source[..10]).expect("write");
            source = &source[10..];
            while !source.is_empty() {
                let max = 70_001.min(source.len());
                // Reading a slice moves it past what was read.
                let n = w.write_from(max, |space| source.read(space)).expect("write_from");
                assert!(n > 0 && n <= max);
            }
            assert_eq!(w.write_from(5, |_| Ok(0)).expect("end of source"), 0);
            w.finish().expect("finish");
        });
        let mut got = Vec::new();
        r.read_to_end(&mut got).expect("read");
        t.join().expect("join");
        assert!(got == data);
    }
}
