//! What an export would contain, and whether consent allows it. Chosen items, interviews and an incident
//! bring in what belongs with them (an interview's person and documents; an incident's documents and
//! interviews). Every interview, and every item that is a document of an interview or a consent form,
//! is checked against the consent of the person concerned for this kind of recipient. One refusal stops
//! the whole export: nothing is ever exported in part.
//!
//! The app calls `plan_export` to show the consent check before anything is written; `export` plans again
//! and writes only a plan without refusals.

use super::bagit;
use crate::error::Result;
use crate::harm::Finding;
use crate::records::consent::{ConsentDecision, RecipientKind};
use crate::records::items::Item;
use crate::vault::Vault;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What the documenter chose to send, and to which kind of recipient.
#[derive(Debug, Clone)]
pub struct ExportSelection {
    pub items: Vec<String>,
    pub interviews: Vec<String>,
    pub incident: Option<String>,
    pub recipient_kind: RecipientKind,
}

/// An item in the bag, and why it is there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedItem {
    pub id: String,
    /// The file name recorded at ingest.
    pub name: String,
    /// Its path inside the bag, `data/items/<id>/<safe name>`.
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    /// "chosen", "document of T-…", "linked to incident N-…", "consent form of P-…".
    pub reasons: Vec<String>,
    /// The item as stored, for the records file.
    #[serde(skip)]
    pub(crate) record: Item,
}

/// A person whose record goes in the bag; `identity` says whether their identifying fields go too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedPerson {
    pub id: String,
    pub identity: bool,
}

/// A record the consent in force does not let go to this kind of recipient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    /// The interview or item refused.
    pub record: String,
    /// The person whose consent decides.
    pub person: String,
    pub decision: ConsentDecision,
    /// One sentence naming the record, the person and the reason.
    pub message: String,
    /// The do-no-harm finding (rule `consent-scope`), for the app's wording.
    pub finding: Option<Finding>,
}

/// Everything an export of `selection` would hold, and the consent refusals that stop it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportPlan {
    pub recipient_kind: RecipientKind,
    pub items: Vec<PlannedItem>,
    pub interviews: Vec<String>,
    pub persons: Vec<PlannedPerson>,
    pub consents: Vec<String>,
    pub incidents: Vec<String>,
    pub refusals: Vec<Refusal>,
    /// Bytes of the collected files (the records add a little).
    pub item_bytes: u64,
}

impl ExportPlan {
    pub fn allowed(&self) -> bool {
        self.refusals.is_empty()
    }
}

fn why_refused(decision: &ConsentDecision) -> &'static str {
    match decision {
        ConsentDecision::Allowed { .. } => "their consent does not allow disclosing their identity",
        ConsentDecision::OutsideScope { .. } => "the consent given does not include this recipient",
        ConsentDecision::Refused { .. } => "consent was refused",
        ConsentDecision::Withdrawn { .. } => "consent was withdrawn",
        ConsentDecision::NotRecorded => "no consent is recorded",
    }
}

