//! `custodia`: the command-line face of the vault. Glue only: every operation is a call into custodia-core.

mod args;
mod bundle_args;
mod bundles;
mod checkpoints;
mod commands;
mod context;
mod exit;
#[cfg(feature = "failpoints")]
mod faults;
mod findings;
mod incidents;
mod interviews;
mod lang;
mod output;
mod persons;
mod progress;
mod records_args;
mod remotes;
mod reports;
mod teams;
mod timestamps;
mod witnesses;

use args::{Cli, Command, PassphraseCommand, RecoveryCommand};
use exit::Exit;
use std::process::ExitCode;

fn run(cli: &Cli) -> anyhow::Result<Exit> {
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
        Command::Keygen { output, witness: None } => bundles::keygen(g, output.as_deref())?,
        Command::Keygen { output, witness: Some(name) } => witnesses::keygen(g, name, output.as_deref())?,
        Command::Import { file, with } => return bundles::import(g, file, with),
        Command::Recipients(command) => bundles::recipients(g, command)?,
        Command::Signer => bundles::signer(g)?,
        Command::Checkpoint(args) => return checkpoints::run(g, args),
        Command::Witness(command) => witnesses::run(g, command)?,
        Command::Report(args) => return reports::run(g, args),
        Command::Timestamp(args) => return timestamps::run(g, args),
        Command::Team(command) => teams::run(g, command)?,
        Command::Remote(command) => return remotes::run(g, command),
        Command::Push { name, include_passphrase } => remotes::push(g, name.as_deref(), *include_passphrase)?,
        Command::Restore { from, to, credentials_file, key } => {
            return remotes::restore(g, from, to, credentials_file.as_deref(), key.as_deref())
        }
        Command::Panic { remove_ciphertext, push, yes } => {
            remotes::panic(g, *remove_ciphertext, push.as_deref(), *yes)?
        }
    }
    Ok(Exit::Ok)
}

fn main() -> ExitCode {
    let cli = match args::parse() {
        Ok(cli) => cli,
        // Help, the version, or a command line clap does not understand (its exit code, 2).
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(Exit::Failed.code()));
        }
    };
    let exit = match run(&cli) {
        Ok(exit) => exit,
        // A reader that stops early (`custodia log | head`) is not an error.
        Err(err)
            if err.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            Exit::Ok
        }
        Err(err) if err.is::<progress::Interrupted>() => {
            eprintln!("{err}");
            Exit::Interrupted
        }
        Err(err) => {
            // Errors quote what came from outside (a file's name, a bundle's entry): shown, not obeyed.
            let description = output::safe_lines(&err.to_string());
            let code = err.downcast_ref::<custodia_core::Error>().map(custodia_core::Error::code);
            eprintln!("{}", lang::error_text(lang::current(), code.map_or("", |c| c.as_str()), &description));
            // An older copy of the vault is a finding about custody, as `verify` reports them.
            if code == Some(custodia_core::ErrorCode::VaultRolledBack) {
                Exit::Problems
            } else {
                Exit::Failed
            }
        }
    };
    exit.into()
}
