//! The incident commands: add, list, show, link.

use crate::args::{Global, IncidentCommand};
use crate::commands::open;
use crate::exit::Exit;
use crate::findings::word;
use crate::output::{self, safe};
use crate::t;
use anyhow::Result;
use custodia_core::{Incident, IncidentInput};
use serde_json::json;

pub fn run(global: &Global, command: &IncidentCommand) -> Result<Exit> {
    let mut vault = open(global)?;
    let result = match command {
        IncidentCommand::Add { kind, from, to, place, description, links } => vault
            .add_incident(&IncidentInput {
                date_from: from.clone(),
                date_to: to.clone(),
                place: place.clone(),
                kind: kind.clone(),
                description: description.clone(),
                links: links.clone(),
            })
            .map(|i| vec![i]),
        IncidentCommand::List => vault.incidents(),
        IncidentCommand::Show { id } => vault.incident(id).map(|i| vec![i]),
        IncidentCommand::Link { id, targets } => {
            let targets: Vec<&str> = targets.iter().map(String::as_str).collect();
            vault.link_incident_to(id, &targets).map(|i| vec![i])
        }
    };
    vault.close()?;
    let incidents = result?;
    let detailed = !matches!(command, IncidentCommand::List);
    for incident in &incidents {
        if global.json {
            output::json_line(&json!({ "incident": incident }))?;
        } else {
            print(incident, detailed)?;
        }
    }
    Ok(Exit::Ok)
}

fn print(incident: &Incident, detailed: bool) -> Result<()> {
    let dates = match (incident.date_from.as_str(), incident.date_to.as_str()) {
        ("", _) => t!("cli.incident.date_unknown"),
        (from, "") => safe(from),
        (from, to) => t!("cli.incident.dates", from = safe(from), to = safe(to)),
    };
    let kind = word("incidentKind", incident.kind.as_str()).unwrap_or_else(|| incident.kind.as_str().to_string());
    output::line(&format!("{}  {kind}  {dates}  {}", incident.id, safe(&incident.place)))?;
    if detailed {
        if !incident.description.is_empty() {
            output::line(&format!("  {}", safe(&incident.description)))?;
        }
        for interview in &incident.interviews {
            output::line(&format!("  {}", t!("cli.incident.interview", id = interview)))?;
        }
        for document in &incident.documents {
            output::line(&format!("  {}", t!("cli.incident.document", id = document)))?;
        }
    }
    Ok(())
}
