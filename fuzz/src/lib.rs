//! The one shared set-up of Custodia's fuzz targets: temporary files for the parsers that read files, a
//! fixed age identity the seed bundles are sealed to, a fixed Ed25519 key the seed notes are signed with,
//! the little format that packs a bag's files into one input, and a reader of fixed-size fields for the
//! binary targets. The shell's IPC types are compiled here from their own source, without
//! Tauri, so the target fuzzes the very code the shell runs.

use custodia_core::bundle::{verify_bundle, BundleError, BundleReport, Limits, Unlocker};
use custodia_core::Flow;
use std::io::Write;
use std::path::{Path, PathBuf};

#[path = "../../src-tauri/src/ipc/mod.rs"]
#[allow(dead_code, clippy::all)]
pub mod ipc;

/// A key made for fuzzing and published here on purpose: the seed bundles are sealed to it, so that the
/// fuzzer gets past the age layer. It protects nothing.
pub const FUZZ_IDENTITY: &str = "AGE-SECRET-KEY-1LD636ZWU32GMYLXJAPLRQ9HS78GYF04HYZ9AFAPJT8XRNCFMDDCS494YFL";

/// The seed of the Ed25519 key that signs the seed checkpoints (also public on purpose).
pub const FUZZ_SIGNING_SEED: [u8; 32] = [7; 32];

/// Marks the start of each file in a packed bag: `\n=== FILE <path>\n<content>`.
pub const FILE_MARK: &[u8] = b"\n=== FILE ";

pub fn identity() -> age::x25519::Identity {
    FUZZ_IDENTITY.parse().expect("the fuzzing identity is a valid age key")
}

pub fn signing_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&FUZZ_SIGNING_SEED)
}

/// Writes `bytes` to a new file in the system's temporary folder whose name ends in `name`, runs `f` on its
/// path, and removes it: nothing is written anywhere else, and nothing is left behind.
pub fn with_file<T>(name: &str, bytes: &[u8], f: impl FnOnce(&Path) -> T) -> T {
    let mut file = tempfile::Builder::new().prefix("custodia-fuzz-").suffix(name).tempfile().expect("a temporary file");
    file.write_all(bytes).expect("the temporary folder is writable");
    f(file.path())
}

/// Seals `plain` with age to the fuzzing identity, as an export seals a bag.
pub fn seal(plain: &[u8]) -> Vec<u8> {
    let recipient = identity().to_public();
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).expect("one recipient");
    let mut out = Vec::with_capacity(plain.len() + 512);
    let mut writer = encryptor.wrap_output(&mut out).expect("writing to memory");
    writer.write_all(plain).expect("writing to memory");
    writer.finish().expect("writing to memory");
    out
}

/// Verifies the bundle at `path` with the fuzzing identity and the default limits, as `bundle verify` does.
pub fn verify(path: &Path) -> Result<BundleReport, BundleError> {
    let unlocker = Unlocker::Identities { path: PathBuf::from("fuzz.key"), identities: vec![identity()] };
    verify_bundle(path, &unlocker, None, &Limits::default(), &mut |_| Flow::Continue)
}

/// Unpacks a bag packed with `pack_files`; bytes before the first mark are ignored.
pub fn unpack_files(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut marks = Vec::new();
    let mut from = 0;
    while let Some(at) = find(&data[from..], FILE_MARK) {
        marks.push(from + at);
        from += at + FILE_MARK.len();
    }
    let ends = marks.iter().skip(1).copied().chain(std::iter::once(data.len()));
    marks
        .iter()
        .zip(ends)
        .map(|(&start, end)| {
            let (path, content) = split_line(&data[start + FILE_MARK.len()..end]);
            (String::from_utf8_lossy(path).into_owned(), content.to_vec())
        })
        .collect()
}

/// Packs files so that `unpack_files` gives them back (for the seeds).
pub fn pack_files(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (path, content) in files {
        out.extend_from_slice(FILE_MARK);
        out.extend_from_slice(path.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(content);
    }
    out
}

fn split_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|b| *b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads fixed-size fields from the front of an input, padding with zeros when it runs out.
#[derive(Debug)]
pub struct Fields<'a>(pub &'a [u8]);

impl Fields<'_> {
    pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let n = N.min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        out
    }

    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.bytes())
    }

    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.bytes())
    }

    /// What is left, as 32-byte hashes (a short tail is dropped).
    pub fn hashes(&self) -> Vec<[u8; 32]> {
        self.0.chunks_exact(32).map(|c| c.try_into().expect("32 bytes")).collect()
    }
}
