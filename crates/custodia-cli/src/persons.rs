//! The person, review and rules commands, and how do-no-harm findings are printed.
//!
//! Findings are printed before the outcome: as text (`WARNING rule: message`) or, with `--json`, one
//! `{"finding": {...}}` line each. When a warning stands without `--justification`, or a block stands,
//! nothing is saved, the reason goes to standard error and the exit code is `EXIT_HARM_STOPPED`.

use crate::args::{Global, PersonAdd, PersonCommand, PersonEditArgs, ReviewCommand, RulesArgs};
use crate::commands::open;
use crate::output::{self, safe, safe_lines};
use anyhow::{Context, Result};
use custodia_core::ErrorCode;
use custodia_core::{Finding, HarmSettings, Person, PersonEdit, PersonInput, Severity, Sex};
use serde_json::json;

/// Exit code when the do-no-harm rules stopped an action (nothing was saved).
pub const EXIT_HARM_STOPPED: i32 = 4;

pub fn print_findings(global: &Global, findings: &[Finding]) -> Result<()> {
    for f in findings {
        if global.json {
            output::json_line(&json!({ "finding": f }))?;
        } else {
            let label = match f.severity {
                Severity::Info => "note",
                Severity::Warning => "WARNING",
                Severity::Block => "BLOCKED",
            };
            output::line(&format!("{label} {}: {}", f.rule.as_str(), safe(&f.message)))?;
        }
    }
    Ok(())
}

/// Turns an error from a checked action into an exit code: a do-no-harm stop prints its findings and
/// returns `EXIT_HARM_STOPPED`; anything else is an ordinary error.
pub fn stopped(global: &Global, err: custodia_core::Error) -> Result<i32> {
    if let custodia_core::Error::Harm(harm) = &err {
        if !harm.findings().is_empty() {
            print_findings(global, harm.findings())?;
            eprintln!("error: {}", safe_lines(&err.to_string()));
            if err.code() == ErrorCode::JustificationNeeded {
                eprintln!("To go ahead anyway, run the command again with --justification \"why it is right to\".");
            }
            return Ok(EXIT_HARM_STOPPED);
        }
    }
    Err(err.into())
}

fn split_names(values: &[String]) -> Vec<String> {
    values.iter().flat_map(|v| v.split(';')).map(str::to_string).collect()
}

fn person_json(p: &Person) -> serde_json::Value {
    json!({
        "id": p.id,
        "ref": p.reference,
        "sex": p.sex,
        "minor": p.minor,
        "sgbv_survivor": p.sgbv_survivor,
        "interviews": p.interviews,
        "merged_into": p.merged_into,
        "created_at": p.created_at,
        "created_by": p.created_by,
    })
}

fn person_line(p: &Person) -> String {
    let mut flags = Vec::new();
    if p.minor {
        flags.push("minor");
    }
    if p.sgbv_survivor {
        flags.push("SGBV survivor");
    }
    let merged = p.merged_into.as_ref().map(|m| format!("  merged into {m}")).unwrap_or_default();
    let line = format!(
        "{}  {:<12}  {}  {} interview(s)  {}{merged}",
        p.id,
        safe(p.reference.as_deref().unwrap_or("-")),
        p.sex.map_or("-", Sex::as_str),
        p.interviews,
        flags.join(", ")
    );
    line.trim_end().to_string()
}

