//! Command-line syntax. Global options are accepted before or after the subcommand.
//!
//! The help texts are words like any other, in `locales/<lang>/cli.json`: `cli.help.<path>` is the about
//! of a command (`cli.help.custodia.person.add`), `cli.arg.<path>.<argument id>` the help of one of its
//! arguments (`cli.arg.custodia.vault`). [`parse`] puts them into clap's command tree before parsing.
//! clap's own headings ("Usage", "Options") stay as clap writes them.

pub use crate::bundle_args::*;
pub use crate::records_args::*;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;

/// The command line parsed, its help in the user's language.
pub fn parse() -> Result<Cli, clap::Error> {
    let matches = command().try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// clap's command tree with every help text in the user's language.
pub fn command() -> clap::Command {
    worded(Cli::command(), "custodia")
}

fn worded(command: clap::Command, path: &str) -> clap::Command {
    let about = format!("cli.help.{path}");
    let mut command = if crate::lang::has(&about) { command.about(crate::lang::text(&about, &[])) } else { command };
    let ids: Vec<String> = command.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in ids {
        let key = format!("cli.arg.{path}.{id}");
        if crate::lang::has(&key) {
            let help = crate::lang::text(&key, &[]);
            command = command.mut_arg(id, |arg| arg.help(help));
        }
    }
    let names: Vec<String> = command.get_subcommands().map(|c| c.get_name().to_string()).collect();
    for name in names {
        command = command.mut_subcommand(&name, |sub| worded(sub, &format!("{path}.{name}")));
    }
    command
}

#[derive(Debug, Parser)]
#[command(
    name = "custodia",
    version,
    about = "Custodia: an encrypted evidence vault with a tamper-evident chain of custody"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The vault folder [default: $CUSTODIA_VAULT, else the platform data directory]
    #[arg(long, global = true, value_name = "DIR")]
    pub vault: Option<PathBuf>,
    /// Read the passphrase from this file (one line) instead of asking
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Unlock with the recovery key in this file instead of the passphrase
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "passphrase_file")]
    pub recovery_file: Option<PathBuf>,
    /// The name recorded in the custody log for what you do [default: your login name]
    #[arg(long, global = true, value_name = "NAME")]
    pub actor: Option<String>,
    /// Print JSON lines for programs instead of text for people
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new vault
    Init {
        #[command(flatten)]
        kdf: KdfArgs,
        #[command(flatten)]
        strength: StrengthArgs,
    },
    /// Add files to the vault (each is hashed and encrypted in one pass)
    Add {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// What the files are
        #[arg(long, default_value = "")]
        description: String,
        /// Where they come from (person, device, place)
        #[arg(long, default_value = "")]
        source: String,
    },
    /// List the items in the vault
    List,
    /// Show one item with its custody events
    Show { id: String },
    /// Save a decrypted, hash-checked copy of an item to a new file
    Extract {
        id: String,
        #[arg(long, short, value_name = "PATH")]
        output: PathBuf,
    },
    /// Show the custody log
    Log,
    /// Check every stored copy, the custody chain and the database; exit code 0 only if all hold
    Verify,
    /// Passphrase management
    #[command(subcommand)]
    Passphrase(PassphraseCommand),
    /// Recovery key management
    #[command(subcommand)]
    Recovery(RecoveryCommand),
    /// Interviewees: add (with do-no-harm findings), import, list, show, duplicates
    #[command(subcommand)]
    Person(PersonCommand),
    /// Testimonies: add, show, referral, complete
    #[command(subcommand)]
    Interview(InterviewCommand),
    /// Interviewers and their training for sensitive interviews
    #[command(subcommand)]
    Interviewer(InterviewerCommand),
    /// Consent: record, withdraw
    #[command(subcommand)]
    Consent(ConsentCommand),
    /// Incidents
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// Search transcripts, summaries and descriptions for all the given words
    Search {
        #[arg(required = true, value_name = "WORD")]
        words: Vec<String>,
    },
    /// Decide on a suspected duplicate pair of persons
    #[command(subcommand)]
    Review(ReviewCommand),
    /// Show the do-no-harm settings; with options, change them
    Rules(RulesArgs),
    /// Write an encrypted evidence bundle (a BagIt bag in a tar, sealed with age) after the consent check
    Export(Box<ExportArgs>),
    /// Receiving side: check or open a bundle (no vault needed)
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Make an age key to receive bundles with (same format as age-keygen)
    Keygen {
        /// Where to write the new key; never overwritten
        #[arg(long, short, value_name = "FILE", default_value = "custodia-identity.txt")]
        output: PathBuf,
    },
    /// Verify a bundle and bring its items into this vault, continuing their custody
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        with: OpenWith,
    },
    /// The address book of bundle recipients
    #[command(subcommand)]
    Recipients(RecipientsCommand),
    /// Show the fingerprint of this vault's signing key, for recipients to check bundles against
    Signer,
    /// Print the vault's signed checkpoint (a C2SP signed note) to keep outside; check or prove kept ones
    Checkpoint(CheckpointArgs),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CheckpointArgs {
    #[command(subcommand)]
    pub command: Option<CheckpointCommand>,
    /// Also write the checkpoint to this new file
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print the checkpoint as a short code of words, to write on paper or send by text message
    #[arg(long)]
    pub words: bool,
}

