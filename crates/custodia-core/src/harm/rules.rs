//! The do-no-harm rules, as pure functions from facts to findings. The records gather the facts
//! (`records::harm_facts` reads the tables into the structs below) before a person or an interview is
//! created, when they change, and before an interview is completed; `gate` decides what the findings allow.

use super::findings::{self, Finding, PriorInterview, Reason};
use super::settings::HarmSettings;
use crate::team::held::TeamCandidate;
use chrono::NaiveDate;
use custodia_matching as matching;

/// At most this many candidates of one kind are reported: the strongest ones. The facts are gathered for
/// these only.
pub(crate) const MAX_REPORTED: usize = 5;

/// A stored person the matcher takes for the one being checked, with that person's interviews.
#[derive(Debug)]
pub(crate) struct Candidate {
    pub id: String,
    pub score: f64,
    pub reasons: Vec<matching::Reason>,
    pub prior: Vec<PriorInterview>,
}

/// The person an interview is about, as the rules see it: the pseudonym code and the vulnerability flags.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Subject<'a> {
    pub id: &'a str,
    pub minor: bool,
    pub sgbv_survivor: bool,
}

impl Subject<'_> {
    fn vulnerable(&self) -> bool {
        self.minor || self.sgbv_survivor
    }
}

/// A stored interview whose transcript is estimated close to the one being checked.
#[derive(Debug)]
pub(crate) struct SimilarTestimony {
    /// The person that interview is about.
    pub person: String,
    pub interview: PriorInterview,
    pub similarity: f64,
}

/// What the rules need to know of an interview about to be created or changed, and of the records
/// around it.
#[derive(Debug)]
pub(crate) struct InterviewFacts<'a> {
    pub person: Subject<'a>,
    pub date: NaiveDate,
    pub interviewers: &'a [String],
    /// Whether the interview is new (rather than an edit of a stored one).
    pub new: bool,
    /// Stored persons probably the same as the interviewee (gathered for a new interview only).
    pub duplicates: Vec<Candidate>,
    /// Team members' persons probably the same as the interviewee (for a new interview only).
    pub team: Vec<TeamCandidate>,
    /// The interviewee's other interviews, oldest first, each with its date read as a day.
    pub prior: Vec<(NaiveDate, PriorInterview)>,
    pub similar: Vec<SimilarTestimony>,
    pub has_consent: bool,
    /// Whether one of the interviewers is recorded as trained for sensitive interviews.
    pub any_trained: bool,
}

/// What the rules need to know before an interview is completed.
#[derive(Debug)]
pub(crate) struct CompletionFacts<'a> {
    pub person: Subject<'a>,
    pub interview: &'a str,
    pub has_consent: bool,
    /// The referrals of a minor or survivor not yet recorded as made or declined.
    pub missing_referrals: &'a [&'a str],
}

/// team-duplicate-person: one finding per team member's person, strongest first.
pub(crate) fn team_duplicates(candidates: &[TeamCandidate]) -> Vec<Finding> {
    candidates
        .iter()
        .map(|c| findings::team_duplicate(&c.team, &c.documenter, &c.person, c.interviews, c.last.as_deref(), c.score))
        .collect()
}

/// possible-duplicate-person: one finding per candidate, in the order given (strongest first).
pub(crate) fn duplicates(candidates: Vec<Candidate>) -> Vec<Finding> {
    candidates
        .into_iter()
        .map(|c| {
            let reasons = c.reasons.iter().map(|r| Reason { code: r.code(), text: r.to_string() }).collect();
            findings::duplicate_person(&c.id, c.score, reasons, &c.prior)
        })
        .collect()
}