impl Vault {
    /// What exporting `selection` would send, and what consent refuses. Writes nothing.
    pub fn plan_export(&self, selection: &ExportSelection) -> Result<ExportPlan> {
        let kind = selection.recipient_kind;
        let mut reasons: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut interviews: BTreeSet<String> = BTreeSet::new();
        let mut incidents: BTreeSet<String> = BTreeSet::new();
        let mut add = |item: &str, why: String| reasons.entry(item.to_string()).or_default().push(why);

        if let Some(typed) = &selection.incident {
            let incident = self.incident(typed)?;
            for doc in &incident.documents {
                add(doc, format!("linked to incident {}", incident.id));
            }
            interviews.extend(incident.interviews.iter().cloned());
            incidents.insert(incident.id);
        }
        for typed in &selection.interviews {
            interviews.insert(self.interview(typed)?.id);
        }
        let mut interview_records = Vec::new();
        for id in &interviews {
            let interview = self.interview(id)?;
            for doc in &interview.documents {
                add(doc, format!("document of {}", interview.id));
            }
            incidents.extend(interview.incidents.iter().cloned());
            interview_records.push(interview);
        }
        for typed in &selection.items {
            add(&self.item(typed)?.id, "chosen".into());
        }
        if reasons.is_empty() && interviews.is_empty() && incidents.is_empty() {
            return Err(super::BundleError::NothingSelected.into());
        }

        let mut decisions: BTreeMap<String, ConsentDecision> = BTreeMap::new();
        let mut decide = |person: &str| -> Result<ConsentDecision> {
            if let Some(d) = decisions.get(person) {
                return Ok(d.clone());
            }
            let d = self.consent_allows(person, kind)?;
            decisions.insert(person.to_string(), d.clone());
            Ok(d)
        };
        let mut refusals = Vec::new();
        let mut persons: BTreeMap<String, bool> = BTreeMap::new();
        for interview in &interview_records {
            let decision = decide(&interview.person)?;
            if let ConsentDecision::Allowed { identity, .. } = decision {
                persons.insert(interview.person.clone(), identity);
            } else {
                let message = format!(
                    "{} (interview of {}) cannot go to {}: {}.",
                    interview.id,
                    interview.person,
                    kind.label(),
                    why_refused(&decision)
                );
                refusals.push(self.refusal(&interview.id, &interview.person, kind, decision, message)?);
            }
        }

        let mut items = Vec::new();
        let mut item_bytes = 0u64;
        for (id, mut why) in reasons {
            let item = self.item(&id)?;
            for (interview, person) in self.interviews_citing(&item.id)? {
                let decision = decide(&person)?;
                if !decision.is_allowed() {
                    let message = format!(
                        "{} (a document of interview {interview}, of {person}) cannot go to {}: {}.",
                        item.id,
                        kind.label(),
                        why_refused(&decision)
                    );
                    refusals.push(self.refusal(&item.id, &person, kind, decision, message)?);
                }
            }
            for person in self.consent_forms_of(&item.id)? {
                // A signed consent form shows who signed it: it may go only where identity may.
                let decision = decide(&person)?;
                match decision {
                    ConsentDecision::Allowed { identity: true, .. } => {
                        persons.insert(person.clone(), true);
                        why.push(format!("consent form of {person}"));
                    }
                    _ => {
                        let message = format!(
                            "{} is the signed consent form of {person}, which shows who they are, and cannot go to {}: {}.",
                            item.id,
                            kind.label(),
                            why_refused(&decision)
                        );
                        refusals.push(self.refusal(&item.id, &person, kind, decision, message)?);
                    }
                }
            }
            item_bytes += item.size;
            items.push(PlannedItem {
                path: format!("data/items/{}/{}", item.id, bagit::safe_file_name(&item.name)),
                id: item.id.clone(),
                name: item.name.clone(),
                sha256: item.sha256.clone(),
                size: item.size,
                media_type: item.media_type.clone(),
                reasons: why,
                record: item,
            });
        }
        items.sort_by_key(|i| i.record.ingest_seq);

        let mut consents = Vec::new();
        for person in persons.keys() {
            consents.extend(self.consents_of(person)?.into_iter().map(|c| c.id));
        }
        Ok(ExportPlan {
            recipient_kind: kind,
            items,
            interviews: interviews.into_iter().collect(),
            persons: persons.into_iter().map(|(id, identity)| PlannedPerson { id, identity }).collect(),
            consents,
            incidents: incidents.into_iter().collect(),
            refusals,
            item_bytes,
        })
    }

    /// A refusal with the do-no-harm finding behind it (none when only identity is refused: the
    /// records could go, the consent form that names the person cannot).
    fn refusal(
        &self,
        record: &str,
        person: &str,
        kind: RecipientKind,
        decision: ConsentDecision,
        message: String,
    ) -> Result<Refusal> {
        let finding = self.consent_scope_finding(person, kind)?;
        Ok(Refusal { record: record.into(), person: person.into(), decision, message, finding })
    }

    /// The interviews (and their persons) that cite an item as a document, included or not.
    fn interviews_citing(&self, item: &str) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.id, i.person_id FROM links l JOIN interviews i ON i.id = l.from_id
             WHERE l.to_id = ?1 ORDER BY i.id",
        )?;
        let rows = stmt.query_map([item], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The persons whose signed consent form is this item.
    fn consent_forms_of(&self, item: &str) -> Result<Vec<String>> {
        let mut stmt =
            self.conn.prepare_cached("SELECT DISTINCT person_id FROM consents WHERE scan_item_id = ?1 ORDER BY 1")?;
        let rows = stmt.query_map([item], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
