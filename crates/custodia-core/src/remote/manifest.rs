//! The manifest of an off-site copy: what one push left on the remote (every object with its size and
//! the SHA-256 of its bytes, the database snapshot and key slots among them, and the vault's newest
//! checkpoint), and the signed note that vouches for it.
//!
//! `manifest/<seq>.json` holds the list; `manifest/latest` is a C2SP signed note, signed with the vault's
//! Ed25519 key under the vault's origin as key name, whose text is
//!
//! ```text
//! custodia.remote-manifest/v1
//! <origin>
//! <seq>
//! <size of manifest/<seq>.json>
//! <hex SHA-256 of manifest/<seq>.json>
//! ```
//!
//! Its first line is never a vault origin, so a manifest's signature cannot pass for a checkpoint's, nor
//! the reverse. `latest` is written last: a remote whose `latest` is missing or does not verify holds no
//! complete copy.

use super::RemoteError;
use crate::checkpoint::{origin_for, sign_note, verify_note};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub(crate) const HEADER: &str = "custodia.remote-manifest/v1";
pub(crate) const LATEST: &str = "manifest/latest";
/// A signed `latest` note is under 300 bytes.
pub(crate) const MAX_LATEST_BYTES: u64 = 4096;
/// A manifest of a million stored copies is about 150 MiB; beyond this it is refused unread.
pub(crate) const MAX_MANIFEST_BYTES: u64 = 256 * 1024 * 1024;
/// At most this many objects in one manifest.
pub(crate) const MAX_OBJECTS: usize = 2_000_000;

/// One object of the copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestObject {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// What one push left on the remote.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub vault_id: String,
    pub seq: u64,
    pub created: String,
    /// The vault's newest checkpoint (a signed note) when the database snapshot was taken.
    pub checkpoint: String,
    /// The signed-note verifier key of the vault (`custodia.vault/<id>+<key id>+<key>`). Trusted only
    /// once checked: against a key the user gives, or against the restored database's own signing key.
    pub verifier_key: String,
    /// The database snapshot's path among `objects`.
    pub database: String,
    /// The key slots' path among `objects`.
    pub keyslots: String,
    pub objects: Vec<ManifestObject>,
}

/// The signed pointer's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latest {
    pub seq: u64,
    pub size: u64,
    pub sha256: String,
}

pub(crate) fn manifest_path(seq: u64) -> String {
    format!("manifest/{seq}.json")
}

/// The signed `latest` note for a manifest's bytes.
pub(crate) fn sign_latest(vault_id: &str, seq: u64, manifest: &[u8], key: &SigningKey) -> String {
    let origin = origin_for(vault_id);
    let text = format!("{HEADER}\n{origin}\n{seq}\n{}\n{}\n", manifest.len(), hex::encode(Sha256::digest(manifest)));
    sign_note(&text, &origin, key)
}

/// Reads `latest`, checking it was signed by `key` for the vault `vault_id`.
pub(crate) fn read_latest(note: &[u8], vault_id: &str, key: &VerifyingKey) -> Result<Latest, RemoteError> {
    let bad = |why: &'static str| RemoteError::ManifestInvalid { why: why.to_string() };
    let note = std::str::from_utf8(note).map_err(|_| bad("manifest/latest is not text"))?;
    let origin = origin_for(vault_id);
    let text = verify_note(note, &origin, key)
        .map_err(|e| RemoteError::ManifestInvalid { why: format!("manifest/latest: {e}") })?;
    let lines: Vec<&str> = text.lines().collect();
    let [header, found_origin, seq, size, sha256] = lines.as_slice() else {
        return Err(bad("manifest/latest does not have the five lines of a manifest pointer"));
    };
    if *header != HEADER || *found_origin != origin {
        return Err(bad("manifest/latest is not a manifest pointer of this vault"));
    }
    let number = |t: &str| t.parse::<u64>().ok().filter(|_| !t.starts_with('+') && !t.is_empty());
    let seq = number(seq).ok_or(bad("manifest/latest has a bad number"))?;
    let size = number(size).ok_or(bad("manifest/latest has a bad size"))?;
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        return Err(bad("manifest/latest has a bad hash"));
    }
    if size > MAX_MANIFEST_BYTES {
        return Err(RemoteError::TooLarge { path: manifest_path(seq), max: MAX_MANIFEST_BYTES });
    }
    Ok(Latest { seq, size, sha256: sha256.to_string() })
}

