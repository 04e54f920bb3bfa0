//! One function per subcommand: gather input, call the core, print the result.

use crate::args::{Global, KdfArgs};
use crate::context;
use crate::output::{self, safe, safe_lines};
use anyhow::{bail, Context, Result};
use custodia_core::ErrorCode;
use custodia_core::{AddOptions, Flow, Item, KdfParams, StrengthPolicy, Vault, VerifyProgress};
use indicatif::{ProgressBar, ProgressStyle};
use secrecy::ExposeSecret;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Exit code when `verify` finds problems (1 is any other error, 2 a usage error).
pub const EXIT_VERIFY_FAILED: i32 = 3;
/// Exit code after Ctrl-C, as shells expect.
pub const EXIT_INTERRUPTED: i32 = 130;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Ctrl-C during long work cancels it cleanly (the core removes what it had half-written); a second
/// Ctrl-C exits at once, leaving staging files that the next open moves to quarantine.
pub(crate) fn catch_interrupt() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(EXIT_INTERRUPTED);
        }
    });
}

pub(crate) fn flow() -> Flow {
    if INTERRUPTED.load(Ordering::SeqCst) {
        Flow::Cancel
    } else {
        Flow::Continue
    }
}

/// Returned when the user interrupted; main turns it into exit code 130.
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted; nothing half-written was kept")
    }
}

impl std::error::Error for Interrupted {}

pub(crate) fn open(global: &Global) -> Result<Vault> {
    let dir = context::vault_dir(global)?;
    let unlock = context::unlock(global)?;
    let vault = Vault::open(&dir, &unlock, context::session(global)?)?;
    match vault.resumed_rotation() {
        Some("finished") => eprintln!("note: a passphrase change or recovery key replacement was interrupted and has now been completed: from now on only the new passphrase and recovery key open the vault"),
        Some(_) => eprintln!("note: a passphrase change or recovery key replacement was interrupted before it took effect and was undone: the passphrase and recovery key from before it still open the vault"),
        None => {}
    }
    let found = vault.reconciliation();
    if !found.is_clean() {
        eprintln!(
            "note: an earlier run was interrupted; {} staging file(s), {} unreferenced stored copy(ies) and {} other file(s) were moved to {} (nothing was deleted)",
            found.tmp_leftovers.len(),
            found.unreferenced_blobs.len(),
            found.other_files.len(),
            found.quarantine.as_deref().map(|p| dir.join(p)).unwrap_or_default().display()
        );
    }
    note_exports(found);
    Ok(vault)
}

/// What the open did with exports an earlier run left unfinished (`custodia log` has the details).
fn note_exports(found: &custodia_core::Reconciliation) {
    if !found.exports_completed.is_empty() {
        eprintln!(
            "note: {} export(s) interrupted after they were logged were finished: {}",
            found.exports_completed.len(),
            found.exports_completed.join(", ")
        );
    }
    if !found.exports_abandoned.is_empty() {
        eprintln!(
            "note: {} unfinished export(s) were withdrawn and their partial files removed (logged as bundle.export_abandoned): {}",
            found.exports_abandoned.len(),
            found.exports_abandoned.join(", ")
        );
    }
    if !found.exports_waiting.is_empty() {
        eprintln!(
            "note: {} unfinished export(s) are in a folder that cannot be reached now; they are settled when it is back: {}",
            found.exports_waiting.len(),
            found.exports_waiting.join(", ")
        );
    }
}

/// Closes the vault after a command that may have changed it (`changed`: its change is committed). A
/// failure to close then (a full disk refusing the close event) is reported but does not turn a done
/// action into a failed one: the exit code says what happened to the evidence, and the next open records
/// the vault's opening as usual. When nothing was changed, a failed close is the command's error.
pub(crate) fn close_after(vault: Vault, changed: bool) -> Result<()> {
    match vault.close() {
        Err(e) if changed => {
            eprintln!(
                "warning: the action is saved, but the vault could not record that it was closed: {}",
                safe_lines(&e.to_string())
            );
            Ok(())
        }
        closed => Ok(closed?),
    }
}

fn bar(len: u64, label: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label.to_string());
    bar
}

