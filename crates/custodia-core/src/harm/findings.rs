//! What a do-no-harm rule says: a finding with its rule id, severity, a message code with parameters (so
//! the app can word it in each language), the English sentence, and the evidence behind it.

use crate::vocabulary::vocabulary;
use custodia_matching::ReasonCode;
use serde::Serialize;
use serde_json::{json, Value};

vocabulary! {
    /// The rules, by their stable ids.
    pub enum Rule {
        PossibleDuplicatePerson = "possible-duplicate-person",
        /// A person probably already interviewed by another member of a team (seen through tokens).
        TeamDuplicatePerson = "team-duplicate-person",
        RecentInterview = "recent-interview",
        InterviewCount = "interview-count",
        NearDuplicateTestimony = "near-duplicate-testimony",
        ConsentMissing = "consent-missing",
        ConsentScope = "consent-scope",
        SensitiveSafeguard = "sensitive-safeguard",
    }
}

vocabulary! {
    /// How a finding bears on the action: `Info` is shown, a `Warning` needs a written justification to
    /// proceed, a `Block` stops the action until the data is fixed. Ordered by weight.
    #[derive(PartialOrd, Ord)]
    pub enum Severity {
        /// Shown; never stops anything.
        Info = "info",
        /// Stops the action unless the documenter writes why it is right to go ahead.
        Warning = "warning",
        /// Stops the action until the data changes.
        Block = "block",
    }
}

vocabulary! {
    /// A finding's message code: which sentence words it, filled in from its `params`. The app and the CLI
    /// translate from these.
    pub enum FindingCode {
        DuplicatePerson = "duplicate_person",
        TeamDuplicate = "team_duplicate",
        RecentInterview = "recent_interview",
        InterviewCount = "interview_count",
        PriorInterviews = "prior_interviews",
        NearDuplicateTestimony = "near_duplicate_testimony",
        ConsentNotYet = "consent_not_yet",
        ConsentMissing = "consent_missing",
        ConsentScope = "consent_scope",
        SafeguardInterviewer = "safeguard_interviewer",
        SafeguardReferral = "safeguard_referral",
    }
}

/// One explanation of a person match: a stable code and a sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub text: String,
}

/// What a finding rests on: the records involved, and for matches the score and its reasons.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    pub records: Vec<String>,
    pub score: Option<f64>,
    pub reasons: Vec<Reason>,
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// Which sentence words it; `params` fill it in.
    pub code: FindingCode,
    pub params: Value,
    /// The English sentence, built from the same parameters.
    pub message: String,
    pub evidence: Evidence,
}

/// An earlier interview, as findings cite it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriorInterview {
    pub id: String,
    pub date: String,
    pub interviewers: Vec<String>,
}

impl PriorInterview {
    fn phrase(&self) -> String {
        if self.interviewers.is_empty() {
            self.date.clone()
        } else {
            format!("{} by {}", self.date, join_and(&self.interviewers))
        }
    }
}

/// "A", "A and B", "A, B and C".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

/// "2026-03-02 by A. Haroun, 2026-05-19 by M. Diallo".
fn listed(prior: &[PriorInterview]) -> String {
    prior.iter().map(PriorInterview::phrase).collect::<Vec<_>>().join(", ")
}

/// "interviewed twice: 2026-03-02 by A. Haroun, 2026-05-19 by M. Diallo" or "not interviewed yet".
fn interviewed(prior: &[PriorInterview]) -> String {
    if prior.is_empty() {
        return "not interviewed yet".into();
    }
    format!("interviewed {}: {}", times(prior.len()), listed(prior))
}

/// Joins reason sentences as one: "Name and birth year match; birth place spelled differently."
fn reasons_sentence(reasons: &[Reason]) -> String {
    let parts: Vec<String> = reasons
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let text = r.text.trim().trim_end_matches('.');
            let mut chars = text.chars();
            match chars.next() {
                Some(first) if i == 0 => first.to_uppercase().chain(chars).collect(),
                // Later reasons continue the sentence, unless they start with an acronym ("ICC ...").
                Some(first) if !chars.clone().next().is_some_and(char::is_uppercase) => {
                    first.to_lowercase().chain(chars).collect()
                }
                _ => text.to_string(),
            }
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" {}.", parts.join("; "))
    }
}

