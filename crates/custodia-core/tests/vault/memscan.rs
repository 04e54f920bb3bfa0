//! Searching this process's own memory for secrets, for the tests that check what "Lock now" leaves behind.
//!
//! Linux only: `/proc/self/maps` names the mappings and `/proc/self/mem` reads them with plain file reads.
//! The scanner must not itself keep what it looks for, or it would always find it: a secret is held only
//! XOR-masked with random bytes and unmasked one byte at a time during the comparison, so its plain bytes
//! exist nowhere in memory while the scan runs. Shared with the shell's tests through `#[path]`.

use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Seek, SeekFrom};

/// Random bytes from the standard library's per-process hash keys: unpredictable enough to make marker
/// values unique and masks that no other data in the process shares, without a dependency.
/// Runs `scan` in a child process: this test binary started again with only `test_name` selected and
/// `child_var` set, so the memory scanned holds that scenario and nothing other tests running in parallel
/// left behind. In the child (`child_var` set), runs `scan` itself.
pub fn in_child_process(child_var: &str, test_name: &str, scan: fn()) {
    if std::env::var_os(child_var).is_some() {
        scan();
        return;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = std::process::Command::new(exe)
        .args([test_name, "--exact", "--nocapture", "--test-threads=1"])
        .env(child_var, "1")
        .output()
        .expect("run the child test process");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the child process found secrets after lock:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "the child process must have run the scan:\n{stdout}\n{stderr}");
}

pub fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0x5eed);
    hasher.finish()
}

/// `len` characters drawn from `alphabet`, in a string allocated once at its final size (growing a string
/// leaves copies of its old contents behind in freed memory).
pub fn random_text(alphabet: &[u8], len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut bits = random_u64();
    for i in 0..len {
        if i % 8 == 0 {
            bits = random_u64();
        }
        out.push(char::from(alphabet[(bits & 0xff) as usize % alphabet.len()]));
        bits >>= 8;
    }
    out
}

/// A secret as the scanner keeps it: its bytes XOR a random mask, in UTF-8 and in UTF-16LE (the other
/// encoding a string is likely to take in a web view or a system library).
pub struct Masked {
    pub label: &'static str,
    forms: Vec<(&'static str, Vec<u8>, Vec<u8>)>,
}

fn masked(bytes: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut mask = Vec::with_capacity(bytes.len());
    while mask.len() < bytes.len() {
        // A zero mask byte would leave that byte in clear; none is allowed.
        mask.extend(random_u64().to_le_bytes().into_iter().filter(|b| *b != 0));
    }
    mask.truncate(bytes.len());
    let masked = bytes.iter().zip(&mask).map(|(b, m)| b ^ m).collect();
    (mask, masked)
}

impl Masked {
    /// Masks `secret` (ASCII) and wipes the caller's copy.
    pub fn take(label: &'static str, secret: &mut String) -> Masked {
        assert!(secret.is_ascii(), "markers are ASCII so that their UTF-16 form is simple to build");
        let (mask8, masked8) = masked(secret.as_bytes());
        let mut wide: Vec<u8> = Vec::with_capacity(secret.len() * 2);
        for b in secret.as_bytes() {
            wide.extend_from_slice(&[*b, 0]);
        }
        let (mask16, masked16) = masked(&wide);
        zeroize::Zeroize::zeroize(&mut wide);
        zeroize::Zeroize::zeroize(secret);
        Masked { label, forms: vec![("UTF-8", mask8, masked8), ("UTF-16", mask16, masked16)] }
    }

