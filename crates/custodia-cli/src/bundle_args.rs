//! Command-line syntax of bundles: export, bundle verify/open, keygen, import, recipients, signer.
//!
//! `--passphrase-file` is the global option that unlocks the vault; a bundle's own passphrase is given with
//! `--bundle-passphrase-file FILE` (or `--bundle-passphrase` to be asked), so the two never mix.

use clap::{Args, Subcommand, ValueEnum};
use custodia_core::RecipientKind;
use std::path::PathBuf;

/// The kinds of recipient, as typed (the consent scope names are accepted too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// The International Criminal Court
    Icc,
    /// A UN mechanism
    #[value(alias = "un-mechanism", alias = "un_mechanism")]
    Un,
    /// A national prosecutor
    #[value(alias = "national-prosecutor", alias = "national_prosecutor")]
    Prosecutor,
    /// A partner NGO
    #[value(alias = "partner-ngo", alias = "partner_ngo")]
    Ngo,
    /// The media
    Media,
    /// A public report
    #[value(alias = "public-report", alias = "public_report")]
    Public,
}

impl From<KindArg> for RecipientKind {
    fn from(kind: KindArg) -> RecipientKind {
        match kind {
            KindArg::Icc => RecipientKind::Icc,
            KindArg::Un => RecipientKind::UnMechanism,
            KindArg::Prosecutor => RecipientKind::NationalProsecutor,
            KindArg::Ngo => RecipientKind::PartnerNgo,
            KindArg::Media => RecipientKind::Media,
            KindArg::Public => RecipientKind::PublicReport,
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// An age public key (age1...), or a name or id from the address book; repeat for several recipients
    #[arg(long = "recipient", value_name = "AGE_PUBLIC_KEY")]
    pub recipients: Vec<String>,
    /// A file of age public keys, one a line (`age -R` format)
    #[arg(long, value_name = "FILE")]
    pub recipients_file: Option<PathBuf>,
    /// Seal the bundle with the passphrase in this file instead of keys (not the vault's passphrase)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["recipients", "recipients_file"])]
    pub bundle_passphrase_file: Option<PathBuf>,
    /// Seal the bundle with a passphrase asked at the terminal instead of keys
    #[arg(long, conflicts_with_all = ["recipients", "recipients_file", "bundle_passphrase_file"])]
    pub bundle_passphrase: bool,
    /// Accept a bundle passphrase that is easy to guess (for scripts and tests); the export's custody
    /// event records that this was used
    #[arg(long, conflicts_with_all = ["recipients", "recipients_file"])]
    pub allow_weak_passphrase: bool,
    /// Who receives it: consent is checked for this kind of recipient
    #[arg(long, value_enum, value_name = "KIND")]
    pub recipient_kind: KindArg,
    /// Evidence items to send
    #[arg(long, num_args = 1.., value_name = "ID")]
    pub items: Vec<String>,
    /// Interviews to send, with their person's record and their documents
    #[arg(long, num_args = 1.., value_name = "ID")]
    pub interviews: Vec<String>,
    /// An incident to send, with its documents and interviews
    #[arg(long, value_name = "ID")]
    pub incident: Option<String>,
    /// The bundle to write; never overwritten
    #[arg(long, short, value_name = "NAME.custodia.age")]
    pub output: PathBuf,
    /// What the bundle is, for bag-info.txt
    #[arg(long, default_value = "")]
    pub description: String,
    /// Source-Organization in bag-info.txt [default: the vault's id]
    #[arg(long, default_value = "")]
    pub organisation: String,
    /// Contact-Name in bag-info.txt [default: the actor]
    #[arg(long, default_value = "")]
    pub contact_name: String,
    /// Show what would be sent and the consent check; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// How to open a received bundle, and whom to expect as its signer.
#[derive(Debug, Args)]
pub struct OpenWith {
    /// Your age identity file (from `custodia keygen` or `age-keygen`)
    #[arg(long, value_name = "KEYFILE")]
    pub identity: Option<PathBuf>,
    /// For a passphrase bundle: the file holding its passphrase
    #[arg(long, value_name = "FILE", conflicts_with = "identity")]
    pub bundle_passphrase_file: Option<PathBuf>,
    /// For a passphrase bundle: ask for its passphrase
    #[arg(long, conflicts_with_all = ["identity", "bundle_passphrase_file"])]
    pub bundle_passphrase: bool,
    /// The signer you expect: the fingerprint in hex, or its words as the sender read them to you
    #[arg(long, value_name = "FINGERPRINT")]
    pub signer: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Decrypt and check a bundle, writing nothing; exit code 0 only if every check holds
    Verify {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        with: OpenWith,
    },
    /// Verify a bundle and extract its bag into DIR; nothing is extracted unless every check holds
    Open {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        with: OpenWith,
        /// The folder to extract into (created if needed)
        #[arg(long, short, value_name = "DIR")]
        output: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum RecipientsCommand {
    /// Remember a recipient: their name, organisation, kind and age public key
    Add {
        #[arg(long, value_name = "NAME")]
        name: String,
        #[arg(long, default_value = "", value_name = "ORGANISATION")]
        organisation: String,
        #[arg(long, value_enum, value_name = "KIND")]
        kind: KindArg,
        /// Their age public key (age1...)
        #[arg(long, value_name = "AGE_PUBLIC_KEY")]
        key: String,
    },
    /// List the address book, with each key's fingerprint words to confirm by phone
    List,
}
