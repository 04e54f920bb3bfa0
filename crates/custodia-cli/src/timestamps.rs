//! `custodia timestamp`: an RFC 3161 timestamp over the newest checkpoint from a time-stamping authority
//! (queued when it cannot be reached, sent by the next call), the list of those kept, and their check
//! against the authority's certificate.

use crate::args::{Global, TimestampArgs, TimestampCommand};
use crate::commands;
use crate::exit::Exit;
use crate::output::{self, safe, safe_lines};
use crate::{t, tn};
use anyhow::{bail, Context, Result};
use custodia_core::checkpoint::timestamp::{check_url, Outcome, StoredTimestamp, TsaCertificate};
use serde_json::json;
use std::io::Read;
use std::path::Path;

/// A certificate file larger than this is not one certificate.
const MAX_CERT_BYTES: usize = 64 * 1024;

pub fn run(global: &Global, args: &TimestampArgs) -> Result<Exit> {
    match &args.command {
        Some(TimestampCommand::List) => list(global).map(|()| Exit::Ok),
        Some(TimestampCommand::Verify { tsa_cert }) => verify(global, tsa_cert),
        None => request(global, args.tsa.as_deref(), args.tsa_cert.as_deref()),
    }
}

/// Sends what is queued (each with the certificate it was queued with, or `--tsa-cert` with
/// `--send-queued`), then asks `tsa` for a token over the newest checkpoint.
fn request(global: &Global, tsa: Option<&str>, cert_file: Option<&Path>) -> Result<Exit> {
    if let Some(url) = tsa {
        check_url(url).map_err(custodia_core::Error::from)?;
    }
    let cert = cert_file.map(read_cert).transpose()?;
    let mut vault = commands::open(global)?;
    let queued = vault.send_queued_timestamps(if tsa.is_none() { cert.as_ref() } else { None });
    let asked = tsa.map(|url| vault.timestamp(url, cert.as_ref())).transpose();
    // Tokens kept before a refusal stay kept: the close records them under a new checkpoint.
    vault.close()?;
    let queued = queued?;
    if tsa.is_none() && queued.is_empty() {
        eprintln!("{}", t!("cli.timestamp.nothing_queued"));
    }
    let mut all_kept = true;
    for outcome in &queued {
        all_kept &= !matches!(outcome, Outcome::Refused { .. });
        report(global, outcome)?;
    }
    // A refusal of the new request is an error of its own (`main` words it), after the queued ones.
    if let Some(outcome) = asked? {
        report(global, &outcome)?;
    }
    Ok(if all_kept { Exit::Ok } else { Exit::Failed })
}

fn report(global: &Global, outcome: &Outcome) -> Result<()> {
    let (timestamp, state, problem) = match outcome {
        Outcome::Stamped { timestamp, .. } => (timestamp, "stamped", None),
        Outcome::Queued { timestamp, why } => (timestamp, "queued", Some(why.clone())),
        Outcome::Refused { timestamp, error } => (timestamp, "refused", Some(error.to_string())),
    };
    if global.json {
        return output::json_line(&json!({"state": state, "timestamp": timestamp, "problem": problem}));
    }
    let url = safe(&timestamp.tsa_url);
    let size = timestamp.checkpoint_size;
    match outcome {
        Outcome::Stamped { anchored: true, .. } => output::line(&tn!(
            "cli.timestamp.stamped",
            size,
            time = timestamp.gen_time.as_deref().unwrap_or(""),
            url = url,
            cert = short(timestamp.tsa_cert_sha256.as_deref())
        )),
        Outcome::Stamped { anchored: false, .. } => output::line(&tn!(
            "cli.timestamp.stamped_unchecked",
            size,
            time = timestamp.gen_time.as_deref().unwrap_or(""),
            url = url
        )),
        Outcome::Queued { why, .. } => {
            eprintln!("{}", tn!("cli.timestamp.queued", size, url = url, why = safe_lines(why)));
            Ok(())
        }
        Outcome::Refused { error, .. } => {
            eprintln!("{}", t!("cli.timestamp.refused", url = url, problem = safe_lines(&error.to_string())));
            Ok(())
        }
    }
}

/// The first 16 hex digits of a certificate's SHA-256 fingerprint.
fn short(fingerprint: Option<&str>) -> String {
    fingerprint.map(|f| f.chars().take(16).collect()).unwrap_or_default()
}

fn list(global: &Global) -> Result<()> {
    let vault = commands::open(global)?;
    let stored = vault.timestamps()?;
    vault.close()?;
    if stored.is_empty() && !global.json {
        eprintln!("{}", t!("cli.timestamp.none"));
    }
    for timestamp in &stored {
        if global.json {
            let state = if timestamp.is_queued() { "queued" } else { "stamped" };
            output::json_line(&json!({"state": state, "timestamp": timestamp}))?;
        } else {
            output::line(&list_line(timestamp))?;
        }
    }
    Ok(())
}

fn list_line(timestamp: &StoredTimestamp) -> String {
    let (id, size, url) = (timestamp.id, timestamp.checkpoint_size, safe(&timestamp.tsa_url));
    match (&timestamp.gen_time, &timestamp.tsa_cert_sha256) {
        (None, _) => tn!("cli.timestamp.list_queued", size, id = id, time = timestamp.requested_at, url = url),
        (Some(time), Some(cert)) => {
            tn!("cli.timestamp.list_stamped", size, id = id, time = time, url = url, cert = short(Some(cert)))
        }
        (Some(time), None) => tn!("cli.timestamp.list_unchecked", size, id = id, time = time, url = url),
    }
}

/// Every kept token checked against the certificate; exit 3 when one does not hold.
fn verify(global: &Global, cert_file: &Path) -> Result<Exit> {
    let cert = read_cert(cert_file)?;
    let vault = commands::open(global)?;
    let results = vault.verify_timestamps(&cert)?;
    vault.close()?;
    if results.is_empty() && !global.json {
        eprintln!("{}", t!("cli.timestamp.none"));
    }
    let mut all_hold = true;
    for (timestamp, result) in &results {
        all_hold &= result.is_ok();
        let time = timestamp.gen_time.as_deref().unwrap_or("");
        match (result, global.json) {
            (Ok(()), true) => output::json_line(&json!({"timestamp": timestamp, "holds": true}))?,
            (Err(e), true) => {
                output::json_line(&json!({"timestamp": timestamp, "holds": false, "problem": e.to_string()}))?
            }
            (Ok(()), false) => {
                output::line(&tn!("cli.timestamp.holds", timestamp.checkpoint_size, id = timestamp.id, time = time))?
            }
            (Err(e), false) => output::line(&t!(
                "cli.timestamp.fails",
                id = timestamp.id,
                time = time,
                problem = safe_lines(&e.to_string())
            ))?,
        }
    }
    Ok(Exit::checked(all_hold))
}

/// The authority's (or its CA's) certificate, PEM or DER, read no further than the bound.
fn read_cert(path: &Path) -> Result<TsaCertificate> {
    let shown = safe(&path.display().to_string());
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .with_context(|| t!("cli.file.cannot_read", file = shown))?
        .take(MAX_CERT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| t!("cli.file.cannot_read", file = shown))?;
    if bytes.len() > MAX_CERT_BYTES {
        bail!("{}", t!("cli.timestamp.cert_too_large", file = shown, max = MAX_CERT_BYTES));
    }
    Ok(TsaCertificate::parse(&bytes).map_err(custodia_core::Error::from)?)
}
