//! Consent as a history of records: given, refused or withdrawn, when, how (oral, or written with a linked
//! scan), and for a consent given, the scope: which kinds of recipient may receive the person's records
//! and whether each may learn their identity. The latest record is in force; nothing is overwritten, so a
//! withdrawal keeps what was consented to before. `consent_allows` is what exports ask.

use super::fields;
use super::persons;
use super::RecordError;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::faults;
use crate::harm::findings::{self, ConsentRefusal};
use crate::harm::Finding;
use crate::vault::Vault;
use crate::vocabulary::vocabulary;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;

vocabulary! {
    pub enum ConsentStatus {
        Given = "given",
        Refused = "refused",
        Withdrawn = "withdrawn",
    }
}

impl ConsentStatus {
    pub fn parse(text: &str) -> Result<ConsentStatus> {
        ConsentStatus::from_name(&text.trim().to_lowercase()).ok_or_else(|| {
            RecordError::BadChoice {
                field: "consent status",
                value: fields::shorten(text),
                allowed: "given, refused, withdrawn",
            }
            .into()
        })
    }
}

vocabulary! {
    pub enum ConsentMethod {
        Oral = "oral",
        Written = "written",
    }
}

impl ConsentMethod {
    pub fn parse(text: &str) -> Result<ConsentMethod> {
        ConsentMethod::from_name(&text.trim().to_lowercase()).ok_or_else(|| {
            RecordError::BadChoice { field: "consent method", value: fields::shorten(text), allowed: "oral, written" }
                .into()
        })
    }
}

vocabulary! {
    /// The kinds of recipient a consent scope names.
    pub enum RecipientKind {
        Icc = "icc",
        UnMechanism = "un_mechanism",
        NationalProsecutor = "national_prosecutor",
        PartnerNgo = "partner_ngo",
        Media = "media",
        PublicReport = "public_report",
    }
}

impl RecipientKind {
    /// English name, for messages.
    pub fn label(self) -> &'static str {
        match self {
            RecipientKind::Icc => "the ICC",
            RecipientKind::UnMechanism => "a UN mechanism",
            RecipientKind::NationalProsecutor => "a national prosecutor",
            RecipientKind::PartnerNgo => "a partner NGO",
            RecipientKind::Media => "the media",
            RecipientKind::PublicReport => "a public report",
        }
    }

    pub fn parse(text: &str) -> Result<RecipientKind> {
        RecipientKind::from_name(&text.trim().to_lowercase().replace('-', "_")).ok_or_else(|| {
            RecordError::BadChoice {
                field: "recipient",
                value: fields::shorten(text),
                allowed: "icc, un_mechanism, national_prosecutor, partner_ngo, media, public_report",
            }
            .into()
        })
    }
}

/// One recipient kind a consent covers, and whether the person's identity may be disclosed to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub recipient: RecipientKind,
    pub identity: bool,
}

/// What a documenter records.
#[derive(Debug, Clone)]
pub struct ConsentInput {
    pub person: String,
    /// The interview during which consent was asked, if any.
    pub interview: Option<String>,
    pub status: ConsentStatus,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub method: ConsentMethod,
    /// The scan of the signed form: required for written consent, refused for oral.
    pub scan_item: Option<String>,
    /// Only for `Given`.
    pub scopes: Vec<Scope>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consent {
    pub id: String,
    pub person: String,
    pub interview: Option<String>,
    pub status: ConsentStatus,
    pub date: String,
    pub method: ConsentMethod,
    pub scan_item: Option<String>,
    pub scopes: Vec<Scope>,
    pub recorded_at: String,
    pub recorded_by: String,
    pub seq: u64,
}

/// What the consent in force says about sending a person's records to a kind of recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum ConsentDecision {
    /// Allowed; `identity` says whether names may be included (else the records go pseudonymised).
    Allowed {
        consent: String,
        identity: bool,
    },
    /// Consent was given, but not for this kind of recipient.
    OutsideScope {
        consent: String,
    },
    Refused {
        consent: String,
    },
    Withdrawn {
        consent: String,
    },
    NotRecorded,
}