fn finding(rule: Rule, severity: Severity, code: FindingCode, params: Value, message: String) -> Finding {
    Finding { rule, severity, code, params, message, evidence: Evidence::default() }
}

pub(crate) fn duplicate_person(person: &str, score: f64, reasons: Vec<Reason>, prior: &[PriorInterview]) -> Finding {
    let message =
        format!("Probably the same person as {person}, {}.{}", interviewed(prior), reasons_sentence(&reasons));
    let params = json!({
        "person": person,
        "interviews": prior,
        "reasons": reasons.iter().map(|r| &r.code).collect::<Vec<_>>(),
        "score": score,
    });
    let mut f =
        finding(Rule::PossibleDuplicatePerson, Severity::Warning, FindingCode::DuplicatePerson, params, message);
    f.evidence.records = std::iter::once(person.to_string()).chain(prior.iter().map(|p| p.id.clone())).collect();
    f.evidence.score = Some(score);
    f.evidence.reasons = reasons;
    f
}

/// A person a team member probably recorded: named only by the member's documenter code and pseudonym code
/// (`D-…:P-…`), with the number of interviews and the date of the last, never by anything that identifies.
pub(crate) fn team_duplicate(
    team: &str,
    documenter: &str,
    person: &str,
    interviews: u32,
    last: Option<&str>,
    score: f64,
) -> Finding {
    let done = match (interviews, last) {
        (0, _) | (_, None) => "not interviewed yet".to_string(),
        (1, Some(day)) => format!("1 interview, on {day}"),
        (n, Some(day)) => format!("{n} interviews, the last on {day}"),
    };
    let message = format!(
        "Probably already interviewed by a member of team {team} (documenter {documenter}, {done}); contact them \
         before interviewing."
    );
    let other = format!("{documenter}:{person}");
    let params = json!({
        "team": team,
        "documenter": documenter,
        "person": other,
        "count": interviews,
        "last": last,
        "score": score,
    });
    let mut f = finding(Rule::TeamDuplicatePerson, Severity::Warning, FindingCode::TeamDuplicate, params, message);
    f.evidence.records = vec![other];
    f.evidence.score = Some(score);
    f
}

pub(crate) fn recent_interview(person: &str, days: i64, cooldown_days: u32, last: &PriorInterview) -> Finding {
    let ago = match days {
        0 => "today".to_string(),
        1 => "1 day ago".to_string(),
        d if d < 0 => format!("{} days later", -d),
        d => format!("{d} days ago"),
    };
    let message = format!(
        "{person} was interviewed {ago} ({}); the cooldown is {cooldown_days} days. Another interview so soon can \
         harm them: use the earlier testimony if you can.",
        last.phrase()
    );
    let params = json!({ "person": person, "days": days, "cooldown_days": cooldown_days, "last": last });
    let mut f = finding(Rule::RecentInterview, Severity::Warning, FindingCode::RecentInterview, params, message);
    f.evidence.records = vec![person.to_string(), last.id.clone()];
    f
}

pub(crate) fn interview_count(person: &str, max: u32, prior: &[PriorInterview]) -> Finding {
    let (severity, code, message) = if prior.len() >= max as usize {
        (
            Severity::Warning,
            FindingCode::InterviewCount,
            format!(
                "{person} was already {} (the limit is {max}). Each new interview asks them to tell it again.",
                interviewed(prior)
            ),
        )
    } else {
        (
            Severity::Info,
            FindingCode::PriorInterviews,
            format!("{person} was interviewed {} before: {}.", times(prior.len()), listed(prior)),
        )
    };
    let params = json!({ "person": person, "count": prior.len(), "max": max, "interviews": prior });
    let mut f = finding(Rule::InterviewCount, severity, code, params, message);
    f.evidence.records = std::iter::once(person.to_string()).chain(prior.iter().map(|p| p.id.clone())).collect();
    f
}

