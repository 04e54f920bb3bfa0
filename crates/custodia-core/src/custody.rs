//! The custody log: every state change is an event, chained to the one before it by hash.
//!
//! An event's canonical bytes are RFC 8785 (JCS) JSON of its fields; its hash is the RFC 6962 leaf hash
//! SHA-256(0x00 ‖ bytes), and the next event carries it as `prev_hash`. Editing, removing or reordering an
//! event breaks the chain at a sequence number that `check_chain` names.

use crate::checkpoint::LocalCopies;
use crate::clock;
use crate::vocabulary::vocabulary;
use canon_json::CanonJsonSerialize;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event.
pub const GENESIS_PREV: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Version of the canonical event format, part of every event's hashed bytes.
pub const EVENT_FORMAT: u32 = 1;
const MAX_ACTOR_CHARS: usize = 200;

/// Errors about the custody log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CustodyError {
    #[error("the actor name must be 1 to {MAX_ACTOR_CHARS} printable characters")]
    BadActor,
    #[error("the custody log could not be written or read: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("the custody event could not be encoded: {0}")]
    Encoding(#[source] std::io::Error),
    /// Met while walking the log for an export: the log no longer links up at this event.
    #[error("the custody log is damaged at event {0}")]
    Damaged(u64),
}

/// Who is acting, and on which device; stamped on every event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    actor: String,
    device: String,
    /// Where this computer keeps its copy of each vault's newest checkpoint (rollback detection); none
    /// for a session that keeps no such copy (tests, tools reading a vault once).
    local: Option<LocalCopies>,
}

impl Session {
    /// Checks the actor name (it is shown to reviewers and goes into exports).
    pub fn new(actor: &str, device: &str) -> Result<Self, CustodyError> {
        let actor = actor.trim();
        let ok = |s: &str| !s.is_empty() && s.chars().count() <= MAX_ACTOR_CHARS && !s.chars().any(char::is_control);
        if !ok(actor) || !ok(device) {
            return Err(CustodyError::BadActor);
        }
        Ok(Session { actor: actor.into(), device: device.into(), local: None })
    }

    /// Keeps this computer's copy of each vault's newest checkpoint in `copies`, checked at every open
    /// and written at every close: a vault put back from an older copy is then found.
    pub fn keeping_checkpoints(mut self, copies: LocalCopies) -> Self {
        self.local = Some(copies);
        self
    }

    /// Where this computer keeps its copies of each vault's newest checkpoint, when it does.
    pub fn local_copies(&self) -> Option<&LocalCopies> {
        self.local.as_ref()
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub fn device(&self) -> &str {
        &self.device
    }
}

/// A stable, non-identifying device id: a hash of a machine secret (e.g. `/etc/machine-id`).
pub fn device_id(machine_secret: &[u8]) -> String {
    let digest = Sha256::new_with_prefix(b"custodia-device-v1\0").chain_update(machine_secret).finalize();
    format!("dev-{}", &hex::encode(digest)[..16])
}

vocabulary! {
    /// What happened. The name is what the log stores and shows.
    #[non_exhaustive]
    pub enum Action {
        VaultCreated = "vault.created",
        VaultOpened = "vault.opened",
        VaultClosed = "vault.closed",
        VaultReconciled = "vault.reconciled",
        VaultVerified = "vault.verified",
        ItemIngested = "item.ingested",
        ItemExtracted = "item.extracted",
        ItemEdited = "item.edited",
        ItemViewed = "item.viewed",
        KeySlotAdded = "keyslot.added",
        KeySlotRemoved = "keyslot.removed",
        /// The master key and the database key were replaced (a passphrase change, a recovery key replaced).
        KeysRotated = "keys.rotated",
        ClockAnomaly = "clock.anomaly",
        PersonCreated = "person.created",
        PersonEdited = "person.edited",
        PersonRevealed = "person.revealed",
        PersonsImported = "person.imported",
        PersonMerged = "person.merged",
        PersonsDistinct = "person.distinct",
        InterviewCreated = "interview.created",
        InterviewEdited = "interview.edited",
        InterviewViewed = "interview.viewed",
        InterviewCompleted = "interview.completed",
        InterviewerSet = "interviewer.set",
        ConsentRecorded = "consent.recorded",
        ConsentWithdrawn = "consent.withdrawn",
        IncidentCreated = "incident.created",
        RecordsLinked = "record.linked",
        HarmOverridden = "harm.overridden",
        HarmChecked = "harm.checked",
        SettingsChanged = "settings.changed",
        BundleExported = "bundle.exported",
        BundleExportAbandoned = "bundle.export_abandoned",
        ItemExported = "item.exported",
        BundleImported = "bundle.imported",
        RecipientAdded = "recipient.added",
        /// The folder held an older state than this computer last saw, and the user chose to go on with it.
        RollbackAccepted = "vault.rollback_accepted",
        /// A witness's cosignature of one of this vault's checkpoints was kept.
        CheckpointCosigned = "checkpoint.cosigned",
        /// This vault, as a witness, cosigned another log's checkpoint.
        WitnessCosigned = "witness.cosigned",
        /// A custody report was written (its SHA-256 in the details).
        ReportMade = "report.made",
        /// A time-stamping authority's RFC 3161 token over a checkpoint was checked and kept.
        CheckpointTimestamped = "checkpoint.timestamped",
        /// A team was created in this vault (a new secret).
        TeamCreated = "team.created",
        /// A team file was written for a member's key.
        TeamInvited = "team.invited",
        /// This vault joined a team, or took in its newer secret.
        TeamJoined = "team.joined",
        /// This vault left a team: the secret and the tokens held went.
        TeamLeft = "team.left",
        /// The team's secret was replaced; the tokens made with the old one went.
        TeamRotated = "team.rotated",
        /// This vault's linkage tokens were written for a team.
        TeamTokensExported = "team.tokens_exported",
        /// A member's token file was taken in.
        TeamTokensAdded = "team.tokens_added",
        /// An off-site copy was configured (its name and kind; never its address or credentials).
        RemoteAdded = "remote.added",
        /// An off-site copy's configuration was removed from the vault (the copy itself is left as it is).
        RemoteRemoved = "remote.removed",
        /// A push completed: its signed manifest was written last.
        RemotePushed = "remote.pushed",
        /// This vault was restored from an off-site copy.
        VaultRestored = "vault.restored",
    }
}

/// One custody event as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub seq: u64,
    pub time: String,
    pub actor: String,
    pub device: String,
    pub action: String,
    pub subject: Option<String>,
    pub details: Value,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Serialize)]
