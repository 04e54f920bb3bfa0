//! `custodia`: the command-line face of the vault. Glue only: every operation is a call into custodia-core.

mod args;
mod bundle_args;
mod bundles;
mod checkpoints;
mod commands;
mod context;
#[cfg(feature = "failpoints")]
mod faults;
mod incidents;
mod interviews;
mod lang;
mod output;
mod persons;
mod records_args;

use args::{Cli, Command, PassphraseCommand, RecoveryCommand};
use clap::Parser;

fn run(cli: &Cli) -> anyhow::Result<i32> {
    #[cfg(feature = "failpoints")]
    faults::arm_from_env()?;
    let g = &cli.global;
    match &cli.command {
        Command::Init { kdf, strength } => commands::init(g, kdf, strength.policy())?,
        Command::Add { files, description, source } => commands::add(g, files, description, source)?,
        Command::List => commands::list(g)?,
        Command::Show { id } => commands::show(g, id)?,
        Command::Extract { id, output } => commands::extract(g, id, output)?,
        Command::Log => commands::log(g)?,
        Command::Verify => return commands::verify(g),
        Command::Passphrase(PassphraseCommand::Change { new_passphrase_file, kdf, strength }) => {
            commands::passphrase_change(g, new_passphrase_file.as_deref(), kdf, strength.policy())?
        }
        Command::Recovery(RecoveryCommand::Create { output }) => commands::recovery_create(g, output.as_deref())?,
        Command::Person(command) => return persons::run(g, command),
        Command::Review(command) => return persons::review(g, command),
        Command::Rules(args) => return persons::rules(g, args),
        Command::Interview(command) => return interviews::interview(g, command),
        Command::Interviewer(command) => return interviews::interviewer(g, command),
        Command::Consent(command) => return interviews::consent(g, command),
        Command::Incident(command) => return incidents::run(g, command),
        Command::Search { words } => return interviews::search(g, words),
        Command::Export(args) => return bundles::export(g, args),
        Command::Bundle(command) => return bundles::bundle(g, command),
        Command::Keygen { output } => bundles::keygen(g, output)?,
        Command::Import { file, with } => return bundles::import(g, file, with),
        Command::Recipients(command) => bundles::recipients(g, command)?,
        Command::Signer => bundles::signer(g)?,
        Command::Checkpoint(args) => return checkpoints::run(g, args),
    }
    Ok(0)
}

fn main() {
    let cli = Cli::parse();
    let code = match run(&cli) {
        Ok(code) => code,
        // A reader that stops early (`custodia log | head`) is not an error.
        Err(err)
            if err.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            0
        }
        Err(err) if err.is::<commands::Interrupted>() => {
            eprintln!("{err}");
            commands::EXIT_INTERRUPTED
        }
        Err(err) => {
            match err.downcast_ref::<custodia_core::Error>() {
                // Errors quote what came from outside (a file's name, a bundle's entry): shown, not obeyed.
                Some(core) => eprintln!(
                    "{}",
                    lang::error_text(lang::language(), core.code().as_str(), &output::safe_lines(&err.to_string()))
                ),
                None => eprintln!("error: {}", output::safe_lines(&err.to_string())),
            }
            1
        }
    };
    std::process::exit(code);
}
