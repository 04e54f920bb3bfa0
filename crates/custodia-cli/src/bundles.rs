//! The bundle commands: `export` (sending side, in a vault), `bundle verify` and `bundle open` (receiving
//! side, no vault needed), `keygen`, `import`, `recipients` and `signer`.

use crate::bundle_args::{BundleCommand, ExportArgs, OpenWith, RecipientsCommand};
use crate::commands::{self, Interrupted, EXIT_VERIFY_FAILED};
use crate::output::{self, safe, safe_lines};
use crate::{args::Global, context};
use anyhow::{bail, Context, Result};
use custodia_core::bundle::signature::SignerInfo;
use custodia_core::bundle::{self, keys, BundleReport, CheckStatus, RecipientInput};
use custodia_core::ErrorCode;
use custodia_core::{
    ExportPlan, ExportProgress, ExportRequest, ExportSelection, Flow, Limits, Protection, ReadProgress, SecretString,
    Unlocker,
};
use indicatif::{ProgressBar, ProgressStyle};
use secrecy::ExposeSecret;
use serde_json::json;
use std::path::Path;

/// Exit code when a do-no-harm rule (here: consent) stopped the action.
const EXIT_HARM: i32 = 4;

fn bar(len: u64, label: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label.to_string());
    bar
}

fn ask(label: &str) -> Result<SecretString> {
    let text = rpassword::prompt_password(label)
        .context("cannot ask for the bundle's passphrase: no terminal; give --bundle-passphrase-file FILE")?;
    Ok(custodia_core::keys::secret_text::take_string(text))
}

/// How to open a bundle, from the options.
fn unlocker(with: &OpenWith) -> Result<Unlocker> {
    if let Some(path) = &with.identity {
        return Ok(keys::read_identity_file(path)?);
    }
    if let Some(path) = &with.bundle_passphrase_file {
        return Ok(Unlocker::Passphrase(context::new_passphrase(Some(path))?));
    }
    if with.bundle_passphrase {
        return Ok(Unlocker::Passphrase(ask("Bundle passphrase: ")?));
    }
    bail!("give --identity KEYFILE (your age key), or --bundle-passphrase-file FILE for a passphrase bundle")
}

/// The exit code for an error of the receiving side: a bundle that is damaged or hostile failed
/// verification (3); anything else (wrong key, missing file) is an ordinary error (1).
fn receiving_error(global: &Global, err: custodia_core::Error) -> Result<i32> {
    if let custodia_core::Error::Bundle(custodia_core::BundleError::NotVerified { report, .. }) = &err {
        print_report(global, report)?;
        eprintln!("error: {}", safe_lines(&err.to_string()));
        return Ok(EXIT_VERIFY_FAILED);
    }
    let code = err.code();
    // The error may quote the bundle (an entry's name, its bag's folder).
    eprintln!("error: {}", safe_lines(&err.to_string()));
    Ok(match code {
        ErrorCode::BundleDamaged
        | ErrorCode::BundleUnsafe
        | ErrorCode::BundleTooMuchWork
        | ErrorCode::BundleMalformed => EXIT_VERIFY_FAILED,
        ErrorCode::Cancelled => return Err(Interrupted.into()),
        _ => 1,
    })
}

