//! `custodia report`: the custody report of an item, an interview, an incident or the whole vault, as HTML
//! or PDF (by the output's extension), in the user's language. Making it is a custody event that keeps the
//! file's SHA-256; an existing output is never replaced.

use crate::args::{Global, PaperArg, ReportArgs};
use crate::checkpoints::write_new_bytes;
use crate::commands;
use crate::exit::Exit;
use crate::output::{self, safe};
use crate::{t, tn};
use anyhow::{bail, Result};
use custodia_core::report::ReportScope;
use custodia_report::Paper;
use serde_json::json;

pub fn run(global: &Global, args: &ReportArgs) -> Result<Exit> {
    let shown = safe(&args.output.display().to_string());
    let extension = args.output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let format = match extension.as_deref() {
        Some("pdf") => "pdf",
        Some("html" | "htm") => "html",
        _ => bail!("{}", t!("cli.report.which_format", file = shown)),
    };
    if std::fs::symlink_metadata(&args.output).is_ok() {
        bail!("{}", t!("cli.file.exists", file = shown));
    }
    let scope = match (&args.item, &args.interview, &args.incident) {
        (Some(id), _, _) => ReportScope::Item(id.trim().to_string()),
        (_, Some(id), _) => ReportScope::Interview(id.trim().to_string()),
        (_, _, Some(id)) => ReportScope::Incident(id.trim().to_string()),
        _ => ReportScope::All,
    };
    let mut vault = commands::open(global)?;
    let written = (|| -> Result<_> {
        let data = vault.report(&scope)?;
        let lang = crate::lang::current();
        let bytes = match format {
            "pdf" => custodia_report::pdf(&data, lang, paper(args.paper)).map_err(anyhow::Error::msg)?,
            _ => custodia_report::html(&data, lang).into_bytes(),
        };
        write_new_bytes(&args.output, &bytes)?;
        let name = args.output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // A report the custody log does not know of is not left behind.
        let sha256 = match vault.record_report(&data, &name, format, &bytes) {
            Ok(sha256) => sha256,
            Err(e) => {
                let _ = std::fs::remove_file(&args.output);
                return Err(e.into());
            }
        };
        Ok((data, sha256))
    })();
    vault.close()?;
    let (data, sha256) = written?;
    let events = data.all_events().count();
    if global.json {
        output::json_line(&json!({
            "report": args.output, "format": format, "sha256": sha256, "items": data.items.len(),
            "events": events, "ok": data.ok(), "problems": data.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        }))?;
    } else {
        output::line(&tn!("cli.report.written", events, file = shown, sha256 = sha256, items = data.items.len()))?;
        if !data.ok() {
            output::line(&tn!("cli.report.problems", data.problems.len()))?;
        }
    }
    Ok(Exit::checked(data.ok()))
}

fn paper(arg: PaperArg) -> Paper {
    match arg {
        PaperArg::A4 => Paper::A4,
        PaperArg::Letter => Paper::Letter,
    }
}
