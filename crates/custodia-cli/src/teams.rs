//! The team commands: create, invite, join, list, leave, rotate, and the exchange of linkage tokens by
//! file (`team tokens`, `team add-tokens`). Team names and codes came from other vaults: printed safely.

use crate::args::{Global, TeamCommand};
use crate::commands::{close_after, open};
use crate::output::{self, safe};
use crate::{t, tn};
use anyhow::Result;
use custodia_core::Team;
use serde_json::json;

fn team_line(team: &Team) -> String {
    let added = team.tokens_added_at.as_deref().map(safe).unwrap_or_else(|| "-".into());
    format!(
        "{}  {}  {}  {}  {}",
        team.id,
        safe(&team.name),
        t!("cli.team.epoch", epoch = team.epoch),
        tn!("cli.team.members", team.members.len()),
        tn!("cli.team.tokens_held", team.tokens, added = added)
    )
}

fn show_team(global: &Global, team: &Team, message: Option<String>) -> Result<()> {
    if global.json {
        return output::json_line(&json!({ "team": team }));
    }
    if let Some(message) = message {
        eprintln!("{message}");
    }
    output::line(&team_line(team))
}

pub fn run(global: &Global, command: &TeamCommand) -> Result<()> {
    let mut vault = open(global)?;
    let result = (|| -> custodia_core::Result<_> {
        Ok(match command {
            TeamCommand::Create { name } => {
                let team = vault.create_team(name)?;
                let code = vault.documenter_code()?;
                (Some(team), Some(t!("cli.team.created", code = code)), Vec::new(), None)
            }
            TeamCommand::Invite { name, recipient, output } => {
                vault.invite_team(name, recipient, output)?;
                let file = safe(&output.display().to_string());
                (None, Some(t!("cli.team.invited", file = file)), Vec::new(), None)
            }
            TeamCommand::Join { file, identity } => {
                let team = vault.join_team(file, identity)?;
                (Some(team), Some(t!("cli.team.joined")), Vec::new(), None)
            }
            TeamCommand::List => (None, None, vault.teams()?, None),
            TeamCommand::Leave { name } => {
                vault.leave_team(name)?;
                (None, Some(t!("cli.team.left", name = safe(name))), Vec::new(), None)
            }
            TeamCommand::Rotate { name } => {
                let team = vault.rotate_team(name)?;
                (Some(team), Some(t!("cli.team.rotated")), Vec::new(), None)
            }
            TeamCommand::Tokens { name, output } => {
                let made = vault.export_team_tokens(name, output)?;
                let file = safe(&output.display().to_string());
                let words = tn!("cli.team.tokens_written", made.tokens, file = file, documenter = made.documenter);
                (None, Some(words), Vec::new(), Some(json!({ "tokens": made })))
            }
            TeamCommand::AddTokens { file } => {
                let added = vault.add_team_tokens(file)?;
                let words = tn!(
                    "cli.team.tokens_added",
                    added.tokens,
                    documenter = safe(&added.documenter),
                    team = safe(&added.team)
                );
                (None, Some(words), Vec::new(), Some(json!({ "added": added })))
            }
        })
    })();
    close_after(vault, result.is_ok())?;
    let (team, message, list, value) = result?;
    if let (true, Some(value)) = (global.json, value) {
        return output::json_line(&value);
    }
    for team in &list {
        if global.json {
            output::json_line(&json!({ "team": team }))?;
        } else {
            output::line(&team_line(team))?;
        }
    }
    match (team, message) {
        (Some(team), message) => show_team(global, &team, message)?,
        (None, Some(message)) if !global.json => output::line(&message)?,
        _ => {}
    }
    Ok(())
}
