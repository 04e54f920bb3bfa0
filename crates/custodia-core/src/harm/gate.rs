//! The decision a set of findings imposes on an action, and the record of overriding it.
//!
//! Policy: `Info` findings are shown and never stop anything. Any `Warning` stops the action unless the
//! documenter writes a justification (at least `MIN_JUSTIFICATION_CHARS` characters, in their own
//! words); then the action is saved and one `harm.overridden` event per warning records the rule, the
//! subject and the justification, in the same transaction. A `Block` cannot be overridden: the data must
//! change first (record consent, record the referral). When an action is stopped nothing is saved, and the
//! error carries the findings so the caller can show them.

use super::findings::{Finding, Severity};
use crate::custody::{self, Action, Session};
use crate::error::Result;
use crate::vault::check_text;
use rusqlite::Connection;
use serde_json::json;

pub const MIN_JUSTIFICATION_CHARS: usize = 10;
pub const MAX_JUSTIFICATION_CHARS: usize = 2_000;

/// Why an action was stopped by the do-no-harm rules. Nothing was saved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HarmError {
    #[error("{} do-no-harm warning(s) need a written justification to go ahead; nothing was saved. Read them, then stop, or proceed with a justification in your own words", findings.iter().filter(|f| f.severity == Severity::Warning).count())]
    JustificationNeeded { findings: Vec<Finding> },
    #[error("stopped by a do-no-harm rule; nothing was saved: {}", findings.iter().filter(|f| f.severity == Severity::Block).map(|f| f.message.as_str()).collect::<Vec<_>>().join(" "))]
    Blocked { findings: Vec<Finding> },
    #[error("the justification is too short: write at least {MIN_JUSTIFICATION_CHARS} characters saying why it is right to go ahead")]
    JustificationTooShort,
    #[error("the setting {name} must be between {min} and {max}")]
    BadSetting { name: &'static str, min: f64, max: f64 },
    #[error("too many duplicate checks in a short time; wait {wait_secs} seconds, then go on typing")]
    TooManyChecks { wait_secs: u64 },
}

impl HarmError {
    /// The findings that stopped the action, if that is why it stopped.
    pub fn findings(&self) -> &[Finding] {
        match self {
            HarmError::JustificationNeeded { findings } | HarmError::Blocked { findings } => findings,
            _ => &[],
        }
    }
}

/// Says whether an action may go ahead. Returns the checked justification to log when warnings are
/// overridden (`None` when there is nothing to override).
pub(crate) fn decide(findings: &[Finding], justification: Option<&str>) -> Result<Option<String>> {
    if findings.iter().any(|f| f.severity == Severity::Block) {
        return Err(HarmError::Blocked { findings: findings.to_vec() }.into());
    }
    if !findings.iter().any(|f| f.severity == Severity::Warning) {
        return Ok(None);
    }
    let Some(text) = justification.map(str::trim).filter(|t| !t.is_empty()) else {
        return Err(HarmError::JustificationNeeded { findings: findings.to_vec() }.into());
    };
    check_text("justification", text, MAX_JUSTIFICATION_CHARS)?;
    if text.chars().count() < MIN_JUSTIFICATION_CHARS {
        return Err(HarmError::JustificationTooShort.into());
    }
    Ok(Some(text.to_string()))
}

/// Logs one `harm.overridden` event per warning, about `subject`. The details name the rule, the message
/// code, the records and the reason codes, and keep the justification (the documenter's own words); the
/// English message and the match reasons' sentences are left out, since they may quote identifying values.
pub(crate) fn log_overrides(
    tx: &Connection,
    session: &Session,
    subject: &str,
    findings: &[Finding],
    justification: Option<&str>,
) -> Result<()> {
    let Some(justification) = justification else { return Ok(()) };
    for f in findings.iter().filter(|f| f.severity == Severity::Warning) {
        let details = json!({
            "rule": f.rule.as_str(),
            "code": f.code,
            "records": f.evidence.records,
            "score": f.evidence.score,
            "reasons": f.evidence.reasons.iter().map(|r| &r.code).collect::<Vec<_>>(),
            "justification": justification,
        });
        custody::append(tx, session, Action::HarmOverridden, Some(subject), details)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::harm::findings;

    #[test]
    fn warnings_need_a_real_justification_and_blocks_cannot_be_overridden() {
        let info = findings::consent_not_yet("P-1");
        let warning = findings::recent_interview(
            "P-1",
            3,
            90,
            &findings::PriorInterview { id: "T-1".into(), date: "2026-11-23".into(), interviewers: vec![] },
        );
        let block = findings::consent_missing("P-1", "T-2");
        assert_eq!(decide(std::slice::from_ref(&info), None).expect("info passes"), None);
        let both = [info.clone(), warning.clone()];
        let err = decide(&both, None).expect_err("warning without justification");
        assert_eq!(err.code(), ErrorCode::JustificationNeeded);
        assert_eq!(decide(&both, Some("  ")).expect_err("blank").code(), ErrorCode::JustificationNeeded);
        assert_eq!(decide(&both, Some("ok")).expect_err("short").code(), ErrorCode::JustificationTooShort);
        assert_eq!(decide(&both, Some("bad\x1b[2Jtext here")).expect_err("control").code(), ErrorCode::BadText);
        let ok = decide(&both, Some(" Survivor asked to add new facts ")).expect("justified");
        assert_eq!(ok.as_deref(), Some("Survivor asked to add new facts"));
        let err = decide(&[warning, block], Some("Survivor asked to add new facts")).expect_err("block");
        assert_eq!(err.code(), ErrorCode::HarmBlocked);
    }
}