/// recent-interview, interview-count, possible-duplicate-person (of the interviewee), near-duplicate-
/// testimony, consent-missing (as information) and sensitive-safeguard (a trained interviewer).
pub(crate) fn for_interview(facts: InterviewFacts<'_>, settings: &HarmSettings) -> Vec<Finding> {
    let person = facts.person;
    let mut out = duplicates(facts.duplicates);
    out.extend(team_duplicates(&facts.team));
    let prior: Vec<PriorInterview> = facts.prior.iter().map(|(_, p)| p.clone()).collect();
    if facts.new && !prior.is_empty() {
        out.push(findings::interview_count(person.id, settings.max_interviews, &prior));
    }
    let nearest =
        facts.prior.iter().map(|(day, p)| ((facts.date - *day).num_days(), p)).min_by_key(|(days, _)| days.abs());
    if let Some((days, last)) = nearest {
        if days.abs() < i64::from(settings.cooldown_days) {
            out.push(findings::recent_interview(person.id, days, settings.cooldown_days, last));
        }
    }
    for s in &facts.similar {
        out.push(findings::near_duplicate_testimony(&s.person, &s.interview, s.similarity));
    }
    if facts.new && !facts.has_consent {
        out.push(findings::consent_not_yet(person.id));
    }
    if person.vulnerable() && !facts.any_trained {
        out.push(findings::safeguard_interviewer(person.id, person.minor, person.sgbv_survivor, facts.interviewers));
    }
    out
}

/// Before completion: consent-missing (block) and sensitive-safeguard's referrals (block).
pub(crate) fn for_completion(facts: &CompletionFacts<'_>) -> Vec<Finding> {
    let person = facts.person;
    let mut out = Vec::new();
    if !facts.has_consent {
        out.push(findings::consent_missing(person.id, facts.interview));
    }
    if person.vulnerable() && !facts.missing_referrals.is_empty() {
        out.push(findings::safeguard_referral(
            person.id,
            facts.interview,
            person.minor,
            person.sgbv_survivor,
            facts.missing_referrals,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prior(id: &str, day: &str) -> (NaiveDate, PriorInterview) {
        let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("a test day");
        (date, PriorInterview { id: id.into(), date: day.into(), interviewers: vec!["A. Haroun".into()] })
    }

    fn facts<'a>(person: Subject<'a>, interviewers: &'a [String]) -> InterviewFacts<'a> {
        InterviewFacts {
            person,
            date: NaiveDate::from_ymd_opt(2026, 6, 1).expect("a day"),
            interviewers,
            new: true,
            duplicates: Vec::new(),
            team: Vec::new(),
            prior: Vec::new(),
            similar: Vec::new(),
            has_consent: true,
            any_trained: true,
        }
    }

    fn codes(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn a_first_interview_with_consent_and_a_trained_interviewer_finds_nothing() {
        let subject = Subject { id: "P-1", minor: true, sgbv_survivor: false };
        let found = for_interview(facts(subject, &[]), &HarmSettings::default());
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn an_interview_inside_the_cooldown_is_recent_whichever_side_it_falls() {
        let subject = Subject { id: "P-1", minor: false, sgbv_survivor: false };
        let mut f = facts(subject, &[]);
        // The nearest interview counts, even one dated after the new one.
        f.prior = vec![prior("T-1", "2025-01-01"), prior("T-2", "2026-06-11")];
        let found = for_interview(f, &HarmSettings::default());
        assert_eq!(codes(&found), ["interview_count", "recent_interview"], "{found:#?}");
        assert_eq!(found[1].params["days"], -10, "the nearest interview is cited: {:#?}", found[1]);
    }

    #[test]
    fn an_edit_is_not_counted_again_nor_asked_for_consent() {
        let subject = Subject { id: "P-1", minor: false, sgbv_survivor: true };
        let mut f = facts(subject, &[]);
        f.new = false;
        f.has_consent = false;
        f.any_trained = false;
        f.prior = vec![prior("T-1", "2020-01-01")];
        let found = for_interview(f, &HarmSettings::default());
        assert_eq!(codes(&found), ["safeguard_interviewer"], "{found:#?}");
    }

    #[test]
    fn completion_is_blocked_without_consent_and_without_a_survivor_s_referrals() {
        let subject = Subject { id: "P-1", minor: false, sgbv_survivor: true };
        let missing = ["medical"];
        let facts =
            CompletionFacts { person: subject, interview: "T-1", has_consent: false, missing_referrals: &missing };
        let found = for_completion(&facts);
        assert_eq!(codes(&found), ["consent_missing", "safeguard_referral"], "{found:#?}");
        let adult = CompletionFacts { person: Subject { sgbv_survivor: false, ..subject }, has_consent: true, ..facts };
        assert!(for_completion(&adult).is_empty(), "referrals are asked of minors and survivors only");
    }
}
