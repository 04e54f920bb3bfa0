//! `custodia checkpoint`: print the vault's signed checkpoint, check kept checkpoints against the log,
//! write a consistency proof from an older checkpoint, and check one with no vault (the reviewer's side).

use crate::args::{CheckpointArgs, CheckpointCommand, Global};
use crate::commands::{self, EXIT_VERIFY_FAILED};
use crate::output::{self, safe, safe_lines};
use anyhow::{bail, Context, Result};
use custodia_core::checkpoint::{check_offline, parse_verifier_key, ConsistencyProof, OutsideError, MAX_PROOF_BYTES};
use serde_json::json;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub fn run(global: &Global, args: &CheckpointArgs) -> Result<i32> {
    match &args.command {
        None => print(global, args.output.as_deref(), args.words).map(|()| 0),
        Some(CheckpointCommand::Verify { files, words }) => verify(global, files, words),
        Some(CheckpointCommand::Prove { old, output }) => prove(global, old, output).map(|()| 0),
        Some(CheckpointCommand::Check { old, new, proof, key }) => check(global, old, new, proof, key),
    }
}

/// Closing the vault signs a checkpoint of the whole log, the close included: that is the one printed.
fn print(global: &Global, output: Option<&Path>, as_words: bool) -> Result<()> {
    let signed = commands::open(global)?.close_signed()?;
    if let Some(path) = output {
        write_new(path, &signed.note)?;
    }
    let words = signed.words();
    if global.json {
        return output::json_line(&json!({
            "origin": signed.note.lines().next().unwrap_or(""),
            "size": signed.size, "root": signed.root, "note": signed.note, "made_at": signed.made_at,
            "words": words,
        }));
    }
    if as_words {
        eprintln!("Checkpoint of {} custody events: write these words down; `custodia checkpoint verify --words` checks them.", signed.size);
        return output::line(&words);
    }
    eprintln!("Checkpoint of {} custody events, signed {}. Keep it outside this laptop: later, `custodia checkpoint verify` proves the log still extends it.", signed.size, signed.made_at);
    print_note(&signed.note)
}

/// A note ends in its newline already; printed as is, so that what is saved from stdout verifies.
fn print_note(note: &str) -> Result<()> {
    output::line(note.strip_suffix('\n').unwrap_or(note))
}

/// Each kept checkpoint (a file or words) checked against the log; one line per checkpoint.
fn verify(global: &Global, files: &[PathBuf], words: &[String]) -> Result<i32> {
    let notes = files.iter().map(|f| read_small(f).map(|n| (f, n))).collect::<Result<Vec<_>>>()?;
    let vault = commands::open(global)?;
    let results: custodia_core::Result<Vec<(String, Result<u64, OutsideError>)>> = notes
        .iter()
        .map(|(file, note)| Ok((file.display().to_string(), vault.check_outside_checkpoint(note)?.map(|c| c.size))))
        .chain(words.iter().map(|w| Ok((w.clone(), vault.check_checkpoint_words(w)?))))
        .collect();
    vault.close()?;
    let mut all_hold = true;
    for (name, result) in results? {
        all_hold &= result.is_ok();
        let shown = safe(&name);
        match (&result, global.json) {
            (Ok(size), true) => output::json_line(&json!({"checkpoint": name, "holds": true, "size": size}))?,
            (Err(e), true) => {
                output::json_line(&json!({"checkpoint": name, "holds": false, "problem": e.to_string()}))?
            }
            (Ok(size), false) => {
                output::line(&format!("OK      {shown}: the log extends this checkpoint of {size} events"))?
            }
            (Err(e), false) => output::line(&format!("FAILED  {shown}: {}", safe_lines(&e.to_string())))?,
        }
    }
    Ok(if all_hold { 0 } else { EXIT_VERIFY_FAILED })
}

fn prove(global: &Global, old: &Path, output: &Path) -> Result<()> {
    let old_note = read_small(old)?;
    if output.exists() {
        bail!("{} already exists: choose a new file name (nothing was written)", safe(&output.display().to_string()));
    }
    let proof = commands::open(global)?.close_proving(&old_note)?;
    write_new(output, &proof.to_text())?;
    if global.json {
        return output::json_line(&json!({"proof": output, "old_size": proof.old_size, "note": proof.note}));
    }
    eprintln!(
        "Consistency proof from {} events to the checkpoint below written to {}.",
        proof.old_size,
        safe(&output.display().to_string())
    );
    print_note(&proof.note)
}

fn check(global: &Global, old: &Path, new: &Path, proof: &Path, key: &str) -> Result<i32> {
    let (_, key) = parse_verifier_key(key)?;
    let proof_text = read_small(proof)?;
    let proof = ConsistencyProof::parse(&proof_text)?;
    let result = check_offline(&read_small(old)?, &read_small(new)?, &proof, &key);
    match (&result, global.json) {
        (Ok((o, n)), true) => output::json_line(&json!({"holds": true, "old_size": o.size, "new_size": n.size}))?,
        (Err(e), true) => output::json_line(&json!({"holds": false, "problem": e.to_string()}))?,
        (Ok((o, n)), false) => output::line(&format!(
            "OK      the checkpoint of {} events extends the one of {} events, unchanged",
            n.size, o.size
        ))?,
        (Err(e), false) => output::line(&format!("FAILED  {}", safe_lines(&e.to_string())))?,
    }
    Ok(if result.is_ok() { 0 } else { EXIT_VERIFY_FAILED })
}

/// A checkpoint or proof file: text of a few KiB, read no further than the bound.
fn read_small(path: &Path) -> Result<String> {
    let shown = safe(&path.display().to_string());
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .with_context(|| format!("cannot read {shown}"))?
        .take(MAX_PROOF_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {shown}"))?;
    if bytes.len() > MAX_PROOF_BYTES {
        bail!("{shown} is larger than a checkpoint or proof can be ({MAX_PROOF_BYTES} bytes)");
    }
    let text = String::from_utf8(bytes).with_context(|| format!("{shown} is not text"))?;
    // Saved by a mail program or an editor: Windows line ends and trailing blank lines are not part of
    // what was signed (the signature covers the checkpoint's text only).
    Ok(format!("{}\n", text.replace("\r\n", "\n").trim_end()))
}

/// Writes a new file readable only by its owner; an existing file is never replaced.
fn write_new(path: &Path, text: &str) -> Result<()> {
    let shown = safe(&path.display().to_string());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file =
        options.open(path).with_context(|| format!("cannot create {shown} (an existing file is never replaced)"))?;
    file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).with_context(|| format!("cannot write {shown}"))
}
