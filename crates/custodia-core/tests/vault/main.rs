//! Integration tests of the vault through its public API, with the real SQLCipher database and real age.

mod common;
mod lifecycle;
mod merkle_vectors;
mod plaintext;
mod reconcile;
mod tamper;
