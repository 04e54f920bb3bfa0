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
    Icc,
    #[value(alias = "un-mechanism", alias = "un_mechanism")]
    Un,
    #[value(alias = "national-prosecutor", alias = "national_prosecutor")]
    Prosecutor,
    #[value(alias = "partner-ngo", alias = "partner_ngo")]
    Ngo,
    Media,
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
    #[arg(long = "recipient", value_name = "AGE_PUBLIC_KEY")]
    pub recipients: Vec<String>,
    #[arg(long, value_name = "FILE")]
    pub recipients_file: Option<PathBuf>,
    #[arg(long, value_name = "FILE", conflicts_with_all = ["recipients", "recipients_file"])]
    pub bundle_passphrase_file: Option<PathBuf>,
    #[arg(long, conflicts_with_all = ["recipients", "recipients_file", "bundle_passphrase_file"])]
    pub bundle_passphrase: bool,
    #[arg(long, conflicts_with_all = ["recipients", "recipients_file"])]
    pub allow_weak_passphrase: bool,
    #[arg(long, value_enum, value_name = "KIND")]
    pub recipient_kind: KindArg,
    #[arg(long, num_args = 1.., value_name = "ID")]
    pub items: Vec<String>,
    #[arg(long, num_args = 1.., value_name = "ID")]
    pub interviews: Vec<String>,
    #[arg(long, value_name = "ID")]
    pub incident: Option<String>,
    #[arg(long, short, value_name = "NAME.custodia.age")]
    pub output: PathBuf,
    #[arg(long, default_value = "")]
    pub description: String,
    #[arg(long, default_value = "")]
    pub organisation: String,
    #[arg(long, default_value = "")]
    pub contact_name: String,
    #[arg(long)]
    pub dry_run: bool,
}

/// How to open a received bundle, and whom to expect as its signer.
#[derive(Debug, Args)]
pub struct OpenWith {
    #[arg(long, value_name = "KEYFILE")]
    pub identity: Option<PathBuf>,
    #[arg(long, value_name = "FILE", conflicts_with = "identity")]
    pub bundle_passphrase_file: Option<PathBuf>,
    #[arg(long, conflicts_with_all = ["identity", "bundle_passphrase_file"])]
    pub bundle_passphrase: bool,
    #[arg(long, value_name = "FINGERPRINT")]
    pub signer: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    Verify {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        with: OpenWith,
    },
    Open {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        with: OpenWith,
        #[arg(long, short, value_name = "DIR")]
        output: PathBuf,
    },
    /// The custody report of a received bundle, made from the bundle alone (`reports.rs`).
    Report {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        with: OpenWith,
        #[arg(long, short, value_name = "FILE")]
        output: PathBuf,
        #[arg(long, value_enum, default_value = "a4")]
        paper: crate::args::PaperArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum RecipientsCommand {
    Add {
        #[arg(long, value_name = "NAME")]
        name: String,
        #[arg(long, default_value = "", value_name = "ORGANISATION")]
        organisation: String,
        #[arg(long, value_enum, value_name = "KIND")]
        kind: KindArg,
        #[arg(long, value_name = "AGE_PUBLIC_KEY")]
        key: String,
    },
    List,
}
