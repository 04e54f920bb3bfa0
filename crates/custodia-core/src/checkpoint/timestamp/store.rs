//! The `timestamps` table and the vault's calls: ask, send what is queued, list, verify again.

use super::http::{self, Sent};
use super::request::{self, Request};
use super::verify::Checked;
use super::{TimestampError, TsaCertificate};
use crate::clock;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::vault::Vault;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

/// One stored timestamp: a token, or a request still queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredTimestamp {
    pub id: u64,
    pub checkpoint_id: u64,
    /// The number of custody events the timestamped checkpoint covers.
    pub checkpoint_size: u64,
    pub tsa_url: String,
    pub requested_at: String,
    /// The token's time (RFC 3339, UTC); `None` while the request is queued.
    pub gen_time: Option<String>,
    /// Hex SHA-256 of the certificate the token was checked against when it came (or that a queued
    /// request will be checked against); `None` when none was given.
    pub tsa_cert_sha256: Option<String>,
    #[serde(skip)]
    token: Option<Vec<u8>>,
    #[serde(skip)]
    cert_der: Option<Vec<u8>>,
    #[serde(skip)]
    note: String,
}

impl StoredTimestamp {
    pub fn is_queued(&self) -> bool {
        self.token.is_none()
    }
}

/// What sending one request gave.
#[derive(Debug)]
pub enum Outcome {
    /// A token was kept (and a custody event recorded). `anchored`: checked against a given certificate.
    Stamped { timestamp: StoredTimestamp, anchored: bool },
    /// The authority was not reached; the request stays queued.
    Queued { timestamp: StoredTimestamp, why: String },
    /// The reply was refused; the queued request was removed and nothing else changed.
    Refused { timestamp: StoredTimestamp, error: TimestampError },
}

const SELECT: &str = "SELECT t.id, t.checkpoint_id, c.size, t.tsa_url, t.requested_at, t.gen_time, t.tsa_cert, \
     t.token, c.note FROM timestamps t JOIN checkpoints c ON c.id = t.checkpoint_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredTimestamp> {
    let cert_der: Option<Vec<u8>> = r.get(6)?;
    Ok(StoredTimestamp {
        id: r.get(0)?,
        checkpoint_id: r.get(1)?,
        checkpoint_size: r.get(2)?,
        tsa_url: r.get(3)?,
        requested_at: r.get(4)?,
        gen_time: r.get(5)?,
        tsa_cert_sha256: cert_der.as_ref().map(|d| hex::encode(Sha256::digest(d))),
        token: r.get(7)?,
        cert_der,
        note: r.get(8)?,
    })
}

fn load(conn: &Connection, id: u64) -> Result<StoredTimestamp> {
    Ok(conn.query_row(&format!("{SELECT} WHERE t.id = ?1"), [id], row)?)
}

/// The queued request for this checkpoint and authority, else a new one; `cert` replaces the one it had.
fn queue(conn: &Connection, checkpoint_id: u64, tsa_url: &str, cert: Option<&TsaCertificate>) -> Result<u64> {
    let existing: Option<u64> = conn
        .query_row(
            "SELECT id FROM timestamps WHERE checkpoint_id = ?1 AND tsa_url = ?2 AND token IS NULL",
            params![checkpoint_id, tsa_url],
            |r| r.get(0),
        )
        .optional()?;
    let cert = cert.map(TsaCertificate::der);
    if let Some(id) = existing {
        conn.execute("UPDATE timestamps SET tsa_cert = ?1 WHERE id = ?2", params![cert, id])?;
        return Ok(id);
    }
    conn.execute(
        "INSERT INTO timestamps (checkpoint_id, tsa_url, requested_at, tsa_cert) VALUES (?1, ?2, ?3, ?4)",
        params![checkpoint_id, tsa_url, clock::now_rfc3339(), cert],
    )?;
    Ok(conn.last_insert_rowid() as u64)
}

impl Vault {
    /// Asks the authority at `tsa_url` for a token over the newest stored checkpoint (the one the last
    /// close signed), checked against `tsa_cert` when given. The request is stored first: if the authority
    /// is not reached it stays queued (`Outcome::Queued`) for `send_queued_timestamps`. A bad URL, or a
    /// reply that does not hold, is an error and leaves the vault as it was.
    pub fn timestamp(&mut self, tsa_url: &str, tsa_cert: Option<&TsaCertificate>) -> Result<Outcome> {
        http::check_url(tsa_url)?;
        let checkpoint = self.latest_checkpoint()?.ok_or(TimestampError::NoCheckpoint)?;
        let id = queue(&self.conn, checkpoint.id, tsa_url, tsa_cert)?;
        match self.send(load(&self.conn, id)?, tsa_cert)? {
            Outcome::Refused { error, .. } => Err(error.into()),
            sent => Ok(sent),
        }
    }

