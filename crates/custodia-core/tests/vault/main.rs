//! Integration tests of the vault through its public API, with the real SQLCipher database and real age.

mod bundles;
mod checkpoints;
mod common;
mod harm;
#[cfg(unix)]
mod interrupted_exports;
mod keys;
#[cfg(feature = "failpoints")]
mod keys_faults;
mod lifecycle;
#[cfg(target_os = "linux")]
mod memory;
#[cfg(target_os = "linux")]
mod memscan;
mod merkle_vectors;
mod people;
mod plaintext;
mod reconcile;
mod records;
mod remote;
mod tamper;
