//! The interview, interviewer, consent and search commands.

use crate::args::{ConsentCommand, Global, InterviewAdd, InterviewCommand, InterviewEditArgs, InterviewerCommand};
use crate::commands::open;
use crate::output::{self, safe};
use crate::persons::{print_findings, stopped};
use anyhow::{bail, Context, Result};
use custodia_core::{
    ConsentInput, ConsentMethod, ConsentStatus, Interview, InterviewEdit, InterviewInput, InterviewStatus,
    RecipientKind, Referral, ReferralKind, Scope,
};
use serde_json::json;
use std::io::Read;

/// The largest transcript file read: the core bounds the text itself; this bounds the read.
const MAX_TRANSCRIPT_BYTES: u64 = 8 * 1024 * 1024;

fn interview_line(i: &Interview) -> String {
    format!("{}  {}  {}  {}  by {}", i.id, i.person, safe(&i.date), status(i.status), safe(&i.interviewers.join(", ")))
}

pub fn status(status: InterviewStatus) -> &'static str {
    match status {
        InterviewStatus::Draft => "draft",
        InterviewStatus::Complete => "complete",
    }
}

fn read_transcript(path: &std::path::Path) -> Result<String> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_TRANSCRIPT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_TRANSCRIPT_BYTES {
        bail!("{} is larger than {} MiB; a transcript is text", path.display(), MAX_TRANSCRIPT_BYTES / 1024 / 1024);
    }
    String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", path.display()))
}

pub fn interview(global: &Global, command: &InterviewCommand) -> Result<i32> {
    match command {
        InterviewCommand::Add(args) => add(global, args),
        InterviewCommand::Show { id, text } => {
            let mut vault = open(global)?;
            let result = vault.interview(id).and_then(|i| {
                let text = if *text { Some(vault.read_interview(&i.id)?) } else { None };
                Ok((i, text))
            });
            vault.close()?;
            let (interview, text) = result?;
            if global.json {
                let mut value = serde_json::to_value(&interview)?;
                if let Some(text) = &text {
                    value["transcript"] = text.transcript.clone().into();
                    value["summary"] = text.summary.clone().into();
                }
                output::json_line(&value)?;
            } else {
                output::line(&interview_line(&interview))?;
                if let Some(text) = &text {
                    output::line(&format!("Summary: {}", safe(&text.summary)))?;
                    for line in text.transcript.lines() {
                        output::line(&safe(line))?;
                    }
                }
            }
            Ok(0)
        }
        InterviewCommand::Referral { id, kind, value } => {
            let kind = ReferralKind::parse(kind)?;
            let value = Referral::parse(value)?;
            let mut vault = open(global)?;
            let result = vault.set_referral(id, kind, value);
            vault.close()?;
            print_interview(global, &result?)?;
            Ok(0)
        }
        InterviewCommand::Complete { id } => {
            let mut vault = open(global)?;
            let result = vault.complete_interview(id);
            crate::commands::close_after(vault, result.is_ok())?;
            match result {
                Ok(done) => {
                    print_interview(global, &done.record)?;
                    Ok(0)
                }
                Err(e) => stopped(global, e),
            }
        }
        InterviewCommand::List { person } => {
            let vault = open(global)?;
            let listed = match person {
                Some(person) => vault.interviews_of(person),
                None => vault.interviews(),
            };
            vault.close()?;
            for interview in listed? {
                print_interview(global, &interview)?;
            }
            Ok(0)
        }
        InterviewCommand::Edit(args) => edit(global, args),
    }
}

fn edit(global: &Global, args: &InterviewEditArgs) -> Result<i32> {
    let edit = InterviewEdit {
        date: args.date.clone(),
        place: args.place.clone(),
        language: args.language.clone(),
        interpreter: args.interpreter.clone(),
        transcript: args.transcript_file.as_deref().map(read_transcript).transpose()?,
        summary: args.summary.clone(),
    };
    let mut vault = open(global)?;
    let result = vault.edit_interview(&args.id, &edit, args.justification.as_deref());
    crate::commands::close_after(vault, result.is_ok())?;
    match result {
        Ok(saved) => {
            print_findings(global, &saved.findings)?;
            print_interview(global, &saved.record)?;
            Ok(0)
        }
        Err(e) => stopped(global, e),
    }
}

