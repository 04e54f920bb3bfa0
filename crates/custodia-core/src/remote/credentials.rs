//! A remote's credentials: `KEY=VALUE` lines from a file the user wrote (bounded, checked), kept only in
//! the encrypted database, held in memory that is wiped on drop and never printed (`Debug` names the
//! keys, not the values).

use super::url::RemoteUrl;
use super::RemoteError;
use std::collections::BTreeMap;
use std::fmt;
use zeroize::Zeroizing;

/// A credentials file larger than this is not a credentials file.
pub const MAX_CREDENTIALS_BYTES: usize = 16 * 1024;
/// At most this many `KEY=VALUE` lines.
const MAX_ENTRIES: usize = 16;

/// The keys each kind of remote takes.
fn allowed(url: &RemoteUrl) -> &'static [&'static str] {
    match url {
        RemoteUrl::Folder { .. } => &[],
        RemoteUrl::WebDav { .. } => &["user", "password", "token"],
        RemoteUrl::S3 { .. } => &["access_key_id", "secret_access_key", "session_token"],
        RemoteUrl::Sftp { .. } => &["key_file", "known_hosts"],
    }
}

/// The keys whose value is a file on this computer (the SFTP private key, a known_hosts file): kept as a
/// path, never as the file's content, and absolute (or from the home folder, `~/`) so that it names the
/// same file whatever folder the program is started from.
const PATH_KEYS: [&str; 2] = ["key_file", "known_hosts"];

/// Checked `KEY=VALUE` pairs for one remote.
#[derive(Default, Clone)]
pub struct Credentials {
    entries: BTreeMap<String, Zeroizing<String>>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials").field("keys", &self.entries.keys().collect::<Vec<_>>()).finish()
    }
}

impl Credentials {
    /// Reads `KEY=VALUE` lines (blank lines and `#` comments allowed) for a remote at `url`: every key one
    /// that kind of remote takes, none twice, no control characters in a value.
    pub fn parse(bytes: &[u8], url: &RemoteUrl) -> Result<Credentials, RemoteError> {
        let bad = |line: usize, why: &'static str| RemoteError::BadCredentials { line, why };
        if bytes.len() > MAX_CREDENTIALS_BYTES {
            return Err(RemoteError::CredentialsTooLarge { max: MAX_CREDENTIALS_BYTES });
        }
        let text = std::str::from_utf8(bytes).map_err(|_| bad(0, "it is not UTF-8 text"))?;
        let mut entries = BTreeMap::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (key, value) = line.split_once('=').ok_or(bad(number, "a line is not KEY=VALUE"))?;
            let key = key.trim();
            if !allowed(url).contains(&key) {
                return Err(RemoteError::UnknownCredential { line: number, allowed: allowed(url).join(", ") });
            }
            if value.is_empty() || value.chars().any(char::is_control) {
                return Err(bad(number, "a value is empty or holds control characters"));
            }
            if PATH_KEYS.contains(&key) && !(value.starts_with('/') || value.starts_with("~/")) {
                return Err(bad(number, "a file's path must be absolute (/...) or start with ~/"));
            }
            if entries.len() >= MAX_ENTRIES {
                return Err(bad(number, "too many lines"));
            }
            if entries.insert(key.to_string(), Zeroizing::new(value.to_string())).is_some() {
                return Err(bad(number, "a key is given twice"));
            }
        }
        Ok(Credentials { entries })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(|v| v.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The keys given (never the values), for listings.
    pub fn keys(&self) -> Vec<String> {
        self.entries.keys().cloned().collect()
    }

    /// The stored form (inside the encrypted database only): JSON of the pairs, in a wiped buffer.
    pub(crate) fn to_stored(&self) -> Zeroizing<Vec<u8>> {
        let map: BTreeMap<&str, &str> = self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Zeroizing::new(serde_json::to_vec(&map).unwrap_or_default())
    }

    pub(crate) fn from_stored(bytes: &[u8]) -> Option<Credentials> {
        let map: BTreeMap<String, String> = serde_json::from_slice(bytes).ok()?;
        Some(Credentials { entries: map.into_iter().map(|(k, v)| (k, Zeroizing::new(v))).collect() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dav() -> RemoteUrl {
        RemoteUrl::parse("dav://127.0.0.1:8080/dav").expect("address")
    }

    #[test]
    fn key_value_lines_with_comments_are_read() {
        let c =
            Credentials::parse(b"# the NGO's Nextcloud\nuser=amal\npassword = s3cr=t\r\n\n", &dav()).expect("parses");
        assert_eq!(c.get("user"), Some("amal"));
        assert_eq!(c.get("password"), Some(" s3cr=t"), "the value is everything after the first '='");
        assert!(!format!("{c:?}").contains("s3cr"), "Debug never shows a value");
        let back = Credentials::from_stored(&c.to_stored()).expect("stored form reads back");
        assert_eq!(back.get("password"), Some(" s3cr=t"));
    }

    #[test]
    fn bad_credentials_files_are_refused() {
        for bad in
            [&b"user"[..], b"user=a\nuser=b", b"colour=blue", b"access_key_id=x", b"user=a\x07b", b"user=", b"\xff=1"]
        {
            assert!(Credentials::parse(bad, &dav()).is_err(), "{:?} should be refused", String::from_utf8_lossy(bad));
        }
        let sftp = RemoteUrl::parse("sftp://amal@127.0.0.1:2222/srv/copies").expect("address");
        for bad in
            [&b"key_file=id_ed25519"[..], b"known_hosts=./known_hosts", b"password=x", b"key_file=/k\nkey_file=/k"]
        {
            assert!(Credentials::parse(bad, &sftp).is_err(), "{:?} should be refused", String::from_utf8_lossy(bad));
        }
        let c = Credentials::parse(b"key_file=~/.ssh/id_ed25519\nknown_hosts=/etc/custodia/known_hosts\n", &sftp)
            .expect("an sftp key file and known_hosts file are taken");
        assert_eq!(c.get("key_file"), Some("~/.ssh/id_ed25519"), "the key is kept as its path, not its content");
        let huge = vec![b'#'; MAX_CREDENTIALS_BYTES + 1];
        assert!(matches!(Credentials::parse(&huge, &dav()), Err(RemoteError::CredentialsTooLarge { .. })));
    }
}