pub fn init(global: &Global, kdf: &KdfArgs, policy: StrengthPolicy) -> Result<()> {
    let params = KdfParams::from_user(kdf.kdf_memory_mib, kdf.kdf_iterations)?;
    let dir = context::vault_dir(global)?;
    let session = context::session(global)?;
    let passphrase = context::new_passphrase(global.passphrase_file.as_deref())?;
    let vault = Vault::create(&dir, &passphrase, policy, params, session)?;
    let id = vault.vault_id().to_string();
    vault.close()?;
    if global.json {
        output::json_line(&json!({ "vault": dir, "vault_id": id }))
    } else {
        output::line(&format!("Created vault {id} in {}", dir.display()))?;
        eprintln!("Keep the passphrase safe. Consider `custodia recovery create` to make a recovery key.");
        Ok(())
    }
}

fn item_json(item: &Item) -> serde_json::Value {
    json!({
        "id": item.id,
        "name": item.name,
        "sha256": item.sha256,
        "size": item.size,
        "media_type": item.media_type,
        "description": item.description,
        "source": item.source,
        "added_at": item.added_at,
        "added_by": item.added_by,
        "duplicate_of": item.duplicate_of,
    })
}

pub fn add(global: &Global, files: &[PathBuf], description: &str, source: &str) -> Result<()> {
    let mut vault = open(global)?;
    let options = AddOptions { description: description.into(), source: source.into() };
    let mut failed = 0usize;
    let mut added_any = false;
    catch_interrupt();
    for path in files {
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let progress = bar(len, &safe(&path.file_name().unwrap_or_default().to_string_lossy()));
        let result = vault.add_file(path, &options, &mut |done| {
            progress.set_position(done);
            flow()
        });
        progress.finish_and_clear();
        match result {
            Ok(added) => {
                added_any = true;
                if let Err(e) = print_added(global, &added) {
                    // Added, but nobody can be told the id: stop before adding more, close, then say so.
                    close_after(vault, true)?;
                    return Err(e);
                }
            }
            Err(e) if e.code() == ErrorCode::Cancelled => break,
            Err(e) => {
                failed += 1;
                eprintln!("error: {}: {}", safe(&path.display().to_string()), safe_lines(&e.to_string()));
            }
        }
    }
    close_after(vault, added_any)?;
    if flow() == Flow::Cancel {
        return Err(Interrupted.into());
    }
    if failed > 0 {
        bail!("{failed} of {} file(s) could not be added; the others were added", files.len());
    }
    Ok(())
}

fn print_added(global: &Global, added: &custodia_core::Added) -> Result<()> {
    let item = &added.item;
    if global.json {
        let mut value = item_json(item);
        value["already_stored"] = (!added.newly_stored).into();
        return output::json_line(&value);
    }
    output::line(&format!("{}  {}  {}  {}", item.id, item.sha256, output::size(item.size), safe(&item.name)))?;
    if let Some(first) = &item.duplicate_of {
        eprintln!("note: {} has the same content as {first}, already in the vault; it is stored once and recorded as a new acquisition", item.id);
    }
    Ok(())
}

pub fn list(global: &Global) -> Result<()> {
    let vault = open(global)?;
    let items = vault.items()?;
    vault.close()?;
    for item in &items {
        if global.json {
            output::json_line(&item_json(item))?;
        } else {
            output::line(&format!(
                "{}  {}  {:>10}  {}",
                item.id,
                &item.added_at[..10.min(item.added_at.len())],
                output::size(item.size),
                safe(&item.name)
            ))?;
        }
    }
    if !global.json && items.is_empty() {
        eprintln!("The vault is empty. Add files with `custodia add FILE...`.");
    }
    Ok(())
}

