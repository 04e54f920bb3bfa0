//! One function per subcommand: gather input, call the core, print the result.

use crate::args::{Global, KdfArgs};
use crate::context;
use crate::exit::Exit;
use crate::output::{self, safe, safe_lines};
use crate::progress::{advance, bar, catch_interrupt, flow, Interrupted};
use crate::{t, tn};
use anyhow::{bail, Context, Result};
use custodia_core::checkpoint::LocalNotice;
use custodia_core::ErrorCode;
use custodia_core::{AddOptions, Flow, Item, KdfParams, StrengthPolicy, Vault, VerifyProgress};
use secrecy::ExposeSecret;
use serde_json::json;
use std::path::{Path, PathBuf};

pub(crate) fn open(global: &Global) -> Result<Vault> {
    let dir = context::vault_dir(global)?;
    let unlock = context::unlock(global)?;
    let session = context::session(global)?;
    let vault = match &global.accept_rollback {
        Some(reason) => Vault::open_accepting_rollback(&dir, &unlock, session, reason)?,
        None => Vault::open(&dir, &unlock, session)?,
    };
    note_local_copy(vault.local_notice());
    match vault.resumed_rotation() {
        Some("finished") => eprintln!("{}", t!("cli.open.rotation_finished")),
        Some(_) => eprintln!("{}", t!("cli.open.rotation_undone")),
        None => {}
    }
    let found = vault.reconciliation();
    if !found.is_clean() {
        let folder = found.quarantine.as_deref().map(|p| dir.join(p)).unwrap_or_default();
        eprintln!(
            "{}",
            t!(
                "cli.open.quarantined",
                staging = tn!("cli.count.staging_files", found.tmp_leftovers.len()),
                copies = tn!("cli.count.unreferenced_copies", found.unreferenced_blobs.len()),
                others = tn!("cli.count.other_files", found.other_files.len()),
                folder = safe(&folder.display().to_string())
            )
        );
    }
    note_exports(found);
    Ok(vault)
}

/// What the open found in this computer's copy of the newest checkpoint, when worth saying. A vault new
/// to this computer has none yet: not worth a line.
fn note_local_copy(notice: Option<&LocalNotice>) {
    match notice {
        Some(LocalNotice::Unusable { copy, why }) => eprintln!(
            "{}",
            t!("cli.open.local_copy_unusable", file = safe(&copy.display().to_string()), why = safe(why))
        ),
        Some(LocalNotice::RollbackAccepted) => eprintln!("{}", t!("cli.open.rollback_accepted")),
        Some(LocalNotice::NoCopy) | None => {}
    }
}

/// What the open did with exports an earlier run left unfinished (`custodia log` has the details).
fn note_exports(found: &custodia_core::Reconciliation) {
    if !found.exports_completed.is_empty() {
        let ids = found.exports_completed.join(", ");
        eprintln!("{}", tn!("cli.open.exports_completed", found.exports_completed.len(), ids = ids));
    }
    if !found.exports_abandoned.is_empty() {
        let ids = found.exports_abandoned.join(", ");
        eprintln!("{}", tn!("cli.open.exports_abandoned", found.exports_abandoned.len(), ids = ids));
    }
    if !found.exports_waiting.is_empty() {
        let ids = found.exports_waiting.join(", ");
        eprintln!("{}", tn!("cli.open.exports_waiting", found.exports_waiting.len(), ids = ids));
    }
}

