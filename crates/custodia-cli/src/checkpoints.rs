//! `custodia checkpoint`: print the vault's signed checkpoint, check kept checkpoints against the log,
//! write a consistency proof from an older checkpoint, and check one with no vault (the reviewer's side).

use crate::args::{CheckpointArgs, CheckpointCommand, Global};
use crate::commands;
use crate::exit::Exit;
use crate::output::{self, safe, safe_lines};
use crate::{t, tn};
use anyhow::{bail, Context, Result};
use custodia_core::checkpoint::{
    check_offline, parse_verifier_key, ConsistencyProof, OutsideError, StoredCosignature, MAX_PROOF_BYTES,
};
use custodia_core::CheckpointReason;
use serde_json::json;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub fn run(global: &Global, args: &CheckpointArgs) -> Result<Exit> {
    match &args.command {
        None => print(global, args.output.as_deref(), args.words).map(|()| Exit::Ok),
        Some(CheckpointCommand::Verify { files, words }) => verify(global, files, words),
        Some(CheckpointCommand::Prove { old, output }) => prove(global, old, output).map(|()| Exit::Ok),
        Some(CheckpointCommand::Check { old, new, proof, key }) => check(global, old, new, proof, key),
        Some(CheckpointCommand::List) => list(global).map(|()| Exit::Ok),
        Some(CheckpointCommand::AddCosignature { file, witness }) => {
            add_cosignature(global, file, witness).map(|()| Exit::Ok)
        }
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
        eprintln!("{}", tn!("cli.checkpoint.words", signed.size));
        return output::line(&words);
    }
    eprintln!("{}", tn!("cli.checkpoint.signed", signed.size, time = signed.made_at));
    print_note(&signed.note)
}

/// A note ends in its newline already; printed as is, so that what is saved from stdout verifies.
fn print_note(note: &str) -> Result<()> {
    output::line(note.strip_suffix('\n').unwrap_or(note))
}

/// Each kept checkpoint (a file or words) checked against the log; one line per checkpoint.
fn verify(global: &Global, files: &[PathBuf], words: &[String]) -> Result<Exit> {
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
            (Ok(size), false) => output::line(&tn!("cli.checkpoint.holds", *size, name = shown))?,
            (Err(e), false) => {
                output::line(&t!("cli.checkpoint.fails", name = shown, problem = safe_lines(&e.to_string())))?
            }
        }
    }
    Ok(Exit::checked(all_hold))
}

fn prove(global: &Global, old: &Path, output: &Path) -> Result<()> {
    let old_note = read_small(old)?;
    if output.exists() {
        bail!("{}", t!("cli.file.exists", file = safe(&output.display().to_string())));
    }
    let proof = commands::open(global)?.close_proving(&old_note)?;
    write_new(output, &proof.to_text())?;
    if global.json {
        return output::json_line(&json!({"proof": output, "old_size": proof.old_size, "note": proof.note}));
    }
    eprintln!("{}", tn!("cli.checkpoint.proof_written", proof.old_size, file = safe(&output.display().to_string())));
    print_note(&proof.note)
}

fn check(global: &Global, old: &Path, new: &Path, proof: &Path, key: &str) -> Result<Exit> {
    let (_, key) = parse_verifier_key(key)?;
    let proof_text = read_small(proof)?;
    let proof = ConsistencyProof::parse(&proof_text)?;
    let result = check_offline(&read_small(old)?, &read_small(new)?, &proof, &key);
    match (&result, global.json) {
        (Ok((o, n)), true) => output::json_line(&json!({"holds": true, "old_size": o.size, "new_size": n.size}))?,
        (Err(e), true) => output::json_line(&json!({"holds": false, "problem": e.to_string()}))?,
        (Ok((o, n)), false) => {
            output::line(&tn!("cli.checkpoint.extends", n.size, old = tn!("cli.count.events", o.size)))?
        }
        (Err(e), false) => output::line(&t!("cli.checkpoint.check_fails", problem = safe_lines(&e.to_string())))?,
    }
    Ok(Exit::checked(result.is_ok()))
}

/// Every checkpoint the vault signed, oldest first, with the witnesses who cosigned it.
fn list(global: &Global) -> Result<()> {
    let vault = commands::open(global)?;
    let listed = vault.checkpoints().and_then(|c| Ok((c, vault.cosignatures()?)));
    vault.close()?;
    let (checkpoints, cosignatures) = listed?;
    for checkpoint in checkpoints {
        let witnesses: Vec<&StoredCosignature> =
            cosignatures.iter().filter(|c| c.checkpoint_id == checkpoint.id).collect();
        if global.json {
            output::json_line(&json!({ "checkpoint": checkpoint, "cosignatures": witnesses }))?;
            continue;
        }
        let made = tn!("cli.checkpoint.listed", checkpoint.size, time = checkpoint.made_at.as_str());
        let reason = match checkpoint.reason {
            CheckpointReason::Export => t!("cli.checkpoint.reason.export"),
            CheckpointReason::Close => t!("cli.checkpoint.reason.close"),
        };
        output::line(&format!("{:>5}  {made}  {reason}", checkpoint.id))?;
        for c in witnesses {
            output::line(&format!(
                "       {}",
                t!("cli.checkpoint.cosigned_by", witness = safe(&c.witness), time = c.signed_at)
            ))?;
        }
    }
    Ok(())
}

/// A witness's cosignature of one of this vault's checkpoints, kept after it is checked.
fn add_cosignature(global: &Global, file: &Path, witness: &str) -> Result<()> {
    let note = read_small(file)?;
    let mut vault = commands::open(global)?;
    let added = vault.add_cosignature(&note, witness);
    vault.close()?;
    let added = added?;
    if global.json {
        return output::json_line(&added);
    }
    let c = &added.cosignature;
    let witness = safe(&c.witness);
    output::line(&if added.new {
        tn!("cli.checkpoint.cosignature_added", c.size, witness = witness, time = c.signed_at)
    } else {
        t!("cli.checkpoint.cosignature_known", witness = witness)
    })
}

/// A checkpoint or proof file: text of a few KiB, read no further than the bound.
pub fn read_small(path: &Path) -> Result<String> {
    let shown = safe(&path.display().to_string());
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .with_context(|| t!("cli.file.cannot_read", file = shown))?
        .take(MAX_PROOF_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(|| t!("cli.file.cannot_read", file = shown))?;
    if bytes.len() > MAX_PROOF_BYTES {
        bail!("{}", t!("cli.checkpoint.file_too_large", file = shown, max = MAX_PROOF_BYTES));
    }
    let text = String::from_utf8(bytes).with_context(|| t!("cli.file.not_text", file = shown))?;
    // Saved by a mail program or an editor: Windows line ends and trailing blank lines are not part of
    // what was signed (the signature covers the checkpoint's text only).
    Ok(format!("{}\n", text.replace("\r\n", "\n").trim_end()))
}

/// Writes a new file readable only by its owner; an existing file is never replaced.
pub fn write_new(path: &Path, text: &str) -> Result<()> {
    write_new_bytes(path, text.as_bytes())
}

/// `write_new` for bytes. A file left half-written by a failed write is removed.
pub fn write_new_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    let shown = safe(&path.display().to_string());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| t!("cli.file.cannot_create", file = shown))?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written.with_context(|| t!("cli.file.cannot_write", file = shown))
}