struct Canonical<'a> {
    v: u32,
    seq: u64,
    time: &'a str,
    actor: &'a str,
    device: &'a str,
    action: &'a str,
    subject: Option<&'a str>,
    details: &'a Value,
    prev: &'a str,
}

impl Event {
    /// RFC 8785 canonical JSON of the event's fields (everything but its own hash).
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, CustodyError> {
        Canonical {
            v: EVENT_FORMAT,
            seq: self.seq,
            time: &self.time,
            actor: &self.actor,
            device: &self.device,
            action: &self.action,
            subject: self.subject.as_deref(),
            details: &self.details,
            prev: &self.prev_hash,
        }
        .to_canon_json_vec()
        .map_err(CustodyError::Encoding)
    }

    /// The RFC 6962 leaf hash of the canonical bytes, hex.
    pub fn compute_hash(&self) -> Result<String, CustodyError> {
        Ok(hex::encode(leaf_hash(&self.canonical_bytes()?)))
    }
}

/// RFC 6962 leaf hash: SHA-256(0x00 ‖ data).
pub fn leaf_hash(data: &[u8]) -> [u8; 32] {
    Sha256::new_with_prefix([0u8]).chain_update(data).finalize().into()
}

/// Appends an event. Call inside the transaction that makes the change it records.
pub(crate) fn append(
    conn: &Connection,
    session: &Session,
    action: Action,
    subject: Option<&str>,
    details: Value,
) -> Result<Event, CustodyError> {
    // Cached statements: an export or an import appends one event per item.
    let last: Option<(u64, String, String)> = conn
        .prepare_cached("SELECT seq, hash, time FROM events ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let now = clock::now_rfc3339();
    let (mut seq, mut prev) = match &last {
        Some((seq, hash, _)) => (seq + 1, hash.clone()),
        None => (1, GENESIS_PREV.to_string()),
    };
    // Our timestamps share one fixed format, so text order is time order. A clock that went backwards
    // is recorded as its own event; order always comes from sequence numbers.
    if let Some((_, _, last_time)) = &last {
        if now < *last_time && action != Action::ClockAnomaly {
            let details = serde_json::json!({ "previous_event_time": last_time, "clock_now": now });
            let anomaly = insert(conn, session, seq, &now, Action::ClockAnomaly, None, details, &prev)?;
            seq += 1;
            prev = anomaly.hash;
        }
    }
    insert(conn, session, seq, &now, action, subject, details, &prev)
}

#[allow(clippy::too_many_arguments)]
fn insert(
    conn: &Connection,
    session: &Session,
    seq: u64,
    time: &str,
    action: Action,
    subject: Option<&str>,
    details: Value,
    prev: &str,
) -> Result<Event, CustodyError> {
    let mut event = Event {
        seq,
        time: time.into(),
        actor: session.actor.clone(),
        device: session.device.clone(),
        action: action.as_str().into(),
        subject: subject.map(str::to_string),
        details,
        prev_hash: prev.into(),
        hash: String::new(),
    };
    event.hash = event.compute_hash()?;
    let details = event.details.to_canon_json_string().map_err(CustodyError::Encoding)?;
    conn.prepare_cached(
        "INSERT INTO events (seq, time, actor, device, action, subject, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        event.seq,
        event.time,
        event.actor,
        event.device,
        event.action,
        event.subject,
        details,
        event.prev_hash,
        event.hash
    ])?;
    Ok(event)
}