pub(crate) fn near_duplicate_testimony(person: &str, other: &PriorInterview, similarity: f64) -> Finding {
    let percent = (similarity * 100.0).round() as u32;
    let message = format!(
        "This transcript is nearly the same as {} ({person}, {}): about {percent}% of their phrases are shared. It \
         may be the same account recorded twice, or copied.",
        other.id,
        other.phrase()
    );
    let params = json!({ "person": person, "interview": other, "similarity": similarity, "percent": percent });
    let mut f =
        finding(Rule::NearDuplicateTestimony, Severity::Warning, FindingCode::NearDuplicateTestimony, params, message);
    f.evidence.records = vec![other.id.clone(), person.to_string()];
    f.evidence.score = Some(similarity);
    f
}

pub(crate) fn consent_not_yet(person: &str) -> Finding {
    let message = format!("No consent is recorded for {person} yet; record it before the interview is completed.");
    let mut f =
        finding(Rule::ConsentMissing, Severity::Info, FindingCode::ConsentNotYet, json!({ "person": person }), message);
    f.evidence.records = vec![person.to_string()];
    f
}

pub(crate) fn consent_missing(person: &str, interview: &str) -> Finding {
    let message = format!(
        "No consent is recorded for {person}. Record consent (given or refused) before completing {interview}."
    );
    let params = json!({ "person": person, "interview": interview });
    let mut f = finding(Rule::ConsentMissing, Severity::Block, FindingCode::ConsentMissing, params, message);
    f.evidence.records = vec![person.to_string(), interview.to_string()];
    f
}

vocabulary! {
    /// Why consent keeps a person's records from a kind of recipient.
    pub enum ConsentRefusal {
        /// The consent allows the records, but not the person's identity, and this record shows it.
        IdentityNotAllowed = "identity_not_allowed",
        /// Consent was given, but not for this kind of recipient.
        OutsideScope = "outside_scope",
        Refused = "refused",
        Withdrawn = "withdrawn",
        NotRecorded = "not_recorded",
    }
}

pub(crate) fn consent_scope(person: &str, recipient: &str, recipient_label: &str, why: ConsentRefusal) -> Finding {
    let reason = match why {
        ConsentRefusal::NotRecorded => "no consent is recorded",
        ConsentRefusal::Refused => "consent was refused",
        ConsentRefusal::Withdrawn => "consent was withdrawn",
        ConsentRefusal::OutsideScope => "the consent given does not include this recipient",
        ConsentRefusal::IdentityNotAllowed => "the consent given does not let their identity go to this recipient",
    };
    let message = format!("{person}'s records cannot go to {recipient_label}: {reason}.");
    let params = json!({ "person": person, "recipient": recipient, "why": why });
    let mut f = finding(Rule::ConsentScope, Severity::Block, FindingCode::ConsentScope, params, message);
    f.evidence.records = vec![person.to_string()];
    f
}

fn vulnerability(minor: bool, sgbv: bool) -> (Vec<&'static str>, &'static str) {
    match (minor, sgbv) {
        (true, true) => (vec!["minor", "sgbv"], "a minor and a survivor of sexual or gender-based violence"),
        (true, false) => (vec!["minor"], "a minor"),
        _ => (vec!["sgbv"], "a survivor of sexual or gender-based violence"),
    }
}