pub fn run(global: &Global, command: &PersonCommand) -> Result<i32> {
    match command {
        PersonCommand::Add(args) => add(global, args),
        PersonCommand::Import { file } => {
            let reader = std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
            let mut vault = open(global)?;
            let result = vault.import_persons(reader);
            crate::commands::close_after(vault, result.is_ok())?;
            let imported = result?;
            if global.json {
                output::json_line(&json!({ "imported": imported.persons.len(), "file_sha256": imported.file_sha256 }))?;
            } else {
                output::line(&format!("Imported {} person(s).", imported.persons.len()))?;
                eprintln!("Run `custodia person duplicates` to see who is probably recorded twice.");
            }
            Ok(0)
        }
        PersonCommand::Duplicates { threshold } => {
            let vault = open(global)?;
            let pairs = vault.person_duplicates(*threshold);
            vault.close()?;
            for pair in pairs? {
                let name = |p: &Person| p.reference.clone().unwrap_or_else(|| p.id.clone());
                if global.json {
                    output::json_line(&json!({
                        "a": name(&pair.a),
                        "b": name(&pair.b),
                        "score": pair.score,
                        "reasons": pair.reasons,
                    }))?;
                } else {
                    let reasons: Vec<&str> = pair.reasons.iter().map(|r| r.text.as_str()).collect();
                    output::line(&format!(
                        "{}  {}  {:.2}  {}",
                        safe(&name(&pair.a)),
                        safe(&name(&pair.b)),
                        pair.score,
                        safe(&reasons.join(" "))
                    ))?;
                }
            }
            Ok(0)
        }
        PersonCommand::List => {
            let vault = open(global)?;
            let persons = vault.persons();
            vault.close()?;
            for p in persons? {
                if global.json {
                    output::json_line(&person_json(&p))?;
                } else {
                    output::line(&person_line(&p))?;
                }
            }
            Ok(0)
        }
        PersonCommand::Show { id, reveal } => show(global, id, *reveal),
        PersonCommand::Edit(args) => edit(global, args),
    }
}

fn edit(global: &Global, args: &PersonEditArgs) -> Result<i32> {
    let edit = PersonEdit {
        full_name: args.name.clone(),
        other_names: args.other_names.as_deref().map(split_names),
        sex: args.sex.as_deref().map(Sex::parse).transpose()?,
        birth_date: args.birth_date.clone(),
        birth_place: args.birth_place.clone(),
        residence: args.residence.clone(),
        phone: args.phone.clone(),
        id_number: args.id_number.clone(),
        minor: args.minor,
        sgbv_survivor: args.sgbv,
        notes: args.notes.clone(),
    };
    let mut vault = open(global)?;
    let result = vault.edit_person(&args.id, &edit);
    vault.close()?;
    let (person, findings) = result?;
    print_findings(global, &findings)?;
    if global.json {
        output::json_line(&json!({ "person": person_json(&person) }))?;
    } else {
        output::line(&format!("Saved {}; the previous values are kept in its history.", person.id))?;
    }
    Ok(0)
}

fn add(global: &Global, args: &PersonAdd) -> Result<i32> {
    let input = PersonInput {
        reference: args.reference.clone().unwrap_or_default(),
        full_name: args.name.clone(),
        other_names: split_names(&args.other_names),
        sex: Sex::parse(args.sex.as_deref().unwrap_or(""))?,
        birth_date: args.birth_date.clone().unwrap_or_default(),
        birth_place: args.birth_place.clone().unwrap_or_default(),
        residence: args.residence.clone().unwrap_or_default(),
        phone: args.phone.clone().unwrap_or_default(),
        id_number: args.id_number.clone().unwrap_or_default(),
        minor: args.minor,
        sgbv_survivor: args.sgbv,
        notes: args.notes.clone().unwrap_or_default(),
    };
    let mut vault = open(global)?;
    if args.decision.check {
        let findings = vault.check_person(&input);
        vault.close()?;
        print_findings(global, &findings?)?;
        return Ok(0);
    }
    let result = vault.add_person(&input, args.decision.justification.as_deref());
    vault.close()?;
    match result {
        Ok(added) => {
            print_findings(global, &added.findings)?;
            if global.json {
                output::json_line(&json!({ "person": person_json(&added.person) }))?;
            } else {
                output::line(&format!("Saved {}", added.person.id))?;
            }
            Ok(0)
        }
        Err(e) => stopped(global, e),
    }
}

