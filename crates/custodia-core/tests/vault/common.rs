//! Shared set-up: a vault in a temporary folder with the cheapest allowed key derivation.

use custodia_core::{KdfParams, SecretString, Session, StrengthPolicy, Unlock, Vault};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const PASSPHRASE: &str = "correct horse battery staple";

pub fn pass(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

pub fn unlock() -> Unlock {
    Unlock::Passphrase(pass(PASSPHRASE))
}

pub fn session() -> Session {
    Session::new("Test Documenter", "dev-test").expect("valid session")
}

pub struct TestVault {
    pub dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl TestVault {
    pub fn new() -> TestVault {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("vault");
        Vault::create(&root, &pass(PASSPHRASE), StrengthPolicy::Required, KdfParams::FLOOR, session())
            .expect("create vault")
            .close()
            .expect("close");
        TestVault { dir, root }
    }

    pub fn open(&self) -> Vault {
        Vault::open(&self.root, &unlock(), session()).expect("open vault")
    }

    /// Writes a source file next to the vault (not inside it).
    pub fn source(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write source");
        path
    }

    pub fn blob_files(&self) -> Vec<PathBuf> {
        files_under(&self.root.join("blobs"))
    }
}

/// Every regular file under `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for entry in entries {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every file under `dir` with its bytes: to prove that something changed nothing.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read");
            (p, bytes)
        })
        .collect()
}

/// Always continue.
pub fn go(_: u64) -> custodia_core::Flow {
    custodia_core::Flow::Continue
}

/// The actions of the whole custody log, in order.
pub fn actions(vault: &Vault) -> Vec<String> {
    let mut actions = Vec::new();
    vault
        .for_each_event(|e| {
            actions.push(e.action);
            Ok(())
        })
        .expect("log");
    actions
}

/// Copies a folder tree (a vault put aside, to be put back later).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
