//! Testimonies: who was interviewed, by whom, when and where, in which language, the transcript and
//! summary, linked documents and incidents, referrals, and the draft/complete status. The rules run
//! before an interview is created or its transcript or date changes, and before it is completed (which
//! needs consent recorded, see `safeguards`). Listings leave the texts out; reading them is logged
//! (`interview.viewed`).

use super::fields::{self, Change};
use super::harm_facts::{self, Planned};
use super::persons::{self, Person};
use super::safeguards::{Referral, Referrals};
use super::RecordError;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::faults;
use crate::harm::{gate, probe, testimony, Finding, PersonChecker};
use crate::ids;
use crate::vault::Vault;
use crate::vocabulary::vocabulary;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::json;

vocabulary! {
    /// A draft can be edited; a complete interview passed the rules that completion asks.
    pub enum InterviewStatus {
        Draft = "draft",
        Complete = "complete",
    }
}

/// What a documenter gives for a new interview.
#[derive(Debug, Clone, Default)]
pub struct InterviewInput {
    /// The interviewee: pseudonym code or external reference.
    pub person: String,
    pub interviewers: Vec<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub place: String,
    pub language: String,
    pub interpreter: String,
    pub transcript: String,
    pub summary: String,
    /// Evidence item ids: recordings, consent form scans, photos.
    pub documents: Vec<String>,
    pub incidents: Vec<String>,
    pub referrals: Referrals,
}

/// An interview without its texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interview {
    pub id: String,
    pub person: String,
    pub interviewers: Vec<String>,
    pub date: String,
    pub place: String,
    pub language: String,
    pub interpreter: String,
    pub status: InterviewStatus,
    pub referrals: Referrals,
    pub documents: Vec<String>,
    pub incidents: Vec<String>,
    pub created_at: String,
    pub created_by: String,
}

/// An interview's texts, returned by the logged `read_interview`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterviewText {
    pub transcript: String,
    pub summary: String,
}

/// New values for an interview; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct InterviewEdit {
    pub date: Option<String>,
    pub place: Option<String>,
    pub language: Option<String>,
    pub interpreter: Option<String>,
    pub transcript: Option<String>,
    pub summary: Option<String>,
}

/// The result of a change the rules looked at: the record and the findings shown.
#[derive(Debug, Clone)]
pub struct Checked<T> {
    pub record: T,
    pub findings: Vec<Finding>,
}

const SELECT_INTERVIEW: &str = "SELECT id, person_id, date, place, language, interpreter, status, \
     referral_psychosocial, referral_medical, referral_legal, created_at, created_by FROM interviews";

fn row_to_interview(r: &Row<'_>) -> rusqlite::Result<Interview> {
    Ok(Interview {
        id: r.get(0)?,
        person: r.get(1)?,
        interviewers: Vec::new(),
        date: r.get(2)?,
        place: r.get(3)?,
        language: r.get(4)?,
        interpreter: r.get(5)?,
        status: r.get(6)?,
        referrals: Referrals {
            psychosocial: Referral::from_stored(&r.get::<_, String>(7)?),
            medical: Referral::from_stored(&r.get::<_, String>(8)?),
            legal: Referral::from_stored(&r.get::<_, String>(9)?),
        },
        documents: Vec::new(),
        incidents: Vec::new(),
        created_at: r.get(10)?,
        created_by: r.get(11)?,
    })
}