impl ConsentDecision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, ConsentDecision::Allowed { .. })
    }

    /// Why a record of the person is refused, when it is: under a decision that allows the records, only
    /// a record that shows who they are can be, and then because their identity may not go.
    pub fn refusal(&self) -> ConsentRefusal {
        match self {
            ConsentDecision::Allowed { .. } => ConsentRefusal::IdentityNotAllowed,
            ConsentDecision::OutsideScope { .. } => ConsentRefusal::OutsideScope,
            ConsentDecision::Refused { .. } => ConsentRefusal::Refused,
            ConsentDecision::Withdrawn { .. } => ConsentRefusal::Withdrawn,
            ConsentDecision::NotRecorded => ConsentRefusal::NotRecorded,
        }
    }
}

const SELECT_CONSENT: &str = "SELECT id, person_id, interview_id, status, date, method, scan_item_id, scopes, \
     recorded_at, recorded_by, seq FROM consents";

fn row_to_consent(r: &Row<'_>) -> rusqlite::Result<Consent> {
    let scopes: String = r.get(7)?;
    Ok(Consent {
        id: r.get(0)?,
        person: r.get(1)?,
        interview: r.get(2)?,
        status: ConsentStatus::parse(&r.get::<_, String>(3)?).unwrap_or(ConsentStatus::Refused),
        date: r.get(4)?,
        method: ConsentMethod::parse(&r.get::<_, String>(5)?).unwrap_or(ConsentMethod::Oral),
        scan_item: r.get(6)?,
        // A scope list that cannot be read allows nothing.
        scopes: serde_json::from_str(&scopes).unwrap_or_default(),
        recorded_at: r.get(8)?,
        recorded_by: r.get(9)?,
        seq: r.get(10)?,
    })
}

fn latest(conn: &Connection, person: &str) -> Result<Option<Consent>> {
    Ok(conn
        .query_row(
            &format!("{SELECT_CONSENT} WHERE person_id = ?1 ORDER BY seq DESC LIMIT 1"),
            [person],
            row_to_consent,
        )
        .optional()?)
}

/// The decision for `recipient` from a person's consent in force.
pub(crate) fn allows(conn: &Connection, person: &str, recipient: RecipientKind) -> Result<ConsentDecision> {
    Ok(match latest(conn, person)? {
        None => ConsentDecision::NotRecorded,
        Some(c) => match c.status {
            ConsentStatus::Refused => ConsentDecision::Refused { consent: c.id },
            ConsentStatus::Withdrawn => ConsentDecision::Withdrawn { consent: c.id },
            ConsentStatus::Given => match c.scopes.iter().find(|s| s.recipient == recipient) {
                Some(scope) => ConsentDecision::Allowed { consent: c.id, identity: scope.identity },
                None => ConsentDecision::OutsideScope { consent: c.id },
            },
        },
    })
}

