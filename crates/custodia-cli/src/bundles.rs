//! The bundle commands: `export` (sending side, in a vault), `bundle verify` and `bundle open` (receiving
//! side, no vault needed), `keygen`, `import`, `recipients` and `signer`.

use crate::bundle_args::{BundleCommand, ExportArgs, OpenWith, RecipientsCommand};
use crate::commands;
use crate::exit::Exit;
use crate::findings::word;
use crate::lang;
use crate::output::{self, safe, safe_lines};
use crate::progress::{self, bar, Interrupted};
use crate::{args::Global, context, t, tn};
use anyhow::{bail, Context, Result};
use custodia_core::bundle::signature::SignerInfo;
use custodia_core::bundle::{self, keys, BundleCheck, BundleReport, CheckStatus, RecipientInput};
use custodia_core::{
    ErrorCode, ExportPlan, ExportProgress, ExportRequest, ExportSelection, Flow, Limits, Protection, ReadProgress,
    RecipientKind, SecretString, Unlocker,
};
use secrecy::ExposeSecret;
use serde_json::json;
use std::path::Path;

fn ask(label: &str) -> Result<SecretString> {
    let text = rpassword::prompt_password(label).with_context(|| t!("cli.bundle.no_terminal"))?;
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
        return Ok(Unlocker::Passphrase(ask(&t!("cli.bundle.prompt_passphrase"))?));
    }
    bail!("{}", t!("cli.bundle.how_to_open"))
}

/// The exit code for an error of the receiving side: a bundle that is damaged or hostile failed
/// verification (`Problems`); anything else (wrong key, missing file) is an ordinary error (`Failed`).
fn receiving_error(global: &Global, err: custodia_core::Error) -> Result<Exit> {
    if let custodia_core::Error::Bundle(custodia_core::BundleError::NotVerified { report, .. }) = &err {
        print_report(global, report)?;
        print_error(&err);
        return Ok(Exit::Problems);
    }
    if err.code() == ErrorCode::Cancelled {
        return Err(Interrupted.into());
    }
    print_error(&err);
    Ok(match err.code() {
        ErrorCode::BundleDamaged
        | ErrorCode::BundleUnsafe
        | ErrorCode::BundleTooMuchWork
        | ErrorCode::BundleMalformed => Exit::Problems,
        _ => Exit::Failed,
    })
}

/// An error that does not end the command as an error (its exit code says more); it may quote the bundle
/// (an entry's name, its bag's folder).
fn print_error(err: &custodia_core::Error) {
    eprintln!("{}", lang::error_text(lang::current(), err.code().as_str(), &safe_lines(&err.to_string())));
}

/// A recipient kind in the user's words.
fn recipient_kind(kind: RecipientKind) -> String {
    word("recipient", kind.as_str()).unwrap_or_else(|| kind.label().to_string())
}

