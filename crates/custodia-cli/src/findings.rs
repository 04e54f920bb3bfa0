//! How do-no-harm findings are printed, for every command that checks: before the outcome, as text
//! (`Warning · Recent interview: …` in the user's language) or, with `--json`, one `{"finding": {...}}`
//! line each. When a warning stands without `--justification`, or a block stands, nothing is saved, the
//! reason goes to standard error and the exit code is `Exit::HarmStopped`.
//!
//! The sentence is the app's (`finding.<code>` in `locales/<lang>/records.json`), filled from the
//! finding's parameters; a code the words do not know yet prints the core's English sentence, so a new
//! rule is never silent.

use crate::args::Global;
use crate::exit::Exit;
use crate::output::{self, safe, safe_lines};
use crate::{lang, t, tn};
use anyhow::Result;
use custodia_core::{Finding, FindingCode, Severity};
use serde_json::{json, Value};

pub fn print(global: &Global, findings: &[Finding]) -> Result<()> {
    for f in findings {
        if global.json {
            output::json_line(&json!({ "finding": f }))?;
        } else {
            let severity = match f.severity {
                Severity::Info => t!("severity.info"),
                Severity::Warning => t!("severity.warning"),
                Severity::Block => t!("severity.block"),
            };
            let rule = word("rule", f.rule.as_str()).unwrap_or_else(|| f.rule.as_str().to_string());
            output::line(&t!("cli.finding", severity = severity, rule = rule, message = sentence(f)))?;
            for line in evidence(f) {
                output::line(&format!("  {line}"))?;
            }
        }
    }
    Ok(())
}

/// Turns an error from a checked action into an exit code: a do-no-harm stop prints its findings and
/// returns `Exit::HarmStopped`; anything else is an ordinary error.
pub fn stopped(global: &Global, err: custodia_core::Error) -> Result<Exit> {
    if let custodia_core::Error::Harm(harm) = &err {
        if !harm.findings().is_empty() {
            print(global, harm.findings())?;
            eprintln!("{}", lang::error_text(lang::current(), err.code().as_str(), &safe_lines(&err.to_string())));
            if err.code() == custodia_core::ErrorCode::JustificationNeeded {
                eprintln!("{}", t!("cli.finding.how_to_go_on"));
            }
            return Ok(Exit::HarmStopped);
        }
    }
    Err(err.into())
}

/// The words of `prefix.code` (a rule, a recipient kind, a referral, a match reason), when the files have
/// them.
pub fn word(prefix: &str, code: &str) -> Option<String> {
    let key = format!("{prefix}.{code}");
    let text = lang::text(&key, &[]);
    (text != key).then_some(text)
}

fn text_of(value: &Value) -> String {
    safe(value.as_str().unwrap_or("?"))
}

fn list_of(value: &Value, each: impl Fn(&str) -> String) -> String {
    let names: Vec<String> = value.as_array().into_iter().flatten().filter_map(Value::as_str).map(each).collect();
    names.join(", ")
}

fn vulnerability(flags: &Value) -> String {
    let has = |flag: &str| flags.as_array().is_some_and(|f| f.iter().any(|v| v == flag));
    match (has("minor"), has("sgbv")) {
        (true, true) => t!("vulnerability.both"),
        (true, false) => t!("vulnerability.minor"),
        _ => t!("vulnerability.sgbv"),
    }
}

