//! Do-no-harm rules. For now: deciding whether a new interviewee was probably interviewed before (`matching`).

pub mod matching;
