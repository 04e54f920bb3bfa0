//! The crash harness: each operation of `OPERATIONS` run in a child `custodia` (built with the
//! `failpoints` feature) on a fresh copy of a small vault, stopped or failed at each of its fault points
//! (`CUSTODIA_FAULT=<point>=<mode>`), then the vault reopened and checked (`runs::check_after`).
//!
//! Short mode (in `cargo test`, hence `make test`): every point with `abort`. Long mode
//! (`CUSTODIA_FAULTS_LONG=1`, `make faults`): every point with `abort`, `enospc` and `eio`, then random
//! SIGKILLs during `add` and `export`.

#[path = "../cli/common.rs"]
#[allow(dead_code)]
mod common;
mod fixture;
mod operations;
mod runs;
