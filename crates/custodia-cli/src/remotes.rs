//! `custodia remote add|list|remove|verify`, `push`, `restore` and `panic`: off-site copies of the vault
//! (the core's `remote` module) and the panic wipe.

use crate::args::{Global, RemoteCommand};
use crate::commands;
use crate::context;
use crate::exit::Exit;
use crate::output::{self, safe};
use crate::progress::{advance, catch_interrupt, count_bar, flow, Interrupted};
use crate::{t, tn};
use anyhow::{bail, Context, Result};
use custodia_core::remote::credentials::MAX_CREDENTIALS_BYTES;
use custodia_core::remote::{self as core_remote, Credentials, PushOptions, RemoteReport, RemoteUrl};
use custodia_core::Flow;
use serde_json::json;
use std::io::Read;
use std::path::Path;
use zeroize::Zeroizing;

pub fn run(global: &Global, command: &RemoteCommand) -> Result<Exit> {
    match command {
        RemoteCommand::Add { name, url, credentials_file, keep_snapshots } => {
            add(global, name, url, credentials_file.as_deref(), *keep_snapshots).map(|()| Exit::Ok)
        }
        RemoteCommand::List => list(global).map(|()| Exit::Ok),
        RemoteCommand::Remove { name } => remove(global, name).map(|()| Exit::Ok),
        RemoteCommand::Verify { remote, full, key, credentials_file } => {
            verify(global, remote, *full, key.as_deref(), credentials_file.as_deref())
        }
    }
}

/// The address, checked, and the credentials file read no further than its bound.
fn address_and_credentials(url: &str, file: Option<&Path>) -> Result<(RemoteUrl, Credentials)> {
    let url = RemoteUrl::parse(url).map_err(custodia_core::Error::from)?;
    let Some(path) = file else { return Ok((url, Credentials::default())) };
    let shown = safe(&path.display().to_string());
    let mut bytes = Zeroizing::new(Vec::new());
    std::fs::File::open(path)
        .with_context(|| t!("cli.file.cannot_read", file = shown))?
        .take(MAX_CREDENTIALS_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| t!("cli.file.cannot_read", file = shown))?;
    let credentials = Credentials::parse(&bytes, &url).map_err(custodia_core::Error::from)?;
    Ok((url, credentials))
}

fn add(global: &Global, name: &str, url: &str, credentials_file: Option<&Path>, keep: u32) -> Result<()> {
    let (url, credentials) = address_and_credentials(url, credentials_file)?;
    let mut vault = commands::open(global)?;
    let added = vault.add_remote(name, &url, &credentials, keep);
    vault.close()?;
    added?;
    if global.json {
        return output::json_line(&json!({"added": name, "kind": url.kind()}));
    }
    output::line(&t!("cli.remote.added", name = safe(name), url = safe(&url.to_string())))
}

fn remove(global: &Global, name: &str) -> Result<()> {
    let mut vault = commands::open(global)?;
    let removed = vault.remove_remote(name);
    vault.close()?;
    removed?;
    if global.json {
        return output::json_line(&json!({"removed": name}));
    }
    output::line(&t!("cli.remote.removed", name = safe(name)))
}

fn list(global: &Global) -> Result<()> {
    let vault = commands::open(global)?;
    let remotes = vault.remotes()?;
    vault.close()?;
    if remotes.is_empty() && !global.json {
        eprintln!("{}", t!("cli.remote.none"));
    }
    for remote in &remotes {
        if global.json {
            output::json_line(remote)?;
            continue;
        }
        let last = match &remote.last_push {
            Some((seq, time)) => t!("cli.remote.last_push", seq = seq, time = safe(time)),
            None => t!("cli.remote.never_pushed"),
        };
        output::line(&t!("cli.remote.line", name = safe(&remote.name), url = safe(&remote.url), last = last))?;
    }
    Ok(())
}

/// `push [NAME]`: the only remote when no name is given.
pub fn push(global: &Global, name: Option<&str>, include_passphrase: bool) -> Result<()> {
    let mut vault = commands::open(global)?;
    let name = match name {
        Some(name) => name.to_string(),
        None => {
            let remotes = vault.remotes()?;
            match remotes.as_slice() {
                [only] => only.name.clone(),
                _ => {
                    let names: Vec<String> = remotes.iter().map(|r| safe(&r.name)).collect();
                    vault.close()?;
                    bail!("{}", t!("cli.push.which", names = names.join(", ")));
                }
            }
        }
    };
    if include_passphrase {
        eprintln!("{}", t!("cli.push.passphrase_warning"));
    }
    let bar = count_bar(0, &t!("cli.push.progress", name = safe(&name)));
    catch_interrupt();
    let options = PushOptions { include_passphrase };
    let pushed = vault.push(&name, &options, &mut |p| advance(&bar, p.done, p.total));
    bar.finish_and_clear();
    vault.close()?;
    if flow() == Flow::Cancel {
        return Err(Interrupted.into());
    }
    let report = pushed?;
    if global.json {
        return output::json_line(&report);
    }
    output::line(&t!(
        "cli.push.done",
        seq = report.seq,
        name = safe(&name),
        objects = tn!("cli.count.objects", report.objects),
        sent = report.sent,
        size = output::size(report.bytes_sent),
        events = tn!("cli.count.events", report.checkpoint_size)
    ))
}

