//! No silent rollback (issue 11, point 2): at open the log must extend this computer's copy of the newest
//! checkpoint (`checkpoint::LocalCopies`); at close the copy is replaced. A folder put back from an older
//! copy stops the open until the user chooses, with a written reason, to go on with it; the choice is a
//! custody event carrying the checkpoint this computer saw and one of the log as found.

use super::{Vault, VaultError};
use crate::checkpoint::{self, Found, LastEvent, LocalNotice, Rollback};
use crate::custody::{self, Action, Session};
use crate::error::Result;
use rusqlite::Connection;
use serde_json::json;

/// A reason shorter than this says nothing a reviewer can weigh.
pub const MIN_ROLLBACK_REASON_CHARS: usize = 10;
const MAX_ROLLBACK_REASON_CHARS: usize = 2000;

/// A rollback the user chose to go on with, waiting to be recorded by the open.
pub(super) struct Accepted {
    rollback: Box<Rollback>,
    reason: String,
}

/// The reason, trimmed, when it is one a reviewer can read.
pub(super) fn check_reason(reason: &str) -> Result<&str> {
    let reason = reason.trim();
    let chars = reason.chars().count();
    let ok = (MIN_ROLLBACK_REASON_CHARS..=MAX_ROLLBACK_REASON_CHARS).contains(&chars)
        && !reason.chars().any(|c| c.is_control() && c != '\n');
    if ok {
        Ok(reason)
    } else {
        Err(VaultError::RollbackReasonNeeded.into())
    }
}

/// The English sentence for a rollback: both sizes, the last event on each side, and what to do.
pub(super) fn describe(rollback: &Rollback) -> String {
    let last = |event: &Option<LastEvent>| match event {
        Some(e) => format!(", the last (number {}) on {}: {}", e.seq, e.time, e.action),
        None => String::new(),
    };
    format!(
        "this vault folder holds an older state than this computer last saw. At its last close here the log had \
         {} events{}; the folder now holds {} events{}. The folder, or its vault.db, was put back from an older \
         copy, and what was recorded after that is not in it. Nothing was changed. Find the newer copy of the \
         folder and open that; if this older copy is all there is, open it with --accept-rollback and a written \
         reason, which the custody log keeps with both checkpoints (this computer's copy: {})",
        rollback.seen_size,
        last(&rollback.seen_last),
        rollback.found_size,
        last(&rollback.found_last),
        rollback.copy.display()
    )
}

/// Records the accepted rollback in the open's transaction: the reason, the checkpoint this computer saw,
/// and a checkpoint of the log as found, signed now.
pub(super) fn record(tx: &Connection, session: &Session, vault_id: &str, accepted: &Accepted) -> Result<()> {
    let found_note = note_of_log(tx, vault_id)?;
    let rollback = &accepted.rollback;
    let details = json!({
        "reason": accepted.reason,
        "seen": { "size": rollback.seen_size, "last_event": rollback.seen_last, "checkpoint": rollback.seen_note },
        "found": { "size": rollback.found_size, "last_event": rollback.found_last, "checkpoint": found_note },
    });
    custody::append(tx, session, Action::RollbackAccepted, None, details)?;
    Ok(())
}

/// A signed checkpoint note over the whole log in `conn`, not stored.
fn note_of_log(conn: &Connection, vault_id: &str) -> Result<String> {
    Ok(checkpoint::sign_log(conn, vault_id)?.2)
}

impl Vault {
    /// Checks this computer's copy before the open writes anything. A rollback stops the open unless
    /// `accept` gives the user's reason to go on; then it is returned, to be recorded.
    pub(super) fn check_local_copy(&mut self, accept: Option<&str>) -> Result<Option<Accepted>> {
        let Some(copies) = self.session.local_copies() else { return Ok(None) };
        match copies.check(&self.conn, self.slots.vault_id())? {
            Found::Holds { .. } => Ok(None),
            Found::Notice(notice) => {
                self.local_notice = Some(notice);
                Ok(None)
            }
            Found::RolledBack(rollback) => match accept {
                None => Err(VaultError::RolledBack(rollback).into()),
                Some(reason) => {
                    self.local_notice = Some(LocalNotice::RollbackAccepted);
                    Ok(Some(Accepted { rollback, reason: reason.into() }))
                }
            },
        }
    }

    /// A signed note over the whole log as it stands, not stored (the open after an accepted rollback).
    pub(super) fn current_note(&self) -> Result<String> {
        note_of_log(&self.conn, self.slots.vault_id())
    }

    /// Replaces this computer's copy with `note`, when the session keeps one.
    pub(super) fn write_local_copy(&self, note: &str) -> Result<()> {
        let Some(copies) = self.session.local_copies() else { return Ok(()) };
        copies
            .write(&self.conn, self.slots.vault_id(), note)
            .map_err(|source| VaultError::LocalCopyNotWritten { path: copies.dir().to_path_buf(), source })?;
        Ok(())
    }
}
