//! Interviewees. A person is known everywhere by an automatic pseudonym code (`P-7F3K`); the identifying
//! fields (names, birth date and place, residence, phone, id number, notes) are returned only by
//! `reveal_person`, and each reveal is a custody event. Custody events about persons carry ids, field names
//! and hashes, never the values: the log travels in exports.

use super::fields;
use super::harm_facts;
use super::RecordError;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::harm::{gate, probe, Finding, PersonChecker};
use crate::ids;
use crate::vault::Vault;
use canon_json::CanonJsonSerialize;
use custodia_matching::{self as matching, PartialDate};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::json;

/// Sex as recorded on identity documents; unknown is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Sex {
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "F")]
    Female,
}

impl Sex {
    /// Reads `M`, `F`, `male`, `female` and the matcher's other spellings (any case); empty is unknown;
    /// anything else is refused rather than silently taken as unknown.
    pub fn parse(text: &str) -> Result<Option<Sex>> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        match matching::Sex::parse(text) {
            Some(matching::Sex::Male) => Ok(Some(Sex::Male)),
            Some(matching::Sex::Female) => Ok(Some(Sex::Female)),
            None => {
                Err(RecordError::BadChoice { field: "sex", value: fields::shorten(text), allowed: "M, F, or empty" }
                    .into())
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }

    /// The stored form: `M`, `F`, or empty for unknown (the table's CHECK admits nothing else).
    pub(crate) fn from_stored(text: &str) -> Option<Sex> {
        match text {
            "M" => Some(Sex::Male),
            "F" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// What a documenter gives about a person. Text is checked by the vault, never trusted.
///
/// `Zeroize` wipes what was typed. Not on drop, since callers build inputs with `..Default::default()`:
/// a shell holds the input in `Zeroizing` for as long as it needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, zeroize::Zeroize)]
pub struct PersonInput {
    /// An external reference (another organisation's or a spreadsheet's id); empty for none.
    pub reference: String,
    pub full_name: String,
    pub other_names: Vec<String>,
    #[zeroize(skip)]
    pub sex: Option<Sex>,
    /// `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, or empty when unknown.
    pub birth_date: String,
    pub birth_place: String,
    pub residence: String,
    pub phone: String,
    pub id_number: String,
    /// A minor at the time of interview.
    pub minor: bool,
    /// A survivor of sexual or gender-based violence.
    pub sgbv_survivor: bool,
    pub notes: String,
}

/// A person as listings show it: the pseudonym code and non-identifying facts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: String,
    pub reference: Option<String>,
    pub sex: Option<Sex>,
    pub minor: bool,
    pub sgbv_survivor: bool,
    pub created_at: String,
    pub created_by: String,
    /// Set when a reviewer found this record to be the same person as another.
    pub merged_into: Option<String>,
    pub interviews: u32,
}

/// The identifying fields, returned only by an explicit (logged) reveal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub full_name: String,
    pub other_names: Vec<String>,
    pub birth_date: String,
    pub birth_place: String,
    pub residence: String,
    pub phone: String,
    pub id_number: String,
    pub notes: String,
}

/// The result of adding a person: the record and the findings that were shown (and, for warnings,
/// overridden with the justification given).
#[derive(Debug, Clone)]
pub struct PersonAdded {
    pub person: Person,
    pub findings: Vec<Finding>,
}

/// A person's fields after checking, in their stored form.
///
/// A checked person holds everything identifying that was typed: wiped when dropped, so a check or an
/// add leaves no copy of the name in freed memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub(crate) struct Checked {
    pub reference: Option<String>,
    pub full_name: String,
    pub other_names: Vec<String>,
    #[zeroize(skip)]
    pub sex: Option<Sex>,
    pub birth_date: String,
    pub birth_place: String,
    pub residence: String,
    pub phone: String,
    pub id_number: String,
    pub minor: bool,
    pub sgbv_survivor: bool,
    pub notes: String,
}

impl PersonInput {
    pub(crate) fn check(&self) -> Result<Checked> {
        let full_name = fields::line("full name", &self.full_name)?;
        if full_name.is_empty() {
            return Err(RecordError::Missing { field: "full name" }.into());
        }
        let reference = fields::line("reference", &self.reference)?;
        Ok(Checked {
            reference: (!reference.is_empty()).then_some(reference),
            full_name,
            other_names: fields::list("other names", &self.other_names)?,
            sex: self.sex,
            birth_date: birth_date(&self.birth_date)?,
            birth_place: fields::line("birth place", &self.birth_place)?,
            residence: fields::line("residence", &self.residence)?,
            phone: phone(&self.phone)?,
            id_number: fields::line("id number", &self.id_number)?,
            minor: self.minor,
            sgbv_survivor: self.sgbv_survivor,
            notes: fields::text("notes", &self.notes, fields::MEDIUM)?,
        })
    }
}

/// A birth date as a full date, a year and month, a year, or unknown (empty), read by the matcher's parser
/// (which also takes `26/04/1990` and `04/1990`) and stored in its ISO form.
pub(crate) fn birth_date(text: &str) -> Result<String> {
    match PartialDate::parse(text) {
        Ok(PartialDate::Unknown) => Ok(String::new()),
        Ok(date) => Ok(date.to_string()),
        Err(_) => Err(RecordError::BadDate {
            field: "birth date",
            value: fields::shorten(text.trim()),
            expected: "YYYY-MM-DD, YYYY-MM or YYYY, or DD/MM/YYYY (or leave it empty)",
        }
        .into()),
    }
}

/// A phone number: digits with an optional leading `+` and the usual separators.
pub(crate) fn phone(text: &str) -> Result<String> {
    let text = fields::line("phone", text)?;
    let ok = text.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)) && text.len() <= 40;
    if !ok {
        return Err(RecordError::BadChoice {
            field: "phone",
            value: fields::shorten(&text),
            allowed: "digits, spaces, + - ( ) . (at most 40)",
        }
        .into());
    }
    Ok(text)
}