pub fn export(global: &Global, args: &ExportArgs) -> Result<Exit> {
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
        return Ok(if plan.allowed() { Exit::Ok } else { Exit::HarmStopped });
    }
    let strength = crate::args::strength_policy(args.allow_weak_passphrase);
    let protection = if let Some(path) = &args.bundle_passphrase_file {
        Protection::Passphrase(context::new_passphrase(Some(path))?, strength)
    } else if args.bundle_passphrase {
        let first = ask(&t!("cli.export.prompt_passphrase"))?;
        let second = ask(&t!("cli.prompt.repeat"))?;
        if first.expose_secret() != second.expose_secret() {
            bail!("{}", t!("cli.export.passphrases_differ"));
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
    let progress = bar(0, &t!("cli.progress.exporting"));
    progress::catch_interrupt();
    let result = vault.export(&request, &mut |p: ExportProgress| progress::advance(&progress, p.done, p.total));
    progress.finish_and_clear();
    commands::close_after(vault, result.is_ok())?;
    let exported = match result {
        Ok(exported) => exported,
        Err(e) if e.code() == ErrorCode::Cancelled => return Err(Interrupted.into()),
        Err(e) if e.code() == ErrorCode::ExportRefused => {
            print_error(&e);
            return Ok(Exit::HarmStopped);
        }
        Err(e) => return Err(e.into()),
    };
    if global.json {
        output::json_line(&exported)?;
        return Ok(Exit::Ok);
    }
    let plan = &exported.plan;
    output::line(&t!(
        "cli.export.written",
        id = exported.bundle_id,
        file = safe(&exported.path.display().to_string())
    ))?;
    let contents = [
        tn!("cli.count.items", plan.items.len()),
        tn!("cli.count.interviews", plan.interviews.len()),
        tn!("cli.count.persons_named", plan.persons.len(), named = plan.persons.iter().filter(|p| p.identity).count()),
        tn!("cli.count.incidents", plan.incidents.len()),
    ];
    let mut rows = vec![
        ("SHA-256".to_string(), format!("{} ({})", exported.sha256, output::size(exported.size))),
        (t!("cli.export.contents"), format!("{}; Payload-Oxum {}", contents.join(", "), exported.payload_oxum)),
        (t!("cli.export.for"), recipient_kind(plan.recipient_kind)),
    ];
    if exported.recipients.is_empty() {
        rows.push((t!("cli.export.sealed"), t!("cli.export.sealed_passphrase")));
    }
    for r in &exported.recipients {
        let to = format!("{} {} {}", safe(&r.name), safe(&r.organisation), r.public_key);
        rows.push((t!("cli.export.sealed"), t!("cli.export.sealed_to", recipient = to)));
    }
    rows.extend(signer_rows(&exported.signer));
    output::table(rows.iter().map(|(l, v)| (l.as_str(), v.as_str())), "  ")?;
    eprintln!("{}", t!("cli.export.read_words"));
    Ok(Exit::Ok)
}

/// The signer's name comes from the bundle, and is shown as outside text; the fingerprint, its words and
/// its numbers are computed here from the key.
fn signer_rows(signer: &SignerInfo) -> [(String, String); 4] {
    [
        (t!("cli.signer.name"), safe(&signer.name)),
        (t!("cli.signer.fingerprint"), signer.fingerprint.hex.clone()),
        (t!("cli.signer.words"), signer.fingerprint.words.clone()),
        (t!("cli.signer.numbers"), signer.fingerprint.numbers.clone()),
    ]
}

fn print_plan(global: &Global, plan: &ExportPlan) -> Result<()> {
    if global.json {
        return output::json_line(plan);
    }
    output::line(&t!("cli.plan.title", recipient = recipient_kind(plan.recipient_kind)))?;
    let mut rows = Vec::new();
    for item in &plan.items {
        let why = safe(&item.reasons.join(", "));
        rows.push((
            t!("cli.plan.item"),
            format!("{}  {}  {}  ({why})", item.id, output::size(item.size), safe(&item.name)),
        ));
    }
    for id in &plan.interviews {
        rows.push((t!("cli.plan.interview"), id.clone()));
    }
    for person in &plan.persons {
        let how = if person.identity { t!("cli.plan.named") } else { t!("cli.plan.pseudonymised") };
        rows.push((t!("cli.plan.person"), format!("{}  {how}", person.id)));
    }
    for id in &plan.incidents {
        rows.push((t!("cli.plan.incident"), id.clone()));
    }
    output::table(rows.iter().map(|(l, v)| (l.as_str(), v.as_str())), "  ")?;
    for refusal in &plan.refusals {
        output::line(&t!("cli.plan.refused", reason = safe(&refusal.message)))?;
    }
    output::line(&if plan.allowed() { t!("cli.plan.allowed") } else { t!("cli.plan.not_allowed") })
}

fn mark(status: &CheckStatus) -> String {
    match (status.ok, status.checked) {
        (true, true) => t!("cli.check.ok"),
        (true, false) => "-".to_string(),
        (false, true) => t!("cli.check.failed"),
        (false, false) => t!("cli.check.skipped"),
    }
}

/// A bundle check's name in the user's words (the app's), by its code.
fn check_name(check: BundleCheck) -> String {
    let code = serde_json::to_value(check).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    word("check", &code).unwrap_or_else(|| check.label().to_string())
}

fn print_report(global: &Global, report: &BundleReport) -> Result<()> {
    if global.json {
        return output::json_line(report);
    }
    let mut rows = vec![
        (t!("cli.report.bag"), safe(&report.bag)),
        ("SHA-256".to_string(), format!("{} ({})", report.bundle_sha256, output::size(report.bundle_size))),
    ];
    // The bag's own labels (BagIt's vocabulary, as the file writes them), with what the bundle says.
    for label in ["External-Identifier", "Source-Organization", "Contact-Name", "Bagging-Date", "External-Description"]
    {
        if let Some(value) = report.bag_info(label) {
            rows.push((label.to_string(), safe(value)));
        }
    }
    if let Some(signer) = &report.signer {
        rows.extend(signer_rows(signer));
    }
    if let Some(cp) = &report.checkpoint {
        let of = tn!("cli.report.checkpoint_of", cp.size, origin = safe(&cp.origin), root = safe(&cp.root));
        rows.push((t!("cli.report.checkpoint"), of));
    }
    for earlier in &report.earlier {
        let witnesses = safe(&earlier.cosigners.join(", "));
        let what = match &earlier.bundle {
            Some(bundle) => tn!("cli.report.earlier_sent", earlier.size, bundle = safe(bundle)),
            None => tn!("cli.report.earlier_cosigned", earlier.size, witnesses = witnesses),
        };
        rows.push((t!("cli.report.earlier"), what));
    }
    output::table(rows.iter().map(|(l, v)| (l.as_str(), v.as_str())), "")?;
    let checks: Vec<(String, String)> = report
        .checks
        .iter()
        .map(|status| (mark(status), format!("{}: {}", check_name(status.check), safe(&status.summary))))
        .collect();
    output::table(checks.iter().map(|(l, v)| (l.as_str(), v.as_str())), "")?;
    for item in &report.items {
        let verdict = if item.ok { t!("cli.check.ok") } else { t!("cli.check.failed") };
        output::line(&format!("  {verdict}  {}  {}  {}", safe(&item.id), item.sha256, safe(&item.path)))?;
    }
    for problem in &report.problems {
        output::line(&t!("cli.problem", problem = safe(&problem.to_string())))?;
    }
    let verdict = if report.ok { t!("cli.report.holds") } else { t!("cli.verify.failed") };
    output::line(&t!(
        "cli.report.summary",
        verdict = verdict,
        files = tn!("cli.count.payload_files", report.payload_files),
        events = tn!("cli.count.events", report.events),
        problems = tn!("cli.count.problems", report.problems.len())
    ))
}

/// Runs a receiving-side job with a progress bar over the encrypted file.
fn with_progress<T>(file: &Path, job: impl FnOnce(&mut dyn FnMut(ReadProgress) -> Flow) -> T) -> T {
    let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let progress = bar(len, &t!("cli.progress.checking"));
    progress::catch_interrupt();
    let result = job(&mut |p: ReadProgress| {
        progress.set_position(p.done);
        progress::flow()
    });
    progress.finish_and_clear();
    result
}

pub fn bundle(global: &Global, command: &BundleCommand) -> Result<Exit> {
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
                eprintln!("{}", t!("cli.bundle.no_signer_given"));
            }
            Ok(Exit::checked(report.ok))
        }
        BundleCommand::Report { file, with, output, paper } => {
            let unlocker = unlocker(with)?;
            let target = crate::reports::Target::new(output, *paper)?;
            let limits = Limits::default();
            let result = with_progress(file, |progress| {
                custodia_core::report::report_bundle(file, &unlocker, with.signer.as_deref(), &limits, progress)
            });
            match result {
                Ok(data) => crate::reports::write_received(global, &target, &data),
                Err(e) => receiving_error(global, e.into()),
            }
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
                output::line(&t!("cli.bundle.opened", folder = safe(&opened.bag.display().to_string())))?;
            }
            Ok(Exit::Ok)
        }
    }
}

