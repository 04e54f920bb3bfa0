//! Interviews (testimonies), interviewers, incidents and search results, as the page sees them. Listings
//! leave the transcript and summary out; `InterviewTextDto` comes only from a logged read.

use super::{EventDto, FindingDto, PersonDto};
use custodia_core::{Hit, Incident, IncidentInput, Interview, InterviewEdit, InterviewInput, InterviewStatus};
use custodia_core::{HitKind, IncidentKind, Referral, Referrals};
use serde::{Deserialize, Serialize};
use specta::Type;

/// Whether each referral was made or declined; null where not recorded yet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct ReferralsDto {
    pub psychosocial: Option<Referral>,
    pub medical: Option<Referral>,
    pub legal: Option<Referral>,
}

impl From<Referrals> for ReferralsDto {
    fn from(r: Referrals) -> Self {
        ReferralsDto { psychosocial: r.psychosocial, medical: r.medical, legal: r.legal }
    }
}

/// An interview without its texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct InterviewDto {
    pub id: String,
    /// The interviewee's pseudonym code.
    pub person: String,
    pub interviewers: Vec<String>,
    pub date: String,
    pub place: String,
    pub language: String,
    pub interpreter: String,
    pub status: InterviewStatus,
    pub referrals: ReferralsDto,
    pub documents: Vec<String>,
    pub incidents: Vec<String>,
    pub created_at: String,
    pub created_by: String,
}

impl From<Interview> for InterviewDto {
    fn from(i: Interview) -> Self {
        InterviewDto {
            id: i.id,
            person: i.person,
            interviewers: i.interviewers,
            date: i.date,
            place: i.place,
            language: i.language,
            interpreter: i.interpreter,
            status: i.status,
            referrals: i.referrals.into(),
            documents: i.documents,
            incidents: i.incidents,
            created_at: i.created_at,
            created_by: i.created_by,
        }
    }
}

/// A new interview as entered. Referrals are recorded afterwards (`set_referral`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
pub struct InterviewInputDto {
    /// The interviewee's pseudonym code or reference.
    pub person: String,
    pub interviewers: Vec<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub place: String,
    pub language: String,
    pub interpreter: String,
    pub transcript: String,
    pub summary: String,
    /// Evidence item ids: recordings, scans, photos.
    pub documents: Vec<String>,
    pub incidents: Vec<String>,
}

impl From<InterviewInputDto> for InterviewInput {
    fn from(i: InterviewInputDto) -> Self {
        InterviewInput {
            person: i.person,
            interviewers: i.interviewers,
            date: i.date,
            place: i.place,
            language: i.language,
            interpreter: i.interpreter,
            transcript: i.transcript,
            summary: i.summary,
            documents: i.documents,
            incidents: i.incidents,
            referrals: Referrals::default(),
        }
    }
}

/// New values for an interview; null leaves a field as it is (the texts are sent only when they were
/// read and changed).
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
pub struct InterviewEditDto {
    pub date: Option<String>,
    pub place: Option<String>,
    pub language: Option<String>,
    pub interpreter: Option<String>,
    pub transcript: Option<String>,
    pub summary: Option<String>,
}

impl From<InterviewEditDto> for InterviewEdit {
    fn from(e: InterviewEditDto) -> Self {
        InterviewEdit {
            date: e.date,
            place: e.place,
            language: e.language,
            interpreter: e.interpreter,
            transcript: e.transcript,
            summary: e.summary,
        }
    }
}

/// An interview saved after the rules looked at it, with the findings that were shown.
#[derive(Debug, Clone, Serialize, Type)]
pub struct InterviewSaved {
    pub interview: InterviewDto,
    pub findings: Vec<FindingDto>,
}

/// An interview's texts, from a logged read only.
#[derive(Debug, Clone, Serialize, Type)]
pub struct InterviewTextDto {
    pub transcript: String,
    pub summary: String,
}

/// One interview with the person it is about and its custody events (newest first).
#[derive(Debug, Clone, Serialize, Type)]
pub struct InterviewDetail {
    pub interview: InterviewDto,
    pub person: PersonDto,
    pub events: Vec<EventDto>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct InterviewerDto {
    pub name: String,
    /// Trained for interviews of minors and survivors of sexual or gender-based violence.
    pub trained: bool,
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct IncidentDto {
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

impl From<Incident> for IncidentDto {
    fn from(i: Incident) -> Self {
        IncidentDto {
            id: i.id,
            date_from: i.date_from,
            date_to: i.date_to,
            place: i.place,
            kind: i.kind,
            description: i.description,
            interviews: i.interviews,
            documents: i.documents,
            created_at: i.created_at,
            created_by: i.created_by,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct IncidentInputDto {
    /// `YYYY-MM-DD` or empty when unknown.
    pub date_from: String,
    /// The end of a range; empty for one day.
    pub date_to: String,
    pub place: String,
    pub kind: IncidentKind,
    pub description: String,
    /// Interviews (`T-…`) and evidence items (`E-…`) that speak of it.
    pub links: Vec<String>,
}

impl From<IncidentInputDto> for IncidentInput {
    fn from(i: IncidentInputDto) -> Self {
        IncidentInput {
            date_from: i.date_from,
            date_to: i.date_to,
            place: i.place,
            kind: i.kind.as_str().into(),
            description: i.description,
            links: i.links,
        }
    }
}

/// One record whose text matches a search.
#[derive(Debug, Clone, Serialize, Type)]
pub struct HitDto {
    pub kind: HitKind,
    pub record: String,
    /// The matching passage, matched words between `[` and `]`.
    pub snippet: String,
}

impl From<Hit> for HitDto {
    fn from(h: Hit) -> Self {
        HitDto { kind: h.kind, record: h.record, snippet: h.snippet }
    }
}
