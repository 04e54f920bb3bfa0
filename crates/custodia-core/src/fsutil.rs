//! Durable file-system steps shared by the vault's writers: atomic replace, a rename that never replaces,
//! and directory fsync.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Flushes a directory entry to disk, so a rename or a new file inside it survives a power cut.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        // Windows has no directory handles to fsync; NTFS journals renames itself.
        let _ = dir;
        Ok(())
    }
}

/// Bytes free for an unprivileged writer on the file system holding `dir` (unknown elsewhere: `u64::MAX`).
pub fn free_bytes(dir: &Path) -> io::Result<u64> {
    #[cfg(target_os = "linux")]
    {
        let st = rustix::fs::statvfs(dir)?;
        Ok(st.f_bavail.saturating_mul(st.f_frsize))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        Ok(u64::MAX)
    }
}

/// Writes `bytes` to a new file readable only by its owner, fsynced; an existing file is never replaced,
/// and a file left half-written by a failed write is removed.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

/// Replaces `path` with `bytes` so that a crash leaves either the old or the new content, never a mix:
/// write a sibling temp file, fsync it, rename it over `path`, fsync the directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // A bare file name ("w.key.state") has the empty path as parent: that is the current folder.
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
    let name = path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(".new");
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Gives `from` the name `to` unless something already has it (then `AlreadyExists`), in one step: the
/// name is checked by the rename itself, so a file that appears at `to` meanwhile is never replaced.
pub fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        use rustix::io::Errno;
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(()),
            // A file system (or kernel) without renameat2's flags: a hard link refuses an existing name too.
            Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::OPNOTSUPP => {}
            Err(e) => return Err(e.into()),
        }
    }
    fs::hard_link(from, to)?;
    fs::remove_file(from)
}

/// Creates `dir` (and parents) readable only by its owner, and fsyncs its parent. For the vault folder:
/// its contents are encrypted, but their sizes and count are nobody else's business either.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    // An existing empty folder the user chose keeps its mode otherwise.
    #[cfg(unix)]
    fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => sync_dir(parent),
        _ => Ok(()),
    }
}

/// Creates `dir` (and parents) readable only by its owner and fsyncs its parent so the new entry is
/// durable.
pub fn create_dir_durable(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => sync_dir(parent),
        _ => Ok(()),
    }
}

/// Creates an empty file readable only by its owner, for a file another library then fills (SQLite gives
/// its write-ahead log and shared-memory files the mode of the database file).
pub fn create_private_file(path: &Path) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.sync_all()
}

/// Takes group and other permissions away from `path` if it has any (vaults made by older versions had
/// 0644 files and 0755 folders).
pub fn make_private(path: &Path, folder: bool) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::symlink_metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(if folder { 0o700 } else { 0o600 }))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, folder);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_no_replace_moves_a_file_but_never_over_another() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (from, to) = (dir.path().join("from"), dir.path().join("to"));
        fs::write(&from, b"new").expect("write");
        fs::write(&to, b"already here").expect("write");
        let err = rename_no_replace(&from, &to).expect_err("the name is taken");
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists, "{err}");
        assert_eq!(fs::read(&to).expect("read"), b"already here", "the existing file is untouched");
        fs::remove_file(&to).expect("remove");
        rename_no_replace(&from, &to).expect("the name is free");
        assert_eq!(fs::read(&to).expect("read"), b"new");
        assert!(!from.exists(), "the old name is gone");
    }

    #[test]
    fn write_atomic_replaces_content_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("slots.json");
        write_atomic(&path, b"first").expect("first write");
        write_atomic(&path, b"second").expect("second write");
        assert_eq!(fs::read(&path).expect("read"), b"second");
        let names: Vec<_> = fs::read_dir(dir.path()).expect("list").map(|e| e.expect("entry").file_name()).collect();
        assert_eq!(names.len(), 1, "only the target should remain, found {names:?}");
    }
}