pub fn import(global: &Global, file: &Path, with: &OpenWith) -> Result<Exit> {
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
        return Ok(Exit::Ok);
    }
    for (item, original) in imported.items.iter().zip(&imported.original_ids) {
        let was = t!("cli.import.was", id = safe(original));
        output::line(&format!("{}  {}  {}  ({was})", item.id, item.sha256, safe(&item.name)))?;
    }
    eprintln!(
        "{}",
        tn!(
            "cli.import.done",
            imported.items.len(),
            bundle = safe(imported.report.bag_info("External-Identifier").unwrap_or(&imported.report.bag)),
            sha256 = imported.report.bundle_sha256
        )
    );
    if !imported.signer_verified {
        let words = imported.report.signer.as_ref().map(|s| safe(&s.fingerprint.words)).unwrap_or_else(|| "?".into());
        eprintln!("{}", t!("cli.import.signer_not_confirmed"));
        eprintln!("  {words}");
        eprintln!("{}", t!("cli.import.how_to_confirm"));
    }
    Ok(Exit::Ok)
}

pub fn keygen(global: &Global, path: Option<&Path>) -> Result<()> {
    let made = keys::generate_identity(path.unwrap_or(Path::new("custodia-identity.txt")))?;
    if global.json {
        return output::json_line(&json!({
            "identity": made.path, "public_key": made.public_key,
            "fingerprint": made.fingerprint.hex, "words": made.fingerprint.words,
            "numbers": made.fingerprint.numbers,
        }));
    }
    output::line(&made.public_key)?;
    eprintln!("{}", t!("cli.keygen.written", file = safe(&made.path.display().to_string())));
    eprintln!("{}", t!("cli.keygen.give_key"));
    eprintln!("  {}", made.fingerprint.words);
    eprintln!("  {}", made.fingerprint.numbers);
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
                recipient_kind(r.kind),
                safe(&r.name),
                safe(&r.organisation),
                r.public_key
            ))?;
            output::line(&format!("        {}", t!("cli.recipients.words", words = r.fingerprint.words)))?;
            output::line(&format!("        {}", t!("cli.recipients.numbers", numbers = r.fingerprint.numbers)))?;
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
    let mut rows = signer_rows(&info).to_vec();
    rows.push((t!("cli.signer.verifier_key"), info.verifier_key.clone()));
    output::table(rows.iter().map(|(l, v)| (l.as_str(), v.as_str())), "  ")
}
