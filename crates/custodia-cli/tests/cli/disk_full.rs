//! A vault on a small ext4 disk filled to different levels: every command ends with an exit code and a
//! message that says the disk is full (never a signal, never "damaged", never advice to put an older copy
//! back), nothing acknowledged is lost, and once space is freed the vault opens and verifies.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A loop-mounted ext4 image of a few MB, unmounted on drop.
struct SmallDisk {
    _dir: tempfile::TempDir,
    mount: PathBuf,
}

impl SmallDisk {
    /// None (with the reason printed) where mounting is not allowed: only root may mount a loop device.
    fn new(megabytes: u32) -> Option<SmallDisk> {
        if !is_root() {
            eprintln!("disk_full: skipped, mounting a small ext4 image needs root (CI runs as root)");
            return None;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let image = dir.path().join("disk.img");
        let mount = dir.path().join("mnt");
        std::fs::create_dir(&mount).expect("mount point");
        let file = std::fs::File::create(&image).expect("image");
        file.set_len(u64::from(megabytes) << 20).expect("image size");
        run_ok(Command::new("mkfs.ext4").args(["-q", "-F", "-m", "0"]).arg(&image));
        run_ok(Command::new("mount").args(["-o", "loop"]).arg(&image).arg(&mount));
        Some(SmallDisk { _dir: dir, mount })
    }

    /// Fills the disk until at most `leave` bytes are free, with one file that `free_up` removes.
    fn fill(&self, leave: u64) {
        use std::io::Write;
        let mut filler =
            std::fs::OpenOptions::new().create(true).append(true).open(self.mount.join("filler")).expect("filler");
        let mut chunk = 1 << 20;
        while chunk >= 1024 {
            while free_bytes(&self.mount) > leave + chunk as u64 {
                if filler.write_all(&vec![0x5a; chunk]).and_then(|()| filler.sync_all()).is_err() {
                    break;
                }
            }
            chunk /= 4;
        }
    }

    fn free_up(&self) {
        std::fs::remove_file(self.mount.join("filler")).expect("remove filler");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn run_ok(cmd: &mut Command) {
    let out = cmd.output().expect("run");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn free_bytes(dir: &Path) -> u64 {
    let out = Command::new("df").args(["-B1", "--output=avail"]).arg(dir).output().expect("df");
    String::from_utf8_lossy(&out.stdout).lines().nth(1).and_then(|l| l.trim().parse().ok()).expect("df number")
}

/// The command ended by itself (no signal) and, when it failed, said so in words about the disk.
fn assert_reported_as_disk_trouble(out: &std::process::Output, what: &str) {
    assert!(out.status.code().is_some(), "{what} was killed by a signal: {:?}", out.status);
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    for bad in ["damaged", "backup", "restore", "error core", "older copy back"] {
        if bad == "older copy back" && err.contains("do not put an older copy back") {
            continue;
        }
        assert!(!err.contains(bad), "{what} must not say {bad:?}: {err}");
    }
    if !out.status.success() {
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains("full") || err.contains("no space"), "{what} must name the full disk: {err}");
    }
}

#[test]
fn a_full_disk_is_reported_as_full_at_every_level_and_loses_nothing_acknowledged() {
    let Some(disk) = SmallDisk::new(24) else { return };
    let mut env = Env::empty();
    env.vault = disk.mount.join("vault");
    assert_success(&env.run(&["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2"]), "init");
    let kept = env.file("kept.txt", b"acknowledged before the disk filled");
    assert_success(&env.run(&["add", path_str(&kept)]), "first add");
    let big = env.file("big.bin", &vec![7u8; 3 << 20]);
    for leave in [0u64, 8 << 10, 40 << 10, 100 << 10, 400 << 10] {
        disk.fill(leave);
        let what = format!("add with {} KiB free", free_bytes(&disk.mount) >> 10);
        let out = env.run(&["add", path_str(&big)]);
        assert_reported_as_disk_trouble(&out, &what);
        assert!(!out.status.success(), "{what}: a 3 MiB file cannot fit");
        let out = env.run(&["list"]);
        assert_reported_as_disk_trouble(&out, &format!("list with {leave} bytes left"));
        disk.free_up();
        let out = env.run(&["verify"]);
        assert_success(&out, &format!("verify after freeing the disk ({what})"));
        let listed = String::from_utf8_lossy(&env.run(&["list", "--json"]).stdout).lines().count();
        assert_eq!(listed, 1, "{what}: the acknowledged item is there and nothing else");
    }
}

/// `list` unlocked with the recovery key in `key_file`.
fn list_with_recovery(env: &Env, key_file: &Path) -> std::process::Output {
    env.command()
        .args(["--vault", path_str(&env.vault), "--recovery-file", path_str(key_file), "list", "--json"])
        .output()
        .expect("run")
}

#[test]
fn a_full_disk_during_recovery_create_leaves_the_old_recovery_key_working() {
    let Some(disk) = SmallDisk::new(24) else { return };
    let mut env = Env::empty();
    env.vault = disk.mount.join("vault");
    assert_success(&env.run(&["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2"]), "init");
    let kept = env.file("kept.txt", b"acknowledged before the disk filled");
    assert_success(&env.run(&["add", path_str(&kept)]), "add");
    let out = env.run(&["recovery", "create", "--json"]);
    assert_success(&out, "first recovery key");
    let mut current = json_lines(&out)[0]["recovery_key"].as_str().expect("key").to_string();
    for leave in [0u64, 8 << 10, 40 << 10, 100 << 10, 400 << 10] {
        let old_file = env.file("old-recovery.txt", current.as_bytes());
        disk.fill(leave);
        let what = format!("recovery create with {} KiB free", free_bytes(&disk.mount) >> 10);
        let out = env.run(&["recovery", "create", "--json"]);
        assert_reported_as_disk_trouble(&out, &what);
        disk.free_up();
        let shown = json_lines(&out).first().and_then(|l| l["recovery_key"].as_str().map(str::to_string));
        let old_opens = list_with_recovery(&env, &old_file).status.success();
        if out.status.success() {
            current = shown.expect("a successful create shows its key");
            assert!(!old_opens, "{what}: done, so the old key is revoked");
        } else {
            assert!(old_opens, "{what}: failed, so the old recovery key still opens: {}", stderr(&out));
        }
        let current_file = env.file("current-recovery.txt", current.as_bytes());
        let listed = list_with_recovery(&env, &current_file);
        assert_success(&listed, &format!("{what}: the recovery key the user holds opens"));
        assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 1, "{what}: the item is there");
        assert_success(&env.run(&["verify"]), &format!("verify after {what}"));
    }
}
