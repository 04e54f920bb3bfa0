//! age keys at the edges: recipients (`age1...` public keys, one or a file of them), identity files as
//! `age-keygen` writes them, new identities for people who have none, and what opens a bundle (an
//! identity or a passphrase).

use super::words::Fingerprint;
use super::{io_error, BundleError};
use crate::fsutil;
use crate::keys::secret_text::read_bounded;
use age::x25519;
use secrecy::{ExposeSecret, SecretString};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Key files are a few lines; anything larger is not one.
const MAX_KEY_FILE_BYTES: usize = 64 * 1024;

/// What opens a bundle: the recipient's identities, or the passphrase it was sealed with.
pub enum Unlocker {
    Identities { path: PathBuf, identities: Vec<x25519::Identity> },
    Passphrase(SecretString),
}

impl std::fmt::Debug for Unlocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unlocker::Identities { path, identities } => {
                write!(f, "Unlocker::Identities({}, {} key(s))", path.display(), identities.len())
            }
            Unlocker::Passphrase(_) => f.write_str("Unlocker::Passphrase(..)"),
        }
    }
}

/// Parses one age X25519 public key.
pub fn parse_recipient(text: &str) -> Result<x25519::Recipient, BundleError> {
    let text = text.trim();
    text.parse::<x25519::Recipient>().map_err(|e| BundleError::BadRecipient {
        value: text.chars().take(100).collect(),
        reason: if text.starts_with("ssh-") {
            "SSH keys are not supported; use an age key".into()
        } else {
            e.to_string()
        },
    })
}

/// The fingerprint of an age public key: SHA-256 of its `age1...` text.
pub fn recipient_fingerprint(recipient: &x25519::Recipient) -> Fingerprint {
    Fingerprint::of(recipient.to_string().as_bytes())
}

/// Reads a key file into one buffer allocated at its largest size and wiped on drop: an identity file's
/// secret keys never pass through a buffer that grew and was freed unwiped.
fn read_small(path: &Path, what: &'static str) -> Result<Zeroizing<String>, BundleError> {
    let bad = |reason: &str| BundleError::BadIdentityFile { path: path.into(), reason: format!("{what}: {reason}") };
    let file = std::fs::File::open(path).map_err(io_error("open", path))?;
    let bytes = read_bounded(file, MAX_KEY_FILE_BYTES).map_err(io_error("read", path))?;
    if bytes.len() > MAX_KEY_FILE_BYTES {
        return Err(bad("it is far larger than a key file"));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| bad("it is not UTF-8 text"))?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// The lines of a key file that are not blank or comments, with their line numbers.
fn key_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

/// Reads a recipients file (`age -R` format): one `age1...` key a line, `#` comments.
pub fn read_recipients_file(path: &Path) -> Result<Vec<x25519::Recipient>, BundleError> {
    let text = read_small(path, "recipients file")?;
    let mut out = Vec::new();
    for (number, line) in key_lines(&text) {
        out.push(parse_recipient(line).map_err(|e| match e {
            BundleError::BadRecipient { value, reason } => {
                BundleError::BadRecipient { value, reason: format!("{}, line {number}: {reason}", path.display()) }
            }
            other => other,
        })?);
    }
    Ok(out)
}

/// Reads an identity file as `age-keygen` writes it: `AGE-SECRET-KEY-1...` lines and `#` comments.
pub fn read_identity_file(path: &Path) -> Result<Unlocker, BundleError> {
    let text = read_small(path, "identity file")?;
    let mut identities = Vec::new();
    for (number, line) in key_lines(&text) {
        let identity = line.parse::<x25519::Identity>().map_err(|_| BundleError::BadIdentityFile {
            path: path.into(),
            reason: format!(
                "line {number} is not an age secret key (AGE-SECRET-KEY-1...); SSH and plugin keys are not supported"
            ),
        })?;
        identities.push(identity);
    }
    if identities.is_empty() {
        return Err(BundleError::BadIdentityFile { path: path.into(), reason: "it holds no secret key".into() });
    }
    Ok(Unlocker::Identities { path: path.into(), identities })
}

/// A new identity, written to its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedIdentity {
    pub path: PathBuf,
    /// The `age1...` public key to give to senders.
    pub public_key: String,
    pub fingerprint: Fingerprint,
}

/// Makes a new age X25519 identity and writes it to `path` in `age-keygen`'s format, readable only by its
/// owner. Never overwrites a file.
pub fn generate_identity(path: &Path) -> Result<GeneratedIdentity, BundleError> {
    let identity = x25519::Identity::generate();
    let public = identity.to_public();
    let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let secret = identity.to_string();
    let header = format!("# created: {created}\n# public key: {public}\n");
    // Sized once: a `format!` that grows moves the secret key and frees the old buffer unwiped.
    let mut contents = Zeroizing::new(String::with_capacity(header.len() + secret.expose_secret().len() + 1));
    contents.push_str(&header);
    contents.push_str(secret.expose_secret());
    contents.push('\n');
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => BundleError::Io {
            op: "create (it already exists; Custodia never overwrites a key)",
            path: path.into(),
            source: e,
        },
        _ => io_error("create", path)(e),
    })?;
    let written = file.write_all(contents.as_bytes()).and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(io_error("write", path)(e));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fsutil::sync_dir(dir).map_err(io_error("sync", dir))?;
    }
    Ok(GeneratedIdentity {
        path: path.into(),
        public_key: public.to_string(),
        fingerprint: recipient_fingerprint(&public),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_identity_is_private_and_reads_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("key.txt");
        let made = generate_identity(&path).expect("generate");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("stat").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "only the owner may read a secret key");
        }
        let Unlocker::Identities { identities, .. } = read_identity_file(&path).expect("read") else {
            panic!("an identity file gives identities")
        };
        assert_eq!(identities[0].to_public().to_string(), made.public_key);
        assert!(generate_identity(&path).is_err(), "an existing key is never overwritten");
    }

    #[test]
    fn recipients_files_take_keys_and_comments_and_name_bad_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = x25519::Identity::generate().to_public().to_string();
        let path = dir.path().join("r.txt");
        std::fs::write(&path, format!("# the ICC\n{key}\n\n")).expect("write");
        assert_eq!(read_recipients_file(&path).expect("read").len(), 1);
        std::fs::write(&path, format!("{key}\nssh-ed25519 AAAA\n")).expect("write");
        let err = read_recipients_file(&path).expect_err("ssh refused").to_string();
        assert!(err.contains("line 2") && err.contains("SSH"), "{err}");
    }

    #[test]
    fn a_file_without_a_secret_key_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k.txt");
        std::fs::write(&path, "# nothing\n").expect("write");
        assert!(matches!(read_identity_file(&path), Err(BundleError::BadIdentityFile { .. })));
        std::fs::write(&path, "AGE-SECRET-KEY-1NOTAKEY\n").expect("write");
        assert!(matches!(read_identity_file(&path), Err(BundleError::BadIdentityFile { .. })));
    }
}
