//! The interview, interviewer, consent and search commands.

use crate::args::{ConsentCommand, Global, InterviewAdd, InterviewCommand, InterviewEditArgs, InterviewerCommand};
use crate::commands::open;
use crate::exit::Exit;
use crate::findings::{self, stopped};
use crate::output::{self, safe};
use crate::t;
use anyhow::{bail, Context, Result};
use custodia_core::{
    ConsentInput, ConsentMethod, ConsentStatus, Interview, InterviewEdit, InterviewInput, InterviewStatus,
    RecipientKind, Referral, ReferralKind, Scope,
};
use serde_json::json;
use std::io::Read;

/// The largest transcript file read: the core bounds the text itself; this bounds the read.
const MAX_TRANSCRIPT_BYTES: u64 = 8 * 1024 * 1024;

/// One interview on one line: id, person, date, status and who interviewed.
pub fn interview_line(i: &Interview) -> String {
    let status = match i.status {
        InterviewStatus::Draft => t!("interview.draft"),
        InterviewStatus::Complete => t!("interview.complete"),
    };
    let by = t!("cli.interview.by", names = safe(&i.interviewers.join(", ")));
    format!("{}  {}  {}  {status}  {by}", i.id, i.person, safe(&i.date))
}

pub fn consent_status(status: ConsentStatus) -> String {
    match status {
        ConsentStatus::Given => t!("consent.status.given"),
        ConsentStatus::Refused => t!("consent.status.refused"),
        ConsentStatus::Withdrawn => t!("consent.status.withdrawn"),
    }
}

fn read_transcript(path: &std::path::Path) -> Result<String> {
    let shown = safe(&path.display().to_string());
    let file = std::fs::File::open(path).with_context(|| t!("cli.file.cannot_read", file = shown))?;
    let mut bytes = Vec::new();
    file.take(MAX_TRANSCRIPT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_TRANSCRIPT_BYTES {
        bail!("{}", t!("cli.interview.transcript_too_large", file = shown, mib = MAX_TRANSCRIPT_BYTES / 1024 / 1024));
    }
    String::from_utf8(bytes).with_context(|| t!("cli.file.not_text", file = shown))
}

pub fn interview(global: &Global, command: &InterviewCommand) -> Result<Exit> {
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
                    output::line(&t!("cli.interview.summary", summary = safe(&text.summary)))?;
                    for line in text.transcript.lines() {
                        output::line(&safe(line))?;
                    }
                }
            }
            Ok(Exit::Ok)
        }
        InterviewCommand::Referral { id, kind, value } => {
            let kind = ReferralKind::parse(kind)?;
            let value = Referral::parse(value)?;
            let mut vault = open(global)?;
            let result = vault.set_referral(id, kind, value);
            vault.close()?;
            print_interview(global, &result?)?;
            Ok(Exit::Ok)
        }
        InterviewCommand::Complete { id } => {
            let mut vault = open(global)?;
            let result = vault.complete_interview(id);
            crate::commands::close_after(vault, result.is_ok())?;
            match result {
                Ok(done) => {
                    print_interview(global, &done.record)?;
                    Ok(Exit::Ok)
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
            Ok(Exit::Ok)
        }
        InterviewCommand::Edit(args) => edit(global, args),
    }
}

fn edit(global: &Global, args: &InterviewEditArgs) -> Result<Exit> {
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
            findings::print(global, &saved.findings)?;
            print_interview(global, &saved.record)?;
            Ok(Exit::Ok)
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

fn add(global: &Global, args: &InterviewAdd) -> Result<Exit> {
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
        findings::print(global, &findings?)?;
        return Ok(Exit::Ok);
    }
    let result = vault.add_interview(&input, args.decision.justification.as_deref());
    crate::commands::close_after(vault, result.is_ok())?;
    match result {
        Ok(added) => {
            findings::print(global, &added.findings)?;
            if global.json {
                output::json_line(&json!({ "interview": added.record }))?;
            } else {
                output::line(&t!("cli.interview.saved_draft", id = added.record.id))?;
            }
            Ok(Exit::Ok)
        }
        Err(e) => stopped(global, e),
    }
}

pub fn interviewer(global: &Global, command: &InterviewerCommand) -> Result<Exit> {
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
            let name = safe(&name);
            output::line(&if trained { t!("cli.interviewer.trained", name = name) } else { name })?;
        }
    }
    Ok(Exit::Ok)
}

/// `icc`, `icc:identity`: a recipient kind and whether names may be disclosed to it.
fn scope(text: &str) -> Result<Scope> {
    let (kind, identity) = match text.split_once(':') {
        Some((kind, "identity")) => (kind, true),
        Some((_, other)) => bail!("{}", t!("cli.consent.bad_scope", scope = safe(text), other = safe(other))),
        None => (text, false),
    };
    Ok(Scope { recipient: RecipientKind::parse(kind)?, identity })
}

pub fn consent(global: &Global, command: &ConsentCommand) -> Result<Exit> {
    let mut vault;
    let result = match command {
        ConsentCommand::Record { person, status, date, method, scan, scopes, interview } => {
            let status = ConsentStatus::parse(status)?;
            if status == ConsentStatus::Withdrawn {
                bail!("{}", t!("cli.consent.use_withdraw"));
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
        output::line(&t!(
            "cli.consent.recorded",
            id = consent.id,
            status = consent_status(consent.status),
            person = consent.person,
            date = safe(&consent.date)
        ))?;
    }
    Ok(Exit::Ok)
}

pub fn search(global: &Global, words: &[String]) -> Result<Exit> {
    let mut vault = open(global)?;
    let hits = vault.search(&words.join(" "));
    vault.close()?;
    let hits = hits?;
    for hit in &hits {
        if global.json {
            output::json_line(hit)?;
        } else {
            output::line(&format!("{}  {}  {}", hit.record, search_kind(hit.kind.as_str()), safe(&hit.snippet)))?;
        }
    }
    if hits.is_empty() && !global.json {
        eprintln!("{}", t!("cli.search.nothing"));
    }
    Ok(Exit::Ok)
}

/// What kind of record a search hit is, in the user's words (the page's).
fn search_kind(kind: &str) -> String {
    findings::word("search.kind", kind).unwrap_or_else(|| safe(kind))
}
