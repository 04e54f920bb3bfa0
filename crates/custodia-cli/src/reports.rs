//! `custodia report`: the custody report of an item, an interview, an incident or the whole vault, as HTML
//! or PDF (by the output's extension), in the user's language. Making it is a custody event that keeps the
//! file's SHA-256; an existing output is never replaced. `bundle report` writes a received bundle's report
//! the same way, with no vault to record it.

use crate::args::{Global, PaperArg, ReportArgs};
use crate::checkpoints::write_new_bytes;
use crate::commands;
use crate::exit::Exit;
use crate::output::{self, safe};
use crate::{t, tn};
use anyhow::{bail, Result};
use custodia_core::report::{ReportData, ReportScope};
use custodia_report::Paper;
use serde_json::json;
use std::path::Path;

/// Where a report goes: a new file whose extension says the format.
pub struct Target<'a> {
    path: &'a Path,
    shown: String,
    format: &'static str,
    paper: PaperArg,
}

impl<'a> Target<'a> {
    /// Refuses an output of another format than PDF or HTML, or one that exists, before any work.
    pub fn new(path: &'a Path, paper: PaperArg) -> Result<Target<'a>> {
        let shown = safe(&path.display().to_string());
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let format = match extension.as_deref() {
            Some("pdf") => "pdf",
            Some("html" | "htm") => "html",
            _ => bail!("{}", t!("cli.report.which_format", file = shown)),
        };
        if std::fs::symlink_metadata(path).is_ok() {
            bail!("{}", t!("cli.file.exists", file = shown));
        }
        Ok(Target { path, shown, format, paper })
    }

    /// `data` rendered in the user's language.
    fn render(&self, data: &ReportData) -> Result<Vec<u8>> {
        let lang = crate::lang::current();
        Ok(match self.format {
            "pdf" => custodia_report::pdf(data, lang, paper(self.paper)).map_err(anyhow::Error::msg)?,
            _ => custodia_report::html(data, lang).into_bytes(),
        })
    }
}

pub fn run(global: &Global, args: &ReportArgs) -> Result<Exit> {
    let target = Target::new(&args.output, args.paper)?;
    let scope = match (&args.item, &args.interview, &args.incident) {
        (Some(id), _, _) => ReportScope::Item(id.trim().to_string()),
        (_, Some(id), _) => ReportScope::Interview(id.trim().to_string()),
        (_, _, Some(id)) => ReportScope::Incident(id.trim().to_string()),
        _ => ReportScope::All,
    };
    let mut vault = commands::open(global)?;
    let written = (|| -> Result<_> {
        let data = vault.report(&scope)?;
        let bytes = target.render(&data)?;
        // Written as a new file and recorded; a report the custody log does not know of is not left behind.
        let sha256 = vault.save_report(&data, target.path, target.format, &bytes)?;
        Ok((data, sha256))
    })();
    vault.close()?;
    let (data, sha256) = written?;
    print_written(global, &target, &data, &sha256, t!("cli.report.recorded"))
}

/// `bundle report`: no vault records it, so its SHA-256 is printed for the user to keep.
pub fn write_received(global: &Global, target: &Target, data: &ReportData) -> Result<Exit> {
    let bytes = target.render(data)?;
    write_new_bytes(target.path, &bytes)?;
    let sha256 = custodia_core::report::file_sha256(&bytes);
    print_written(global, target, data, &sha256, t!("cli.report.not_recorded"))
}

/// What was written, then `kept` (whether a vault recorded it).
fn print_written(global: &Global, target: &Target, data: &ReportData, sha256: &str, kept: String) -> Result<Exit> {
    let events = data.all_events().count();
    if global.json {
        output::json_line(&json!({
            "report": target.path, "format": target.format, "sha256": sha256, "items": data.items.len(),
            "events": events, "ok": data.ok(), "problems": data.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        }))?;
    } else {
        let (file, items) = (&target.shown, data.items.len());
        output::line(&tn!("cli.report.written", events, file = file, sha256 = sha256, items = items))?;
        output::line(&kept)?;
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
