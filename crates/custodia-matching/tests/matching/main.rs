//! Integration tests of person matching through its public API: transliterations that must match, siblings
//! and namesakes that must not, the reasons given, properties of the score, and a quality floor on a fixed
//! slice of the development set.

mod common;
mod explain;
mod index;
mod kept_apart;
mod properties;
mod quality;
mod transliteration;
