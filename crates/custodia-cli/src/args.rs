//! Command-line syntax. Global options are accepted before or after the subcommand.
//!
//! The help texts are words like any other, in `locales/<lang>/cli.json`, not doc comments here:
//! `cli.help.<path>` is the about of a command (`cli.help.custodia.person.add`), `cli.arg.<path>.<id>` the
//! help of one of its arguments (`cli.arg.custodia.vault`), and `cli.arg.<id>` the help of an argument
//! that means the same in every command that has it (`--justification`). [`parse`] puts them into clap's
//! command tree before parsing. clap's own headings ("Usage", "Options") stay as clap writes them.

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
        let key = [format!("cli.arg.{path}.{id}"), format!("cli.arg.{id}")].into_iter().find(|k| crate::lang::has(k));
        if let Some(key) = key {
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
#[command(name = "custodia", version)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    #[arg(long, global = true, value_name = "DIR")]
    pub vault: Option<PathBuf>,
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "passphrase_file")]
    pub recovery_file: Option<PathBuf>,
    #[arg(long, global = true, value_name = "NAME")]
    pub actor: Option<String>,
    #[arg(long, global = true)]
    pub json: bool,
    #[arg(long, global = true, value_name = "REASON")]
    pub accept_rollback: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init {
        #[command(flatten)]
        kdf: KdfArgs,
        #[command(flatten)]
        strength: StrengthArgs,
    },
    Add {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long, default_value = "")]
        source: String,
    },
    List,
    Show {
        id: String,
    },
    Extract {
        id: String,
        #[arg(long, short, value_name = "PATH")]
        output: PathBuf,
    },
    Log,
    Verify,
    #[command(subcommand)]
    Passphrase(PassphraseCommand),
    #[command(subcommand)]
    Recovery(RecoveryCommand),
    #[command(subcommand)]
    Person(PersonCommand),
    #[command(subcommand)]
    Interview(InterviewCommand),
    #[command(subcommand)]
    Interviewer(InterviewerCommand),
    #[command(subcommand)]
    Consent(ConsentCommand),
    #[command(subcommand)]
    Incident(IncidentCommand),
    Search {
        #[arg(required = true, value_name = "WORD")]
        words: Vec<String>,
    },
    #[command(subcommand)]
    Review(ReviewCommand),
    Rules(RulesArgs),
    Export(Box<ExportArgs>),
    #[command(subcommand)]
    Bundle(BundleCommand),
    Keygen {
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long, value_name = "NAME")]
        witness: Option<String>,
    },
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        with: OpenWith,
    },
    #[command(subcommand)]
    Recipients(RecipientsCommand),
    Signer,
    Checkpoint(CheckpointArgs),
    #[command(subcommand)]
    Witness(WitnessCommand),
    Report(ReportArgs),
    Timestamp(TimestampArgs),
    #[command(subcommand)]
    Team(TeamCommand),
    #[command(subcommand)]
    Remote(RemoteCommand),
    Push {
        name: Option<String>,
        #[arg(long)]
        include_passphrase: bool,
    },
    Restore {
        #[arg(long, value_name = "URL")]
        from: String,
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        #[arg(long, value_name = "FILE")]
        credentials_file: Option<PathBuf>,
        #[arg(long, value_name = "VKEY")]
        key: Option<String>,
    },
    Panic {
        #[arg(long)]
        remove_ciphertext: bool,
        #[arg(long, value_name = "NAME")]
        push: Option<String>,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    Create {
        name: String,
    },
    Invite {
        name: String,
        #[arg(long, value_name = "AGE")]
        recipient: String,
        #[arg(long, short, value_name = "FILE")]
        output: PathBuf,
    },
    Join {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[arg(long, value_name = "KEY")]
        identity: PathBuf,
    },
    List,
    Leave {
        name: String,
    },
    Rotate {
        name: String,
    },
    Tokens {
        name: String,
        #[arg(long, short, value_name = "FILE")]
        output: PathBuf,
    },
    AddTokens {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum RemoteCommand {
    Add {
        name: String,
        url: String,
        #[arg(long, value_name = "FILE")]
        credentials_file: Option<PathBuf>,
        #[arg(long, value_name = "N", default_value_t = 3)]
        keep_snapshots: u32,
    },
    List,
    Remove {
        name: String,
    },
    Verify {
        #[arg(value_name = "NAME|URL")]
        remote: String,
        #[arg(long)]
        full: bool,
        #[arg(long, value_name = "VKEY")]
        key: Option<String>,
        #[arg(long, value_name = "FILE")]
        credentials_file: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("scope").required(true).args(["item", "interview", "incident", "all"])))]
pub struct ReportArgs {
    #[arg(long, value_name = "ID")]
    pub item: Option<String>,
    #[arg(long, value_name = "ID")]
    pub interview: Option<String>,
    #[arg(long, value_name = "ID")]
    pub incident: Option<String>,
    #[arg(long)]
    pub all: bool,
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    #[arg(long, value_enum, default_value = "a4")]
    pub paper: PaperArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PaperArg {
    A4,
    Letter,
}

#[derive(Debug, Subcommand)]
pub enum WitnessCommand {
    Cosign {
        #[arg(value_name = "CHECKPOINT")]
        checkpoint: PathBuf,
        #[arg(long, value_name = "PROOF")]
        proof: Option<PathBuf>,
        #[arg(long, value_name = "VERIFIER_KEY")]
        log_key: Option<String>,
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
    },
    Key {
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CheckpointArgs {
    #[command(subcommand)]
    pub command: Option<CheckpointCommand>,
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long)]
    pub words: bool,
}

#[derive(Debug, Subcommand)]
pub enum CheckpointCommand {
    Verify {
        #[arg(value_name = "CHECKPOINT", required_unless_present = "words")]
        files: Vec<PathBuf>,
        #[arg(long, value_name = "WORDS")]
        words: Vec<String>,
    },
    Prove {
        #[arg(value_name = "OLD")]
        old: PathBuf,
        #[arg(long, value_name = "PROOF")]
        output: PathBuf,
    },
    Check {
        old: PathBuf,
        new: PathBuf,
        proof: PathBuf,
        #[arg(long, value_name = "VERIFIER_KEY")]
        key: String,
    },
    List,
    AddCosignature {
        #[arg(value_name = "COSIGNED")]
        file: PathBuf,
        #[arg(long, value_name = "VERIFIER_KEY")]
        witness: String,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct TimestampArgs {
    #[command(subcommand)]
    pub command: Option<TimestampCommand>,
    #[arg(long, value_name = "URL", required_unless_present = "send_queued")]
    pub tsa: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub tsa_cert: Option<PathBuf>,
    #[arg(long, conflicts_with = "tsa")]
    pub send_queued: bool,
}

#[derive(Debug, Subcommand)]
pub enum TimestampCommand {
    List,
    Verify {
        #[arg(long, value_name = "FILE")]
        tsa_cert: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum PassphraseCommand {
    Change {
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
    Create {
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// The explicit override of the passphrase strength check, for scripts; recorded in the custody log.
#[derive(Debug, Args)]
pub struct StrengthArgs {
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
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    pub kdf_memory_mib: u32,
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub kdf_iterations: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and argument of the tree, as `(key of its words, is a command)`.
    fn keys(command: &clap::Command, path: &str, out: &mut Vec<(String, bool)>) {
        out.push((format!("cli.help.{path}"), true));
        for arg in command.get_arguments() {
            out.push((format!("cli.arg.{path}.{}", arg.get_id()), false));
        }
        for sub in command.get_subcommands() {
            keys(sub, &format!("{path}.{}", sub.get_name()), out);
        }
    }

    #[test]
    fn every_command_has_words_and_every_help_text_belongs_to_something() {
        let mut all = Vec::new();
        keys(&Cli::command(), "custodia", &mut all);
        for (key, is_command) in &all {
            assert!(!is_command || crate::lang::has(key), "no words for the command {key}");
        }
        let ids: std::collections::BTreeSet<String> = all
            .iter()
            .filter(|(_, c)| !c)
            .filter_map(|(k, _)| k.rsplit_once('.').map(|(_, id)| id.to_string()))
            .collect();
        let english = crate::lang::areas("en").expect("English files").into_iter().find(|(a, _)| *a == "cli");
        for key in
            english.expect("cli.json").1.keys().filter(|k| k.starts_with("cli.help.") || k.starts_with("cli.arg."))
        {
            let real = all.iter().any(|(k, _)| k == key)
                || key.strip_prefix("cli.arg.").is_some_and(|id| !id.contains('.') && ids.contains(id));
            assert!(real, "{key} names no command or argument of the command line");
        }
    }

    #[test]
    fn help_is_in_the_users_language() {
        let help = worded(Cli::command(), "custodia").render_help().to_string();
        assert!(help.contains(&crate::lang::text("cli.help.custodia.verify", &[])), "{help}");
    }
}
