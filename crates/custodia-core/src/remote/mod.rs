//! Off-site copies (issue 13): remotes on storage an organisation already runs (a folder or USB drive,
//! WebDAV such as Nextcloud, an S3-compatible store, an SFTP server), through Apache OpenDAL
//! (`storage.rs`).
//!
//! A push (`push.rs`) sends what is already ciphertext: the stored copies as they are (age files under
//! keyed names), a snapshot of `vault.db` taken with SQLite's online backup (SQLCipher pages), the key
//! slots the user chose (by default only the recovery-key slots), and last a manifest signed with the
//! vault's Ed25519 key (`manifest.rs`). `verify.rs` checks a copy with the vault's public key alone;
//! `restore.rs` makes a vault folder again from a copy and the recovery key.
//!
//! Remote layout, under the address's folder or prefix:
//!
//! ```text
//! blobs/xx/NAME        the stored copies, byte for byte (never deleted by a push)
//! db/<seq>.db          database snapshots (the newest `keep_snapshots` + 1 are kept)
//! keyslots/<seq>.json  the key slots pushed with manifest <seq>
//! manifest/<seq>.json  the list of every object of push <seq>, with sizes and SHA-256
//! manifest/latest      the signed pointer to the newest manifest: written last
//! ```

pub mod credentials;
mod first_run;
pub mod manifest;
mod push;
mod restore;
mod status;
mod storage;
pub mod url;
mod verify;

pub use credentials::Credentials;
pub use first_run::{restore_here, FirstRun, RestoredHere};
pub use push::{PushOptions, PushProgress, PushReport};
pub use restore::{restore, RestoreProgress, Restored};
pub use status::{probe, OffsiteStatus, Probe};
pub use url::{RemoteKind, RemoteUrl};
pub use verify::{verify_at, RemoteProblem, RemoteReport};

use crate::clock;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::vault::Vault;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use std::path::PathBuf;

/// Why a remote could not be added, reached, pushed to, checked or restored from.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteError {
    #[error("the remote's address is not accepted: {why}")]
    BadUrl { why: &'static str },
    #[error("the credentials file is not accepted (line {line}): {why}")]
    BadCredentials { line: usize, why: &'static str },
    #[error("the credentials file is larger than {max} bytes")]
    CredentialsTooLarge { max: usize },
    #[error("line {line} of the credentials file has a key this kind of remote does not take; it takes: {allowed}")]
    UnknownCredential { line: usize, allowed: String },
    #[error("a remote's name is 1 to 40 lowercase letters, digits, '-' or '_'")]
    BadName,
    #[error("there is already a remote named {0}; remove it first or choose another name")]
    NameTaken(String),
    #[error("there is no remote named {0}; `custodia remote list` shows them")]
    NotFound(String),
    #[error("the remote could not be reached or did not answer as storage: {0}")]
    Unreachable(String),
    #[error("the remote refused access (check the credentials file): {0}")]
    Refused(String),
    #[error("the remote is full; nothing here was lost, and what was sent stays there. Free space on it (or ask its administrator), then push again: {0}")]
    Full(String),
    #[error("the SFTP server's host key is not one this computer trusts for it, so nothing was sent. Check the key's fingerprint with the server's administrator, then add it to ~/.ssh/known_hosts or to the known_hosts file the credentials name: {0}")]
    HostKeyNotTrusted(String),
    #[error("the ssh program (OpenSSH's client) could not be run; SFTP remotes need it installed (Debian and Ubuntu: the openssh-client package)")]
    SshMissing,
    #[error("{path} on the remote is larger than {max} bytes; it was not read")]
    TooLarge { path: String, max: u64 },
    #[error("{path} on the remote gave {found} bytes instead of {expected}")]
    SizeChanged { path: String, expected: u64, found: u64 },
    #[error("the remote lists more than {max} objects")]
    TooManyObjects { max: usize },
    #[error("the remote holds no complete copy: its signed manifest (manifest/latest) is missing. An interrupted push is not a copy; push again")]
    NoManifest,
    #[error("the remote's manifest does not hold: {why}. It is not taken as a copy")]
    ManifestInvalid { why: String },
    #[error("{} object(s) of the copy are missing or altered on the remote (first: {first}); nothing was restored", .count)]
    ObjectsAltered { count: usize, first: String },
    #[error("the copy was made by another vault than the verifier key names")]
    OtherVault,
    #[error("{0} already exists and is not empty; restore into a new folder")]
    TargetNotEmpty(PathBuf),
    #[error("could not read or write {path}: {source}")]
    Local { path: PathBuf, source: std::io::Error },
    #[error("the restored database does not match its signed manifest: {why}")]
    RestoredMismatch { why: String },
    #[error("the vault has no recovery key, and a copy without one can be opened by no one but a passphrase slot on the server; make one with `custodia recovery create` (or push the passphrase slot too)")]
    NoRecoveryKey,
    #[error("cancelled; what was sent stays on the remote and the next push goes on from there")]
    Cancelled,
}

/// The longest remote name.
const MAX_NAME_CHARS: usize = 40;

fn check_name(name: &str) -> std::result::Result<(), RemoteError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_CHARS
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(RemoteError::BadName)
    }
}

