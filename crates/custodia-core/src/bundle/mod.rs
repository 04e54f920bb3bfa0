//! Evidence bundles for lawyers and investigators: `NAME.custodia.age`, an age-encrypted tar of a BagIt 1.0
//! bag that standard tools open (`age -d | tar x`, then `bagit.py --validate NAME`):
//!
//! ```text
//! NAME/bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt
//! NAME/data/items/<id>/<original file name>     the exact bytes collected
//! NAME/data/records/*.json                      items, interviews, persons (pseudonymised unless
//!                                               consent allows), consents, incidents
//! NAME/custody/events.jsonl                     the custody events of everything in the bag
//! NAME/custody/checkpoint                       C2SP checkpoint of the whole log, signed by the vault
//! NAME/custody/proofs.json                      RFC 6962 inclusion proofs of those events
//! NAME/custody/signature                        Ed25519 over tagmanifest-sha256.txt, with the public key
//! ```
//!
//! The sending side: `book` (address book of recipients), `plan` (what goes in, and the consent check that
//! can refuse it), `records`, `proofs`, `signature`, `bagit` (the text formats) and `export` (the
//! streaming writer). The receiving side treats every bundle as hostile: `read` (decrypt and walk the tar,
//! refusing anything that could write outside its folder, within size limits), `verify` (every check,
//! named), `open` (extract only what verified) and `import` (into the recipient's own vault). `keys`
//! reads age keys and makes identities; `words` spells fingerprints for the phone.

pub(crate) mod bagit;
pub mod book;
pub(crate) mod checks;
pub mod consistency;
mod export;
pub(crate) mod import;
pub mod keys;
pub mod limits;
mod open;
pub(crate) mod pending;
pub mod plan;
mod proofs;
pub(crate) mod read;
mod records;
pub mod signature;
mod stream;
pub mod verify;
pub mod words;

pub use book::{Recipient, RecipientInput};
pub use consistency::{EarlierWhy, ForkError, ReceivedEarlier};
pub use export::{ExportProgress, ExportRequest, Exported, Protection, MIN_BUNDLE_PASSPHRASE_CHARS};
pub use import::Imported;
pub use keys::{generate_identity, read_identity_file, GeneratedIdentity, Unlocker};
pub use limits::Limits;
pub use open::{open_bundle, Opened};
pub use plan::{ExportPlan, ExportSelection, PlannedItem, PlannedPerson, Refusal};
pub use read::ReadProgress;
pub use verify::{verify_bundle, BundleCheck, BundleProblem, BundleReport, CheckStatus};
pub use words::Fingerprint;

use std::path::PathBuf;

/// The file name every bundle ends with.
pub const EXTENSION: &str = ".custodia.age";

/// Why a bundle could not be written, read, opened or imported. Nothing was written or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    // Sending.
    #[error("nothing to export: choose items, interviews or an incident")]
    NothingSelected,
    #[error("the export was refused and nothing was written:\n{}", refusal_lines(.0))]
    ConsentRefused(Vec<Refusal>),
    #[error("{value:?} is not an age public key (age1...) or a name in the address book ({reason})")]
    BadRecipient { value: String, reason: String },
    #[error("{recipient} is recorded in the address book as {recorded}, not {requested}; choose the right kind of recipient or correct the address book")]
    RecipientKindMismatch { recipient: String, recorded: String, requested: String },
    #[error("no recipient: give at least one age public key, or a passphrase")]
    NoRecipient,
    #[error("the bundle's name must be NAME{EXTENSION}, where NAME has 1 to 100 letters, digits, '-', '_' or '.' and does not start with '.'")]
    BadBundleName,
    #[error("the custody log is damaged at event {seq}; run `custodia verify` before exporting anything")]
    LogDamaged { seq: u64 },
    #[error("the encryption of the bundle failed: {0}")]
    Encrypt(String),
    #[error("the bundle's records could not be written: {0}")]
    Encoding(String),

    // Receiving.
    #[error("{0} is not an age-encrypted bundle ({1})")]
    NotABundle(PathBuf, String),
    #[error("this bundle is not encrypted to the key in {0}; ask the sender which key they used")]
    WrongKey(PathBuf),
    #[error("this bundle is protected by a passphrase, not by a key; give the passphrase instead")]
    NeedsPassphrase,
    #[error("this bundle is encrypted to keys, not to a passphrase; give the identity file of your key")]
    NeedsIdentity,
    #[error("the passphrase does not open this bundle")]
    WrongPassphrase,
    #[error("this passphrase bundle asks for a scrypt work factor of 2^{required} ({} MiB of memory to try a passphrase), more than the 2^{limit} Custodia accepts; nothing was decrypted. Ask the sender to seal it to your public key (age1…) instead, or to make it again with a work factor of at most {limit} (Custodia's own passphrase bundles use {limit})", limits::scrypt_bytes(*.required) >> 20)]
    TooMuchWork { required: u8, limit: u8 },
    #[error("{path} is not a usable age identity file: {reason}")]
    BadIdentityFile { path: PathBuf, reason: String },
    #[error("the bundle is damaged or truncated: its encryption does not check out after {offset} bytes of content ({detail}); nothing in it can be trusted, ask the sender for a new copy")]
    Damaged { offset: u64, detail: String },
    #[error("the bundle was refused: it holds {path:?}, {reason}; nothing was written")]
    UnsafeEntry { path: String, reason: &'static str },
    #[error(
        "the bundle was refused: {what} is {size} bytes, more than the limit of {limit} bytes; nothing was written"
    )]
    TooLarge { what: String, size: u64, limit: u64 },
    #[error("the bundle was refused: it has more than {limit} entries; nothing was written")]
    TooManyEntries { limit: u64 },
    #[error("the bundle holds no BagIt bag: {0}")]
    NotABag(String),
    #[error("the archive inside the bundle is malformed: {0}")]
    MalformedArchive(String),
    #[error("the bundle did not verify ({} problem(s)); nothing was {action}:\n{}", .report.problems.len(), problem_lines(&.report.problems))]
    NotVerified { report: Box<BundleReport>, action: &'static str },
    #[error("{0} already exists; Custodia never overwrites: choose another folder or move it away")]
    TargetExists(PathBuf),
    #[error("this bundle (SHA-256 {sha256}) was already imported on {when}")]
    AlreadyImported { sha256: String, when: String },
    #[error(transparent)]
    Fork(#[from] consistency::ForkError),

    #[error("cancelled; nothing was written")]
    Cancelled,
    #[error("could not {op} {path}: {source}")]
    Io { op: &'static str, path: PathBuf, source: std::io::Error },
}

fn refusal_lines(refusals: &[Refusal]) -> String {
    refusals.iter().map(|r| format!("  - {}", r.message)).collect::<Vec<_>>().join("\n")
}

fn problem_lines(problems: &[BundleProblem]) -> String {
    problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n")
}

pub(crate) fn io_error<'a>(
    op: &'static str,
    path: &'a std::path::Path,
) -> impl FnOnce(std::io::Error) -> BundleError + 'a {
    move |source| BundleError::Io { op, path: path.to_path_buf(), source }
}
