//! Do-no-harm rules: whether a new interviewee was probably interviewed before (through the `custodia-matching`
//! crate), consent, safeguards and near-duplicate testimony, and the gate that lets a documenter proceed.

pub mod findings;
pub mod gate;
pub mod minhash;
pub(crate) mod people;
pub mod probe;
pub mod review;
pub(crate) mod rules;
pub mod settings;
pub mod testimony;

pub use findings::{Evidence, Finding, PriorInterview, Reason, Rule, Severity};
pub use gate::HarmError;
pub use people::PersonChecker;
pub use review::SuspectedPair;
pub use settings::HarmSettings;
