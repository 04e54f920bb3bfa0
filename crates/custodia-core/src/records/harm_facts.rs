//! What the do-no-harm rules read of the records. Each entry point reads the tables into the plain structs
//! of `harm::rules` (the persons for the matcher's index, a person's interviews, consent, trained
//! interviewers, similar testimonies), then runs the rules on them: the rules run no SQL. A stored value
//! that does not read back is an error naming the record (`RecordError::Damaged`), never silently dropped.

use chrono::NaiveDate;
use custodia_matching::{self as matching, PartialDate, PersonRecord};
use rusqlite::{params, Connection, OptionalExtension};
use zeroize::Zeroizing;

use super::interviews::interviewers_of;
use super::persons::{self, Checked, Person, Sex};
use super::RecordError;
use crate::error::Result;
use crate::harm::findings::{Finding, PriorInterview};
use crate::harm::people::{People, PersonChecker, Stamp};
use crate::harm::rules::{self, Candidate, CompletionFacts, InterviewFacts, SimilarTestimony, Subject, MAX_REPORTED};
use crate::harm::{testimony, HarmSettings};
use crate::team::held::{self, TeamCandidate};

/// The placeholder id a person has while it is checked before being saved.
pub(crate) const UNSAVED: &str = "(new person)";

/// The matcher's view of a person's checked fields. `id` is the person's code, or a placeholder.
fn record(id: &str, p: &Checked) -> Result<PersonRecord> {
    let some = |s: &String| (!s.is_empty()).then(|| s.clone());
    Ok(PersonRecord {
        id: id.to_string(),
        full_name: p.full_name.clone(),
        other_names: p.other_names.clone(),
        sex: p.sex.map(matcher_sex),
        birth_date: stored_birth_date(id, &p.birth_date)?,
        birth_place: some(&p.birth_place),
        residence: some(&p.residence),
        phone: some(&p.phone),
        id_number: some(&p.id_number),
    })
}

fn matcher_sex(sex: Sex) -> matching::Sex {
    match sex {
        Sex::Male => matching::Sex::Male,
        Sex::Female => matching::Sex::Female,
    }
}

/// A birth date in its stored form, which the same parser wrote (`persons::birth_date`).
fn stored_birth_date(id: &str, text: &str) -> Result<PartialDate> {
    // The parser's error quotes the date, which may identify the person: it is not kept as the source.
    PartialDate::parse(text).map_err(|_| damaged(id, "birth date", None))
}

fn damaged(
    record: &str,
    field: &'static str,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
) -> crate::Error {
    RecordError::Damaged { record: record.to_string(), field, source }.into()
}

/// What changes when persons, their edits or reviewers' decisions change: the largest rowid of each
/// table (rows are only ever added to them). Reading it costs three B-tree descents, not a scan.
fn stamp(conn: &Connection) -> Result<Stamp> {
    Ok(conn.query_row(
        "SELECT (SELECT ifnull(max(rowid), 0) FROM persons), (SELECT ifnull(max(rowid), 0) FROM record_history),
                (SELECT ifnull(max(rowid), 0) FROM person_decisions)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

/// Every stored person in the matcher's index, with merges and "different people" decisions.
pub(crate) fn people(conn: &Connection) -> Result<People> {
    let mut people = People::new(stamp(conn)?);
    let mut stmt = conn.prepare(
        "SELECT id, full_name, other_names, sex, birth_date, birth_place, residence, phone, id_number,
                merged_into FROM persons",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let some = |s: String| (!s.is_empty()).then_some(s);
        let record = Zeroizing::new(PersonRecord {
            full_name: r.get(1)?,
            other_names: persons::stored_names(&id, &r.get::<_, String>(2)?)?,
            sex: Sex::from_stored(&r.get::<_, String>(3)?).map(matcher_sex),
            birth_date: stored_birth_date(&id, &r.get::<_, String>(4)?)?,
            birth_place: some(r.get(5)?),
            residence: some(r.get(6)?),
            phone: some(r.get(7)?),
            id_number: some(r.get(8)?),
            id,
        });
        // The index keeps its own prepared copy; this one, read from the database, is wiped now.
        people.insert(&record, r.get(9)?);
    }
    let mut stmt = conn.prepare("SELECT a, b FROM person_decisions WHERE decision = 'different'")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (a, b) = row?;
        people.mark_different(a, b);
    }
    Ok(people)
}

/// Every person not merged into another, as the matcher reads them (for the linkage tokens a vault
/// publishes and for the cross-vault duplicate list). Each is wiped when dropped.
pub(crate) fn person_records(conn: &Connection) -> Result<Vec<Zeroizing<PersonRecord>>> {
    let mut stmt = conn.prepare(
        "SELECT id, full_name, other_names, sex, birth_date, birth_place FROM persons
         WHERE merged_into IS NULL ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        out.push(Zeroizing::new(PersonRecord {
            full_name: r.get(1)?,
            other_names: persons::stored_names(&id, &r.get::<_, String>(2)?)?,
            sex: Sex::from_stored(&r.get::<_, String>(3)?).map(matcher_sex),
            birth_date: stored_birth_date(&id, &r.get::<_, String>(4)?)?,
            birth_place: Some(r.get::<_, String>(5)?).filter(|s| !s.is_empty()),
            id,
            ..Default::default()
        }));
    }
    Ok(out)
}

/// Team members' persons probably the same as `person` (checked under `probe_id`), through the tokens
/// held, kept in `checker` between checks.
pub(crate) fn team_candidates(
    conn: &Connection,
    checker: &mut PersonChecker,
    probe_id: &str,
    person: &Checked,
) -> Result<Vec<TeamCandidate>> {
    let held = checker.team_tokens(held::stamp(conn)?, || held::load(conn))?;
    if held.is_empty() {
        return Ok(Vec::new());
    }
    let probe = Zeroizing::new(record(probe_id, person)?);
    Ok(held.candidates(&probe, MAX_REPORTED))
}

/// The index a checker keeps, rebuilt when the vault's persons changed since it was built.
pub(crate) fn fresh_people<'a>(conn: &Connection, checker: &'a mut PersonChecker) -> Result<&'a People> {
    checker.people(stamp(conn)?, || people(conn))
}