/// Closes the vault after a command that may have changed it (`changed`: its change is committed). A
/// failure to close then (a full disk refusing the close event) is reported but does not turn a done
/// action into a failed one: the exit code says what happened to the evidence, and the next open records
/// the vault's opening as usual. When nothing was changed, a failed close is the command's error.
pub(crate) fn close_after(vault: Vault, changed: bool) -> Result<()> {
    match vault.close() {
        Err(e) if changed => {
            eprintln!("{}", t!("cli.close_failed", problem = safe_lines(&e.to_string())));
            Ok(())
        }
        closed => Ok(closed?),
    }
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
        output::line(&t!("cli.init.created", id = id, folder = safe(&dir.display().to_string())))?;
        eprintln!("{}", t!("cli.init.keep_safe"));
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
                let file = safe(&path.display().to_string());
                eprintln!("{} {file}: {}", t!("cli.error"), safe_lines(&e.to_string()));
            }
        }
    }
    close_after(vault, added_any)?;
    if flow() == Flow::Cancel {
        return Err(Interrupted.into());
    }
    if failed > 0 {
        bail!("{}", tn!("cli.add.some_failed", files.len(), failed = failed));
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
        eprintln!("{}", t!("cli.add.same_content", id = item.id, first = first));
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
        eprintln!("{}", t!("cli.list.empty"));
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
        (t!("cli.show.item"), item.id.clone()),
        (t!("cli.show.name"), safe(&item.name)),
        ("SHA-256".to_string(), item.sha256.clone()),
        (t!("cli.show.size"), tn!("cli.show.size_value", item.size, size = output::size(item.size))),
        (t!("cli.show.type"), safe(&item.media_type)),
        (t!("cli.show.added"), t!("cli.show.added_value", time = safe(&item.added_at), actor = safe(&item.added_by))),
        (t!("cli.show.description"), safe(&item.description)),
        (t!("cli.show.source"), safe(&item.source)),
        (t!("cli.show.same_content"), item.duplicate_of.clone().unwrap_or_default()),
    ];
    output::table(rows.iter().filter(|(_, v)| !v.is_empty()).map(|(l, v)| (l.as_str(), v.as_str())), "")?;
    output::line(&t!("cli.show.custody"))?;
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
        output::line(&t!(
            "cli.extract.saved",
            id = item.id,
            file = safe(&output_path.display().to_string()),
            sha256 = extracted.sha256
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

/// Every check of the vault: `Exit::Ok` when everything holds, else `Exit::Problems`.
pub fn verify(global: &Global) -> Result<Exit> {
    let mut vault = open(global)?;
    let progress = bar(0, &t!("cli.progress.verifying"));
    catch_interrupt();
    let report = vault.verify(&mut |p: VerifyProgress| advance(&progress, p.done, p.total));
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
            output::line(&t!("cli.problem", problem = safe(&problem.to_string())))?;
        }
        let verdict = if report.ok { t!("cli.verify.holds") } else { t!("cli.verify.failed") };
        output::line(&t!(
            "cli.verify.summary",
            verdict = verdict,
            items = tn!("cli.count.items", report.items),
            copies = tn!("cli.count.copies_rehashed", report.stored_copies, size = output::size(report.bytes_hashed)),
            events = tn!("cli.count.events_checked", report.events),
            problems = tn!("cli.count.problems", report.problems.len())
        ))?;
    }
    Ok(Exit::checked(report.ok))
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
    output::line(&t!("cli.passphrase.changed"))?;
    if changed.recovery_key_dropped {
        output::line(&t!("cli.passphrase.recovery_dropped"))?;
    }
    Ok(())
}

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
        (Some(file), Some(path)) => write_secret_file(file, path, text.expose_secret())
            .with_context(|| t!("cli.recovery.cannot_write", file = safe(&path.display().to_string()))),
        _ if global.json => output::json_line(&json!({ "recovery_key": text.expose_secret() })),
        _ => {
            eprintln!("{}", t!("cli.recovery.shown_once"));
            output::line(text.expose_secret())
        }
    };
    if let Err(e) = shown {
        // Nobody has the key: its slot goes, and the old key stays the vault's recovery key.
        vault.abandon_recovery_key(new)?;
        return Err(e);
    }
    if let Err(e) = vault.confirm_recovery_key(&new) {
        eprintln!("{}", t!("cli.recovery.old_not_retired"));
        return Err(e.into());
    }
    if global.json {
        if let Some(path) = output_file {
            output::json_line(&json!({ "recovery_key_file": path }))?;
        }
    } else {
        eprintln!("{}", t!("cli.recovery.old_retired"));
    }
    Ok(())
}

/// Creates a new file (never over an existing one) readable only by its owner.
fn new_private_file(path: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).with_context(|| t!("cli.file.cannot_create", file = safe(&path.display().to_string())))
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