pub fn export(global: &Global, args: &ExportArgs) -> Result<i32> {
    let mut vault = commands::open(global)?;
    let selection = ExportSelection {
        items: args.items.clone(),
        interviews: args.interviews.clone(),
        incident: args.incident.clone(),
        recipient_kind: args.recipient_kind.into(),
    };
    if args.dry_run {
        let plan = vault.plan_export(&selection);
        vault.close()?;
        let plan = plan?;
        print_plan(global, &plan)?;
        return Ok(if plan.allowed() { 0 } else { EXIT_HARM });
    }
    let strength = crate::args::strength_policy(args.allow_weak_passphrase);
    let protection = if let Some(path) = &args.bundle_passphrase_file {
        Protection::Passphrase(context::new_passphrase(Some(path))?, strength)
    } else if args.bundle_passphrase {
        let first = ask("Bundle passphrase (tell it to the recipient by another channel): ")?;
        let second = ask("Repeat it: ")?;
        if first.expose_secret() != second.expose_secret() {
            bail!("the two passphrases differ; nothing was exported");
        }
        Protection::Passphrase(first, strength)
    } else {
        let mut list = args.recipients.clone();
        if let Some(path) = &args.recipients_file {
            list.extend(keys::read_recipients_file(path)?.iter().map(|r| r.to_string()));
        }
        Protection::Recipients(list)
    };
    let request = ExportRequest {
        selection,
        protection,
        output: args.output.clone(),
        description: args.description.clone(),
        organisation: args.organisation.clone(),
        contact_name: args.contact_name.clone(),
    };
    let progress = bar(0, "exporting");
    commands::catch_interrupt();
    let result = vault.export(&request, &mut |p: ExportProgress| {
        progress.set_length(p.total);
        progress.set_position(p.done);
        commands::flow()
    });
    progress.finish_and_clear();
    commands::close_after(vault, result.is_ok())?;
    let exported = match result {
        Ok(exported) => exported,
        Err(e) if e.code() == ErrorCode::Cancelled => return Err(Interrupted.into()),
        Err(e) if e.code() == ErrorCode::ExportRefused => {
            eprintln!("error: {}", safe_lines(&e.to_string()));
            return Ok(EXIT_HARM);
        }
        Err(e) => return Err(e.into()),
    };
    if global.json {
        output::json_line(&exported)?;
        return Ok(0);
    }
    let plan = &exported.plan;
    output::line(&format!("Exported {} to {}", exported.bundle_id, safe(&exported.path.display().to_string())))?;
    output::line(&format!("  SHA-256   {} ({})", exported.sha256, output::size(exported.size)))?;
    output::line(&format!(
        "  Contents  {} item(s), {} interview(s), {} person(s) ({} named), {} incident(s); Payload-Oxum {}",
        plan.items.len(),
        plan.interviews.len(),
        plan.persons.len(),
        plan.persons.iter().filter(|p| p.identity).count(),
        plan.incidents.len(),
        exported.payload_oxum
    ))?;
    output::line(&format!("  For       {}", plan.recipient_kind.label()))?;
    if exported.recipients.is_empty() {
        output::line("  Sealed    with a passphrase: give it to the recipient by another channel than the bundle")?;
    }
    for r in &exported.recipients {
        output::line(&format!("  Sealed to {} {} {}", safe(&r.name), safe(&r.organisation), r.public_key))?;
    }
    print_signer(&exported.signer)?;
    eprintln!("Read the signer's words to the recipient, so that they can check the bundle with --signer.");
    Ok(0)
}

/// The signer's name comes from the bundle, and is shown as outside text; the fingerprint and its words
/// are computed here from the key.
fn print_signer(signer: &SignerInfo) -> Result<()> {
    output::line(&format!("  Signer    {}", safe(&signer.name)))?;
    output::line(&format!("  Fingerprint {}", signer.fingerprint.hex))?;
    output::line(&format!("  Words     {}", signer.fingerprint.words))
}

fn print_plan(global: &Global, plan: &ExportPlan) -> Result<()> {
    if global.json {
        return output::json_line(plan);
    }
    output::line(&format!("Export plan for {}:", plan.recipient_kind.label()))?;
    for item in &plan.items {
        output::line(&format!(
            "  item      {}  {}  {}  ({})",
            item.id,
            output::size(item.size),
            safe(&item.name),
            safe(&item.reasons.join(", "))
        ))?;
    }
    for id in &plan.interviews {
        output::line(&format!("  interview {id}"))?;
    }
    for person in &plan.persons {
        let how = if person.identity { "named (consent allows identity)" } else { "pseudonymised" };
        output::line(&format!("  person    {}  {how}", person.id))?;
    }
    for id in &plan.incidents {
        output::line(&format!("  incident  {id}"))?;
    }
    for refusal in &plan.refusals {
        output::line(&format!("REFUSED: {}", safe(&refusal.message)))?;
    }
    let verdict = if plan.allowed() { "allowed" } else { "refused: nothing would be exported" };
    output::line(&format!("Consent check: {verdict}"))
}

