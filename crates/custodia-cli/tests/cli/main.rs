//! The `custodia` binary driven as a user or a script would drive it.

mod bundle_flows;
mod bundle_kit;
mod checkpoints;
mod common;
mod crash;
mod disk_full;
mod flows;
mod forks;
mod golden;
mod hostile_bundles;
mod interop;
mod records;
mod refusals;
mod remotes;
mod reports;
mod rollback;
mod teams;
mod timestamps;
mod witness;
