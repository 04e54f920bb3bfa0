//! The address book: who bundles go to (name, organisation, kind of recipient, age public key) and the
//! fingerprint words to confirm a key by phone before the first export. Each addition is a custody event.

use super::keys::{parse_recipient, recipient_fingerprint};
use super::words::Fingerprint;
use super::BundleError;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::records::consent::RecipientKind;
use crate::records::fields;
use crate::vault::Vault;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::json;

/// What a documenter records about a recipient.
#[derive(Debug, Clone)]
pub struct RecipientInput {
    pub name: String,
    pub organisation: String,
    pub kind: RecipientKind,
    /// `age1...`
    pub public_key: String,
}

/// A recipient in the address book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub kind: RecipientKind,
    pub public_key: String,
    pub fingerprint: Fingerprint,
    pub added_at: String,
    pub added_by: String,
}

const SELECT_RECIPIENT: &str =
    "SELECT id, name, organisation, kind, public_key, fingerprint, added_at, added_by FROM recipients";

fn row_to_recipient(r: &Row<'_>) -> rusqlite::Result<Recipient> {
    let key: String = r.get(4)?;
    let fingerprint = parse_recipient(&key).map(|k| recipient_fingerprint(&k)).unwrap_or_else(|_| {
        // A stored key that no longer parses: the stored fingerprint, spelled when it is one.
        let stored = r.get::<_, String>(5).unwrap_or_default();
        Fingerprint::from_hex(&stored).unwrap_or(Fingerprint {
            hex: stored,
            words: String::new(),
            numbers: String::new(),
        })
    });
    Ok(Recipient {
        id: r.get(0)?,
        name: r.get(1)?,
        organisation: r.get(2)?,
        // A kind that cannot be read is the most restrictive one: it matches no consent but the public's.
        kind: RecipientKind::parse(&r.get::<_, String>(3)?).unwrap_or(RecipientKind::PublicReport),
        public_key: key,
        fingerprint,
        added_at: r.get(6)?,
        added_by: r.get(7)?,
    })
}

pub(crate) fn by_key(conn: &Connection, public_key: &str) -> Result<Option<Recipient>> {
    Ok(conn
        .query_row(&format!("{SELECT_RECIPIENT} WHERE public_key = ?1"), [public_key], row_to_recipient)
        .optional()?)
}

/// Finds a recipient by id (`R-...`) or by name (exactly, ignoring case).
pub(crate) fn by_name_or_id(conn: &Connection, typed: &str) -> Result<Option<Recipient>> {
    let typed = typed.trim();
    let found = conn
        .query_row(
            &format!("{SELECT_RECIPIENT} WHERE id = ?1 OR lower(name) = lower(?2) ORDER BY seq LIMIT 1"),
            params![crate::ids::normalize(typed), typed],
            row_to_recipient,
        )
        .optional()?;
    Ok(found)
}

/// Inserts a recipient and its custody event in the caller's transaction.
pub(crate) fn insert(tx: &Connection, session: &custody::Session, input: &RecipientInput) -> Result<Recipient> {
    let name = fields::line("recipient name", &input.name)?;
    let organisation = fields::line("organisation", &input.organisation)?;
    let key = parse_recipient(&input.public_key)?;
    let public_key = key.to_string();
    if let Some(existing) = by_key(tx, &public_key)? {
        return Err(BundleError::BadRecipient {
            value: public_key,
            reason: format!("it is already in the address book as {} ({})", existing.name, existing.id),
        }
        .into());
    }
    let fingerprint = recipient_fingerprint(&key);
    let id = fields::new_id(tx, "recipients", "R", &[5])?;
    let details = json!({
        "name": name, "organisation": organisation, "kind": input.kind,
        "public_key": public_key, "fingerprint": fingerprint.hex,
    });
    let event = custody::append(tx, session, Action::RecipientAdded, Some(&id), details)?;
    tx.execute(
        "INSERT INTO recipients (id, name, organisation, kind, public_key, fingerprint, added_at, added_by, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            name,
            organisation,
            input.kind.as_str(),
            public_key,
            fingerprint.hex,
            event.time,
            event.actor,
            event.seq
        ],
    )?;
    Ok(tx.query_row(&format!("{SELECT_RECIPIENT} WHERE id = ?1"), [&id], row_to_recipient)?)
}

impl Vault {
    /// Adds a recipient to the address book (logged).
    pub fn add_recipient(&mut self, input: &RecipientInput) -> Result<Recipient> {
        let tx = self.conn.transaction()?;
        let recipient = insert(&tx, &self.session, input)?;
        tx.commit()?;
        Ok(recipient)
    }

    /// The address book, in the order recipients were added.
    pub fn recipients(&self) -> Result<Vec<Recipient>> {
        let mut stmt = self.conn.prepare(&format!("{SELECT_RECIPIENT} ORDER BY seq"))?;
        let rows = stmt.query_map([], row_to_recipient)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A recipient by id, name or public key.
    pub fn recipient(&self, typed: &str) -> Result<Option<Recipient>> {
        match by_key(&self.conn, typed.trim())? {
            Some(found) => Ok(Some(found)),
            None => by_name_or_id(&self.conn, typed),
        }
    }
}