fn mark(status: &CheckStatus) -> &'static str {
    match (status.ok, status.checked) {
        (true, true) => "ok",
        (true, false) => "-",
        (false, true) => "FAILED",
        (false, false) => "skipped",
    }
}

fn print_report(global: &Global, report: &BundleReport) -> Result<()> {
    if global.json {
        return output::json_line(report);
    }
    output::line(&format!("Bag       {}", safe(&report.bag)))?;
    output::line(&format!("SHA-256   {} ({})", report.bundle_sha256, output::size(report.bundle_size)))?;
    for label in ["External-Identifier", "Source-Organization", "Contact-Name", "Bagging-Date", "External-Description"]
    {
        if let Some(value) = report.bag_info(label) {
            output::line(&format!("{label}: {}", safe(value)))?;
        }
    }
    if let Some(signer) = &report.signer {
        print_signer(signer)?;
    }
    if let Some(cp) = &report.checkpoint {
        output::line(&format!("  Checkpoint {} events of {}, root {}", cp.size, safe(&cp.origin), safe(&cp.root)))?;
    }
    for status in &report.checks {
        output::line(&format!("{:<8} {}: {}", mark(status), status.check.label(), safe(&status.summary)))?;
    }
    for item in &report.items {
        let verdict = if item.ok { "ok" } else { "FAILED" };
        output::line(&format!("  {verdict:<6} {}  {}  {}", safe(&item.id), item.sha256, safe(&item.path)))?;
    }
    for problem in &report.problems {
        output::line(&format!("PROBLEM: {}", safe(&problem.to_string())))?;
    }
    let verdict = if report.ok { "OK: every check holds" } else { "FAILED" };
    output::line(&format!(
        "{verdict}: {} payload file(s), {} custody event(s), {} problem(s)",
        report.payload_files,
        report.events,
        report.problems.len()
    ))
}

/// Runs a receiving-side job with a progress bar over the encrypted file.
fn with_progress<T>(file: &Path, job: impl FnOnce(&mut dyn FnMut(ReadProgress) -> Flow) -> T) -> T {
    let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let progress = bar(len, "checking");
    commands::catch_interrupt();
    let result = job(&mut |p: ReadProgress| {
        progress.set_position(p.done);
        commands::flow()
    });
    progress.finish_and_clear();
    result
}

pub fn bundle(global: &Global, command: &BundleCommand) -> Result<i32> {
    match command {
        BundleCommand::Verify { file, with } => {
            let unlocker = unlocker(with)?;
            let limits = Limits::default();
            let result = with_progress(file, |progress| {
                bundle::verify_bundle(file, &unlocker, with.signer.as_deref(), &limits, progress)
            });
            let report = match result {
                Ok(report) => report,
                Err(e) => return receiving_error(global, e.into()),
            };
            print_report(global, &report)?;
            if !global.json && with.signer.is_none() {
                eprintln!("note: no --signer was given: confirm the signer's words above with the sender before relying on this bundle");
            }
            Ok(if report.ok { 0 } else { EXIT_VERIFY_FAILED })
        }
        BundleCommand::Open { file, with, output: dir } => {
            let unlocker = unlocker(with)?;
            let limits = Limits::default();
            let result = with_progress(file, |progress| {
                bundle::open_bundle(file, &unlocker, with.signer.as_deref(), dir, &limits, progress)
            });
            let opened = match result {
                Ok(opened) => opened,
                Err(e) => return receiving_error(global, e.into()),
            };
            if global.json {
                let mut value = serde_json::to_value(&opened.report)?;
                value["opened"] = json!(opened.bag);
                output::json_line(&value)?;
            } else {
                print_report(global, &opened.report)?;
                output::line(&format!("Opened into {}", safe(&opened.bag.display().to_string())))?;
            }
            Ok(0)
        }
    }
}

