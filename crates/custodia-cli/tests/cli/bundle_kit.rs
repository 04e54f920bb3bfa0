//! Shared set-up for the bundle tests: outside tools (which must be installed: a missing tool fails the
//! test, it never skips it), a vault with files exported to a key made by `age-keygen`, and a way to
//! rebuild a bundle's tar with changes and seal it again, as an attacker with the recipient's key could.

use crate::common::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// An outside program from `PATH`. Panics with the fix when it is missing.
pub fn tool(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("{name} is not installed; run scripts/install-deps.sh (make test does)"))
}

/// Python `bagit`, installed by scripts/install-deps.sh in its own virtual environment.
pub fn bagit_py() -> PathBuf {
    let home = std::env::var_os("HOME").expect("HOME is set");
    let path = Path::new(&home).join(".cache/custodia/venv/bin/bagit.py");
    assert!(path.is_file(), "{} is missing; run scripts/install-deps.sh (make test does)", path.display());
    path
}

/// Runs a command and asserts that it succeeded.
pub fn run_ok(cmd: &mut Command, what: &str) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert_success(&out, what);
    out
}

/// A key pair made by Go's `age-keygen`: the identity file and the public key.
pub fn age_keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let key = dir.join(format!("{name}.txt"));
    run_ok(Command::new(tool("age-keygen")).arg("-o").arg(&key), "age-keygen");
    let text = std::fs::read_to_string(&key).expect("key file");
    let public = text
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .expect("age-keygen writes the public key as a comment")
        .to_string();
    (key, public)
}

/// Files to collect: names that test the bag's file name rules, contents that test streaming.
pub fn sample_files() -> Vec<(&'static str, Vec<u8>)> {
    let video: Vec<u8> = (0..3 * 1024 * 1024 + 17).map(|i: u32| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    vec![
        ("interview-07.m4a", video),
        ("photo 50%.jpg", b"\xff\xd8\xff\xe0 not really a photo".to_vec()),
        ("شهادة الشاهد.txt", "شهادة مكتوبة".as_bytes().to_vec()),
        ("empty.bin", Vec::new()),
    ]
}

/// A vault holding `files`, returning each item's id in order.
pub fn vault_with(env: &Env, files: &[(&str, Vec<u8>)]) -> Vec<String> {
    files
        .iter()
        .map(|(name, bytes)| {
            let path = env.file(name, bytes);
            let out = env.run(&["add", path_str(&path), "--json"]);
            assert_success(&out, "add");
            json_lines(&out)[0]["id"].as_str().expect("id").to_string()
        })
        .collect()
}

/// Exports `ids` to `recipient` for the ICC; returns the bundle path and the export's JSON.
pub fn export(env: &Env, ids: &[String], recipient: &str, name: &str) -> (PathBuf, serde_json::Value) {
    let bundle = env.dir.path().join(format!("{name}.custodia.age"));
    let mut args = vec!["export", "--recipient", recipient, "--recipient-kind", "icc", "--output", path_str(&bundle)];
    args.push("--items");
    args.extend(ids.iter().map(String::as_str));
    args.push("--json");
    let out = env.run(&args);
    assert_success(&out, "export");
    (bundle, json_lines(&out).remove(0))
}

/// `custodia` without a vault: the receiving side.
pub fn custodia(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_custodia")).env_remove("CUSTODIA_VAULT").args(args).output().expect("run custodia")
}

/// Decrypts a bundle in-process (the age crate) into its tar entries.
pub fn unseal(bundle: &Path, key: &Path) -> Vec<(String, Vec<u8>)> {
    let text = std::fs::read_to_string(key).expect("key");
    let identity: age::x25519::Identity =
        text.lines().find(|l| l.starts_with("AGE-SECRET-KEY-")).expect("secret").parse().expect("identity");
    let file = std::fs::File::open(bundle).expect("open");
    let decryptor = age::Decryptor::new(file).expect("age header");
    let mut plain = Vec::new();
    decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .expect("decrypt")
        .read_to_end(&mut plain)
        .expect("read");
    let mut archive = tar::Archive::new(&plain[..]);
    let mut entries = Vec::new();
    for entry in archive.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        let path = entry.path().expect("path").to_string_lossy().into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("data");
        entries.push((path, data));
    }
    entries
}

/// Seals tar bytes with age to `recipient`, as a sender (or an attacker) with the age crate would.
pub fn seal(tar_bytes: &[u8], recipient: &str, out: &Path) {
    let recipient: age::x25519::Recipient = recipient.parse().expect("recipient");
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).expect("encryptor");
    let file = std::fs::File::create(out).expect("create");
    let mut writer = encryptor.wrap_output(file).expect("wrap");
    writer.write_all(tar_bytes).expect("write");
    writer.finish().expect("finish");
}

/// A tar of regular files, in order.
pub fn tar_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        builder.append_data(&mut header, path, &data[..]).expect("append");
    }
    builder.into_inner().expect("finish")
}

/// A raw header for hand-made hostile entries: the name bytes exactly as given.
pub fn raw_header(name: &[u8], kind: tar::EntryType, size: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.as_gnu_mut().expect("gnu").name[..name.len()].copy_from_slice(name);
    header.set_entry_type(kind);
    header.set_size(size);
    header.set_mode(0o644);
    header.set_cksum();
    header
}

/// Every file and folder under `dir`, relative, sorted.
pub fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let path = entry.expect("entry").path();
            out.push(path.strip_prefix(base).expect("inside").to_string_lossy().into_owned());
            if path.is_dir() && !path.is_symlink() {
                walk(base, &path, out);
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}