fn verify(
    global: &Global,
    remote: &str,
    full: bool,
    key: Option<&str>,
    credentials_file: Option<&Path>,
) -> Result<Exit> {
    let bar = count_bar(0, &t!("cli.remote.verifying"));
    catch_interrupt();
    let mut progress = |done: u64, total: u64| advance(&bar, done, total);
    // With a verifier key the argument is an address and no vault is opened: someone without the
    // passphrase checks a copy with the vault's public key alone.
    let report = match key {
        Some(key) => {
            let (url, credentials) = address_and_credentials(remote, credentials_file)?;
            core_remote::verify_at(&url, &credentials, key, full, &mut progress)
        }
        None => {
            let vault = commands::open(global)?;
            let report = vault.verify_remote(remote, full, &mut progress);
            vault.close()?;
            report
        }
    };
    bar.finish_and_clear();
    if flow() == Flow::Cancel {
        return Err(Interrupted.into());
    }
    let report = report?;
    print_report(global, &report)?;
    Ok(Exit::checked(report.ok))
}

fn print_report(global: &Global, report: &RemoteReport) -> Result<()> {
    if global.json {
        return output::json_line(report);
    }
    for problem in &report.problems {
        output::line(&t!("cli.problem", problem = safe(&problem.to_string())))?;
    }
    let verdict = if report.ok { t!("cli.verify.holds") } else { t!("cli.verify.failed") };
    output::line(&t!(
        "cli.remote.verify_summary",
        verdict = verdict,
        seq = report.seq,
        time = safe(&report.created),
        objects = tn!("cli.count.objects", report.objects),
        events = tn!("cli.count.events", report.checkpoint_size),
        problems = tn!("cli.count.problems", report.problems.len())
    ))
}

/// `restore --from URL --to DIR`, unlocked with `--recovery-file` (or the passphrase, when its slot was pushed).
pub fn restore(
    global: &Global,
    from: &str,
    to: &Path,
    credentials_file: Option<&Path>,
    key: Option<&str>,
) -> Result<Exit> {
    let (url, credentials) = address_and_credentials(from, credentials_file)?;
    let unlock = context::unlock(global)?;
    let session = context::session(global)?;
    let bar = count_bar(0, &t!("cli.restore.progress"));
    catch_interrupt();
    let restored = core_remote::restore(
        &url,
        &credentials,
        to,
        &unlock,
        session,
        key,
        global.accept_rollback.as_deref(),
        &mut |p| advance(&bar, p.done, p.total),
    );
    bar.finish_and_clear();
    if flow() == Flow::Cancel {
        return Err(Interrupted.into());
    }
    let restored = restored?;
    if global.json {
        output::json_line(&restored)?;
        return Ok(Exit::checked(restored.verify.ok));
    }
    output::line(&t!(
        "cli.restore.done",
        dir = safe(&to.display().to_string()),
        seq = restored.seq,
        objects = tn!("cli.count.objects", restored.objects),
        size = output::size(restored.bytes),
        events = tn!("cli.count.events", restored.checkpoint_size)
    ))?;
    if !restored.key_given {
        eprintln!("{}", t!("cli.restore.compare_key", key = safe(&restored.verifier_key)));
    }
    for problem in &restored.verify.problems {
        output::line(&t!("cli.problem", problem = safe(&problem.to_string())))?;
    }
    let verdict = if restored.verify.ok { t!("cli.verify.holds") } else { t!("cli.verify.failed") };
    output::line(&t!(
        "cli.verify.summary",
        verdict = verdict,
        items = tn!("cli.count.items", restored.verify.items),
        copies = tn!(
            "cli.count.copies_rehashed",
            restored.verify.stored_copies,
            size = output::size(restored.verify.bytes_hashed)
        ),
        events = tn!("cli.count.events_checked", restored.verify.events),
        problems = tn!("cli.count.problems", restored.verify.problems.len())
    ))?;
    Ok(Exit::checked(restored.verify.ok))
}

/// `panic`: optionally a last push, then the key slots destroyed (and with `--remove-ciphertext` the
/// folder). Asks once unless `--yes`.
pub fn panic(global: &Global, remove_ciphertext: bool, push_to: Option<&str>, yes: bool) -> Result<()> {
    let dir = context::vault_dir(global)?;
    if !yes {
        eprint!("{}", t!("cli.panic.confirm", dir = safe(&dir.display().to_string())));
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).with_context(|| t!("cli.prompt.no_terminal"))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "YES") {
            bail!("{}", t!("cli.panic.not_confirmed"));
        }
    }
    if let Some(name) = push_to {
        // A failed last push does not stop the wipe: the person may have seconds.
        if let Err(e) = push(global, Some(name), false) {
            eprintln!("{}", t!("cli.panic.push_failed", problem = safe(&e.to_string())));
        }
    }
    let local = custodia_core::checkpoint::LocalCopies::default_dir().map(custodia_core::checkpoint::LocalCopies::new);
    let report = custodia_core::vault::panic_wipe(&dir, remove_ciphertext, local.as_ref())?;
    if global.json {
        return output::json_line(&report);
    }
    let dir = safe(&dir.display().to_string());
    if report.ciphertext_removed {
        output::line(&t!("cli.panic.done_removed", dir = dir))
    } else {
        output::line(&t!("cli.panic.done_kept", dir = dir))
    }
}
