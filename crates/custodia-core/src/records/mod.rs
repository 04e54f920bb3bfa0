//! Records the vault keeps about evidence and people: evidence items (`items`, and `item_list` for the
//! evidence list), interviewees (`persons`), testimonies (`interviews`), consent (`consent`), incidents
//! (`incidents`), CSV import of persons (`import`), the duplicate review queue (`review`) and full-text
//! search (`search`). Shared checks and the edit history live in `fields`; `harm_facts` gathers what the
//! do-no-harm rules (`crate::harm`) read of these records and runs the rules on it.

pub mod consent;
pub(crate) mod fields;
pub(crate) mod harm_facts;
pub mod import;
pub mod incidents;
pub mod interviews;
pub mod item_list;
pub mod items;
pub mod person_edits;
pub mod persons;
pub mod review;
pub mod safeguards;
pub mod search;

pub use fields::HistoryEntry;

/// Why a change to a person, interview, consent or incident record was refused. Nothing was changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    #[error("no person with id or reference {0}; `custodia person list` shows them")]
    PersonNotFound(String),
    #[error("no interview with id {0}; `custodia person show ID` lists a person's interviews")]
    InterviewNotFound(String),
    #[error("no incident with id {0}")]
    IncidentNotFound(String),
    #[error("no evidence item with id {0}; `custodia list` shows the ids")]
    ItemNotFound(String),
    #[error("the {field} is required")]
    Missing { field: &'static str },
    #[error("the {field} {value:?} is not a valid date; write it as {expected}")]
    BadDate { field: &'static str, value: String, expected: &'static str },
    #[error("the {field} {value:?} is not one of: {allowed}")]
    BadChoice { field: &'static str, value: String, allowed: &'static str },
    #[error("too many {field}: at most {max}")]
    TooMany { field: &'static str, max: usize },
    #[error("the incident cannot end ({to}) before it starts ({from})")]
    RangeReversed { from: String, to: String },
    #[error("the reference {0:?} is already used by another person")]
    RefTaken(String),
    #[error("{id} was merged into {into}; use {into} instead")]
    Merged { id: String, into: String },
    #[error("{0}")]
    Consent(&'static str),
    #[error("the search text is empty; type one or more words")]
    EmptySearch,
    #[error("a person cannot be reviewed against itself")]
    SamePerson,
    #[error("{a} and {b} were already reviewed as {decision}")]
    AlreadyReviewed { a: String, b: String, decision: String },
    /// A stored value that does not read back as what was written: the database was damaged or changed
    /// outside Custodia. The source, when there is one, never quotes the value (it may identify someone).
    #[error("the stored {field} of {record} cannot be read: the vault's database is damaged or was changed outside Custodia; nothing was changed. Keep the vault folder as it is and have it examined")]
    Damaged {
        record: String,
        field: &'static str,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}
