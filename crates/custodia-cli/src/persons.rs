//! The person, review and rules commands. Their findings print through `crate::findings`.

use crate::args::{Global, PersonAdd, PersonCommand, PersonEditArgs, ReviewCommand, RulesArgs};
use crate::commands::open;
use crate::exit::Exit;
use crate::findings::{self, stopped};
use crate::output::{self, safe};
use crate::{t, tn};
use anyhow::{Context, Result};
use custodia_core::{HarmSettings, Person, PersonEdit, PersonInput, Sex};
use serde_json::json;

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
        flags.push(t!("cli.person.minor"));
    }
    if p.sgbv_survivor {
        flags.push(t!("cli.person.sgbv"));
    }
    let merged =
        p.merged_into.as_ref().map(|m| format!("  {}", t!("cli.person.merged_into", id = m))).unwrap_or_default();
    let sex = match p.sex {
        Some(Sex::Female) => t!("person.sexF"),
        Some(Sex::Male) => t!("person.sexM"),
        None => "-".to_string(),
    };
    let line = format!(
        "{}  {:<12}  {sex}  {}  {}{merged}",
        p.id,
        safe(p.reference.as_deref().unwrap_or("-")),
        tn!("cli.count.interviews", p.interviews),
        flags.join(", ")
    );
    line.trim_end().to_string()
}

pub fn run(global: &Global, command: &PersonCommand) -> Result<Exit> {
    match command {
        PersonCommand::Add(args) => add(global, args),
        PersonCommand::Import { file } => {
            let shown = safe(&file.display().to_string());
            let reader = std::fs::File::open(file).with_context(|| t!("cli.file.cannot_read", file = shown))?;
            let mut vault = open(global)?;
            let result = vault.import_persons(reader);
            crate::commands::close_after(vault, result.is_ok())?;
            let imported = result?;
            if global.json {
                output::json_line(&json!({ "imported": imported.persons.len(), "file_sha256": imported.file_sha256 }))?;
            } else {
                output::line(&tn!("cli.person.imported", imported.persons.len()))?;
                eprintln!("{}", t!("cli.person.see_duplicates"));
            }
            Ok(Exit::Ok)
        }
        PersonCommand::Duplicates { team: true, .. } => team_duplicates(global),
        PersonCommand::Duplicates { threshold, team: false } => {
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
                    let reasons: Vec<String> = pair
                        .reasons
                        .iter()
                        .map(|r| findings::word("match", r.code.as_str()).unwrap_or_else(|| r.text.clone()))
                        .collect();
                    output::line(&format!(
                        "{}  {}  {:.2}  {}",
                        safe(&name(&pair.a)),
                        safe(&name(&pair.b)),
                        pair.score,
                        safe(&reasons.join(" "))
                    ))?;
                }
            }
            Ok(Exit::Ok)
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
            Ok(Exit::Ok)
        }
        PersonCommand::Show { id, reveal } => show(global, id, *reveal),
        PersonCommand::Edit(args) => edit(global, args),
    }
}

/// Persons of this vault probably recorded by a team member too: by codes only, the other side written
/// `D-…:P-…`.
fn team_duplicates(global: &Global) -> Result<Exit> {
    let vault = open(global)?;
    let pairs = vault.team_duplicates();
    vault.close()?;
    for pair in pairs? {
        if global.json {
            output::json_line(&json!({
                "a": pair.person,
                "b": pair.other,
                "score": pair.score,
                "reasons": [],
                "team": pair.team,
                "interviews": pair.interviews,
                "last": pair.last,
            }))?;
        } else {
            let done = match &pair.last {
                Some(day) if pair.interviews > 0 => tn!("cli.team.interviewed", pair.interviews, last = safe(day)),
                _ => t!("cli.team.not_interviewed"),
            };
            output::line(&format!(
                "{}  {}  {:.2}  {}  {done}",
                pair.person,
                safe(&pair.other),
                pair.score,
                safe(&pair.team)
            ))?;
        }
    }
    Ok(Exit::Ok)
}

fn edit(global: &Global, args: &PersonEditArgs) -> Result<Exit> {
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
    findings::print(global, &findings)?;
    if global.json {
        output::json_line(&json!({ "person": person_json(&person) }))?;
    } else {
        output::line(&t!("cli.person.edited", id = person.id))?;
    }
    Ok(Exit::Ok)
}

fn add(global: &Global, args: &PersonAdd) -> Result<Exit> {
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
        findings::print(global, &findings?)?;
        return Ok(Exit::Ok);
    }
    let result = vault.add_person(&input, args.decision.justification.as_deref());
    vault.close()?;
    match result {
        Ok(added) => {
            findings::print(global, &added.findings)?;
            if global.json {
                output::json_line(&json!({ "person": person_json(&added.person) }))?;
            } else {
                output::line(&t!("cli.saved", id = added.person.id))?;
            }
            Ok(Exit::Ok)
        }
        Err(e) => stopped(global, e),
    }
}

fn show(global: &Global, id: &str, reveal: bool) -> Result<Exit> {
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
        return output::json_line(&value).map(|()| Exit::Ok);
    }
    output::line(&person_line(&person))?;
    if let Some(i) = &identity {
        let rows = [
            (t!("person.fullName"), i.full_name.clone()),
            (t!("person.otherNames"), i.other_names.join("; ")),
            (t!("person.birthDate"), i.birth_date.clone()),
            (t!("person.birthPlace"), i.birth_place.clone()),
            (t!("person.residence"), i.residence.clone()),
            (t!("person.phone"), i.phone.clone()),
            (t!("person.idNumber"), i.id_number.clone()),
            (t!("person.notes"), i.notes.clone()),
        ];
        let shown: Vec<(&str, String)> =
            rows.iter().filter(|(_, v)| !v.is_empty()).map(|(l, v)| (l.as_str(), safe(v))).collect();
        output::table(shown.iter().map(|(l, v)| (*l, v.as_str())), "  ")?;
    }
    for i in &interviews {
        output::line(&format!("  {}", crate::interviews::interview_line(i)))?;
    }
    for c in &consents {
        let scopes: Vec<String> = c
            .scopes
            .iter()
            .map(|s| format!("{}{}", s.recipient.as_str(), if s.identity { ":identity" } else { "" }))
            .collect();
        let status = crate::interviews::consent_status(c.status);
        output::line(&format!("  {}  {}  {status}  {}", c.id, safe(&c.date), scopes.join(" ")))?;
    }
    Ok(Exit::Ok)
}

pub fn review(global: &Global, command: &ReviewCommand) -> Result<Exit> {
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
        output::line(&t!("cli.review.merged", id = survivor))?;
    } else {
        output::line(&t!("cli.review.different"))?;
    }
    Ok(Exit::Ok)
}

pub fn rules(global: &Global, args: &RulesArgs) -> Result<Exit> {
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
        let rows = [
            (t!("cli.rules.duplicate_threshold"), settings.duplicate_threshold.to_string()),
            (t!("cli.rules.cooldown_days"), settings.cooldown_days.to_string()),
            (t!("cli.rules.max_interviews"), settings.max_interviews.to_string()),
            (t!("cli.rules.testimony_similarity"), settings.testimony_similarity.to_string()),
        ];
        output::table(rows.iter().map(|(l, v)| (l.as_str(), v.as_str())), "")?;
    }
    Ok(Exit::Ok)
}