/// The SHA-256 of a record's canonical JSON: what the custody log keeps to prove the record later without
/// holding it.
///
/// The JSON goes straight into the hash: a buffer of it would be a copy of the person's names left in freed
/// memory. (the canonical writer still buffers each member to sort them; those buffers are out of our reach.)
pub(crate) fn record_sha256<T: Serialize>(record: &T) -> Result<String> {
    struct Hashing(sha2::Sha256);
    impl std::io::Write for Hashing {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            sha2::Digest::update(&mut self.0, bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hashing = Hashing(<sha2::Sha256 as sha2::Digest>::new());
    record.to_canon_json_writer(&mut hashing).map_err(crate::custody::CustodyError::Encoding)?;
    Ok(hex::encode(sha2::Digest::finalize(hashing.0)))
}

const SELECT_PERSON: &str = "SELECT p.id, p.ref, p.sex, p.minor, p.sgbv_survivor, p.created_at, p.created_by, \
     p.merged_into, (SELECT count(*) FROM interviews i WHERE i.person_id = p.id) FROM persons p";

fn row_to_person(r: &Row<'_>) -> rusqlite::Result<Person> {
    Ok(Person {
        id: r.get(0)?,
        reference: r.get(1)?,
        sex: Sex::from_stored(&r.get::<_, String>(2)?),
        minor: r.get(3)?,
        sgbv_survivor: r.get(4)?,
        created_at: r.get(5)?,
        created_by: r.get(6)?,
        merged_into: r.get(7)?,
        interviews: r.get(8)?,
    })
}

/// Finds a person by external reference (exactly as given) or by pseudonym code (as typed).
pub(crate) fn find(conn: &Connection, typed: &str) -> Result<Person> {
    let typed = typed.trim();
    if let Some(person) =
        conn.query_row(&format!("{SELECT_PERSON} WHERE p.ref = ?1"), [typed], row_to_person).optional()?
    {
        return Ok(person);
    }
    conn.query_row(&format!("{SELECT_PERSON} WHERE p.id = ?1"), [ids::normalize(typed)], row_to_person)
        .optional()?
        .ok_or_else(|| RecordError::PersonNotFound(fields::shorten(typed)).into())
}

/// Like `find`, but refuses a person merged into another: new records go to the surviving one.
pub(crate) fn find_current(conn: &Connection, typed: &str) -> Result<Person> {
    let person = find(conn, typed)?;
    match person.merged_into {
        Some(into) => Err(RecordError::Merged { id: person.id, into }.into()),
        None => Ok(person),
    }
}

pub(crate) fn stored(conn: &Connection, id: &str) -> Result<Checked> {
    let (mut person, other_names, sex) = conn.query_row(
        "SELECT ref, full_name, other_names, sex, birth_date, birth_place, residence, phone, id_number, minor,
                sgbv_survivor, notes FROM persons WHERE id = ?1",
        [id],
        |r| {
            let person = Checked {
                reference: r.get(0)?,
                full_name: r.get(1)?,
                other_names: Vec::new(),
                sex: None,
                birth_date: r.get(4)?,
                birth_place: r.get(5)?,
                residence: r.get(6)?,
                phone: r.get(7)?,
                id_number: r.get(8)?,
                minor: r.get(9)?,
                sgbv_survivor: r.get(10)?,
                notes: r.get(11)?,
            };
            Ok((person, zeroize::Zeroizing::new(r.get::<_, String>(2)?), r.get::<_, String>(3)?))
        },
    )?;
    person.other_names = stored_names(id, &other_names)?;
    person.sex = Sex::from_stored(&sex);
    Ok(person)
}

/// A person's other names in their stored form (a JSON list of strings).
pub(crate) fn stored_names(id: &str, json: &str) -> Result<Vec<String>> {
    serde_json::from_str(json).map_err(|e| {
        // serde_json's message gives a position and what was expected, never the text itself.
        RecordError::Damaged { record: id.to_string(), field: "other names", source: Some(Box::new(e)) }.into()
    })
}

/// Inserts a checked person and its `person.created` event; returns the new pseudonym code.
pub(crate) fn insert(tx: &Connection, session: &custody::Session, person: &Checked) -> Result<String> {
    if let Some(reference) = &person.reference {
        let taken: bool =
            tx.query_row("SELECT EXISTS(SELECT 1 FROM persons WHERE ref = ?1)", [reference], |r| r.get(0))?;
        if taken {
            return Err(RecordError::RefTaken(fields::shorten(reference)).into());
        }
    }
    // 32^4 codes: short enough to read aloud; a collision just draws again.
    let id = fields::new_id(tx, "persons", "P", &[4])?;
    let present: Vec<&str> = [
        ("reference", person.reference.is_some()),
        ("full_name", true),
        ("other_names", !person.other_names.is_empty()),
        ("sex", person.sex.is_some()),
        ("birth_date", !person.birth_date.is_empty()),
        ("birth_place", !person.birth_place.is_empty()),
        ("residence", !person.residence.is_empty()),
        ("phone", !person.phone.is_empty()),
        ("id_number", !person.id_number.is_empty()),
        ("notes", !person.notes.is_empty()),
    ]
    .into_iter()
    .filter_map(|(name, present)| present.then_some(name))
    .collect();
    let details = json!({ "fields": present, "record_sha256": record_sha256(person)? });
    let event = custody::append(tx, session, Action::PersonCreated, Some(&id), details)?;
    tx.execute(
        "INSERT INTO persons (id, ref, full_name, other_names, sex, birth_date, birth_place, residence, phone,
                              id_number, minor, sgbv_survivor, notes, created_at, created_by, created_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            id,
            person.reference,
            person.full_name,
            serde_json::to_string(&person.other_names).unwrap_or_else(|_| "[]".into()),
            person.sex.map(Sex::as_str).unwrap_or(""),
            person.birth_date,
            person.birth_place,
            person.residence,
            person.phone,
            person.id_number,
            person.minor,
            person.sgbv_survivor,
            person.notes,
            event.time,
            event.actor,
            event.seq
        ],
    )?;
    Ok(id)
}

impl Vault {
    /// The do-no-harm findings for a person about to be added, without saving anything. For repeated
    /// checks (while the documenter types), `check_person_with` reuses the index of stored persons.
    pub fn check_person(&self, input: &PersonInput) -> Result<Vec<Finding>> {
        self.check_person_with(&mut PersonChecker::default(), input)
    }

    /// Like `check_person`, with an index of the stored persons kept in `checker` between calls and
    /// rebuilt only when persons changed. Building it costs about 12 ms per 1,000 persons; a check with it
    /// takes milliseconds. Drop the checker with the vault: it holds names.
    /// Each call takes one check from the checker's budget (a live check answers whether a described
    /// person is stored, see `harm::probe`), and a call that finds a match is a `harm.checked` event.
    pub fn check_person_with(&self, checker: &mut PersonChecker, input: &PersonInput) -> Result<Vec<Finding>> {
        let person = input.check()?;
        checker.take_live_check(std::time::Instant::now())?;
        let team = harm_facts::team_candidates(&self.conn, checker, harm_facts::UNSAVED, &person)?;
        let people = harm_facts::fresh_people(&self.conn, checker)?;
        let findings = harm_facts::for_new_person(&self.conn, people, &person, &team, &self.harm_settings()?)?;
        probe::log_matches(&self.conn, &self.session, probe::Context::NewPerson, None, &findings)?;
        Ok(findings)
    }

    /// Adds a person after running the rules. Warnings need a `justification` (then logged as
    /// `harm.overridden`); without one nothing is saved and the error carries the findings.
    pub fn add_person(&mut self, input: &PersonInput, justification: Option<&str>) -> Result<PersonAdded> {
        self.add_person_with(&mut PersonChecker::default(), input, justification)
    }

    /// Like `add_person`, reusing the person index kept in `checker` (the one the live check used).
    pub fn add_person_with(
        &mut self,
        checker: &mut PersonChecker,
        input: &PersonInput,
        justification: Option<&str>,
    ) -> Result<PersonAdded> {
        let person = input.check()?;
        let team = harm_facts::team_candidates(&self.conn, checker, harm_facts::UNSAVED, &person)?;
        let people = harm_facts::fresh_people(&self.conn, checker)?;
        let findings = harm_facts::for_new_person(&self.conn, people, &person, &team, &self.harm_settings()?)?;
        let justification = self.decide_or_log(&findings, justification)?;
        let tx = self.conn.transaction()?;
        let id = insert(&tx, &self.session, &person)?;
        gate::log_overrides(&tx, &self.session, &id, &findings, justification.as_deref())?;
        tx.commit()?;
        Ok(PersonAdded { person: self.person(&id)?, findings })
    }

    /// Every person, oldest first: pseudonym codes and non-identifying facts.
    pub fn persons(&self) -> Result<Vec<Person>> {
        let mut stmt = self.conn.prepare(&format!("{SELECT_PERSON} ORDER BY p.created_seq"))?;
        let rows = stmt.query_map([], row_to_person)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One person by pseudonym code or external reference.
    pub fn person(&self, id: &str) -> Result<Person> {
        find(&self.conn, id)
    }

    /// The identifying fields of a person. Logged as `person.revealed` (who, when, which person).
    pub fn reveal_person(&mut self, id: &str) -> Result<Identity> {
        let person = find(&self.conn, id)?;
        let mut stored = stored(&self.conn, &person.id)?;
        let tx = self.conn.transaction()?;
        custody::append(&tx, &self.session, Action::PersonRevealed, Some(&person.id), json!({ "what": "identity" }))?;
        tx.commit()?;
        // Taken field by field: a checked person wipes what it still holds when dropped.
        let take = std::mem::take::<String>;
        Ok(Identity {
            full_name: take(&mut stored.full_name),
            other_names: std::mem::take(&mut stored.other_names),
            birth_date: take(&mut stored.birth_date),
            birth_place: take(&mut stored.birth_place),
            residence: take(&mut stored.residence),
            phone: take(&mut stored.phone),
            id_number: take(&mut stored.id_number),
            notes: take(&mut stored.notes),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_are_full_year_month_year_or_unknown() {
        for (typed, stored) in [
            ("", ""),
            ("1985", "1985"),
            ("1985-04", "1985-04"),
            ("1985-04-16", "1985-04-16"),
            ("16/04/1985", "1985-04-16"),
        ] {
            assert_eq!(birth_date(typed).expect("accepted"), stored, "{typed:?}");
        }
        for bad in ["85", "1985-13", "1985-02-30", "198x", "abcd-ef", "1700"] {
            assert!(birth_date(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn sex_reads_the_usual_spellings_and_nothing_else() {
        assert_eq!(Sex::parse("m").expect("m"), Some(Sex::Male));
        assert_eq!(Sex::parse("Female").expect("f"), Some(Sex::Female));
        assert_eq!(Sex::parse(" ").expect("blank"), None);
        assert!(Sex::parse("X").is_err());
    }

    #[test]
    fn a_person_needs_a_name_and_clean_fields() {
        assert!(PersonInput::default().check().is_err());
        let ok = PersonInput { full_name: "Amina Yusuf".into(), phone: "+249 912 345".into(), ..Default::default() };
        assert!(ok.check().is_ok());
        let bad = PersonInput { phone: "call me".into(), ..ok.clone() };
        assert!(bad.check().is_err());
        let long = PersonInput { birth_place: "x".repeat(fields::SHORT + 1), ..ok };
        assert!(long.check().is_err());
    }
}
