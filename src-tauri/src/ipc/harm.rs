//! Do-no-harm findings, match reasons, suspected duplicate pairs and the rules' settings, as the page sees
//! them. A finding crosses with its message code and typed parameters, so the page words it in the
//! reader's language; the core's English sentence comes along as detail.

use super::PersonDto;
use custodia_core::harm::{Evidence, Finding, FindingCode, Reason, Rule, Severity};
use custodia_core::matching::ReasonCode;
use custodia_core::{ConsentRefusal, RecipientKind, ReferralKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;

/// An earlier interview a finding cites: which, when, by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PriorInterviewDto {
    pub id: String,
    pub date: String,
    pub interviewers: Vec<String>,
}

/// One piece of evidence for or against a match: a code the page translates and the English sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ReasonDto {
    pub code: ReasonCode,
    pub text: String,
}

impl From<Reason> for ReasonDto {
    fn from(r: Reason) -> Self {
        ReasonDto { code: r.code, text: r.text }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct EvidenceDto {
    pub records: Vec<String>,
    pub score: Option<f64>,
    pub reasons: Vec<ReasonDto>,
}

impl From<Evidence> for EvidenceDto {
    fn from(e: Evidence) -> Self {
        EvidenceDto { records: e.records, score: e.score, reasons: e.reasons.into_iter().map(Into::into).collect() }
    }
}

/// The values a finding's message is built from. Each message code uses some of them (see
/// `custodia_core::harm::findings`); the others stay empty.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Type)]
pub struct FindingParams {
    /// The person the finding is about (a pseudonym code).
    pub person: Option<String>,
    /// The interview being completed (consent_missing, safeguard_referral).
    pub interview: Option<String>,
    /// How many interviews the person had (interview_count, prior_interviews).
    pub count: Option<f64>,
    /// The interview limit in force.
    pub max: Option<f64>,
    /// Days since the nearest earlier interview (negative: it is later than the new one).
    pub days: Option<f64>,
    pub cooldown_days: Option<f64>,
    /// Similarity of two transcripts, 0..100.
    pub percent: Option<f64>,
    /// Match score of two persons, 0..1.
    pub score: Option<f64>,
    /// A recipient kind (consent_scope).
    pub recipient: Option<RecipientKind>,
    /// Why the records cannot go there (consent_scope).
    pub why: Option<ConsentRefusal>,
    /// "minor", "sgbv".
    pub vulnerability: Vec<String>,
    pub interviewers: Vec<String>,
    /// Referral kinds not recorded yet.
    pub missing: Vec<ReferralKind>,
    /// Match reason codes, strongest evidence first.
    pub reasons: Vec<ReasonCode>,
    /// The person's earlier interviews.
    pub interviews: Vec<PriorInterviewDto>,
    /// The one earlier interview the finding is about (the nearest one, or the near-duplicate one).
    pub prior: Option<PriorInterviewDto>,
    /// The team whose member probably recorded the person (team_duplicate).
    pub team: Option<String>,
    /// That member's public documenter code (team_duplicate).
    pub documenter: Option<String>,
    /// The day of that member's last interview of the person (team_duplicate).
    pub last_date: Option<String>,
}

fn prior(value: &Value) -> Option<PriorInterviewDto> {
    Some(PriorInterviewDto {
        id: value.get("id")?.as_str()?.to_string(),
        date: value.get("date").and_then(Value::as_str).unwrap_or_default().to_string(),
        interviewers: strings(value.get("interviewers").unwrap_or(&Value::Null)),
    })
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default()
}

impl From<&Value> for FindingParams {
    fn from(p: &Value) -> Self {
        let text = |key: &str| p.get(key).and_then(Value::as_str).map(String::from);
        let number = |key: &str| p.get(key).and_then(Value::as_f64);
        let interview = p.get("interview").unwrap_or(&Value::Null);
        FindingParams {
            person: text("person"),
            interview: interview.as_str().map(String::from),
            count: number("count"),
            max: number("max"),
            days: number("days"),
            cooldown_days: number("cooldown_days"),
            percent: number("percent"),
            score: number("score"),
            recipient: text("recipient").as_deref().and_then(RecipientKind::from_name),
            why: text("why").as_deref().and_then(ConsentRefusal::from_name),
            vulnerability: strings(p.get("vulnerability").unwrap_or(&Value::Null)),
            interviewers: strings(p.get("interviewers").unwrap_or(&Value::Null)),
            missing: strings(p.get("missing").unwrap_or(&Value::Null))
                .iter()
                .filter_map(|k| ReferralKind::from_name(k))
                .collect(),
            reasons: strings(p.get("reasons").unwrap_or(&Value::Null))
                .iter()
                .filter_map(|k| ReasonCode::from_name(k))
                .collect(),
            interviews: p
                .get("interviews")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(prior).collect())
                .unwrap_or_default(),
            prior: p.get("last").and_then(prior).or_else(|| prior(interview)),
            team: text("team"),
            documenter: text("documenter"),
            last_date: text("last"),
        }
    }
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FindingDto {
    pub rule: Rule,
    pub severity: Severity,
    /// Which sentence the page words it with.
    pub code: FindingCode,
    pub params: FindingParams,
    /// The core's English sentence, shown as detail and when a code is unknown to the page.
    pub message: String,
    pub evidence: EvidenceDto,
}

impl From<Finding> for FindingDto {
    fn from(f: Finding) -> Self {
        FindingDto {
            rule: f.rule,
            severity: f.severity,
            code: f.code,
            params: FindingParams::from(&f.params),
            message: f.message,
            evidence: f.evidence.into(),
        }
    }
}

pub fn findings(list: Vec<Finding>) -> Vec<FindingDto> {
    list.into_iter().map(Into::into).collect()
}

/// Two persons the matcher takes for one, awaiting a reviewer's decision.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DuplicatePairDto {
    pub a: PersonDto,
    pub b: PersonDto,
    pub score: f64,
    pub reasons: Vec<ReasonDto>,
}

impl From<custodia_core::SuspectedPair> for DuplicatePairDto {
    fn from(p: custodia_core::SuspectedPair) -> Self {
        DuplicatePairDto {
            a: p.a.into(),
            b: p.b.into(),
            score: p.score,
            reasons: p.reasons.into_iter().map(Into::into).collect(),
        }
    }
}

/// The rules' thresholds and cooldowns, stored in the vault.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
pub struct HarmSettingsDto {
    /// Person-match score (0.5..1) from which two persons are probably one.
    pub duplicate_threshold: f64,
    /// Days within which another interview is a warning.
    pub cooldown_days: u32,
    /// Interviews after which another one is a warning.
    pub max_interviews: u32,
    /// Transcript similarity (0..1) from which two are near-duplicates.
    pub testimony_similarity: f64,
    /// The smallest testimony similarity the vault accepts.
    pub min_testimony_similarity: f64,
}

impl From<custodia_core::HarmSettings> for HarmSettingsDto {
    fn from(s: custodia_core::HarmSettings) -> Self {
        HarmSettingsDto {
            duplicate_threshold: s.duplicate_threshold,
            cooldown_days: s.cooldown_days,
            max_interviews: s.max_interviews,
            testimony_similarity: s.testimony_similarity,
            min_testimony_similarity: custodia_core::harm::minhash::MIN_SIMILARITY,
        }
    }
}

impl From<HarmSettingsDto> for custodia_core::HarmSettings {
    fn from(s: HarmSettingsDto) -> Self {
        custodia_core::HarmSettings {
            duplicate_threshold: s.duplicate_threshold,
            cooldown_days: s.cooldown_days,
            max_interviews: s.max_interviews,
            testimony_similarity: s.testimony_similarity,
        }
    }
}
