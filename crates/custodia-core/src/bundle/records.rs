//! The records that travel with the files, as JSON under `data/records/`: items (with their original
//! names and descriptions), interviews with their texts, persons (identifying fields only where consent
//! allows their identity to this recipient; contact details and notes never), consents and incidents.
//! Each file is `{"format": "custodia.<kind>/1", "<kind>": [...]}`, pretty-printed for people to read.
//!
//! Records are serialised straight from typed structs: a bundle of many items would otherwise build a
//! `serde_json::Value` tree of every record first, several times the size of the text it becomes.

use super::plan::ExportPlan;
use crate::error::Result;
use crate::records::interviews::Interview;
use crate::records::items::Item;
use crate::records::persons::{self, Sex};
use crate::vault::Vault;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// One records file: its path in the bag and its bytes.
pub(crate) struct RecordFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// `{"format": "custodia.<kind>/1", "<kind>": [...]}`.
struct Records<'a, T> {
    kind: &'a str,
    records: &'a [T],
}

impl<T: Serialize> Serialize for Records<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("format", &format!("custodia.{}/1", self.kind))?;
        map.serialize_entry(self.kind, self.records)?;
        map.end()
    }
}

fn file<T: Serialize>(kind: &str, records: &[T]) -> Result<RecordFile> {
    let mut bytes = Vec::new();
    serde_json::to_writer_pretty(&mut bytes, &Records { kind, records })
        .map_err(|e| super::BundleError::Encoding(e.to_string()))?;
    bytes.push(b'\n');
    bytes.shrink_to_fit();
    Ok(RecordFile { path: format!("data/records/{kind}.json"), bytes })
}

/// An item as stored, with its path in the bag.
#[derive(Serialize)]
struct ItemRecord<'a> {
    #[serde(flatten)]
    item: &'a Item,
    path: &'a str,
}

/// An interview with its texts.
#[derive(Serialize)]
struct InterviewRecord {
    #[serde(flatten)]
    interview: Interview,
    transcript: String,
    summary: String,
}

/// A person as the recipient may see them: identifying fields only when `identity_disclosed`.
#[derive(Serialize)]
struct PersonRecord {
    id: String,
    identity_disclosed: bool,
    sex: Option<Sex>,
    minor: bool,
    sgbv_survivor: bool,
    merged_into: Option<String>,
    #[serde(flatten)]
    identity: Option<DisclosedIdentity>,
}

#[derive(Serialize)]
struct DisclosedIdentity {
    reference: Option<String>,
    full_name: String,
    other_names: Vec<String>,
    birth_date: String,
    birth_place: String,
    id_number: String,
}

impl Vault {
    /// The records files of a plan, in a fixed order.
    pub(crate) fn bundle_records(&self, plan: &ExportPlan) -> Result<Vec<RecordFile>> {
        let items: Vec<ItemRecord> =
            plan.items.iter().map(|planned| ItemRecord { item: &planned.record, path: &planned.path }).collect();
        let mut interviews = Vec::new();
        for id in &plan.interviews {
            let interview = self.interview(id)?;
            // The export is the logged act: reading the texts for it is not a separate viewing.
            let (transcript, summary): (String, String) = self.conn.query_row(
                "SELECT transcript, summary FROM interviews WHERE id = ?1",
                [&interview.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            interviews.push(InterviewRecord { interview, transcript, summary });
        }
        let mut people = Vec::new();
        for planned in &plan.persons {
            let person = self.person(&planned.id)?;
            let identity = if planned.identity {
                // Taken field by field: a checked person wipes the rest of what it holds when dropped.
                let mut stored = persons::stored(&self.conn, &person.id)?;
                let take = std::mem::take::<String>;
                Some(DisclosedIdentity {
                    reference: stored.reference.take(),
                    full_name: take(&mut stored.full_name),
                    other_names: std::mem::take(&mut stored.other_names),
                    birth_date: take(&mut stored.birth_date),
                    birth_place: take(&mut stored.birth_place),
                    id_number: take(&mut stored.id_number),
                })
            } else {
                None
            };
            people.push(PersonRecord {
                id: person.id,
                identity_disclosed: planned.identity,
                sex: person.sex,
                minor: person.minor,
                sgbv_survivor: person.sgbv_survivor,
                merged_into: person.merged_into,
                identity,
            });
        }
        let mut consents = Vec::new();
        for planned in &plan.persons {
            consents.extend(self.consents_of(&planned.id)?);
        }
        let mut incidents = Vec::new();
        for id in &plan.incidents {
            incidents.push(self.incident(id)?);
        }
        Ok(vec![
            file("items", &items)?,
            file("interviews", &interviews)?,
            file("persons", &people)?,
            file("consents", &consents)?,
            file("incidents", &incidents)?,
        ])
    }
}
