//! What the app shows about off-site copies without sending anything: a test of an address before it is
//! added, and how far behind the vault its copies are (the status bar's "last copy" and "items not yet
//! copied").

use super::credentials::Credentials;
use super::manifest;
use super::storage::Storage;
use super::url::RemoteUrl;
use crate::error::Result;
use crate::vault::Vault;
use rusqlite::OptionalExtension;
use serde::Serialize;

/// What a connection test found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// Whether a complete copy (a signed pointer, `manifest/latest`) is already there: a copy of this
    /// vault, of another one, or one to restore from. Not checked here; `verify` checks it.
    pub holds_copy: bool,
}

/// Connects to `url` with `credentials` and asks for the copy's signed pointer. An answer, found or
/// not, shows that the storage is reached and accepts the credentials; a refusal or no answer is the
/// error a push would meet. Writes nothing.
pub fn probe(url: &RemoteUrl, credentials: &Credentials) -> Result<Probe> {
    let storage = Storage::connect(url, credentials)?;
    let holds_copy = storage.size_of(manifest::LATEST)?.is_some();
    Ok(Probe { holds_copy })
}

/// How the vault stands against its off-site copies, from what this vault recorded of its own pushes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OffsiteStatus {
    /// How many remotes the vault has.
    pub remotes: u32,
    /// When the newest completed push to any of them ended (RFC 3339), `None` before the first.
    pub last_push: Option<String>,
    /// Items added or imported after the newest push's checkpoint: on no off-site copy yet.
    pub items_not_copied: u64,
}

impl Vault {
    /// The status bar's off-site status: only pushes to remotes the vault still has count.
    pub fn offsite_status(&self) -> Result<OffsiteStatus> {
        let remotes: u32 = self.conn.query_row("SELECT count(*) FROM remotes", [], |r| r.get(0))?;
        let newest: Option<(String, u64)> = self
            .conn
            .query_row(
                "SELECT p.pushed_at, p.checkpoint_size FROM remote_pushes p JOIN remotes r ON r.url = p.url
                 ORDER BY p.checkpoint_size DESC, p.pushed_at DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let copied_up_to = newest.as_ref().map_or(0, |(_, size)| *size);
        // Each item knows the event that added it: those after the copy's checkpoint are on no copy.
        let items_not_copied: u64 =
            self.conn.query_row("SELECT count(*) FROM items WHERE ingest_seq > ?1", [copied_up_to], |r| r.get(0))?;
        Ok(OffsiteStatus { remotes, last_push: newest.map(|(time, _)| time), items_not_copied })
    }
}
