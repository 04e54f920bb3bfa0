//! A temporary vault folder, a passphrase file, and helpers to run `custodia` against them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const PASSPHRASE: &str = "correct horse battery staple";

pub struct Env {
    pub dir: tempfile::TempDir,
    pub vault: PathBuf,
    pub pass_file: PathBuf,
}

impl Env {
    /// A folder with a passphrase file, no vault yet.
    pub fn empty() -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let pass_file = dir.path().join("pass.txt");
        std::fs::write(&pass_file, format!("{PASSPHRASE}\n")).expect("pass file");
        let vault = dir.path().join("vault");
        Env { dir, vault, pass_file }
    }

    /// A folder with an initialised vault (cheapest allowed key derivation).
    pub fn new() -> Env {
        let env = Env::empty();
        let out = env.run(&["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2"]);
        assert_success(&out, "init");
        env
    }

    pub fn command(&self) -> Command {
        // CUSTODIA_TEST_BIN: a copy of the binary, for a target folder that other checkouts share and
        // may rebuild while the tests run.
        let bin = std::env::var_os("CUSTODIA_TEST_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_custodia").into());
        let mut cmd = Command::new(bin);
        // English, whatever the machine's locale: the tests read what the command says.
        cmd.env_remove("CUSTODIA_VAULT").env("USER", "tester").env("CUSTODIA_LANG", "en");
        // This computer's copies of checkpoints stay in the test's folder, not the user's.
        cmd.env("XDG_STATE_HOME", self.state_dir());
        // The time-stamping tests talk to 127.0.0.1 only: never through a proxy of the machine's.
        for proxy in ["http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
            cmd.env_remove(proxy);
        }
        cmd
    }

    /// The test's stand-in for the user's state directory (`$XDG_STATE_HOME`).
    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// Forgets what this computer saw of the vault: as on another computer, only checkpoints kept
    /// elsewhere can tell an older copy then.
    pub fn forget_local_checkpoints(&self) {
        let _ = std::fs::remove_dir_all(self.state_dir());
    }

    /// Runs `custodia --vault V --passphrase-file P ARGS...`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command()
            .arg("--vault")
            .arg(&self.vault)
            .arg("--passphrase-file")
            .arg(&self.pass_file)
            .args(args)
            .output()
            .expect("run custodia")
    }

    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write file");
        path
    }
}

/// Copies a folder tree (a vault put aside, or put back).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

pub fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({:?}):\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Parses standard output as JSON lines; fails if any line is not JSON.
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .expect("utf-8 stdout")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l:?}")))
        .collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A small deterministic generator for the crash tests, so a failing run can be replayed from its printed seed.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}