fn print_interview(global: &Global, interview: &Interview) -> Result<()> {
    if global.json {
        output::json_line(&json!({ "interview": interview }))
    } else {
        output::line(&interview_line(interview))
    }
}

fn add(global: &Global, args: &InterviewAdd) -> Result<i32> {
    let transcript = match &args.transcript_file {
        Some(path) => read_transcript(path)?,
        None => String::new(),
    };
    let input = InterviewInput {
        person: args.person.clone(),
        interviewers: args.interviewers.clone(),
        date: args.date.clone(),
        place: args.place.clone(),
        language: args.language.clone(),
        interpreter: args.interpreter.clone(),
        transcript,
        summary: args.summary.clone(),
        documents: args.documents.clone(),
        incidents: args.incidents.clone(),
        referrals: Default::default(),
    };
    let mut vault = open(global)?;
    if args.decision.check {
        let findings = vault.check_interview(&input);
        vault.close()?;
        print_findings(global, &findings?)?;
        return Ok(0);
    }
    let result = vault.add_interview(&input, args.decision.justification.as_deref());
    crate::commands::close_after(vault, result.is_ok())?;
    match result {
        Ok(added) => {
            print_findings(global, &added.findings)?;
            if global.json {
                output::json_line(&json!({ "interview": added.record }))?;
            } else {
                output::line(&format!("Saved {} (draft)", added.record.id))?;
            }
            Ok(0)
        }
        Err(e) => stopped(global, e),
    }
}

pub fn interviewer(global: &Global, command: &InterviewerCommand) -> Result<i32> {
    let mut vault = open(global)?;
    let result = match command {
        InterviewerCommand::Set { name, trained } => {
            vault.set_interviewer(name, *trained).and_then(|()| vault.interviewers())
        }
        InterviewerCommand::List => vault.interviewers(),
    };
    vault.close()?;
    for (name, trained) in result? {
        if global.json {
            output::json_line(&json!({ "name": name, "trained": trained }))?;
        } else {
            output::line(&format!("{}{}", safe(&name), if trained { "  (trained)" } else { "" }))?;
        }
    }
    Ok(0)
}

/// `icc`, `icc:identity`: a recipient kind and whether names may be disclosed to it.
fn scope(text: &str) -> Result<Scope> {
    let (kind, identity) = match text.split_once(':') {
        Some((kind, "identity")) => (kind, true),
        Some((_, other)) => bail!("--scope {text:?}: after the colon only `identity` is allowed, not {other:?}"),
        None => (text, false),
    };
    Ok(Scope { recipient: RecipientKind::parse(kind)?, identity })
}

pub fn consent(global: &Global, command: &ConsentCommand) -> Result<i32> {
    let mut vault;
    let result = match command {
        ConsentCommand::Record { person, status, date, method, scan, scopes, interview } => {
            let status = ConsentStatus::parse(status)?;
            if status == ConsentStatus::Withdrawn {
                bail!("use `custodia consent withdraw` to withdraw consent");
            }
            let input = ConsentInput {
                person: person.clone(),
                interview: interview.clone(),
                status,
                date: date.clone(),
                method: ConsentMethod::parse(method)?,
                scan_item: scan.clone(),
                scopes: scopes.iter().map(|s| scope(s)).collect::<Result<_>>()?,
            };
            vault = open(global)?;
            vault.record_consent(&input)
        }
        ConsentCommand::Withdraw { person, date, method, scan } => {
            let method = ConsentMethod::parse(method)?;
            vault = open(global)?;
            vault.withdraw_consent(person, date, method, scan.clone())
        }
    };
    crate::commands::close_after(vault, result.is_ok())?;
    let consent = result?;
    if global.json {
        output::json_line(&json!({ "consent": consent }))?;
    } else {
        output::line(&format!(
            "Recorded {}: {} for {} on {}",
            consent.id,
            consent.status.as_str(),
            consent.person,
            consent.date
        ))?;
    }
    Ok(0)
}

pub fn search(global: &Global, words: &[String]) -> Result<i32> {
    let mut vault = open(global)?;
    let hits = vault.search(&words.join(" "));
    vault.close()?;
    let hits = hits?;
    for hit in &hits {
        if global.json {
            output::json_line(hit)?;
        } else {
            output::line(&format!("{}  {:<10}  {}", hit.record, hit.kind, safe(&hit.snippet)))?;
        }
    }
    if hits.is_empty() && !global.json {
        eprintln!("Nothing found.");
    }
    Ok(0)
}
