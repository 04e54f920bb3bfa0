//! Changing a person's fields: each previous value goes into the history (which only a logged reveal
//! reads back), each change is a custody event with hashes, never values; the duplicate rule runs again on
//! the new values and informs without stopping a correction.

use super::fields::{self, Change, HistoryEntry};
use super::harm_facts;
use super::persons::{birth_date, find, phone, stored, Person, Sex};
use super::RecordError;
use crate::custody::{self, Action};
use crate::error::Result;
use crate::harm::{probe, Finding};
use crate::vault::Vault;
use rusqlite::params;
use serde_json::json;

/// New values for a person's fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct PersonEdit {
    pub full_name: Option<String>,
    pub other_names: Option<Vec<String>>,
    /// `Some(None)` clears the sex.
    pub sex: Option<Option<Sex>>,
    pub birth_date: Option<String>,
    pub birth_place: Option<String>,
    pub residence: Option<String>,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub minor: Option<bool>,
    pub sgbv_survivor: Option<bool>,
    pub notes: Option<String>,
}

impl Vault {
    /// Earlier values of a person's fields. They can identify the person, so reading them is a reveal.
    pub fn reveal_person_history(&mut self, id: &str) -> Result<Vec<HistoryEntry>> {
        let person = find(&self.conn, id)?;
        let history = fields::history(&self.conn, "person", &person.id)?;
        let tx = self.conn.transaction()?;
        custody::append(&tx, &self.session, Action::PersonRevealed, Some(&person.id), json!({ "what": "history" }))?;
        tx.commit()?;
        Ok(history)
    }

    /// Changes a person's fields, keeping each previous value in the history. Returns the findings the
    /// new values raise (for instance a likely duplicate after a name is corrected): they inform and do
    /// not stop a correction.
    pub fn edit_person(&mut self, id: &str, edit: &PersonEdit) -> Result<(Person, Vec<Finding>)> {
        let person = find(&self.conn, id)?;
        let old = stored(&self.conn, &person.id)?;
        let mut new = old.clone();
        let line = |field: &'static str, v: &Option<String>, old: &String| -> Result<String> {
            v.as_ref().map(|v| fields::line(field, v)).unwrap_or_else(|| Ok(old.clone()))
        };
        new.full_name = line("full name", &edit.full_name, &old.full_name)?;
        if new.full_name.is_empty() {
            return Err(RecordError::Missing { field: "full name" }.into());
        }
        if let Some(names) = &edit.other_names {
            new.other_names = fields::list("other names", names)?;
        }
        if let Some(sex) = edit.sex {
            new.sex = sex;
        }
        if let Some(date) = &edit.birth_date {
            new.birth_date = birth_date(date)?;
        }
        new.birth_place = line("birth place", &edit.birth_place, &old.birth_place)?;
        new.residence = line("residence", &edit.residence, &old.residence)?;
        if let Some(p) = &edit.phone {
            new.phone = phone(p)?;
        }
        new.id_number = line("id number", &edit.id_number, &old.id_number)?;
        new.minor = edit.minor.unwrap_or(old.minor);
        new.sgbv_survivor = edit.sgbv_survivor.unwrap_or(old.sgbv_survivor);
        if let Some(notes) = &edit.notes {
            new.notes = fields::text("notes", notes, fields::MEDIUM)?;
        }
        let list = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
        let sex = |s: Option<Sex>| s.map(Sex::as_str).unwrap_or("").to_string();
        let changes: Vec<Change> = [
            ("full_name", old.full_name.clone(), new.full_name.clone()),
            ("other_names", list(&old.other_names), list(&new.other_names)),
            ("sex", sex(old.sex), sex(new.sex)),
            ("birth_date", old.birth_date.clone(), new.birth_date.clone()),
            ("birth_place", old.birth_place.clone(), new.birth_place.clone()),
            ("residence", old.residence.clone(), new.residence.clone()),
            ("phone", old.phone.clone(), new.phone.clone()),
            ("id_number", old.id_number.clone(), new.id_number.clone()),
            ("minor", old.minor.to_string(), new.minor.to_string()),
            ("sgbv_survivor", old.sgbv_survivor.to_string(), new.sgbv_survivor.to_string()),
            ("notes", old.notes.clone(), new.notes.clone()),
        ]
        .into_iter()
        .filter(|(_, o, n)| o != n)
        .map(|(field, old, new)| Change { field, old, new })
        .collect();
        let findings = harm_facts::for_edited_person(&self.conn, &person.id, &new, &self.harm_settings()?)?;
        let tx = self.conn.transaction()?;
        fields::record_changes(&tx, &self.session, Action::PersonEdited, "person", &person.id, &changes)?;
        probe::log_matches(&tx, &self.session, probe::Context::EditedPerson, Some(&person.id), &findings)?;
        tx.execute(
            "UPDATE persons SET full_name = ?1, other_names = ?2, sex = ?3, birth_date = ?4, birth_place = ?5,
                    residence = ?6, phone = ?7, id_number = ?8, minor = ?9, sgbv_survivor = ?10, notes = ?11
             WHERE id = ?12",
            params![
                new.full_name,
                list(&new.other_names),
                sex(new.sex),
                new.birth_date,
                new.birth_place,
                new.residence,
                new.phone,
                new.id_number,
                new.minor,
                new.sgbv_survivor,
                new.notes,
                person.id
            ],
        )?;
        tx.commit()?;
        Ok((self.person(&person.id)?, findings))
    }
}