    /// Sends every queued request, oldest first, each checked against `tsa_cert` if given, else against
    /// the certificate stored with it.
    pub fn send_queued_timestamps(&mut self, tsa_cert: Option<&TsaCertificate>) -> Result<Vec<Outcome>> {
        let queued: Vec<StoredTimestamp> = self.timestamps()?.into_iter().filter(|t| t.is_queued()).collect();
        let mut sent = Vec::with_capacity(queued.len());
        for timestamp in queued {
            let stored = timestamp.cert_der.as_deref().map(TsaCertificate::parse).transpose()?;
            sent.push(self.send(timestamp, tsa_cert.or(stored.as_ref()))?);
        }
        Ok(sent)
    }

    /// Every stored timestamp, tokens and queued requests, oldest first.
    pub fn timestamps(&self) -> Result<Vec<StoredTimestamp>> {
        let mut stmt = self.conn.prepare(&format!("{SELECT} ORDER BY t.id"))?;
        let rows = stmt.query_map([], row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Checks every stored token again against `tsa_cert`: its signature and chain, that it is over the
    /// SHA-256 of its checkpoint's note, and that its time is the one stored. Queued requests are left out.
    pub fn verify_timestamps(
        &self,
        tsa_cert: &TsaCertificate,
    ) -> Result<Vec<(StoredTimestamp, std::result::Result<(), TimestampError>)>> {
        let tokens = self.timestamps()?.into_iter().filter(|t| !t.is_queued());
        Ok(tokens
            .map(|t| {
                let holds = recheck(&t, &tsa_cert.cert);
                (t, holds)
            })
            .collect())
    }

    fn send(&mut self, timestamp: StoredTimestamp, anchor: Option<&TsaCertificate>) -> Result<Outcome> {
        let request = Request::for_note(&timestamp.note)?;
        let accepted = match http::post(&timestamp.tsa_url, &request.der) {
            Ok(Sent::Unreachable(why)) => return Ok(Outcome::Queued { timestamp, why }),
            Ok(Sent::Reply(reply)) => request.accept(&reply, anchor.map(|a| &a.cert)),
            Err(error) => Err(error),
        };
        match accepted {
            Ok((token, checked)) => self.keep(timestamp, token, checked, anchor),
            Err(error) => {
                self.conn.execute("DELETE FROM timestamps WHERE id = ?1 AND token IS NULL", [timestamp.id])?;
                Ok(Outcome::Refused { timestamp, error })
            }
        }
    }

    /// Stores the token on its queued row and records the custody event, in one transaction.
    fn keep(
        &mut self,
        timestamp: StoredTimestamp,
        token: Vec<u8>,
        checked: Checked,
        anchor: Option<&TsaCertificate>,
    ) -> Result<Outcome> {
        let gen_time = checked.gen_time.clone();
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE timestamps SET token = ?1, gen_time = ?2, tsa_cert = ?3 WHERE id = ?4 AND token IS NULL",
            params![token, gen_time, anchor.map(TsaCertificate::der), timestamp.id],
        )?;
        let details = json!({
            "timestamp_id": timestamp.id,
            "checkpoint_id": timestamp.checkpoint_id,
            "checkpoint_size": timestamp.checkpoint_size,
            "tsa_url": timestamp.tsa_url,
            "gen_time": gen_time,
            "serial": hex::encode(checked.tst.serial_number.as_bytes()),
            "token_sha256": hex::encode(Sha256::digest(&token)),
            "tsa_cert_sha256": anchor.map(TsaCertificate::fingerprint),
        });
        custody::append(&tx, &self.session, Action::CheckpointTimestamped, None, details)?;
        tx.commit()?;
        Ok(Outcome::Stamped { timestamp: load(&self.conn, timestamp.id)?, anchored: checked.anchored })
    }
}

fn recheck(stored: &StoredTimestamp, anchor: &Certificate) -> std::result::Result<(), TimestampError> {
    let token = stored.token.as_deref().unwrap_or_default();
    let checked = request::recheck(token, &stored.note, Some(anchor))?;
    match &stored.gen_time {
        Some(time) if *time == checked.gen_time => Ok(()),
        other => {
            Err(TimestampError::TimeMismatch { stored: other.clone().unwrap_or_default(), token: checked.gen_time })
        }
    }
}
