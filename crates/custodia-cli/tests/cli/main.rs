//! The `custodia` binary driven as a user or a script would drive it.

mod common;
mod crash;
mod flows;
mod records;
mod refusals;