    /// Unmasks into a new string, for handing the secret to the code under test once.
    pub fn reveal(&self) -> String {
        let (_, mask, masked) = &self.forms[0];
        let mut out = String::with_capacity(mask.len());
        for (m, x) in mask.iter().zip(masked) {
            out.push(char::from(m ^ x));
        }
        out
    }
}

/// Where a secret was found.
pub struct Hit {
    pub label: &'static str,
    pub encoding: &'static str,
    pub address: u64,
    pub mapping: String,
    /// Up to 48 bytes before the hit, printable ASCII kept and the rest as dots: enough to tell an SQL
    /// statement from a JSON request or a name list, without printing the secret itself.
    pub before: String,
}

impl std::fmt::Display for Hit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}) at {:#x} in {} after {:?}",
            self.label, self.encoding, self.address, self.mapping, self.before
        )
    }
}

/// The readable private mappings of this process: (start, end, name).
fn mappings() -> Vec<(u64, u64, String)> {
    let maps = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
    let mut out = Vec::new();
    for line in maps.lines() {
        let mut fields = line.split_whitespace();
        let (Some(range), Some(perms)) = (fields.next(), fields.next()) else { continue };
        let name = fields.nth(3).unwrap_or("[anonymous]").to_string();
        let perms = perms.as_bytes();
        // Shared mappings are files or other processes' memory; what this process freed is private.
        if perms.first() != Some(&b'r') || perms.get(3) != Some(&b'p') || name == "[vvar]" || name == "[vsyscall]" {
            continue;
        }
        let Some((start, end)) = range.split_once('-') else { continue };
        let (Ok(start), Ok(end)) = (u64::from_str_radix(start, 16), u64::from_str_radix(end, 16)) else { continue };
        out.push((start, end, name));
    }
    out
}

fn printable(bytes: &[u8]) -> String {
    bytes.iter().map(|b| if b.is_ascii_graphic() || *b == b' ' { char::from(*b) } else { '.' }).collect()
}

/// Every place in this process's readable private memory where one of `secrets` appears, and how many
/// bytes were read (a scan that read nothing proves nothing).
pub fn scan(secrets: &[&Masked]) -> (Vec<Hit>, u64) {
    const CHUNK: usize = 1 << 20;
    let longest = secrets.iter().flat_map(|s| s.forms.iter().map(|f| f.1.len())).max().unwrap_or(1);
    let mut mem = std::fs::File::open("/proc/self/mem").expect("open /proc/self/mem");
    let mut buf = vec![0u8; CHUNK + longest];
    let mut hits = Vec::new();
    let mut scanned = 0u64;
    for (start, end, name) in mappings() {
        let mut at = start;
        while at < end {
            let want = usize::try_from((end - at).min((CHUNK + longest) as u64)).unwrap_or(CHUNK);
            // Guard pages and some special mappings refuse reads; what cannot be read is skipped.
            if mem.seek(SeekFrom::Start(at)).is_err() {
                break;
            }
            let got = match mem.read(&mut buf[..want]) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            scanned += got as u64;
            let window = &buf[..got];
            for secret in secrets {
                for (encoding, mask, masked) in &secret.forms {
                    let first = mask[0] ^ masked[0];
                    let mut i = 0;
                    while i + mask.len() <= window.len() {
                        if window[i] == first
                            && window[i..i + mask.len()]
                                .iter()
                                .zip(mask.iter().zip(masked))
                                .all(|(b, (m, x))| *b == m ^ x)
                        {
                            let address = at + i as u64;
                            if !hits.iter().any(|h: &Hit| h.address == address) {
                                let from = i.saturating_sub(48);
                                hits.push(Hit {
                                    label: secret.label,
                                    encoding,
                                    address,
                                    mapping: name.clone(),
                                    before: printable(&window[from..i]),
                                });
                            }
                        }
                        i += 1;
                    }
                }
            }
            // Overlap chunks by the longest needle so nothing straddling a boundary is missed.
            if got <= longest || at + got as u64 >= end {
                at += got as u64;
            } else {
                at += (got - longest) as u64;
            }
        }
    }
    (hits, scanned)
}

/// The hits as lines, for an assertion message.
pub fn describe(hits: &[Hit]) -> String {
    let mut out = String::new();
    for hit in hits {
        let _ = writeln!(out, "  {hit}");
    }
    out
}