/// The interviews of a person (by surviving record), oldest first, with their dates read as days.
fn prior_interviews(
    conn: &Connection,
    person: &str,
    exclude: Option<&str>,
) -> Result<Vec<(NaiveDate, PriorInterview)>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, date FROM interviews WHERE person_id = ?1 ORDER BY date, created_seq")?;
    let rows = stmt.query_map([person], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, date) = row?;
        if Some(id.as_str()) != exclude {
            let day = NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                .map_err(|e| damaged(&id, "interview date", Some(Box::new(e))))?;
            out.push((day, PriorInterview { interviewers: interviewers_of(conn, &id)?, id, date }));
        }
    }
    Ok(out)
}

/// The strongest stored candidates for `probe`, each with its interviews.
fn candidates(
    conn: &Connection,
    people: &People,
    probe_id: &str,
    person: &Checked,
    threshold: f64,
) -> Result<Vec<Candidate>> {
    // The probe holds the person's names; wiped when the check ends.
    let probe = Zeroizing::new(record(probe_id, person)?);
    let mut out = Vec::new();
    for (id, score, reasons) in people.candidates(&probe, threshold).into_iter().take(MAX_REPORTED) {
        let prior = prior_interviews(conn, &id, None)?.into_iter().map(|(_, p)| p).collect();
        out.push(Candidate { id, score, reasons, prior });
    }
    Ok(out)
}

/// possible-duplicate-person, for a person about to be added.
pub(crate) fn for_new_person(
    conn: &Connection,
    people: &People,
    person: &Checked,
    team: &[TeamCandidate],
    settings: &HarmSettings,
) -> Result<Vec<Finding>> {
    let mut findings = rules::duplicates(candidates(conn, people, UNSAVED, person, settings.duplicate_threshold)?);
    findings.extend(rules::team_duplicates(team));
    Ok(findings)
}

/// possible-duplicate-person, for a stored person whose fields change.
pub(crate) fn for_edited_person(
    conn: &Connection,
    id: &str,
    person: &Checked,
    settings: &HarmSettings,
) -> Result<Vec<Finding>> {
    Ok(rules::duplicates(candidates(conn, &people(conn)?, id, person, settings.duplicate_threshold)?))
}

/// An interview about to be created or changed.
pub(crate) struct Planned<'a> {
    pub person: &'a Person,
    pub date: NaiveDate,
    pub interviewers: &'a [String],
    pub transcript: &'a str,
    /// The interview itself, when it is being edited.
    pub existing: Option<&'a str>,
}

fn subject(person: &Person) -> Subject<'_> {
    Subject { id: &person.id, minor: person.minor, sgbv_survivor: person.sgbv_survivor }
}

/// The rules for an interview (see `rules::for_interview`); the duplicate check of the interviewee, for a
/// new interview only, uses the index kept in `checker`.
pub(crate) fn for_interview(
    conn: &Connection,
    checker: &mut PersonChecker,
    plan: &Planned<'_>,
    settings: &HarmSettings,
) -> Result<Vec<Finding>> {
    let person = plan.person;
    let new = plan.existing.is_none();
    let (duplicates, team) = if new {
        let stored = persons::stored(conn, &person.id)?;
        let team = team_candidates(conn, checker, &person.id, &stored)?;
        (candidates(conn, fresh_people(conn, checker)?, &person.id, &stored, settings.duplicate_threshold)?, team)
    } else {
        (Vec::new(), Vec::new())
    };
    let facts = InterviewFacts {
        person: subject(person),
        date: plan.date,
        interviewers: plan.interviewers,
        new,
        duplicates,
        team,
        prior: prior_interviews(conn, &person.id, plan.existing)?,
        similar: similar_testimonies(conn, plan.transcript, plan.existing, settings.testimony_similarity)?,
        has_consent: has_consent(conn, &person.id)?,
        any_trained: any_trained(conn, plan.interviewers)?,
    };
    Ok(rules::for_interview(facts, settings))
}