fn links_from(conn: &Connection, from: &str, prefix: &str) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT to_id FROM links WHERE from_id = ?1 AND to_id LIKE ?2 ORDER BY to_id")?;
    let rows = stmt.query_map(params![from, format!("{prefix}-%")], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The interviewers of an interview, by name.
pub(crate) fn interviewers_of(conn: &Connection, interview: &str) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT name FROM interview_interviewers WHERE interview_id = ?1 ORDER BY name")?;
    let rows = stmt.query_map([interview], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn complete(conn: &Connection, mut interview: Interview) -> Result<Interview> {
    interview.interviewers = interviewers_of(conn, &interview.id)?;
    interview.documents = links_from(conn, &interview.id, "E")?;
    interview.incidents = links_from(conn, &interview.id, "N")?;
    Ok(interview)
}

pub(crate) fn find(conn: &Connection, typed: &str) -> Result<Interview> {
    let id = ids::normalize(typed);
    let found = conn.query_row(&format!("{SELECT_INTERVIEW} WHERE id = ?1"), [&id], row_to_interview).optional()?;
    complete(conn, found.ok_or_else(|| RecordError::InterviewNotFound(fields::shorten(typed)))?)
}

/// An input's fields after checking.
struct Valid {
    person: Person,
    interviewers: Vec<String>,
    date: chrono::NaiveDate,
    place: String,
    language: String,
    interpreter: String,
    transcript: String,
    summary: String,
    documents: Vec<String>,
    incidents: Vec<String>,
}

fn check(conn: &Connection, input: &InterviewInput) -> Result<Valid> {
    let person = persons::find_current(conn, &input.person)?;
    let interviewers = fields::list("interviewers", &input.interviewers)?;
    if interviewers.is_empty() {
        return Err(RecordError::Missing { field: "interviewer" }.into());
    }
    let documents = input.documents.iter().map(|d| fields::existing_item(conn, d)).collect::<Result<Vec<_>>>()?;
    let incidents =
        input.incidents.iter().map(|n| super::incidents::find(conn, n).map(|i| i.id)).collect::<Result<Vec<_>>>()?;
    if documents.len() > fields::MAX_LIST || incidents.len() > fields::MAX_LIST {
        return Err(RecordError::TooMany { field: "linked records", max: fields::MAX_LIST }.into());
    }
    Ok(Valid {
        person,
        interviewers,
        date: fields::day("interview date", &input.date)?,
        place: fields::line("place", &input.place)?,
        language: fields::line("language", &input.language)?,
        interpreter: fields::line("interpreter", &input.interpreter)?,
        transcript: fields::text("transcript", &input.transcript, fields::LONG)?,
        summary: fields::text("summary", &input.summary, fields::MEDIUM)?,
        documents,
        incidents,
    })
}

impl Vault {
    /// The findings for an interview about to be created, without saving anything.
    pub fn check_interview(&self, input: &InterviewInput) -> Result<Vec<Finding>> {
        self.check_interview_with(&mut PersonChecker::default(), input)
    }

    /// Like `check_interview`, reusing the person index kept in `checker` (see `check_person_with`).
    pub fn check_interview_with(&self, checker: &mut PersonChecker, input: &InterviewInput) -> Result<Vec<Finding>> {
        let v = check(&self.conn, input)?;
        let plan = Planned {
            person: &v.person,
            date: v.date,
            interviewers: &v.interviewers,
            transcript: &v.transcript,
            existing: None,
        };
        checker.take_live_check(std::time::Instant::now())?;
        let findings = harm_facts::for_interview(&self.conn, checker, &plan, &self.harm_settings()?)?;
        probe::log_matches(&self.conn, &self.session, probe::Context::Interview, Some(&v.person.id), &findings)?;
        Ok(findings)
    }

    /// Creates an interview (a draft) after running the rules; warnings need a `justification`.
    pub fn add_interview(&mut self, input: &InterviewInput, justification: Option<&str>) -> Result<Checked<Interview>> {
        self.add_interview_with(&mut PersonChecker::default(), input, justification)
    }

    /// Like `add_interview`, reusing the person index kept in `checker`.
    pub fn add_interview_with(
        &mut self,
        checker: &mut PersonChecker,
        input: &InterviewInput,
        justification: Option<&str>,
    ) -> Result<Checked<Interview>> {
        let v = check(&self.conn, input)?;
        let plan = Planned {
            person: &v.person,
            date: v.date,
            interviewers: &v.interviewers,
            transcript: &v.transcript,
            existing: None,
        };
        let findings = harm_facts::for_interview(&self.conn, checker, &plan, &self.harm_settings()?)?;
        let justification = self.decide_or_log(&findings, justification)?;
        let tx = self.conn.transaction()?;
        let id = fields::new_id(&tx, "interviews", "T", &[5])?;
        let date = v.date.format("%Y-%m-%d").to_string();
        let record = json!({
            "person": v.person.id, "interviewers": v.interviewers, "date": date, "place": v.place,
            "language": v.language, "interpreter": v.interpreter, "documents": v.documents,
            "incidents": v.incidents, "referrals": input.referrals,
        });
        let details = json!({
            "person": v.person.id,
            "date": date,
            "documents": v.documents,
            "incidents": v.incidents,
            "record_sha256": persons::record_sha256(&record)?,
            "transcript_sha256": fields::sha256_hex(&v.transcript),
            "summary_sha256": fields::sha256_hex(&v.summary),
        });
        let event = custody::append(&tx, &self.session, Action::InterviewCreated, Some(&id), details)?;
        tx.execute(
            "INSERT INTO interviews (id, person_id, date, place, language, interpreter, transcript, summary,
                                     referral_psychosocial, referral_medical, referral_legal,
                                     created_at, created_by, created_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                id,
                v.person.id,
                date,
                v.place,
                v.language,
                v.interpreter,
                v.transcript,
                v.summary,
                Referral::stored(input.referrals.psychosocial),
                Referral::stored(input.referrals.medical),
                Referral::stored(input.referrals.legal),
                event.time,
                event.actor,
                event.seq
            ],
        )?;
        for name in &v.interviewers {
            tx.execute("INSERT OR IGNORE INTO interviewers (name) VALUES (?1)", [name])?;
            tx.execute("INSERT INTO interview_interviewers (interview_id, name) VALUES (?1, ?2)", params![id, name])?;
        }
        for target in v.documents.iter().chain(&v.incidents) {
            tx.execute("INSERT OR IGNORE INTO links (from_id, to_id) VALUES (?1, ?2)", params![id, target])?;
        }
        testimony::index(&tx, &id, &v.transcript)?;
        gate::log_overrides(&tx, &self.session, &id, &findings, justification.as_deref())?;
        faults::commit(tx, "interview.commit")?;
        Ok(Checked { record: self.interview(&id)?, findings })
    }

    pub fn interview(&self, id: &str) -> Result<Interview> {
        find(&self.conn, id)
    }

    /// Every interview, newest first (by interview date, then by when it was recorded).
    pub fn interviews(&self) -> Result<Vec<Interview>> {
        let mut stmt = self.conn.prepare(&format!("{SELECT_INTERVIEW} ORDER BY date DESC, created_seq DESC"))?;
        let rows = stmt.query_map([], row_to_interview)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(|i| complete(&self.conn, i)).collect()
    }

    /// A person's interviews, oldest first.
    pub fn interviews_of(&self, person: &str) -> Result<Vec<Interview>> {
        let person = persons::find(&self.conn, person)?;
        let mut stmt =
            self.conn.prepare(&format!("{SELECT_INTERVIEW} WHERE person_id = ?1 ORDER BY date, created_seq"))?;
        let rows = stmt.query_map([&person.id], row_to_interview)?.collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(|i| complete(&self.conn, i)).collect()
    }

    /// The transcript and summary. Logged as `interview.viewed`.
    pub fn read_interview(&mut self, id: &str) -> Result<InterviewText> {
        let interview = find(&self.conn, id)?;
        let text =
            self.conn.query_row("SELECT transcript, summary FROM interviews WHERE id = ?1", [&interview.id], |r| {
                Ok(InterviewText { transcript: r.get(0)?, summary: r.get(1)? })
            })?;
        let tx = self.conn.transaction()?;
        custody::append(&tx, &self.session, Action::InterviewViewed, Some(&interview.id), json!({}))?;
        tx.commit()?;
        Ok(text)
    }

    /// Changes an interview's fields, keeping the previous values in the history. A new transcript or date
    /// is checked again (near-duplicate testimony, recent interview); warnings need a justification.
    pub fn edit_interview(
        &mut self,
        id: &str,
        edit: &InterviewEdit,
        justification: Option<&str>,
    ) -> Result<Checked<Interview>> {
        let interview = find(&self.conn, id)?;
        let old =
            self.conn.query_row("SELECT transcript, summary FROM interviews WHERE id = ?1", [&interview.id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
        let date = match &edit.date {
            Some(d) => fields::day("interview date", d)?.format("%Y-%m-%d").to_string(),
            None => interview.date.clone(),
        };
        let line = |field, v: &Option<String>, old: &String| -> Result<String> {
            v.as_ref().map(|v| fields::line(field, v)).unwrap_or_else(|| Ok(old.clone()))
        };
        let place = line("place", &edit.place, &interview.place)?;
        let language = line("language", &edit.language, &interview.language)?;
        let interpreter = line("interpreter", &edit.interpreter, &interview.interpreter)?;
        let transcript = match &edit.transcript {
            Some(t) => fields::text("transcript", t, fields::LONG)?,
            None => old.0.clone(),
        };
        let summary = match &edit.summary {
            Some(s) => fields::text("summary", s, fields::MEDIUM)?,
            None => old.1.clone(),
        };
        let changes: Vec<Change> = [
            ("date", interview.date.clone(), date.clone()),
            ("place", interview.place.clone(), place.clone()),
            ("language", interview.language.clone(), language.clone()),
            ("interpreter", interview.interpreter.clone(), interpreter.clone()),
            ("transcript", old.0.clone(), transcript.clone()),
            ("summary", old.1.clone(), summary.clone()),
        ]
        .into_iter()
        .filter(|(_, o, n)| o != n)
        .map(|(field, old, new)| Change { field, old, new })
        .collect();
        let rerun = changes.iter().any(|c| c.field == "date" || c.field == "transcript");
        let findings = if rerun {
            let person = persons::find(&self.conn, &interview.person)?;
            let plan = Planned {
                person: &person,
                date: fields::day("interview date", &date)?,
                interviewers: &interview.interviewers,
                transcript: &transcript,
                existing: Some(&interview.id),
            };
            harm_facts::for_interview(&self.conn, &mut PersonChecker::default(), &plan, &self.harm_settings()?)?
        } else {
            Vec::new()
        };
        let justification = gate::decide(&findings, justification)?;
        let tx = self.conn.transaction()?;
        fields::record_changes(&tx, &self.session, Action::InterviewEdited, "interview", &interview.id, &changes)?;
        tx.execute(
            "UPDATE interviews SET date = ?1, place = ?2, language = ?3, interpreter = ?4, transcript = ?5,
                    summary = ?6 WHERE id = ?7",
            params![date, place, language, interpreter, transcript, summary, interview.id],
        )?;
        if changes.iter().any(|c| c.field == "transcript") {
            testimony::index(&tx, &interview.id, &transcript)?;
        }
        gate::log_overrides(&tx, &self.session, &interview.id, &findings, justification.as_deref())?;
        faults::commit(tx, "interview.edit_commit")?;
        Ok(Checked { record: self.interview(&interview.id)?, findings })
    }

    /// Earlier values of an interview's fields (they may quote the transcript: reading them is logged).
    pub fn read_interview_history(&mut self, id: &str) -> Result<Vec<fields::HistoryEntry>> {
        let interview = find(&self.conn, id)?;
        let history = fields::history(&self.conn, "interview", &interview.id)?;
        let tx = self.conn.transaction()?;
        custody::append(
            &tx,
            &self.session,
            Action::InterviewViewed,
            Some(&interview.id),
            json!({ "what": "history" }),
        )?;
        tx.commit()?;
        Ok(history)
    }
}
