//! Writing a new file around the page cache: a stored copy at ingest, a bundle at export. Each is written
//! once and not read back by the process writing it, so copying gigabytes into the page cache only to
//! flush them later costs CPU (the kernel's copy, and finding free pages for it) and leaves the final
//! fsync waiting for the disk. On Linux the file is opened with
//! `O_DIRECT`: whole 1 MiB blocks go from an aligned buffer to the disk, and the tail block is padded and
//! cut back with `set_len`. Where the file system refuses `O_DIRECT` (tmpfs on older kernels, some FUSE
//! mounts, other systems), the same bytes are written the ordinary way and pushed to disk as they go.
//! Writes happen on a thread of their own, so that the thread encrypting the file never waits for the
//! disk while a free block is left.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread;

/// Alignment of buffer addresses, lengths and file offsets that every Linux file system accepts.
const ALIGN: usize = 4096;
/// Bytes per write.
const BLOCK: usize = 1 << 20;
/// Blocks in all: one being filled, the others on their way to the disk or back.
const BLOCKS: usize = 3;
/// Written bytes between background flushes to disk when writing the ordinary way, so that the final
/// fsync has little left to wait for.
const SYNC_EVERY: u64 = 64 << 20;

/// A new file, written in order by a thread of its own (so that a write waiting for the disk does not
/// hold up the caller) and synced by `finish`.
pub(crate) struct DirectFile {
    block: Block,
    filled: usize,
    to_disk: Option<SyncSender<ToDisk>>,
    free: Receiver<Block>,
    disk: Option<thread::JoinHandle<io::Result<()>>>,
}

/// `buf[start..start + BLOCK]` is aligned; a `Vec` keeps its address when it is moved between threads.
/// Allocated when first written: a small file (a photo, a note) only ever uses one block.
#[derive(Default)]
struct Block {
    buf: Vec<u8>,
    start: usize,
}

impl Block {
    fn bytes(&mut self) -> &mut [u8] {
        if self.buf.is_empty() {
            self.buf = vec![0u8; BLOCK + ALIGN];
            self.start = self.buf.as_ptr().align_offset(ALIGN);
        }
        &mut self.buf[self.start..self.start + BLOCK]
    }
}

enum ToDisk {
    /// A block and how many of its bytes to write; only the last one is not full.
    Write(Block, usize),
    /// Everything was written: finish the file. A writer that goes away without it leaves the file
    /// unfinished, for its caller to remove.
    End,
}

/// Creates `path`, which must not exist, readable only by its owner.
pub(crate) fn create(path: &Path) -> io::Result<DirectFile> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    let direct = set_direct(&file, true);
    Ok(start(Disk::new(file, direct)?))
}

fn start(disk: Disk) -> DirectFile {
    let (to_disk, blocks) = sync_channel(BLOCKS);
    let (give_back, free) = sync_channel(BLOCKS);
    for _ in 1..BLOCKS {
        let _ = give_back.send(Block::default());
    }
    let disk = thread::spawn(move || disk.run(blocks, give_back));
    DirectFile { block: Block::default(), filled: 0, to_disk: Some(to_disk), free, disk: Some(disk) }
}

/// Turns `O_DIRECT` on or off; false where the file system does not support it.
#[cfg(target_os = "linux")]
fn set_direct(file: &File, on: bool) -> bool {
    use rustix::fs::{fcntl_getfl, fcntl_setfl, OFlags};
    let Ok(flags) = fcntl_getfl(file) else { return false };
    let flags = if on { flags | OFlags::DIRECT } else { flags - OFlags::DIRECT };
    fcntl_setfl(file, flags).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn set_direct(_file: &File, on: bool) -> bool {
    !on
}

impl DirectFile {
    /// Hands the current block to the disk thread and takes a free one.
    fn hand_over(&mut self) -> io::Result<()> {
        let next = match self.free.recv() {
            Ok(block) => block,
            Err(_) => return Err(self.failure()),
        };
        let full = std::mem::replace(&mut self.block, next);
        let len = std::mem::take(&mut self.filled);
        let sent = self.to_disk.as_ref().map(|d| d.send(ToDisk::Write(full, len)));
        match sent {
            Some(Ok(())) => Ok(()),
            _ => Err(self.failure()),
        }
    }

    /// The disk thread's error, once it has stopped.
    fn failure(&mut self) -> io::Error {
        self.to_disk = None;
        match self.disk.take().map(|d| d.join()) {
            Some(Ok(Err(e))) => e,
            _ => io::Error::other("the thread writing the file stopped"),
        }
    }

    /// Writes what is left, then syncs the file's bytes and size to disk.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        if self.filled > 0 {
            self.hand_over()?;
        }
        if let Some(to_disk) = self.to_disk.take() {
            let _ = to_disk.send(ToDisk::End);
        }
        match self.disk.take().map(|d| d.join()) {
            Some(Ok(done)) => done,
            _ => Err(io::Error::other("the thread writing the file stopped")),
        }
    }
}

