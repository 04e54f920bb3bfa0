//! What protects the interviewee around an interview: referrals (psychosocial, medical, legal) made or
//! declined, interviewers marked as trained for minors and survivors of sexual or gender-based violence,
//! and completion, which the rules refuse without consent recorded and, for those interviewees, without
//! every referral recorded.

use super::fields::{self, Change};
use super::harm_facts;
use super::interviews::{find, Checked, Interview, InterviewStatus};
use super::persons;
use super::RecordError;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::faults;
use crate::harm::gate;
use crate::vault::Vault;
use crate::vocabulary::vocabulary;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;

vocabulary! {
    /// Whether a referral was made or declined; `None` where it is not recorded yet.
    pub enum Referral {
        Made = "made",
        Declined = "declined",
    }
}

impl Referral {
    /// Reads `made`, `declined`, or empty (not recorded).
    pub fn parse(text: &str) -> Result<Option<Referral>> {
        let name = text.trim().to_lowercase();
        if name.is_empty() {
            return Ok(None);
        }
        Referral::from_name(&name).map(Some).ok_or_else(|| {
            RecordError::BadChoice {
                field: "referral",
                value: fields::shorten(text),
                allowed: "made, declined, or empty",
            }
            .into()
        })
    }

    /// As stored: the name, or empty when not recorded.
    pub(crate) fn stored(this: Option<Referral>) -> &'static str {
        this.map_or("", Referral::as_str)
    }

    pub(crate) fn from_stored(text: &str) -> Option<Referral> {
        Referral::parse(text).ok().flatten()
    }
}

vocabulary! {
    /// The three kinds of referral an interview records.
    pub enum ReferralKind {
        Psychosocial = "psychosocial",
        Medical = "medical",
        Legal = "legal",
    }
}

impl ReferralKind {
    pub fn parse(text: &str) -> Result<ReferralKind> {
        ReferralKind::from_name(&text.trim().to_lowercase()).ok_or_else(|| {
            RecordError::BadChoice {
                field: "referral kind",
                value: fields::shorten(text),
                allowed: "psychosocial, medical, legal",
            }
            .into()
        })
    }

    pub(crate) fn column(self) -> &'static str {
        match self {
            ReferralKind::Psychosocial => "referral_psychosocial",
            ReferralKind::Medical => "referral_medical",
            ReferralKind::Legal => "referral_legal",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Referrals {
    pub psychosocial: Option<Referral>,
    pub medical: Option<Referral>,
    pub legal: Option<Referral>,
}

impl Referrals {
    pub(crate) fn get(&self, kind: ReferralKind) -> Option<Referral> {
        match kind {
            ReferralKind::Psychosocial => self.psychosocial,
            ReferralKind::Medical => self.medical,
            ReferralKind::Legal => self.legal,
        }
    }

    /// The kinds not recorded yet.
    pub fn missing(&self) -> Vec<&'static str> {
        ReferralKind::ALL.into_iter().filter(|k| self.get(*k).is_none()).map(ReferralKind::as_str).collect()
    }
}

impl Vault {
    /// Records whether a referral was made or declined (`None` clears it), keeping the history.
    pub fn set_referral(&mut self, id: &str, kind: ReferralKind, value: Option<Referral>) -> Result<Interview> {
        let interview = find(&self.conn, id)?;
        let old = Referral::stored(interview.referrals.get(kind));
        let new = Referral::stored(value);
        if old != new {
            let tx = self.conn.transaction()?;
            let change = Change { field: kind.column(), old: old.into(), new: new.into() };
            fields::record_changes(&tx, &self.session, Action::InterviewEdited, "interview", &interview.id, &[change])?;
            // The column name comes from the fixed enum, never from the caller.
            tx.execute(
                &format!("UPDATE interviews SET {} = ?1 WHERE id = ?2", kind.column()),
                params![new, interview.id],
            )?;
            tx.commit()?;
        }
        self.interview(&interview.id)
    }

    /// Marks an interview complete. Refused (a block, which no justification lifts) without a consent
    /// record for the person, or, for a minor or a survivor of sexual or gender-based violence, without each
    /// referral recorded as made or declined.
    pub fn complete_interview(&mut self, id: &str) -> Result<Checked<Interview>> {
        let interview = find(&self.conn, id)?;
        if interview.status == InterviewStatus::Complete {
            return Ok(Checked { record: interview, findings: Vec::new() });
        }
        let person = persons::find(&self.conn, &interview.person)?;
        let findings = harm_facts::for_completion(&self.conn, &person, &interview.id, &interview.referrals.missing())?;
        gate::decide(&findings, None)?;
        let tx = self.conn.transaction()?;
        let consent: Option<String> = tx
            .query_row("SELECT id FROM consents WHERE person_id = ?1 ORDER BY seq DESC LIMIT 1", [&person.id], |r| {
                r.get(0)
            })
            .optional()?;
        custody::append(
            &tx,
            &self.session,
            Action::InterviewCompleted,
            Some(&interview.id),
            json!({ "consent": consent }),
        )?;
        tx.execute("UPDATE interviews SET status = 'complete' WHERE id = ?1", [&interview.id])?;
        faults::commit(tx, "interview.complete_commit")?;
        Ok(Checked { record: self.interview(&interview.id)?, findings })
    }

    /// Marks an interviewer as trained (or not) for interviews of minors and survivors of sexual or
    /// gender-based violence.
    pub fn set_interviewer(&mut self, name: &str, trained: bool) -> Result<()> {
        let name = fields::line("interviewer", name)?;
        if name.is_empty() {
            return Err(RecordError::Missing { field: "interviewer" }.into());
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO interviewers (name, trained) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET trained = excluded.trained",
            params![name, trained],
        )?;
        custody::append(&tx, &self.session, Action::InterviewerSet, Some(&name), json!({ "trained": trained }))?;
        tx.commit()?;
        Ok(())
    }

    /// Interviewers known to the vault, with whether each is trained.
    pub fn interviewers(&self) -> Result<Vec<(String, bool)>> {
        let mut stmt = self.conn.prepare("SELECT name, trained FROM interviewers ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