impl Vault {
    /// Records a consent decision. It supersedes earlier ones for the person; they stay in the history.
    pub fn record_consent(&mut self, input: &ConsentInput) -> Result<Consent> {
        let person = persons::find_current(&self.conn, &input.person)?;
        let date = fields::day("consent date", &input.date)?.format("%Y-%m-%d").to_string();
        let interview = match &input.interview {
            Some(i) => {
                let interview = super::interviews::find(&self.conn, i)?;
                if interview.person != person.id {
                    return Err(RecordError::Consent("that interview is of another person").into());
                }
                Some(interview.id)
            }
            None => None,
        };
        let scan = match (&input.scan_item, input.method) {
            (Some(item), ConsentMethod::Written) => Some(fields::existing_item(&self.conn, item)?),
            (None, ConsentMethod::Written) => {
                return Err(RecordError::Consent(
                    "written consent needs the scan of the signed form: add it as an item and link it",
                )
                .into())
            }
            (Some(_), ConsentMethod::Oral) => {
                return Err(RecordError::Consent("oral consent has no scan; choose written to link one").into())
            }
            (None, ConsentMethod::Oral) => None,
        };
        if input.status != ConsentStatus::Given && !input.scopes.is_empty() {
            return Err(RecordError::Consent("a refusal or withdrawal has no scope; leave the recipients out").into());
        }
        for (i, scope) in input.scopes.iter().enumerate() {
            if input.scopes[..i].iter().any(|s| s.recipient == scope.recipient) {
                return Err(RecordError::Consent("each recipient may appear only once in the scope").into());
            }
        }
        let action =
            if input.status == ConsentStatus::Withdrawn { Action::ConsentWithdrawn } else { Action::ConsentRecorded };
        let tx = self.conn.transaction()?;
        let id = fields::new_id(&tx, "consents", "C", &[5])?;
        let details = json!({
            "person": person.id,
            "status": input.status,
            "date": date,
            "method": input.method,
            "scan_item": scan,
            "interview": interview,
            "scopes": input.scopes,
        });
        let event = custody::append(&tx, &self.session, action, Some(&id), details)?;
        tx.execute(
            "INSERT INTO consents (id, person_id, interview_id, status, date, method, scan_item_id, scopes,
                                   recorded_at, recorded_by, seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                id,
                person.id,
                interview,
                input.status.as_str(),
                date,
                input.method.as_str(),
                scan,
                serde_json::to_string(&input.scopes).unwrap_or_else(|_| "[]".into()),
                event.time,
                event.actor,
                event.seq
            ],
        )?;
        faults::commit(tx, "consent.commit")?;
        Ok(self.conn.query_row(&format!("{SELECT_CONSENT} WHERE id = ?1"), [&id], row_to_consent)?)
    }

    /// Withdraws a person's consent as of `date`: a new record, the earlier ones kept.
    pub fn withdraw_consent(
        &mut self,
        person: &str,
        date: &str,
        method: ConsentMethod,
        scan_item: Option<String>,
    ) -> Result<Consent> {
        let found = persons::find_current(&self.conn, person)?;
        if latest(&self.conn, &found.id)?.is_none() {
            return Err(RecordError::Consent("there is no consent to withdraw for this person").into());
        }
        self.record_consent(&ConsentInput {
            person: found.id,
            interview: None,
            status: ConsentStatus::Withdrawn,
            date: date.into(),
            method,
            scan_item,
            scopes: Vec::new(),
        })
    }

    /// Every consent record of a person, oldest first.
    pub fn consents_of(&self, person: &str) -> Result<Vec<Consent>> {
        let person = persons::find(&self.conn, person)?;
        let mut stmt = self.conn.prepare(&format!("{SELECT_CONSENT} WHERE person_id = ?1 ORDER BY seq"))?;
        let rows = stmt.query_map([&person.id], row_to_consent)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether the consent in force lets a person's records go to `recipient`, and with their identity.
    pub fn consent_allows(&self, person: &str, recipient: RecipientKind) -> Result<ConsentDecision> {
        let person = persons::find(&self.conn, person)?;
        let root = person.merged_into.unwrap_or(person.id);
        allows(&self.conn, &root, recipient)
    }

    /// The consent-scope rule, for the export to come: a block when the records cannot go to `recipient`.
    pub fn consent_scope_finding(&self, person: &str, recipient: RecipientKind) -> Result<Option<Finding>> {
        let found = persons::find(&self.conn, person)?;
        let decision = self.consent_allows(&found.id, recipient)?;
        if decision.is_allowed() {
            return Ok(None);
        }
        Ok(Some(findings::consent_scope(&found.id, recipient.as_str(), recipient.label(), decision.refusal())))
    }
}