fn show(global: &Global, id: &str, reveal: bool) -> Result<i32> {
    let mut vault = open(global)?;
    let gathered = (|| -> custodia_core::Result<_> {
        let person = vault.person(id)?;
        let interviews = vault.interviews_of(&person.id)?;
        let consents = vault.consents_of(&person.id)?;
        let identity = if reveal { Some(vault.reveal_person(&person.id)?) } else { None };
        Ok((person, interviews, consents, identity))
    })();
    vault.close()?;
    let (person, interviews, consents, identity) = gathered?;
    if global.json {
        let mut value = person_json(&person);
        value["interview_list"] = serde_json::to_value(&interviews)?;
        value["consents"] = serde_json::to_value(&consents)?;
        if let Some(identity) = &identity {
            value["identity"] = serde_json::to_value(identity)?;
        }
        return output::json_line(&value).map(|()| 0);
    }
    output::line(&person_line(&person))?;
    if let Some(i) = &identity {
        for (label, value) in [
            ("Name", i.full_name.clone()),
            ("Other names", i.other_names.join("; ")),
            ("Birth date", i.birth_date.clone()),
            ("Birth place", i.birth_place.clone()),
            ("Residence", i.residence.clone()),
            ("Phone", i.phone.clone()),
            ("Id number", i.id_number.clone()),
            ("Notes", i.notes.clone()),
        ] {
            if !value.is_empty() {
                output::line(&format!("  {label:<12} {}", safe(&value)))?;
            }
        }
    }
    for i in &interviews {
        output::line(&format!(
            "  interview {}  {}  {}  by {}",
            i.id,
            i.date,
            crate::interviews::status(i.status),
            safe(&i.interviewers.join(", "))
        ))?;
    }
    for c in &consents {
        let scopes: Vec<String> = c
            .scopes
            .iter()
            .map(|s| format!("{}{}", s.recipient.as_str(), if s.identity { ":identity" } else { "" }))
            .collect();
        output::line(&format!("  consent {}  {}  {}  {}", c.id, c.date, c.status.as_str(), scopes.join(" ")))?;
    }
    Ok(0)
}

pub fn review(global: &Global, command: &ReviewCommand) -> Result<i32> {
    let mut vault = open(global)?;
    let result = match command {
        ReviewCommand::Same { a, b } => {
            vault.review_same(a, b).map(|p| json!({ "decision": "same", "survivor": p.id }))
        }
        ReviewCommand::Different { a, b } => vault.review_different(a, b).map(|()| json!({ "decision": "different" })),
    };
    vault.close()?;
    let value = result?;
    if global.json {
        output::json_line(&value)?;
    } else if let Some(survivor) = value["survivor"].as_str() {
        output::line(&format!("Merged: both records are kept and now speak for {survivor}."))?;
    } else {
        output::line("Recorded as different people; this pair will not be flagged again.")?;
    }
    Ok(0)
}

pub fn rules(global: &Global, args: &RulesArgs) -> Result<i32> {
    let mut vault = open(global)?;
    let result = (|| -> custodia_core::Result<HarmSettings> {
        let current = vault.harm_settings()?;
        let wanted = HarmSettings {
            duplicate_threshold: args.duplicate_threshold.unwrap_or(current.duplicate_threshold),
            cooldown_days: args.cooldown_days.unwrap_or(current.cooldown_days),
            max_interviews: args.max_interviews.unwrap_or(current.max_interviews),
            testimony_similarity: args.testimony_similarity.unwrap_or(current.testimony_similarity),
        };
        if wanted == current {
            Ok(current)
        } else {
            vault.set_harm_settings(&wanted)
        }
    })();
    vault.close()?;
    let settings = result?;
    if global.json {
        output::json_line(&settings)?;
    } else {
        output::line(&format!("duplicate threshold   {}", settings.duplicate_threshold))?;
        output::line(&format!("cooldown days         {}", settings.cooldown_days))?;
        output::line(&format!("max interviews        {}", settings.max_interviews))?;
        output::line(&format!("testimony similarity  {}", settings.testimony_similarity))?;
    }
    Ok(0)
}
