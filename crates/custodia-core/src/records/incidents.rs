//! Incidents: what happened (killing, torture, sexual violence, ...), when (a date or a range), where,
//! and the interviews and documents that speak of it.

use super::fields;
use super::RecordError;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::ids;
use crate::vault::Vault;
use crate::vocabulary::vocabulary;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::json;

vocabulary! {
    pub enum IncidentKind {
        Killing = "killing",
        Torture = "torture",
        SexualViolence = "sexual_violence",
        EnforcedDisappearance = "enforced_disappearance",
        ForcedDisplacement = "forced_displacement",
        DestructionOfProperty = "destruction_of_property",
        Other = "other",
    }
}

impl IncidentKind {
    pub fn parse(text: &str) -> Result<IncidentKind> {
        IncidentKind::from_name(&text.trim().to_lowercase().replace(['-', ' '], "_")).ok_or_else(|| {
            RecordError::BadChoice {
                field: "incident kind",
                value: fields::shorten(text),
                allowed: "killing, torture, sexual_violence, enforced_disappearance, forced_displacement, \
                          destruction_of_property, other",
            }
            .into()
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct IncidentInput {
    /// `YYYY-MM-DD`, or empty when unknown.
    pub date_from: String,
    /// The end of a range; empty for a single day.
    pub date_to: String,
    pub place: String,
    pub kind: String,
    pub description: String,
    /// Interviews and evidence items that speak of it.
    pub links: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    pub id: String,
    pub date_from: String,
    pub date_to: String,
    pub place: String,
    pub kind: IncidentKind,
    pub description: String,
    pub interviews: Vec<String>,
    pub documents: Vec<String>,
    pub created_at: String,
    pub created_by: String,
}

const SELECT_INCIDENT: &str =
    "SELECT id, date_from, date_to, place, kind, description, created_at, created_by FROM incidents";

fn row_to_incident(r: &Row<'_>) -> rusqlite::Result<Incident> {
    Ok(Incident {
        id: r.get(0)?,
        date_from: r.get(1)?,
        date_to: r.get(2)?,
        place: r.get(3)?,
        kind: IncidentKind::parse(&r.get::<_, String>(4)?).unwrap_or(IncidentKind::Other),
        description: r.get(5)?,
        interviews: Vec::new(),
        documents: Vec::new(),
        created_at: r.get(6)?,
        created_by: r.get(7)?,
    })
}

pub(crate) fn find(conn: &Connection, typed: &str) -> Result<Incident> {
    let id = ids::normalize(typed);
    let mut incident = conn
        .query_row(&format!("{SELECT_INCIDENT} WHERE id = ?1"), [&id], row_to_incident)
        .optional()?
        .ok_or_else(|| RecordError::IncidentNotFound(fields::shorten(typed)))?;
    // Interviews link to incidents; incidents link to documents.
    let mut stmt =
        conn.prepare_cached("SELECT from_id FROM links WHERE to_id = ?1 AND from_id LIKE 'T-%' ORDER BY from_id")?;
    incident.interviews = stmt.query_map([&id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut stmt =
        conn.prepare_cached("SELECT to_id FROM links WHERE from_id = ?1 AND to_id LIKE 'E-%' ORDER BY to_id")?;
    incident.documents = stmt.query_map([&id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(incident)
}

/// Resolves a link target: an interview (`T-`) or an evidence item (`E-`). Returns (from, to) so that the
/// link always points interview -> incident or incident -> item.
fn link_pair(conn: &Connection, incident: &str, typed: &str) -> Result<(String, String)> {
    let id = ids::normalize(typed);
    if id.starts_with("T-") {
        let interview = super::interviews::find(conn, &id)?;
        Ok((interview.id, incident.to_string()))
    } else {
        Ok((incident.to_string(), fields::existing_item(conn, typed)?))
    }
}

fn optional_day(field: &'static str, text: &str) -> Result<String> {
    if text.trim().is_empty() {
        return Ok(String::new());
    }
    Ok(fields::day(field, text)?.format("%Y-%m-%d").to_string())
}

impl Vault {
    pub fn add_incident(&mut self, input: &IncidentInput) -> Result<Incident> {
        let kind = IncidentKind::parse(&input.kind)?;
        let date_from = optional_day("incident start date", &input.date_from)?;
        let date_to = optional_day("incident end date", &input.date_to)?;
        if !date_to.is_empty() && (date_from.is_empty() || date_to < date_from) {
            return Err(RecordError::RangeReversed { from: date_from, to: date_to }.into());
        }
        let place = fields::line("place", &input.place)?;
        let description = fields::text("description", &input.description, fields::MEDIUM)?;
        if input.links.len() > fields::MAX_LIST {
            return Err(RecordError::TooMany { field: "linked records", max: fields::MAX_LIST }.into());
        }
        let tx = self.conn.transaction()?;
        let id = fields::new_id(&tx, "incidents", "N", &[5])?;
        let pairs = input.links.iter().map(|l| link_pair(&tx, &id, l)).collect::<Result<Vec<_>>>()?;
        let details = json!({
            "kind": kind,
            "date_from": date_from,
            "date_to": date_to,
            "links": pairs.iter().map(|(f, t)| if *f == id { t } else { f }).collect::<Vec<_>>(),
            "place_sha256": fields::sha256_hex(&place),
            "description_sha256": fields::sha256_hex(&description),
        });
        let event = custody::append(&tx, &self.session, Action::IncidentCreated, Some(&id), details)?;
        tx.execute(
            "INSERT INTO incidents (id, date_from, date_to, place, kind, description, created_at, created_by, created_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![id, date_from, date_to, place, kind.as_str(), description, event.time, event.actor, event.seq],
        )?;
        for (from, to) in &pairs {
            tx.execute("INSERT OR IGNORE INTO links (from_id, to_id) VALUES (?1, ?2)", params![from, to])?;
        }
        tx.commit()?;
        find(&self.conn, &id)
    }

    /// Links an incident to an interview or an evidence item (logged; linking twice changes nothing).
    pub fn link_incident(&mut self, incident: &str, target: &str) -> Result<Incident> {
        self.link_incident_to(incident, &[target])
    }

    /// Links an incident to several interviews or items: all are checked first, then linked in one
    /// transaction, so a bad one changes nothing.
    pub fn link_incident_to(&mut self, incident: &str, targets: &[&str]) -> Result<Incident> {
        let incident = find(&self.conn, incident)?;
        if targets.len() > fields::MAX_LIST {
            return Err(RecordError::TooMany { field: "linked records", max: fields::MAX_LIST }.into());
        }
        let pairs = targets.iter().map(|t| link_pair(&self.conn, &incident.id, t)).collect::<Result<Vec<_>>>()?;
        let tx = self.conn.transaction()?;
        for (from, to) in pairs {
            let added =
                tx.execute("INSERT OR IGNORE INTO links (from_id, to_id) VALUES (?1, ?2)", params![from, to])?;
            if added > 0 {
                custody::append(
                    &tx,
                    &self.session,
                    Action::RecordsLinked,
                    Some(&incident.id),
                    json!({ "from": from, "to": to }),
                )?;
            }
        }
        tx.commit()?;
        find(&self.conn, &incident.id)
    }

    pub fn incident(&self, id: &str) -> Result<Incident> {
        find(&self.conn, id)
    }

    pub fn incidents(&self) -> Result<Vec<Incident>> {
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare("SELECT id FROM incidents ORDER BY created_seq")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        ids.iter().map(|id| find(&self.conn, id)).collect()
    }
}
