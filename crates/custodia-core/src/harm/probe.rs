//! Duplicate checks as a way to ask the vault questions. A check answers whether a described person is
//! probably stored already, so whoever holds an open vault can use it to test guesses: is this phone
//! number, this id number, this birth date someone's here? Two things keep that honest:
//! - every check that returns a match is a `harm.checked` custody event naming the rule, the codes of the
//!   records it matched, the scores and the reason codes (never the values that were typed), so a reviewer
//!   sees who asked and how often;
//! - the live checks that the app runs while a person is typed in are rate-limited per unlock (`Budget`),
//!   so a page cannot run a dictionary of guesses through them.

use super::findings::{Finding, Rule};
use super::gate;
use crate::custody::{self, Action, Session};
use crate::error::Result;
use crate::vault::Vault;
use rusqlite::Connection;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Live checks allowed in a burst: a documenter filling in a person's fields pauses a dozen times at most.
pub const BURST: u32 = 30;
/// Then one more live check every this long: typing at a human pace never meets it, a script does.
pub const REFILL: Duration = Duration::from_secs(2);

/// Why a check was made; recorded with its matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// A person being typed in, not saved.
    NewPerson,
    /// A person whose fields are being changed.
    EditedPerson,
    /// An interview about to be created (the interviewee against the other stored persons).
    Interview,
    /// An action that the findings stopped: the caller saw them.
    Stopped,
}

impl Context {
    fn as_str(self) -> &'static str {
        match self {
            Context::NewPerson => "new-person",
            Context::EditedPerson => "edited-person",
            Context::Interview => "interview",
            Context::Stopped => "stopped-action",
        }
    }
}

/// Records a `harm.checked` event for each kind of match `findings` hold (a possible duplicate in this
/// vault, a person probably recorded by a team member); nothing when they hold none.
pub(crate) fn log_matches(
    conn: &Connection,
    session: &Session,
    context: Context,
    subject: Option<&str>,
    findings: &[Finding],
) -> Result<()> {
    for rule in [Rule::PossibleDuplicatePerson, Rule::TeamDuplicatePerson] {
        log_rule_matches(conn, session, context, subject, findings, rule)?;
    }
    Ok(())
}

fn log_rule_matches(
    conn: &Connection,
    session: &Session,
    context: Context,
    subject: Option<&str>,
    findings: &[Finding],
    rule: Rule,
) -> Result<()> {
    let matches: Vec<Value> = findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            json!({
                "records": f.evidence.records,
                "score": f.evidence.score,
                "reasons": f.evidence.reasons.iter().map(|r| &r.code).collect::<Vec<_>>(),
            })
        })
        .collect();
    if matches.is_empty() {
        return Ok(());
    }
    let details = json!({
        "rule": rule.as_str(),
        "context": context.as_str(),
        "matches": matches,
    });
    append(conn, session, subject, details)
}

/// Appends the event inside the caller's transaction, or in one of its own when there is none.
fn append(conn: &Connection, session: &Session, subject: Option<&str>, details: Value) -> Result<()> {
    if !conn.is_autocommit() {
        custody::append(conn, session, Action::HarmChecked, subject, details)?;
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    custody::append(&tx, session, Action::HarmChecked, subject, details)?;
    tx.commit()?;
    Ok(())
}

impl Vault {
    /// The gate's decision (`gate::decide`); when the findings stop the action, the caller is shown them,
    /// so their matches are logged like a check's.
    pub(crate) fn decide_or_log(&self, findings: &[Finding], justification: Option<&str>) -> Result<Option<String>> {
        gate::decide(findings, justification).inspect_err(|_| {
            // The stop is what the caller must hear about; a failure to log it is a database problem
            // that the next write will report.
            let _ = log_matches(&self.conn, &self.session, Context::Stopped, None, findings);
        })
    }
}

/// Records a `harm.checked` event for a listing of suspected pairs: how many, and how often each reason
/// code came up (the pairs themselves are in the review queue, inside the vault).
pub(crate) fn log_listing<'a>(
    conn: &Connection,
    session: &Session,
    pairs: usize,
    reasons: impl Iterator<Item = &'a str>,
) -> Result<()> {
    if pairs == 0 {
        return Ok(());
    }
    let mut counted: BTreeMap<&str, u64> = BTreeMap::new();
    for code in reasons {
        *counted.entry(code).or_default() += 1;
    }
    let details = json!({
        "rule": Rule::PossibleDuplicatePerson.as_str(),
        "context": "duplicate-list",
        "pairs": pairs,
        "reasons": counted,
    });
    append(conn, session, None, details)
}

/// Records a `harm.checked` event for a listing of persons probably recorded by team members: how many.
pub(crate) fn log_team_listing(conn: &Connection, session: &Session, pairs: usize) -> Result<()> {
    if pairs == 0 {
        return Ok(());
    }
    let details =
        json!({ "rule": Rule::TeamDuplicatePerson.as_str(), "context": "team-duplicate-list", "pairs": pairs });
    append(conn, session, None, details)
}

/// A token bucket for the live checks of one unlock: `BURST` at once, then one per `REFILL`.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    tokens: f64,
    last: Option<Instant>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { tokens: f64::from(BURST), last: None }
    }
}

impl Budget {
    /// Takes one check from the budget at `now`, or says how long to wait.
    pub(crate) fn take(&mut self, now: Instant) -> std::result::Result<(), Duration> {
        if let Some(last) = self.last {
            let earned = now.saturating_duration_since(last).as_secs_f64() / REFILL.as_secs_f64();
            self.tokens = (self.tokens + earned).min(f64::from(BURST));
        }
        self.last = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(REFILL.mul_f64(1.0 - self.tokens))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_checks_is_allowed_then_one_per_refill() {
        let mut budget = Budget::default();
        let start = Instant::now();
        for n in 0..BURST {
            assert!(budget.take(start).is_ok(), "check {n} of the burst should be allowed");
        }
        let wait = budget.take(start).expect_err("the check after the burst must wait");
        assert!(wait > Duration::ZERO && wait <= REFILL, "wait {wait:?}");
        assert!(budget.take(start + REFILL).is_ok(), "one refill later, one more check");
        assert!(budget.take(start + REFILL).is_err(), "but only one");
    }

    #[test]
    fn a_pause_refills_the_budget_but_never_beyond_the_burst() {
        let mut budget = Budget::default();
        let start = Instant::now();
        for _ in 0..BURST {
            budget.take(start).expect("burst");
        }
        let later = start + REFILL * (BURST * 10);
        for n in 0..BURST {
            assert!(budget.take(later).is_ok(), "check {n} after a long pause");
        }
        assert!(budget.take(later).is_err(), "the refilled budget is capped at the burst");
    }
}