#[derive(Debug, Subcommand)]
pub enum CheckpointCommand {
    /// Check that the log still extends each kept checkpoint (exit 3 naming any that does not)
    Verify {
        #[arg(value_name = "CHECKPOINT", required_unless_present = "words")]
        files: Vec<PathBuf>,
        /// A checkpoint's words, as `custodia checkpoint --words` printed them (may be given several times)
        #[arg(long, value_name = "WORDS")]
        words: Vec<String>,
    },
    /// Write a consistency proof from an older checkpoint to a new one signed now
    Prove {
        #[arg(value_name = "OLD")]
        old: PathBuf,
        #[arg(long, value_name = "PROOF")]
        output: PathBuf,
    },
    /// With no vault: check that NEW extends OLD, by the PROOF, both signed by the vault's key
    Check {
        old: PathBuf,
        new: PathBuf,
        proof: PathBuf,
        /// The vault's verifier key, as `custodia signer` prints it
        #[arg(long, value_name = "VERIFIER_KEY")]
        key: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PassphraseCommand {
    /// Replace the passphrase (the new one is saved before the old one is removed)
    Change {
        /// Read the new passphrase from this file instead of asking
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
        #[command(flatten)]
        kdf: KdfArgs,
        #[command(flatten)]
        strength: StrengthArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum RecoveryCommand {
    /// Make a recovery key, print it once, and let it open the vault (replaces any older recovery key,
    /// which keeps working until the new one was shown)
    Create {
        /// Write the key to this new file (owner-only, flushed to disk) instead of printing it
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// The explicit override of the passphrase strength check, for scripts; recorded in the custody log.
#[derive(Debug, Args)]
pub struct StrengthArgs {
    /// Accept a passphrase that is easy to guess (for scripts and tests); the custody log records that
    /// this was used
    #[arg(long)]
    pub allow_weak_passphrase: bool,
}

impl StrengthArgs {
    pub fn policy(&self) -> custodia_core::StrengthPolicy {
        strength_policy(self.allow_weak_passphrase)
    }
}

/// The one place a command-line flag becomes a strength policy.
pub fn strength_policy(allow_weak_passphrase: bool) -> custodia_core::StrengthPolicy {
    if allow_weak_passphrase {
        custodia_core::StrengthPolicy::WeakAllowed
    } else {
        custodia_core::StrengthPolicy::Required
    }
}

#[derive(Debug, Args)]
pub struct KdfArgs {
    /// Argon2id memory in MiB (at least 19)
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    pub kdf_memory_mib: u32,
    /// Argon2id iterations (at least 2)
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub kdf_iterations: u32,
}