/// What a finding rests on, as the app shows it under the sentence: why two records match, and the
/// earlier interviews it cites.
fn evidence(f: &Finding) -> Vec<String> {
    let mut lines = Vec::new();
    let reasons: Vec<String> = f.params["reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|code| word("match", code).unwrap_or_else(|| safe(code)))
        .collect();
    if !reasons.is_empty() {
        lines.push(format!("{} {}", t!("finding.why"), reasons.join(" ")));
    }
    let earlier: Vec<String> = f.params["interviews"].as_array().into_iter().flatten().map(prior).collect();
    if !earlier.is_empty() {
        lines.push(format!("{} {}", t!("finding.earlier"), earlier.join("; ")));
    }
    lines
}

/// "2026-03-02, by A. Haroun (T-…)", or the date and id alone when nobody is named.
fn prior(interview: &Value) -> String {
    let (date, id) = (text_of(&interview["date"]), text_of(&interview["id"]));
    match list_of(&interview["interviewers"], safe) {
        who if who.is_empty() => t!("finding.priorDate", date = date, id = id),
        who => t!("finding.priorBy", date = date, id = id, who = who),
    }
}

/// The finding as a sentence in the user's language; values from the vault are made safe.
fn sentence(f: &Finding) -> String {
    let p = &f.params;
    let person = text_of(&p["person"]);
    let count = |name: &str| p[name].as_u64().unwrap_or(0);
    match f.code {
        FindingCode::DuplicatePerson => t!("finding.duplicate_person", person = person),
        FindingCode::TeamDuplicate => {
            let (team, documenter) = (text_of(&p["team"]), text_of(&p["documenter"]));
            match p["last"].as_str() {
                Some(last) if count("count") > 0 => tn!(
                    "finding.team_duplicate",
                    count("count"),
                    team = team,
                    documenter = documenter,
                    last = safe(last)
                ),
                _ => t!("finding.team_duplicate_none", team = team, documenter = documenter),
            }
        }
        FindingCode::RecentInterview => {
            let (days, date, cooldown) =
                (p["days"].as_i64().unwrap_or(0), text_of(&p["last"]["date"]), count("cooldown_days"));
            match days {
                0 => t!("finding.recent_interview_same_day", person = person, date = date, cooldown = cooldown),
                d if d < 0 => {
                    tn!("finding.recent_interview_later", -d, person = person, date = date, cooldown = cooldown)
                }
                d => tn!("finding.recent_interview", d, person = person, date = date, cooldown = cooldown),
            }
        }
        FindingCode::InterviewCount => {
            tn!("finding.interview_count", count("count"), person = person, max = count("max"))
        }
        FindingCode::PriorInterviews => tn!("finding.prior_interviews", count("count"), person = person),
        FindingCode::NearDuplicateTestimony => t!(
            "finding.near_duplicate_testimony",
            person = person,
            interview = text_of(&p["interview"]["id"]),
            percent = t!("cli.percent", value = count("percent"))
        ),
        FindingCode::ConsentNotYet => t!("finding.consent_not_yet", person = person),
        FindingCode::ConsentMissing => {
            t!("finding.consent_missing", person = person, interview = text_of(&p["interview"]))
        }
        FindingCode::ConsentScope => {
            let recipient = p["recipient"].as_str().unwrap_or("?");
            let why = p["why"].as_str().unwrap_or("?");
            t!(
                "finding.consent_scope",
                person = person,
                recipient = word("recipient", recipient).unwrap_or_else(|| safe(recipient)),
                why = word("consentWhy", why).unwrap_or_else(|| safe(why))
            )
        }
        FindingCode::SafeguardInterviewer if p["interviewers"].as_array().is_some_and(Vec::is_empty) => {
            t!("finding.safeguard_interviewer_none", person = person, who = vulnerability(&p["vulnerability"]))
        }
        FindingCode::SafeguardInterviewer => t!(
            "finding.safeguard_interviewer",
            person = person,
            who = vulnerability(&p["vulnerability"]),
            interviewers = list_of(&p["interviewers"], safe)
        ),
        FindingCode::SafeguardReferral => t!(
            "finding.safeguard_referral",
            person = person,
            who = vulnerability(&p["vulnerability"]),
            interview = text_of(&p["interview"]),
            missing = list_of(&p["missing"], |kind| word("referral", kind).unwrap_or_else(|| safe(kind)))
        ),
    }
}