/// The vault id a `latest` note names (its second line), read before any key is known, to find the
/// key to check it with; nothing in it is trusted until that check.
pub(crate) fn claimed_vault_id(note: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(note).ok()?;
    let origin = text.lines().nth(1)?;
    let id = origin.strip_prefix(crate::checkpoint::ORIGIN_PREFIX)?;
    (id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| id.to_string())
}

/// Parses a manifest whose bytes already matched the signed pointer, checking that it is the one named
/// and that every path is one a copy may hold.
pub(crate) fn parse(bytes: &[u8], vault_id: &str, latest: &Latest) -> Result<Manifest, RemoteError> {
    let bad = |why: String| RemoteError::ManifestInvalid { why };
    let manifest: Manifest = serde_json::from_slice(bytes)
        .map_err(|e| bad(format!("manifest/{}.json is not a manifest: {e}", latest.seq)))?;
    if manifest.format != 1 || manifest.vault_id != vault_id || manifest.seq != latest.seq {
        return Err(bad("the manifest names another vault, number or format than its signed pointer".into()));
    }
    if manifest.objects.len() > MAX_OBJECTS {
        return Err(RemoteError::TooManyObjects { max: MAX_OBJECTS });
    }
    let mut seen = std::collections::HashSet::with_capacity(manifest.objects.len());
    for object in &manifest.objects {
        if !object_path_ok(&object.path) {
            return Err(bad(format!("the manifest lists an object at a path a copy never holds: {:?}", object.path)));
        }
        if object.sha256.len() != 64 || !object.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad(format!("the manifest's hash of {} is malformed", object.path)));
        }
        if !seen.insert(object.path.as_str()) {
            return Err(bad(format!("the manifest lists {} twice", object.path)));
        }
    }
    for (role, path) in [("database", &manifest.database), ("key slots", &manifest.keyslots)] {
        if !seen.contains(path.as_str()) {
            return Err(bad(format!("the manifest's {role} file is not among its objects")));
        }
    }
    if !manifest.database.starts_with("db/") || !manifest.keyslots.starts_with("keyslots/") {
        return Err(bad("the manifest's database or key slots are not where a copy keeps them".into()));
    }
    Ok(manifest)
}

/// `blobs/xx/NAME` (NAME 64 lowercase hex digits starting with xx), `db/<digits>.db` or
/// `keyslots/<digits>.json`: nothing else, so a hostile manifest cannot name a path outside the copy.
pub(crate) fn object_path_ok(path: &str) -> bool {
    let hex = |t: &str| t.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let digits = |t: &str| !t.is_empty() && t.len() <= 20 && t.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["blobs", dir, name] => dir.len() == 2 && name.len() == 64 && hex(name) && name.starts_with(dir),
        ["db", file] => file.strip_suffix(".db").is_some_and(digits),
        ["keyslots", file] => file.strip_suffix(".json").is_some_and(digits),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_paths_a_copy_holds_are_accepted() {
        let name = "ab".to_string() + &"0".repeat(62);
        for good in [format!("blobs/ab/{name}"), "db/12.db".into(), "keyslots/3.json".into()] {
            assert!(object_path_ok(&good), "{good} is a copy's path");
        }
        for bad in [
            format!("blobs/cd/{name}"),
            format!("blobs/ab/../{name}"),
            format!("/blobs/ab/{name}"),
            "db/../../etc/passwd".into(),
            "db/x.db".into(),
            "keyslots.json".into(),
            "vault.db".into(),
            format!("blobs/ab/{}", name.to_uppercase()),
        ] {
            assert!(!object_path_ok(&bad), "{bad} must be refused");
        }
    }

    #[test]
    fn a_signed_pointer_reads_back_and_a_changed_one_does_not() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let vault_id = "0123456789abcdef0123456789abcdef";
        let note = sign_latest(vault_id, 4, b"{}", &key);
        let latest = read_latest(note.as_bytes(), vault_id, &key.verifying_key()).expect("own note verifies");
        assert_eq!((latest.seq, latest.size), (4, 2));
        assert_eq!(claimed_vault_id(note.as_bytes()).as_deref(), Some(vault_id));
        let altered = note.replacen("\n4\n", "\n5\n", 1);
        assert!(
            read_latest(altered.as_bytes(), vault_id, &key.verifying_key()).is_err(),
            "an altered number is refused"
        );
        let other = SigningKey::from_bytes(&[8; 32]);
        assert!(read_latest(note.as_bytes(), vault_id, &other.verifying_key()).is_err(), "another key is refused");
    }
}
