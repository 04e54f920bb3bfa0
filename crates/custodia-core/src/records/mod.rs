//! Records the vault keeps about evidence and people. For now: evidence items (documents, photos,
//! recordings) and their acquisition.

pub mod items;