pub(crate) fn safeguard_interviewer(person: &str, minor: bool, sgbv: bool, interviewers: &[String]) -> Finding {
    let (flags, label) = vulnerability(minor, sgbv);
    let who = if interviewers.is_empty() {
        "no interviewer is named".to_string()
    } else {
        format!(
            "{} {} not marked as trained",
            join_and(interviewers),
            if interviewers.len() == 1 { "is" } else { "are" }
        )
    };
    let message = format!("{person} is {label}: the interview needs an interviewer trained for it, and {who}.");
    let params = json!({ "person": person, "vulnerability": flags, "interviewers": interviewers });
    let mut f =
        finding(Rule::SensitiveSafeguard, Severity::Warning, FindingCode::SafeguardInterviewer, params, message);
    f.evidence.records = vec![person.to_string()];
    f
}

pub(crate) fn safeguard_referral(person: &str, interview: &str, minor: bool, sgbv: bool, missing: &[&str]) -> Finding {
    let (flags, label) = vulnerability(minor, sgbv);
    let kinds: Vec<String> = missing.iter().map(|k| k.to_string()).collect();
    let message = format!(
        "{person} is {label}: record whether the {} referral was made or declined before completing {interview}.",
        join_and(&kinds)
    );
    let params = json!({ "person": person, "interview": interview, "vulnerability": flags, "missing": missing });
    let mut f = finding(Rule::SensitiveSafeguard, Severity::Block, FindingCode::SafeguardReferral, params, message);
    f.evidence.records = vec![person.to_string(), interview.to_string()];
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prior(id: &str, date: &str, by: &str) -> PriorInterview {
        PriorInterview { id: id.into(), date: date.into(), interviewers: vec![by.into()] }
    }

    #[test]
    fn duplicate_message_reads_like_the_design() {
        let reasons = vec![
            Reason { code: ReasonCode::BirthYearMatches, text: "name and birth year match".into() },
            Reason { code: ReasonCode::PlaceVariant, text: "Birth place spelled differently.".into() },
        ];
        let f = duplicate_person(
            "P-7F3K",
            0.93,
            reasons,
            &[prior("T-1", "2026-03-02", "A. Haroun"), prior("T-2", "2026-05-19", "M. Diallo")],
        );
        assert_eq!(
            f.message,
            "Probably the same person as P-7F3K, interviewed twice: 2026-03-02 by A. Haroun, 2026-05-19 by M. Diallo. \
             Name and birth year match; birth place spelled differently."
        );
        assert_eq!(f.params["reasons"][1], "place_variant");
        assert_eq!(serde_json::to_value(f.rule).expect("json"), "possible-duplicate-person");
    }

    #[test]
    fn interview_count_is_information_below_the_limit_and_a_warning_at_it() {
        let one = [prior("T-1", "2026-03-02", "A. Haroun")];
        let f = interview_count("P-7F3K", 2, &one);
        assert_eq!((f.severity, f.code), (Severity::Info, FindingCode::PriorInterviews));
        assert_eq!(f.message, "P-7F3K was interviewed once before: 2026-03-02 by A. Haroun.");
        let two = [prior("T-1", "2026-03-02", "A. Haroun"), prior("T-2", "2026-05-19", "M. Diallo")];
        assert_eq!(interview_count("P-7F3K", 2, &two).severity, Severity::Warning);
    }

    #[test]
    fn a_team_duplicate_names_codes_only() {
        let f = team_duplicate("Coalition", "D-7F3KQ", "P-M2XP", 2, Some("2026-11-02"), 0.91);
        assert_eq!(
            f.message,
            "Probably already interviewed by a member of team Coalition (documenter D-7F3KQ, 2 interviews, the last \
             on 2026-11-02); contact them before interviewing."
        );
        assert_eq!((f.rule, f.severity), (Rule::TeamDuplicatePerson, Severity::Warning));
        assert_eq!(f.evidence.records, ["D-7F3KQ:P-M2XP"]);
    }

    #[test]
    fn lists_of_names_read_naturally() {
        assert_eq!(join_and(&["A".into(), "B".into(), "C".into()]), "A, B and C");
        let f = safeguard_interviewer("P-1", true, false, &["A".into(), "B".into()]);
        assert!(f.message.ends_with("A and B are not marked as trained."), "{}", f.message);
    }
}
