//! `custodia witness`: cosign another log's checkpoint (C2SP tlog-cosignature) after checking that it
//! extends the last one cosigned, with this vault's key or with a witness key file made by
//! `custodia keygen --witness NAME` (a lawyer with no vault); `custodia witness key` prints the verifier key.

use crate::args::{Global, WitnessCommand};
use crate::checkpoints::{read_small, write_new};
use crate::commands;
use crate::output::{self, safe};
use crate::{t, tn};
use anyhow::{bail, Result};
use custodia_core::checkpoint::witness::WitnessKey;
use custodia_core::checkpoint::{ConsistencyProof, FileWitness};
use serde_json::json;
use std::path::Path;

pub fn run(global: &Global, command: &WitnessCommand) -> Result<()> {
    match command {
        WitnessCommand::Cosign { checkpoint, proof, log_key, key, output } => {
            cosign(global, checkpoint, proof.as_deref(), log_key.as_deref(), key.as_deref(), output)
        }
        WitnessCommand::Key { key } => print_key(global, key.as_deref()),
    }
}

/// A new witness key file; its verifier key is printed for the documenters whose logs it will witness.
pub fn keygen(global: &Global, name: &str, output: Option<&Path>) -> Result<()> {
    let path = output.unwrap_or(Path::new("custodia-witness.key"));
    if path.exists() {
        bail!("{}", t!("cli.file.exists", file = safe(&path.display().to_string())));
    }
    let key = WitnessKey::generate(name)?;
    write_new(path, &key.to_file_text())?;
    if global.json {
        return output::json_line(&json!({ "key_file": path, "name": key.name, "verifier_key": key.verifier_key() }));
    }
    output::line(&key.verifier_key())?;
    eprintln!("{}", t!("cli.witness.key_written", file = safe(&path.display().to_string())));
    Ok(())
}

fn print_key(global: &Global, key: Option<&Path>) -> Result<()> {
    let verifier_key = match key {
        Some(path) => FileWitness::open(path)?.verifier_key(),
        None => {
            let vault = commands::open(global)?;
            let key = vault.witness_verifier_key();
            vault.close()?;
            key?
        }
    };
    if global.json {
        return output::json_line(&json!({ "verifier_key": verifier_key }));
    }
    output::line(&verifier_key)
}

fn cosign(
    global: &Global,
    checkpoint: &Path,
    proof: Option<&Path>,
    log_key: Option<&str>,
    key: Option<&Path>,
    output: &Path,
) -> Result<()> {
    if output.exists() {
        bail!("{}", t!("cli.file.exists", file = safe(&output.display().to_string())));
    }
    let note = read_small(checkpoint)?;
    let proof = proof.map(|p| read_small(p).and_then(|text| Ok(ConsistencyProof::parse(&text)?))).transpose()?;
    let (cosigned, seen) = match key {
        Some(path) => FileWitness::open(path)?.cosign(&note, proof.as_ref(), log_key)?,
        None => {
            let mut vault = commands::open(global)?;
            let cosigned = vault.witness_cosign(&note, proof.as_ref(), log_key);
            vault.close()?;
            cosigned?
        }
    };
    write_new(output, &cosigned)?;
    if global.json {
        return output::json_line(&json!({ "cosigned": output, "origin": seen.origin, "size": seen.size }));
    }
    let file = safe(&output.display().to_string());
    output::line(&tn!("cli.witness.cosigned", seen.size, origin = safe(&seen.origin), file = file))
}
