//! Writing a bundle around the page cache. A bundle is written once and not read back by this process, so
//! copying gigabytes into the page cache only to flush them later costs CPU (the kernel's copy, and finding
//! free pages for it) and leaves the final fsync waiting for the disk. On Linux the file is opened with
//! `O_DIRECT`: whole 1 MiB blocks go from an aligned buffer to the disk, and the tail block is padded and
//! cut back with `set_len`. Where the file system refuses `O_DIRECT` (tmpfs on older kernels, some FUSE
//! mounts, other systems), the same bytes are written the ordinary way and pushed to disk as they go.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread;

/// Alignment of buffer addresses, lengths and file offsets that every Linux file system accepts.
const ALIGN: usize = 4096;
/// Bytes per direct write.
const BLOCK: usize = 1 << 20;
/// Written bytes between background flushes to disk when writing the ordinary way, so that the final
/// fsync has little left to wait for.
const SYNC_EVERY: u64 = 64 << 20;

/// A new file, written in order and synced by `finish`.
pub(crate) struct BundleFile {
    file: File,
    mode: Mode,
    written: u64,
}

enum Mode {
    /// `buf[start..start + BLOCK]` is aligned; `filled` bytes of it wait to be written.
    Direct {
        buf: Vec<u8>,
        start: usize,
        filled: usize,
    },
    Buffered {
        unsynced: u64,
        kick: Option<SyncSender<()>>,
        flusher: Option<thread::JoinHandle<()>>,
    },
}

/// Creates `path`, which must not exist, readable only by its owner.
pub(crate) fn create(path: &Path) -> io::Result<BundleFile> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    if set_direct(&file, true) {
        let buf = vec![0u8; BLOCK + ALIGN];
        let start = buf.as_ptr().align_offset(ALIGN);
        return Ok(BundleFile { file, mode: Mode::Direct { buf, start, filled: 0 }, written: 0 });
    }
    buffered(file, 0)
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

fn buffered(file: File, written: u64) -> io::Result<BundleFile> {
    let flusher = file.try_clone()?;
    let (kick, kicks) = sync_channel::<()>(1);
    let flusher = thread::spawn(move || {
        for () in kicks.iter() {
            let _ = flusher.sync_data();
        }
    });
    let mode = Mode::Buffered { unsynced: 0, kick: Some(kick), flusher: Some(flusher) };
    Ok(BundleFile { file, mode, written })
}

impl BundleFile {
    pub(crate) fn write(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            match &mut self.mode {
                Mode::Direct { buf, start, filled } => {
                    let n = (BLOCK - *filled).min(data.len());
                    buf[*start + *filled..*start + *filled + n].copy_from_slice(&data[..n]);
                    *filled += n;
                    data = &data[n..];
                    if *filled == BLOCK {
                        self.write_block(BLOCK)?;
                    }
                }
                Mode::Buffered { unsynced, kick, .. } => {
                    self.file.write_all(data)?;
                    self.written += data.len() as u64;
                    *unsynced += data.len() as u64;
                    if *unsynced >= SYNC_EVERY {
                        // A flush already under way is enough: never wait for it here.
                        let _ = kick.as_ref().map(|k| k.try_send(()));
                        *unsynced = 0;
                    }
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Writes the first `len` (aligned) bytes of the direct buffer. A file system that took `O_DIRECT`
    /// but refuses the first write is written the ordinary way instead.
    fn write_block(&mut self, len: usize) -> io::Result<()> {
        let Mode::Direct { buf, start, filled } = &mut self.mode else { return Ok(()) };
        match self.file.write_all(&buf[*start..*start + len]) {
            Ok(()) => {
                self.written += len as u64;
                *filled = 0;
                Ok(())
            }
            Err(e) if self.written == 0 && e.kind() == io::ErrorKind::InvalidInput && set_direct(&self.file, false) => {
                let pending = buf[*start..*start + *filled].to_vec();
                let file = self.file.try_clone()?;
                *self = buffered(file, 0)?;
                self.write(&pending)
            }
            Err(e) => Err(e),
        }
    }

    /// Writes what is left, then syncs the file's bytes and size to disk.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        if let Mode::Direct { filled, .. } = self.mode {
            if filled > 0 {
                let size = self.written + filled as u64;
                let padded = filled.next_multiple_of(ALIGN);
                if let Mode::Direct { buf, start, .. } = &mut self.mode {
                    buf[*start + filled..*start + padded].fill(0);
                }
                self.write_block(padded)?;
                self.file.set_len(size)?;
            }
        }
        self.stop_flushing();
        self.file.sync_all()
    }

    fn stop_flushing(&mut self) {
        if let Mode::Buffered { kick, flusher, .. } = &mut self.mode {
            drop(kick.take());
            let _ = flusher.take().map(|f| f.join());
        }
    }
}

impl Drop for BundleFile {
    fn drop(&mut self) {
        self.stop_flushing();
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
                file.write(piece).expect("write");
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
        let mut file = buffered(file, 0).expect("buffered");
        for piece in data.chunks(300_000) {
            file.write(piece).expect("write");
        }
        file.finish().expect("finish");
        assert!(std::fs::read(&path).expect("read") == data);
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
