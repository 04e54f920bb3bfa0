//! The records that travel with the files, as JSON under `data/records/`: items (with their original
//! names and descriptions), interviews with their texts, persons (identifying fields only where consent
//! allows their identity to this recipient; contact details and notes never), consents and incidents.
//! Each file is `{"format": "custodia.<kind>/1", "<kind>": [...]}`, pretty-printed for people to read.

use super::plan::ExportPlan;
use crate::error::Result;
use crate::records::persons;
use crate::vault::Vault;
use serde::Serialize;
use serde_json::{json, Value};

/// One records file: its path in the bag and its bytes.
pub(crate) struct RecordFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

fn file(kind: &str, records: Vec<Value>) -> Result<RecordFile> {
    let value = json!({ "format": format!("custodia.{kind}/1"), kind: records });
    let mut bytes = serde_json::to_vec_pretty(&value).map_err(|e| super::BundleError::Encoding(e.to_string()))?;
    bytes.push(b'\n');
    Ok(RecordFile { path: format!("data/records/{kind}.json"), bytes })
}

fn to_value<T: Serialize>(record: &T) -> Result<Value> {
    serde_json::to_value(record).map_err(|e| super::BundleError::Encoding(e.to_string()).into())
}

impl Vault {
    /// The records files of a plan, in a fixed order.
    pub(crate) fn bundle_records(&self, plan: &ExportPlan) -> Result<Vec<RecordFile>> {
        let mut items = Vec::new();
        for planned in &plan.items {
            let mut value = to_value(&planned.record)?;
            value["path"] = planned.path.clone().into();
            items.push(value);
        }
        let mut interviews = Vec::new();
        for id in &plan.interviews {
            let interview = self.interview(id)?;
            // The export is the logged act: reading the texts for it is not a separate viewing.
            let (transcript, summary): (String, String) = self.conn.query_row(
                "SELECT transcript, summary FROM interviews WHERE id = ?1",
                [&interview.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let mut value = to_value(&interview)?;
            value["transcript"] = transcript.into();
            value["summary"] = summary.into();
            interviews.push(value);
        }
        let mut people = Vec::new();
        for planned in &plan.persons {
            let person = self.person(&planned.id)?;
            let mut value = json!({
                "id": person.id,
                "identity_disclosed": planned.identity,
                "sex": person.sex,
                "minor": person.minor,
                "sgbv_survivor": person.sgbv_survivor,
                "merged_into": person.merged_into,
            });
            if planned.identity {
                let stored = persons::stored(&self.conn, &person.id)?;
                for (key, field) in [
                    ("reference", json!(stored.reference)),
                    ("full_name", json!(stored.full_name)),
                    ("other_names", json!(stored.other_names)),
                    ("birth_date", json!(stored.birth_date)),
                    ("birth_place", json!(stored.birth_place)),
                    ("id_number", json!(stored.id_number)),
                ] {
                    value[key] = field;
                }
            }
            people.push(value);
        }
        let mut consents = Vec::new();
        for planned in &plan.persons {
            for consent in self.consents_of(&planned.id)? {
                consents.push(to_value(&consent)?);
            }
        }
        let mut incidents = Vec::new();
        for id in &plan.incidents {
            incidents.push(to_value(&self.incident(id)?)?);
        }
        Ok(vec![
            file("items", items)?,
            file("interviews", interviews)?,
            file("persons", people)?,
            file("consents", consents)?,
            file("incidents", incidents)?,
        ])
    }
}