pub fn show(global: &Global, id: &str) -> Result<()> {
    let vault = open(global)?;
    let item = vault.item(id)?;
    let events = vault.item_events(&item.id)?;
    vault.close()?;
    if global.json {
        let mut value = item_json(&item);
        value["events"] = serde_json::to_value(&events)?;
        return output::json_line(&value);
    }
    let rows = [
        ("Item", item.id.clone()),
        ("Name", safe(&item.name)),
        ("SHA-256", item.sha256.clone()),
        ("Size", format!("{} ({} bytes)", output::size(item.size), item.size)),
        ("Type", safe(&item.media_type)),
        ("Added", format!("{} by {}", safe(&item.added_at), safe(&item.added_by))),
        ("Description", safe(&item.description)),
        ("Source", safe(&item.source)),
        ("Same content as", item.duplicate_of.clone().unwrap_or_default()),
    ];
    for (label, value) in rows.iter().filter(|(_, v)| !v.is_empty()) {
        output::line(&format!("{label:<16} {value}"))?;
    }
    output::line("Custody:")?;
    for event in &events {
        output::line(&format!(
            "  #{} {} {} {} {}",
            event.seq,
            safe(&event.time),
            safe(&event.action),
            safe(&event.actor),
            safe(event.subject.as_deref().unwrap_or("-"))
        ))?;
    }
    Ok(())
}

pub fn extract(global: &Global, id: &str, output_path: &Path) -> Result<()> {
    let mut vault = open(global)?;
    let item = vault.item(id)?;
    let progress = bar(item.size, &item.id);
    catch_interrupt();
    let result = vault.extract(&item.id, output_path, &mut |done| {
        progress.set_position(done);
        flow()
    });
    progress.finish_and_clear();
    close_after(vault, result.is_ok())?;
    if flow() == Flow::Cancel {
        return Err(Interrupted.into());
    }
    let extracted = result?;
    if global.json {
        output::json_line(
            &json!({ "id": item.id, "output": output_path, "sha256": extracted.sha256, "size": extracted.size }),
        )
    } else {
        output::line(&format!(
            "Saved {} to {} (SHA-256 checked: {})",
            item.id,
            safe(&output_path.display().to_string()),
            extracted.sha256
        ))
    }
}

pub fn log(global: &Global) -> Result<()> {
    let vault = open(global)?;
    let mut printed: Result<()> = Ok(());
    vault.for_each_event(|event| {
        if printed.is_ok() {
            printed = if global.json { output::json_line(&event) } else { output::line(&event_line(&event)) };
        }
        Ok(())
    })?;
    vault.close()?;
    printed
}

/// One custody event as `custodia log` prints it. The subject and the details may hold what a bundle said
/// (an imported bundle's External-Identifier, its signer's name, its sender's contact), kept in the log for
/// ever: every field is shown as outside text.
fn event_line(event: &custodia_core::Event) -> String {
    format!(
        "#{:<6} {} {:<16} {:<16} {} {}",
        event.seq,
        safe(&event.time),
        safe(&event.actor),
        safe(&event.action),
        safe(event.subject.as_deref().unwrap_or("-")),
        safe(&event.details.to_string())
    )
}

/// Returns the process exit code: 0 when everything holds.
pub fn verify(global: &Global) -> Result<i32> {
    let mut vault = open(global)?;
    let progress = bar(0, "verifying");
    catch_interrupt();
    let report = vault.verify(&mut |p: VerifyProgress| {
        progress.set_length(p.total);
        progress.set_position(p.done);
        flow()
    });
    progress.finish_and_clear();
    vault.close()?;
    if flow() == Flow::Cancel {
        return Err(Interrupted.into());
    }
    let report = report?;
    if global.json {
        output::json_line(&report)?;
    } else {
        for problem in &report.problems {
            output::line(&format!("PROBLEM: {}", safe(&problem.to_string())))?;
        }
        let verdict = if report.ok { "OK: everything holds" } else { "FAILED" };
        output::line(&format!(
            "{verdict}: {} item(s), {} stored copy(ies) re-hashed ({}), {} custody event(s) checked, {} problem(s)",
            report.items,
            report.stored_copies,
            output::size(report.bytes_hashed),
            report.events,
            report.problems.len()
        ))?;
    }
    Ok(if report.ok { 0 } else { EXIT_VERIFY_FAILED })
}

pub fn passphrase_change(
    global: &Global,
    new_file: Option<&Path>,
    kdf: &KdfArgs,
    policy: StrengthPolicy,
) -> Result<()> {
    let params = KdfParams::from_user(kdf.kdf_memory_mib, kdf.kdf_iterations)?;
    let mut vault = open(global)?;
    let new = context::new_passphrase(new_file)?;
    let result = vault.change_passphrase(&new, policy, params);
    close_after(vault, result.is_ok())?;
    let changed = result?;
    if global.json {
        return output::json_line(
            &json!({ "key_slot": changed.key_slot, "recovery_key_dropped": changed.recovery_key_dropped }),
        );
    }
    output::line("Passphrase changed. The old passphrase no longer opens the vault.")?;
    if changed.recovery_key_dropped {
        output::line(RECOVERY_DROPPED)?;
    }
    Ok(())
}

