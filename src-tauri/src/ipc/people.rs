//! Interviewees and their consent, as the page sees them. Listings carry pseudonym codes and
//! non-identifying facts only; `IdentityDto` comes only from a logged reveal.

use super::{EventDto, FindingDto, InterviewDto, IpcError};
use custodia_core::{
    Consent, ConsentInput, ConsentMethod, ConsentStatus, HistoryEntry, Identity, Person, PersonEdit, PersonInput,
    RecipientKind, Scope, Sex,
};
use serde::{Deserialize, Serialize};
use specta::Type;

/// A person as listings show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PersonDto {
    /// The pseudonym code, `P-7F3K`.
    pub id: String,
    /// Another organisation's or a spreadsheet's reference.
    pub reference: Option<String>,
    /// "M", "F", or null when unknown.
    pub sex: Option<String>,
    pub minor: bool,
    pub sgbv_survivor: bool,
    pub created_at: String,
    pub created_by: String,
    /// Set when a reviewer found this record to be the same person as another.
    pub merged_into: Option<String>,
    pub interviews: u32,
}

impl From<Person> for PersonDto {
    fn from(p: Person) -> Self {
        PersonDto {
            id: p.id,
            reference: p.reference,
            sex: p.sex.map(|s| s.as_str().to_string()),
            minor: p.minor,
            sgbv_survivor: p.sgbv_survivor,
            created_at: p.created_at,
            created_by: p.created_by,
            merged_into: p.merged_into,
            interviews: p.interviews,
        }
    }
}

/// A person's fields as typed into the form; the core checks each.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
pub struct PersonInputDto {
    pub reference: String,
    pub full_name: String,
    pub other_names: Vec<String>,
    /// "M", "F" or "" (unknown).
    pub sex: String,
    /// `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or empty.
    pub birth_date: String,
    pub birth_place: String,
    pub residence: String,
    pub phone: String,
    pub id_number: String,
    pub minor: bool,
    pub sgbv_survivor: bool,
    pub notes: String,
}

impl TryFrom<PersonInputDto> for PersonInput {
    type Error = IpcError;

    fn try_from(p: PersonInputDto) -> Result<Self, IpcError> {
        Ok(PersonInput {
            reference: p.reference,
            full_name: p.full_name,
            other_names: p.other_names,
            sex: Sex::parse(&p.sex)?,
            birth_date: p.birth_date,
            birth_place: p.birth_place,
            residence: p.residence,
            phone: p.phone,
            id_number: p.id_number,
            minor: p.minor,
            sgbv_survivor: p.sgbv_survivor,
            notes: p.notes,
        })
    }
}

/// New values for every field of a person; the core records only those that changed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
pub struct PersonEditDto {
    pub full_name: String,
    pub other_names: Vec<String>,
    pub sex: String,
    pub birth_date: String,
    pub birth_place: String,
    pub residence: String,
    pub phone: String,
    pub id_number: String,
    pub minor: bool,
    pub sgbv_survivor: bool,
    pub notes: String,
}

impl TryFrom<PersonEditDto> for PersonEdit {
    type Error = IpcError;

    fn try_from(p: PersonEditDto) -> Result<Self, IpcError> {
        Ok(PersonEdit {
            full_name: Some(p.full_name),
            other_names: Some(p.other_names),
            sex: Some(Sex::parse(&p.sex)?),
            birth_date: Some(p.birth_date),
            birth_place: Some(p.birth_place),
            residence: Some(p.residence),
            phone: Some(p.phone),
            id_number: Some(p.id_number),
            minor: Some(p.minor),
            sgbv_survivor: Some(p.sgbv_survivor),
            notes: Some(p.notes),
        })
    }
}

/// The identifying fields, from a logged reveal only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct IdentityDto {
    pub full_name: String,
    pub other_names: Vec<String>,
    pub birth_date: String,
    pub birth_place: String,
    pub residence: String,
    pub phone: String,
    pub id_number: String,
    pub notes: String,
}

impl From<Identity> for IdentityDto {
    fn from(i: Identity) -> Self {
        IdentityDto {
            full_name: i.full_name,
            other_names: i.other_names,
            birth_date: i.birth_date,
            birth_place: i.birth_place,
            residence: i.residence,
            phone: i.phone,
            id_number: i.id_number,
            notes: i.notes,
        }
    }
}

/// A record saved after the rules looked at it, with the findings that were shown.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PersonSaved {
    pub person: PersonDto,
    pub findings: Vec<FindingDto>,
}

/// One earlier value of a field, and the custody event that replaced it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct HistoryEntryDto {
    pub field: String,
    pub seq: f64,
    pub previous: String,
}

impl From<HistoryEntry> for HistoryEntryDto {
    fn from(h: HistoryEntry) -> Self {
        HistoryEntryDto { field: h.field, seq: h.seq as f64, previous: h.previous }
    }
}

/// One person with everything that can be shown without a reveal.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PersonDetail {
    pub person: PersonDto,
    pub interviews: Vec<InterviewDto>,
    /// Oldest first; the last one is in force.
    pub consents: Vec<ConsentDto>,
    /// The custody events about this person, newest first.
    pub events: Vec<EventDto>,
}

/// One recipient kind a consent covers, and whether the identity may go to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ScopeDto {
    pub recipient: RecipientKind,
    pub identity: bool,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct ConsentDto {
    pub id: String,
    pub person: String,
    pub interview: Option<String>,
    pub status: ConsentStatus,
    pub date: String,
    pub method: ConsentMethod,
    pub scan_item: Option<String>,
    pub scopes: Vec<ScopeDto>,
    pub recorded_at: String,
    pub recorded_by: String,
    pub seq: f64,
}

impl From<Consent> for ConsentDto {
    fn from(c: Consent) -> Self {
        ConsentDto {
            id: c.id,
            person: c.person,
            interview: c.interview,
            status: c.status,
            date: c.date,
            method: c.method,
            scan_item: c.scan_item,
            scopes: c.scopes.into_iter().map(|s| ScopeDto { recipient: s.recipient, identity: s.identity }).collect(),
            recorded_at: c.recorded_at,
            recorded_by: c.recorded_by,
            seq: c.seq as f64,
        }
    }
}

/// A consent decision as entered.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct ConsentInputDto {
    pub person: String,
    pub interview: Option<String>,
    pub status: ConsentStatus,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub method: ConsentMethod,
    /// The scan of the signed form (an evidence item), for written consent.
    pub scan_item: Option<String>,
    pub scopes: Vec<ScopeDto>,
}

impl From<ConsentInputDto> for ConsentInput {
    fn from(c: ConsentInputDto) -> Self {
        ConsentInput {
            person: c.person,
            interview: c.interview.filter(|i| !i.trim().is_empty()),
            status: c.status,
            date: c.date,
            method: c.method,
            scan_item: c.scan_item.filter(|i| !i.trim().is_empty()),
            scopes: c.scopes.iter().map(|s| Scope { recipient: s.recipient, identity: s.identity }).collect(),
        }
    }
}