fn row_to_event(row: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    let details: String = row.get(6)?;
    Ok(Event {
        seq: row.get(0)?,
        time: row.get(1)?,
        actor: row.get(2)?,
        device: row.get(3)?,
        action: row.get(4)?,
        subject: row.get(5)?,
        // A details column that is not JSON is kept as a string so the hash check flags the event.
        details: serde_json::from_str(&details).unwrap_or(Value::String(details)),
        prev_hash: row.get(7)?,
        hash: row.get(8)?,
    })
}

const SELECT_EVENT: &str = "SELECT seq, time, actor, device, action, subject, details, prev_hash, hash FROM events";

/// Calls `f` with every event in sequence order, without holding the whole log in memory.
pub(crate) fn for_each(
    conn: &Connection,
    mut f: impl FnMut(Event) -> Result<(), CustodyError>,
) -> Result<(), CustodyError> {
    let mut stmt = conn.prepare(&format!("{SELECT_EVENT} ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        f(row_to_event(row)?)?;
    }
    Ok(())
}

/// The events about one subject (an item id, say), in order.
pub(crate) fn for_subject(conn: &Connection, subject: &str) -> Result<Vec<Event>, CustodyError> {
    let mut stmt = conn.prepare(&format!("{SELECT_EVENT} WHERE subject = ?1 ORDER BY seq"))?;
    let rows = stmt.query_map([subject], row_to_event)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One event by sequence number.
pub(crate) fn get(conn: &Connection, seq: u64) -> Result<Option<Event>, CustodyError> {
    Ok(conn.query_row(&format!("{SELECT_EVENT} WHERE seq = ?1"), [seq], row_to_event).optional()?)
}

/// Which events to list: every field narrows the result; newest first, at most `limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventQuery {
    pub subject: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Inclusive bounds on the RFC 3339 time, compared as text (a date alone works: `2026-05-01`).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only events before this sequence number: the next page.
    pub before_seq: Option<u64>,
    pub limit: u32,
}

/// The events matching `query`, newest first.
pub(crate) fn query(conn: &Connection, query: &EventQuery) -> Result<Vec<Event>, CustodyError> {
    let mut sql = format!("{SELECT_EVENT} WHERE 1 = 1");
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let text = |v: &String| rusqlite::types::Value::Text(v.clone());
    for (column, op, value) in [
        ("subject", "=", query.subject.as_ref().map(text)),
        ("actor", "=", query.actor.as_ref().map(text)),
        ("action", "=", query.action.as_ref().map(text)),
        ("time", ">=", query.from.as_ref().map(text)),
        // A bare date as the upper bound includes that whole day.
        ("time", "<=", query.to.as_ref().map(|t| rusqlite::types::Value::Text(format!("{t}\u{10FFFF}")))),
        ("seq", "<", query.before_seq.map(|s| rusqlite::types::Value::Integer(s as i64))),
    ] {
        if let Some(value) = value {
            args.push(value);
            sql.push_str(&format!(" AND {column} {op} ?{}", args.len()));
        }
    }
    sql.push_str(&format!(" ORDER BY seq DESC LIMIT {}", query.limit.clamp(1, 10_000)));
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), row_to_event)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The distinct actors and actions in the log, for filters.
pub(crate) fn facets(conn: &Connection) -> Result<(Vec<String>, Vec<String>), CustodyError> {
    let distinct = |column: &str| -> Result<Vec<String>, CustodyError> {
        let mut stmt = conn.prepare(&format!("SELECT DISTINCT {column} FROM events ORDER BY {column}"))?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    Ok((distinct("actor")?, distinct("action")?))
}

/// A break in the custody chain, named by sequence number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ChainProblem {
    /// Events `first..=last` are absent: deleted, or never written.
    EventsMissing { first: u64, last: u64 },
    /// The event's fields no longer match its recorded hash: it was edited.
    EventAltered { seq: u64 },
    /// The event does not point at the hash of the event before it: something before it was changed or
    /// replaced.
    ChainBroken { seq: u64 },
}