/// Said when a passphrase change could not carry an older recovery key over.
const RECOVERY_DROPPED: &str = "Your recovery key was made by an older version of Custodia and could not be kept: it no longer opens the vault. Make a new one now with `custodia recovery create`.";

/// Makes a recovery key in two steps: the key is saved (the old one still works), shown or written to
/// `output` and flushed to disk, and only then does the old one stop working.
pub fn recovery_create(global: &Global, output_file: Option<&Path>) -> Result<()> {
    let mut vault = open(global)?;
    let result = recovery_shown(global, &mut vault, output_file);
    close_after(vault, result.is_ok())?;
    result
}

fn recovery_shown(global: &Global, vault: &mut Vault, output_file: Option<&Path>) -> Result<()> {
    // The file is made before the key, so an existing file is refused before anything changes.
    let file = output_file.map(new_private_file).transpose()?;
    let new = match vault.begin_recovery_key() {
        Ok(new) => new,
        Err(e) => {
            if let Some(path) = output_file.filter(|_| file.is_some()) {
                let _ = std::fs::remove_file(path);
            }
            return Err(e.into());
        }
    };
    let text = new.key().to_display();
    let shown = match (file, output_file) {
        (Some(file), Some(path)) => write_secret_file(file, path, text.expose_secret()).with_context(|| {
            format!("cannot write the recovery key to {}; the old recovery key still works", path.display())
        }),
        _ if global.json => output::json_line(&json!({ "recovery_key": text.expose_secret() })),
        _ => {
            eprintln!("This recovery key opens the vault if the passphrase is lost. It is shown only now.");
            eprintln!("Write it on paper and keep it apart from this computer.");
            output::line(text.expose_secret())
        }
    };
    if let Err(e) = shown {
        // Nobody has the key: its slot goes, and the old key stays the vault's recovery key.
        vault.abandon_recovery_key(new)?;
        return Err(e);
    }
    if let Err(e) = vault.confirm_recovery_key(&new) {
        eprintln!("note: the new recovery key was saved and opens the vault, but the old one could not be retired yet and still works; once the problem below is solved, run `custodia recovery create` again");
        return Err(e.into());
    }
    if global.json {
        if let Some(path) = output_file {
            output::json_line(&json!({ "recovery_key_file": path }))?;
        }
    } else {
        eprintln!("Any older recovery key no longer works.");
    }
    Ok(())
}

/// Creates a new file (never over an existing one) readable only by its owner.
fn new_private_file(path: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).with_context(|| format!("cannot create {} (Custodia never overwrites a file)", path.display()))
}

/// Writes the key into the new file and flushes it and its folder to disk; removes the file on failure.
fn write_secret_file(mut file: std::fs::File, path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let written = (|| {
        file.write_all(text.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::File::open(dir)?.sync_all()
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    Ok(written?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logged_subject_and_details_from_a_bundle_cannot_draw_over_the_log() {
        let hostile = "B-1\x1b[2K\rOK \u{202E}fdp.exe";
        let event = custodia_core::Event {
            seq: 7,
            time: "2026-01-01T00:00:00Z".into(),
            actor: "amina".into(),
            device: "laptop".into(),
            action: "bundle.imported".into(),
            subject: Some(hostile.into()),
            details: json!({ "signer": hostile, "contact": "\u{2067}x\u{2069}" }),
            prev_hash: String::new(),
            hash: String::new(),
        };
        let line = event_line(&event);
        assert!(!line.contains('\x1b') && !line.contains('\r'), "no control character reaches the terminal: {line:?}");
        assert!(!line.contains('\u{202E}') && !line.contains('\u{2067}'), "no bidi control either: {line:?}");
        assert!(
            line.contains("B-1\\x1b[2K\\rOK <U+202E>fdp.exe"),
            "the subject is shown as it is, made visible: {line}"
        );
        assert!(line.contains("<U+2067>x<U+2069>"), "the details too: {line}");
    }
}