/// The rules before an interview is completed (see `rules::for_completion`).
pub(crate) fn for_completion(
    conn: &Connection,
    person: &Person,
    interview: &str,
    missing_referrals: &[&str],
) -> Result<Vec<Finding>> {
    let facts = CompletionFacts {
        person: subject(person),
        interview,
        has_consent: has_consent(conn, &person.id)?,
        missing_referrals,
    };
    Ok(rules::for_completion(&facts))
}

/// Stored interviews whose transcript is estimated at least `threshold` similar, most similar first.
fn similar_testimonies(
    conn: &Connection,
    transcript: &str,
    exclude: Option<&str>,
    threshold: f64,
) -> Result<Vec<SimilarTestimony>> {
    let mut out = Vec::new();
    for (id, similarity) in testimony::similar(conn, transcript, exclude, threshold)?.into_iter().take(MAX_REPORTED) {
        let (person, date): (String, String) =
            conn.query_row("SELECT person_id, date FROM interviews WHERE id = ?1", [&id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let interview = PriorInterview { interviewers: interviewers_of(conn, &id)?, id, date };
        out.push(SimilarTestimony { person, interview, similarity });
    }
    Ok(out)
}

fn has_consent(conn: &Connection, person: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS(SELECT 1 FROM consents WHERE person_id = ?1)", [person], |r| r.get(0))?)
}

/// Whether one of `interviewers` is recorded as trained. A name never recorded is not trained; a read that
/// fails is an error, not an untrained interviewer.
fn any_trained(conn: &Connection, interviewers: &[String]) -> Result<bool> {
    let mut stmt = conn.prepare_cached("SELECT trained FROM interviewers WHERE name = ?1")?;
    for name in interviewers {
        let trained: Option<bool> = stmt.query_row(params![name], |r| r.get(0)).optional()?;
        if trained == Some(true) {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use crate::keys::{KdfParams, StrengthPolicy};
    use crate::records::interviews::InterviewInput;
    use crate::records::persons::PersonInput;
    use crate::vault::Vault;
    use crate::Session;
    use secrecy::SecretString;

    fn vault(dir: &tempfile::TempDir) -> Vault {
        let passphrase = SecretString::from("a passphrase long enough for tests".to_string());
        let session = Session::new("Test Documenter", "dev-test").expect("session");
        Vault::create(&dir.path().join("vault"), &passphrase, StrengthPolicy::Required, KdfParams::FLOOR, session)
            .expect("create")
    }

    fn amina() -> PersonInput {
        PersonInput {
            full_name: "Amina Yusuf Haroun".into(),
            other_names: vec!["Aminah Youssouf".into()],
            birth_date: "1990-04-26".into(),
            ..Default::default()
        }
    }

    /// The error a damaged stored value gives: `database_damaged`, naming the record and the field, never
    /// quoting the value.
    fn assert_damaged(err: &crate::Error, record: &str, field: &str, value: &str) {
        let words = err.to_string();
        assert_eq!(err.code(), crate::ErrorCode::DatabaseDamaged, "{words}");
        assert!(words.contains(record) && words.contains(field), "names the record and the field: {words}");
        assert!(!words.contains(value), "does not quote the stored value: {words}");
    }

    #[test]
    fn damaged_other_names_and_birth_dates_stop_the_duplicate_check_instead_of_being_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut vault = vault(&dir);
        let stored = vault.add_person(&amina(), None).expect("add").person.id;
        vault.conn.execute("UPDATE persons SET other_names = 'Aminah' WHERE id = ?1", [&stored]).expect("damage");
        let err = vault.check_person(&amina()).expect_err("other names that are not a list");
        assert_damaged(&err, &stored, "other names", "Aminah");
        vault
            .conn
            .execute("UPDATE persons SET other_names = '[]', birth_date = '26 avril' WHERE id = ?1", [&stored])
            .expect("damage");
        let err = vault.check_person(&amina()).expect_err("a birth date that does not parse");
        assert_damaged(&err, &stored, "birth date", "avril");
    }

    #[test]
    fn a_damaged_interview_date_stops_the_interview_rules_instead_of_being_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut vault = vault(&dir);
        let person = vault.add_person(&amina(), None).expect("add").person.id;
        let input = InterviewInput {
            person: person.clone(),
            interviewers: vec!["A. Haroun".into()],
            date: "2026-03-02".into(),
            transcript: "What happened at the market.".into(),
            ..Default::default()
        };
        let first = vault.add_interview(&input, None).expect("first interview").record.id;
        vault.conn.execute("UPDATE interviews SET date = 'March' WHERE id = ?1", [&first]).expect("damage");
        let err = vault.check_interview(&input).expect_err("the earlier interview's date cannot be read");
        assert_damaged(&err, &first, "interview date", "March");
    }
}