impl std::fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainProblem::EventsMissing { first, last } if first == last => {
                write!(f, "custody event {first} is missing from the log")
            }
            ChainProblem::EventsMissing { first, last } => {
                write!(f, "custody events {first} to {last} are missing from the log")
            }
            ChainProblem::EventAltered { seq } => write!(f, "custody event {seq} was altered after it was written"),
            ChainProblem::ChainBroken { seq } => {
                write!(f, "custody event {seq} does not follow the event before it: the history was rewritten")
            }
        }
    }
}

/// Walks the whole log and returns every break, plus the number of events seen.
pub(crate) fn check_chain(conn: &Connection) -> Result<(u64, Vec<ChainProblem>), CustodyError> {
    let mut problems = Vec::new();
    let mut expected_seq = 1u64;
    let mut prev = GENESIS_PREV.to_string();
    let mut count = 0u64;
    for_each(conn, |event| {
        count += 1;
        if event.seq > expected_seq {
            problems.push(ChainProblem::EventsMissing { first: expected_seq, last: event.seq - 1 });
        }
        let recomputed = event.compute_hash()?;
        if recomputed != event.hash {
            problems.push(ChainProblem::EventAltered { seq: event.seq });
        } else if event.prev_hash != prev {
            problems.push(ChainProblem::ChainBroken { seq: event.seq });
        }
        expected_seq = event.seq + 1;
        prev = event.hash;
        Ok(())
    })?;
    Ok((count, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Event {
        Event {
            seq: 7,
            time: "2026-03-02T10:00:00.000Z".into(),
            actor: "A. Haroun".into(),
            device: "dev-0123456789abcdef".into(),
            action: "item.ingested".into(),
            subject: Some("E-ABCDE-FGHIJ".into()),
            details: serde_json::json!({"size": 5, "sha256": "ab", "name": "témoignage.txt"}),
            prev_hash: GENESIS_PREV.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn canonical_bytes_sort_keys_and_keep_unicode() {
        let bytes = sample().canonical_bytes().expect("encode");
        let text = String::from_utf8(bytes).expect("utf-8");
        assert_eq!(
            text,
            r#"{"action":"item.ingested","actor":"A. Haroun","details":{"name":"témoignage.txt","sha256":"ab","size":5},"device":"dev-0123456789abcdef","prev":"0000000000000000000000000000000000000000000000000000000000000000","seq":7,"subject":"E-ABCDE-FGHIJ","time":"2026-03-02T10:00:00.000Z","v":1}"#
        );
    }

    #[test]
    fn a_float_read_back_from_the_log_hashes_as_it_was_written() {
        // The log stores each event's details as canonical JSON text and hashes them again when read: every
        // float (match scores) must parse back to the very same number. The score here is one met in a
        // real run whose event `verify` then called altered; the rest are spread over [0, 1) and beyond.
        let mut floats = vec![0.9255320548339719_f64, 0.8734706244163147, 1e-7, 123456.789, 1e21, 5e-324];
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            floats.push((x >> 11) as f64 / (1u64 << 53) as f64);
            floats.push(f64::from_bits(x & 0x7fef_ffff_ffff_ffff));
        }
        for score in floats {
            let mut event = sample();
            event.details = serde_json::json!({ "score": score });
            event.hash = event.compute_hash().expect("hash");
            let stored = event.details.to_canon_json_string().expect("canonical");
            let mut read = event.clone();
            read.details = serde_json::from_str(&stored).expect("parse");
            assert_eq!(read.compute_hash().expect("hash"), event.hash, "{score:e} stored as {stored}");
        }
    }

    #[test]
    fn leaf_hash_is_rfc6962_with_zero_prefix() {
        // RFC 6962 test vector: the leaf hash of the empty string.
        assert_eq!(hex::encode(leaf_hash(b"")), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    }

    #[test]
    fn any_field_change_changes_the_hash() {
        let base = sample().compute_hash().expect("hash");
        let mut e = sample();
        e.actor = "M. Diallo".into();
        assert_ne!(e.compute_hash().expect("hash"), base);
        let mut e = sample();
        e.details["size"] = 6.into();
        assert_ne!(e.compute_hash().expect("hash"), base);
    }

    #[test]
    fn actor_names_are_bounded_and_printable() {
        assert!(Session::new("Amina", "dev-1").is_ok());
        assert!(Session::new("", "dev-1").is_err());
        assert!(Session::new("evil\x1b[2J", "dev-1").is_err());
        assert!(Session::new(&"x".repeat(201), "dev-1").is_err());
    }

    #[test]
    fn device_id_hides_the_machine_secret() {
        let id = device_id(b"0123456789abcdef0123456789abcdef");
        assert!(id.starts_with("dev-") && id.len() == 20, "{id}");
        assert!(!id.contains("0123456789"));
    }
}