/// A remote as listed: never its credentials' values.
#[derive(Debug, Clone, Serialize)]
pub struct RemoteInfo {
    pub name: String,
    pub url: String,
    /// `None` only for an address stored by another version that this one does not read.
    pub kind: Option<RemoteKind>,
    pub credential_keys: Vec<String>,
    pub keep_snapshots: u32,
    /// The newest completed push: its manifest number and time.
    pub last_push: Option<(u64, String)>,
}

/// A stored remote with what it needs to connect.
pub(crate) struct Configured {
    pub url: RemoteUrl,
    pub credentials: Credentials,
    pub keep_snapshots: u32,
}

impl Vault {
    /// Adds a remote named `name` (lowercase letters, digits, `-`, `_`) at `url`, its credentials kept in
    /// the encrypted database. A `remote.added` event names it and its kind, never its address.
    pub fn add_remote(
        &mut self,
        name: &str,
        url: &RemoteUrl,
        credentials: &Credentials,
        keep_snapshots: u32,
    ) -> Result<()> {
        check_name(name)?;
        let tx = self.conn.transaction()?;
        let taken: Option<String> =
            tx.query_row("SELECT name FROM remotes WHERE name = ?1", [name], |r| r.get(0)).optional()?;
        if taken.is_some() {
            return Err(RemoteError::NameTaken(name.to_string()).into());
        }
        let stored = (!credentials.is_empty()).then(|| credentials.to_stored());
        tx.execute(
            "INSERT INTO remotes (name, url, credentials, keep_snapshots, added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                name,
                url.to_string(),
                stored.as_deref().map(|b| b.as_slice()),
                keep_snapshots.min(1000),
                clock::now_rfc3339()
            ],
        )?;
        custody::append(&tx, &self.session, Action::RemoteAdded, Some(name), json!({ "kind": url.kind() }))?;
        tx.commit()?;
        Ok(())
    }

    /// Removes a remote's configuration and credentials from the vault; the copy on the remote stays.
    pub fn remove_remote(&mut self, name: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        let url: Option<String> =
            tx.query_row("SELECT url FROM remotes WHERE name = ?1", [name], |r| r.get(0)).optional()?;
        let url = url.ok_or_else(|| RemoteError::NotFound(name.to_string()))?;
        let kind = RemoteUrl::parse(&url).ok().map(|u| u.kind());
        tx.execute("DELETE FROM remotes WHERE name = ?1", [name])?;
        custody::append(&tx, &self.session, Action::RemoteRemoved, Some(name), json!({ "kind": kind }))?;
        tx.commit()?;
        Ok(())
    }

    /// Every remote, by name.
    pub fn remotes(&self) -> Result<Vec<RemoteInfo>> {
        let mut stmt = self.conn.prepare("SELECT name, url, credentials, keep_snapshots FROM remotes ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<Vec<u8>>>(2)?, r.get::<_, u32>(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, url, credentials, keep_snapshots) = row?;
            let credentials = zeroize::Zeroizing::new(credentials.unwrap_or_default());
            let keys = Credentials::from_stored(&credentials).map(|c| c.keys()).unwrap_or_default();
            let kind = RemoteUrl::parse(&url).ok().map(|u| u.kind());
            let last_push = self
                .conn
                .query_row(
                    "SELECT seq, pushed_at FROM remote_pushes WHERE url = ?1 ORDER BY seq DESC LIMIT 1",
                    [&url],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            out.push(RemoteInfo { name, url, kind, credential_keys: keys, keep_snapshots, last_push });
        }
        Ok(out)
    }

    pub(crate) fn configured_remote(&self, name: &str) -> Result<Configured> {
        let row: Option<(String, Option<Vec<u8>>, u32)> = self
            .conn
            .query_row("SELECT url, credentials, keep_snapshots FROM remotes WHERE name = ?1", [name], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (url, credentials, keep_snapshots) = row.ok_or_else(|| RemoteError::NotFound(name.to_string()))?;
        let credentials = zeroize::Zeroizing::new(credentials.unwrap_or_default());
        let credentials = if credentials.is_empty() {
            Credentials::default()
        } else {
            Credentials::from_stored(&credentials).ok_or(crate::records::RecordError::Damaged {
                record: format!("remote {name}"),
                field: "credentials",
                source: None,
            })?
        };
        Ok(Configured { url: RemoteUrl::parse(&url)?, credentials, keep_snapshots })
    }
}
