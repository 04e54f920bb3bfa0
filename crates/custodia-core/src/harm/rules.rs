//! The do-no-harm rules, run against the vault's records before a person or an interview is created, when
//! they change, and before an interview is completed. Each returns findings; `gate` decides what they
//! allow.

use super::findings::{self, Finding, PriorInterview, Reason};
use super::people::{self, People, PersonChecker};
use super::settings::HarmSettings;
use super::testimony;
use crate::error::Result;
use crate::records::persons::{self, Checked, Person};
use chrono::NaiveDate;
use rusqlite::{params, Connection};

/// The placeholder id a person has while it is checked before being saved.
const UNSAVED: &str = "(new person)";
/// At most this many candidates of one kind are reported: the strongest ones.
const MAX_REPORTED: usize = 5;

/// The interviews of a person (by surviving record), oldest first.
pub(crate) fn prior_interviews(conn: &Connection, person: &str, exclude: Option<&str>) -> Result<Vec<PriorInterview>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, date FROM interviews WHERE person_id = ?1 ORDER BY date, created_seq")?;
    let rows = stmt.query_map([person], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, date) = row?;
        if Some(id.as_str()) != exclude {
            out.push(PriorInterview { interviewers: interviewers_of(conn, &id)?, id, date });
        }
    }
    Ok(out)
}

pub(crate) fn interviewers_of(conn: &Connection, interview: &str) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT name FROM interview_interviewers WHERE interview_id = ?1 ORDER BY name")?;
    let rows = stmt.query_map([interview], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn duplicates(
    conn: &Connection,
    people: &People,
    probe_id: &str,
    person: &Checked,
    threshold: f64,
) -> Result<Vec<Finding>> {
    // The probe holds the person's names; wiped when the check ends.
    let probe = zeroize::Zeroizing::new(people::record(probe_id, person));
    let mut out = Vec::new();
    for (id, score, reasons) in people.candidates(&probe, threshold).into_iter().take(MAX_REPORTED) {
        let reasons = reasons.iter().map(|r| Reason { code: r.code(), text: r.to_string() }).collect();
        out.push(findings::duplicate_person(&id, score, reasons, &prior_interviews(conn, &id, None)?));
    }
    Ok(out)
}

/// possible-duplicate-person, for a person about to be added.
pub(crate) fn for_new_person(
    conn: &Connection,
    people: &People,
    person: &Checked,
    settings: &HarmSettings,
) -> Result<Vec<Finding>> {
    duplicates(conn, people, UNSAVED, person, settings.duplicate_threshold)
}

/// possible-duplicate-person, for a stored person whose fields change.
pub(crate) fn for_edited_person(
    conn: &Connection,
    id: &str,
    person: &Checked,
    settings: &HarmSettings,
) -> Result<Vec<Finding>> {
    duplicates(conn, &People::load(conn)?, id, person, settings.duplicate_threshold)
}

/// What the rules need to know of an interview about to be created or changed.
pub(crate) struct Planned<'a> {
    pub person: &'a Person,
    pub date: NaiveDate,
    pub interviewers: &'a [String],
    pub transcript: &'a str,
    /// The interview itself, when it is being edited.
    pub existing: Option<&'a str>,
}

/// recent-interview, interview-count, possible-duplicate-person (of the interviewee), near-duplicate-
/// testimony, consent-missing (as information) and sensitive-safeguard (a trained interviewer).
pub(crate) fn for_interview(
    conn: &Connection,
    checker: &mut PersonChecker,
    plan: &Planned<'_>,
    settings: &HarmSettings,
) -> Result<Vec<Finding>> {
    let person = plan.person;
    let mut out = Vec::new();
    if plan.existing.is_none() {
        let stored = persons::stored(conn, &person.id)?;
        out.extend(duplicates(conn, checker.fresh(conn)?, &person.id, &stored, settings.duplicate_threshold)?);
    }
    let prior = prior_interviews(conn, &person.id, plan.existing)?;
    if plan.existing.is_none() && !prior.is_empty() {
        out.push(findings::interview_count(&person.id, settings.max_interviews, &prior));
    }
    let nearest = prior
        .iter()
        .filter_map(|p| NaiveDate::parse_from_str(&p.date, "%Y-%m-%d").ok().map(|d| ((plan.date - d).num_days(), p)))
        .min_by_key(|(days, _)| days.abs());
    if let Some((days, last)) = nearest {
        if days.abs() < i64::from(settings.cooldown_days) {
            out.push(findings::recent_interview(&person.id, days, settings.cooldown_days, last));
        }
    }
    out.extend(near_duplicates(conn, plan.transcript, plan.existing, settings)?);
    if plan.existing.is_none() && !has_consent(conn, &person.id)? {
        out.push(findings::consent_not_yet(&person.id));
    }
    if (person.minor || person.sgbv_survivor) && !any_trained(conn, plan.interviewers)? {
        out.push(findings::safeguard_interviewer(&person.id, person.minor, person.sgbv_survivor, plan.interviewers));
    }
    Ok(out)
}

/// near-duplicate-testimony: transcripts estimated at least as similar as the setting.
pub(crate) fn near_duplicates(
    conn: &Connection,
    transcript: &str,
    exclude: Option<&str>,
    settings: &HarmSettings,
) -> Result<Vec<Finding>> {
    let mut out = Vec::new();
    for (id, similarity) in
        testimony::similar(conn, transcript, exclude, settings.testimony_similarity)?.into_iter().take(MAX_REPORTED)
    {
        let (person, date): (String, String) =
            conn.query_row("SELECT person_id, date FROM interviews WHERE id = ?1", [&id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let other = PriorInterview { interviewers: interviewers_of(conn, &id)?, id, date };
        out.push(findings::near_duplicate_testimony(&person, &other, similarity));
    }
    Ok(out)
}

pub(crate) fn has_consent(conn: &Connection, person: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS(SELECT 1 FROM consents WHERE person_id = ?1)", [person], |r| r.get(0))?)
}

fn any_trained(conn: &Connection, interviewers: &[String]) -> Result<bool> {
    let mut stmt = conn.prepare_cached("SELECT trained FROM interviewers WHERE name = ?1")?;
    for name in interviewers {
        let trained: Option<bool> = stmt.query_row(params![name], |r| r.get(0)).ok();
        if trained == Some(true) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Before completion: consent-missing (block) and sensitive-safeguard's referrals (block).
pub(crate) fn for_completion(
    conn: &Connection,
    person: &Person,
    interview: &str,
    missing_referrals: &[&str],
) -> Result<Vec<Finding>> {
    let mut out = Vec::new();
    if !has_consent(conn, &person.id)? {
        out.push(findings::consent_missing(&person.id, interview));
    }
    if (person.minor || person.sgbv_survivor) && !missing_referrals.is_empty() {
        out.push(findings::safeguard_referral(
            &person.id,
            interview,
            person.minor,
            person.sgbv_survivor,
            missing_referrals,
        ));
    }
    Ok(out)
}