impl Write for DirectFile {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = (BLOCK - self.filled).min(data.len());
        let filled = self.filled;
        self.block.bytes()[filled..filled + n].copy_from_slice(&data[..n]);
        self.filled += n;
        if self.filled == BLOCK {
            self.hand_over()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for DirectFile {
    fn drop(&mut self) {
        // Without `End` the disk thread stops at once, leaving the file unfinished.
        self.to_disk = None;
        let _ = self.disk.take().map(|d| d.join());
    }
}

/// The disk thread's side: the file, and how it is being written.
struct Disk {
    file: File,
    direct: bool,
    /// Bytes of the stream written; the file is longer by the padding of a last direct block.
    written: u64,
    padded: bool,
    unsynced: u64,
    flusher: Option<(SyncSender<()>, thread::JoinHandle<()>)>,
}

impl Disk {
    fn new(file: File, direct: bool) -> io::Result<Self> {
        let mut disk = Disk { file, direct, written: 0, padded: false, unsynced: 0, flusher: None };
        if !direct {
            disk.start_flusher()?;
        }
        Ok(disk)
    }

    fn run(mut self, blocks: Receiver<ToDisk>, give_back: SyncSender<Block>) -> io::Result<()> {
        for message in blocks.iter() {
            match message {
                ToDisk::Write(mut block, len) => {
                    self.write(&mut block, len)?;
                    let _ = give_back.send(block);
                }
                ToDisk::End => return self.finish(),
            }
        }
        self.stop_flushing();
        Err(io::Error::new(io::ErrorKind::BrokenPipe, "the file was not finished"))
    }

    fn write(&mut self, block: &mut Block, len: usize) -> io::Result<()> {
        if self.padded {
            return Err(io::Error::other("a block came after the last one"));
        }
        if self.direct {
            let padded = len.next_multiple_of(ALIGN);
            block.bytes()[len..padded].fill(0);
            match self.file.write_all(&block.bytes()[..padded]) {
                Ok(()) => {
                    self.written += len as u64;
                    self.padded = padded != len;
                    return Ok(());
                }
                // A file system that took `O_DIRECT` but refuses the first write is written the
                // ordinary way instead.
                Err(e)
                    if self.written == 0
                        && e.kind() == io::ErrorKind::InvalidInput
                        && set_direct(&self.file, false) =>
                {
                    self.direct = false;
                    self.start_flusher()?;
                }
                Err(e) => return Err(e),
            }
        }
        self.file.write_all(&block.bytes()[..len])?;
        self.written += len as u64;
        self.unsynced += len as u64;
        if self.unsynced >= SYNC_EVERY {
            // A flush already under way is enough: never wait for it here.
            let _ = self.flusher.as_ref().map(|(kick, _)| kick.try_send(()));
            self.unsynced = 0;
        }
        Ok(())
    }

    fn start_flusher(&mut self) -> io::Result<()> {
        let file = self.file.try_clone()?;
        let (kick, kicks) = sync_channel::<()>(1);
        let flusher = thread::spawn(move || {
            for () in kicks.iter() {
                let _ = file.sync_data();
            }
        });
        self.flusher = Some((kick, flusher));
        Ok(())
    }

    fn stop_flushing(&mut self) {
        if let Some((kick, flusher)) = self.flusher.take() {
            drop(kick);
            let _ = flusher.join();
        }
    }

    fn finish(mut self) -> io::Result<()> {
        if self.padded {
            self.file.set_len(self.written)?;
        }
        self.stop_flushing();
        self.file.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 253) as u8).collect()
    }

    #[test]
    fn every_size_around_the_block_and_alignment_lands_exactly() {
        let dir = tempfile::tempdir().expect("tempdir");
        for len in [0, 1, ALIGN - 1, ALIGN, ALIGN + 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 4097] {
            let data = pattern(len);
            let path = dir.path().join(format!("{len}.bin"));
            let mut file = create(&path).expect("create");
            for piece in data.chunks(65_552) {
                file.write_all(piece).expect("write");
            }
            file.finish().expect("finish");
            assert!(std::fs::read(&path).expect("read") == data, "{len} bytes");
        }
    }

    #[test]
    fn the_ordinary_way_writes_the_same_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = pattern(2 * BLOCK + 17);
        let path = dir.path().join("buffered.bin");
        let file = OpenOptions::new().write(true).create_new(true).open(&path).expect("create");
        let mut file = start(Disk::new(file, false).expect("buffered"));
        for piece in data.chunks(300_000) {
            file.write_all(piece).expect("write");
        }
        file.finish().expect("finish");
        assert!(std::fs::read(&path).expect("read") == data);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_write_the_disk_refuses_is_reported_by_write_or_finish() {
        let full = OpenOptions::new().write(true).open("/dev/full").expect("open /dev/full");
        let mut file = start(Disk::new(full, false).expect("buffered"));
        let data = pattern(BLOCKS * BLOCK + 1);
        let result = file.write_all(&data).and_then(|()| file.finish());
        assert_eq!(result.err().map(|e| e.raw_os_error()), Some(Some(28)), "ENOSPC");
    }

    #[test]
    fn an_existing_file_is_never_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("taken");
        std::fs::write(&path, b"keep").expect("write");
        assert_eq!(create(&path).err().map(|e| e.kind()), Some(io::ErrorKind::AlreadyExists));
        assert_eq!(std::fs::read(&path).expect("read"), b"keep");
    }
}