pub fn import(global: &Global, file: &Path, with: &OpenWith) -> Result<i32> {
    let unlocker = unlocker(with)?;
    let mut vault = commands::open(global)?;
    let limits = Limits::default();
    let result =
        with_progress(file, |progress| vault.import_bundle(file, &unlocker, with.signer.as_deref(), &limits, progress));
    commands::close_after(vault, result.is_ok())?;
    let imported = match result {
        Ok(imported) => imported,
        Err(e) => return receiving_error(global, e),
    };
    if global.json {
        for (item, original) in imported.items.iter().zip(&imported.original_ids) {
            output::json_line(&json!({
                "id": item.id, "original_id": original, "name": item.name, "sha256": item.sha256, "size": item.size,
                "bundle_sha256": imported.report.bundle_sha256,
                "signer_verified": imported.signer_verified,
                "signer_fingerprint": imported.report.signer.as_ref().map(|s| &s.fingerprint.hex),
            }))?;
        }
        return Ok(0);
    }
    for (item, original) in imported.items.iter().zip(&imported.original_ids) {
        output::line(&format!("{}  {}  {}  (was {})", item.id, item.sha256, safe(&item.name), safe(original)))?;
    }
    eprintln!(
        "Imported {} item(s) from bundle {} (SHA-256 {}); each is hash-checked and logged as received.",
        imported.items.len(),
        safe(imported.report.bag_info("External-Identifier").unwrap_or(&imported.report.bag)),
        imported.report.bundle_sha256
    );
    if !imported.signer_verified {
        let words = imported.report.signer.as_ref().map(|s| s.fingerprint.words.as_str()).unwrap_or("unknown");
        eprintln!("warning: the sender was NOT confirmed: the import is recorded as from an unverified signer, whose fingerprint words are:");
        eprintln!("  {}", safe(words));
        eprintln!("To confirm, ask the sender to read you their fingerprint words over the phone (not by message or email), then check this bundle again with `custodia bundle verify` and --signer \"WORDS\"; give --signer \"WORDS\" when you import next time.");
    }
    Ok(0)
}

pub fn keygen(global: &Global, path: &Path) -> Result<()> {
    let made = keys::generate_identity(path)?;
    if global.json {
        return output::json_line(&json!({
            "identity": made.path, "public_key": made.public_key,
            "fingerprint": made.fingerprint.hex, "words": made.fingerprint.words,
        }));
    }
    output::line(&made.public_key)?;
    eprintln!("Your new key is in {} (readable only by you). Keep it safe and backed up: without it, bundles sent to you cannot be opened.", safe(&made.path.display().to_string()));
    eprintln!("Give the public key above to senders. To confirm it by phone, read them these words:");
    eprintln!("  {}", made.fingerprint.words);
    Ok(())
}

pub fn recipients(global: &Global, command: &RecipientsCommand) -> Result<()> {
    let mut vault = commands::open(global)?;
    let result = match command {
        RecipientsCommand::Add { name, organisation, kind, key } => vault
            .add_recipient(&RecipientInput {
                name: name.clone(),
                organisation: organisation.clone(),
                kind: (*kind).into(),
                public_key: key.clone(),
            })
            .map(|r| vec![r]),
        RecipientsCommand::List => vault.recipients(),
    };
    vault.close()?;
    for r in result? {
        if global.json {
            output::json_line(&r)?;
        } else {
            output::line(&format!(
                "{}  {}  {}  {}  {}",
                r.id,
                r.kind.as_str(),
                safe(&r.name),
                safe(&r.organisation),
                r.public_key
            ))?;
            output::line(&format!("        words: {}", r.fingerprint.words))?;
        }
    }
    Ok(())
}

pub fn signer(global: &Global) -> Result<()> {
    let vault = commands::open(global)?;
    let key = vault.signing_public_key();
    let name = custodia_core::checkpoint::origin_for(vault.vault_id());
    vault.close()?;
    let info = SignerInfo::new(&name, &key?);
    if global.json {
        return output::json_line(&info);
    }
    print_signer(&info)?;
    output::line(&format!("  Verifier key {}", info.verifier_key))
}
