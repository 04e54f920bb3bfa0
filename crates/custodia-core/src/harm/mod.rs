//! Do-no-harm rules. For now: deciding whether a new interviewee was probably interviewed before (`matching`).

pub mod findings;
pub mod gate;
pub mod matching;
pub mod minhash;
pub(crate) mod people;
pub mod probe;
pub mod review;
pub(crate) mod rules;
pub mod settings;
pub mod testimony;

pub use findings::{Evidence, Finding, FindingCode, PriorInterview, Reason, Rule, Severity};
pub use gate::HarmError;
pub use people::PersonChecker;
pub use review::SuspectedPair;
pub use settings::HarmSettings;
