//! Do-no-harm rules: whether a new interviewee was probably interviewed before (through the `custodia-matching`
//! crate), consent, safeguards and near-duplicate testimony, and the gate that lets a documenter proceed.
//!
//! Harm reads none of the records' tables and imports nothing of `records`: the records gather the facts
//! (`records::harm_facts`) and call the rules (`rules`, pure functions from facts to findings) and the gate.
//! Harm keeps its own tables only: its settings, and the testimony fingerprints (`testimony`).

pub mod findings;
pub mod gate;
pub mod minhash;
pub(crate) mod people;
pub mod probe;
pub(crate) mod rules;
pub mod settings;
pub mod testimony;

pub use findings::{ConsentRefusal, Evidence, Finding, FindingCode, PriorInterview, Reason, Rule, Severity};
pub use gate::HarmError;
pub use people::PersonChecker;
pub use settings::HarmSettings;
