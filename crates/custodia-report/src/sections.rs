//! What a report shows, in order, as blocks of text that both renderings lay out: the same words and the
//! same order in HTML and PDF, one definition.

use crate::visible;
use crate::words::Words;
use custodia_core::report::{
    CoveringCheckpoint, ReceivedBundle, ReportData, ReportEvent, ReportItem, ReportProblem, ReportScope,
};
use custodia_core::CheckpointReason;

/// One block of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    Title(String),
    Heading(String),
    Subheading(String),
    Para(String),
    /// A sentence that needs attention (a problem, a check that does not hold).
    Alert(String),
    Field {
        label: String,
        value: String,
        mono: bool,
    },
    /// Text kept exactly, line by line, in a fixed-width font (the signed note, keys).
    Mono(String),
    /// The column names of the events that follow.
    EventHeader([String; 7]),
    Event {
        cells: [String; 5],
        hash: String,
        proof: String,
        ok: bool,
    },
}

/// The report as blocks, in `words`' language. Everything from the vault passes through `visible`.
pub(crate) fn blocks(data: &ReportData, w: &Words) -> Vec<Block> {
    let mut out = vec![Block::Title(w.t("report.title", &[])), Block::Subheading(scope(&data.scope, w))];
    let received = data.received.as_ref();
    out.push(Block::Para(w.t(
        if received.is_some() { "report.received.made" } else { "report.made" },
        &[
            ("time", &data.made_at),
            ("actor", &visible(&data.made_by)),
            ("device", &visible(&data.device)),
            ("vault", &data.vault_id),
        ],
    )));
    let verdict = if received.is_some() { "report.received.verdict" } else { "report.verdict" };
    out.push(if data.ok() {
        Block::Para(w.t(&format!("{verdict}_ok"), &[]))
    } else {
        Block::Alert(w.t(&format!("{verdict}_failed"), &[]))
    });
    if let Some(bundle) = received {
        received_blocks(bundle, w, &mut out);
    }
    out.push(Block::Para(w.t("report.persons", &[])));
    out.push(Block::Heading(w.t("report.items", &[])));
    if data.items.is_empty() {
        out.push(Block::Para(w.t("report.no_items", &[])));
    }
    for item in &data.items {
        item_blocks(item, w, &mut out);
    }
    if !data.records.is_empty() {
        out.push(Block::Heading(w.t("report.records", &[])));
        for record in &data.records {
            let title = match (record.kind, &record.person) {
                ("interview", Some(person)) => {
                    w.t("report.record.interview", &[("id", &record.id), ("person", &visible(person))])
                }
                ("interview", None) => w.t("report.record.interview_code", &[("id", &record.id)]),
                _ => w.t("report.record.incident", &[("id", &record.id)]),
            };
            out.push(Block::Subheading(title));
            events(&record.events, w, &mut out);
        }
    }
    checkpoint_blocks(data, w, &mut out);
    if !data.problems.is_empty() {
        out.push(Block::Heading(w.t("report.problems", &[])));
        out.extend(data.problems.iter().map(|p| Block::Alert(problem(p, w))));
    }
    out.push(Block::Heading(w.t("report.how", &[])));
    let recorded = if received.is_some() { "report.received.not_recorded" } else { "report.recorded" };
    for key in ["report.how.sha256", "report.how.bundle", "report.how.checkpoint", recorded] {
        out.push(Block::Para(w.t(key, &[])));
    }
    out
}

/// A received bundle: the file, its signer and every check `bundle verify` runs, in the user's words.
fn received_blocks(bundle: &ReceivedBundle, w: &Words, out: &mut Vec<Block>) {
    out.push(Block::Heading(w.t("report.received", &[])));
    let field = |key: &str, value: String, mono: bool| Block::Field { label: w.t(key, &[]), value, mono };
    out.push(field("report.received.file", visible(&bundle.file_name), false));
    out.push(field("report.field.sha256", bundle.sha256.clone(), true));
    out.push(field("report.field.size", bundle.size.to_string(), false));
    if let Some(signer) = &bundle.signer {
        out.push(field("report.received.signer", visible(&signer.name), false));
        out.push(field("report.received.fingerprint", signer.fingerprint.hex.clone(), true));
        out.push(field("report.received.words", signer.fingerprint.words.clone(), false));
    }
    for status in &bundle.checks {
        let code = status.check.as_str();
        let args = [("check", w.t(&format!("check.{code}"), &[])), ("about", w.t(&format!("check.{code}.about"), &[]))];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        out.push(match (status.ok, status.checked) {
            (true, true) => Block::Para(w.t("report.received.check_ok", &args)),
            (false, true) => Block::Alert(w.t("report.received.check_failed", &args)),
            (_, false) => Block::Para(w.t("report.received.check_skipped", &args)),
        });
    }
    for earlier in &bundle.earlier {
        let from = visible(earlier.bundle.as_deref().unwrap_or("-"));
        out.push(Block::Para(w.t(
            "report.received.earlier",
            &[("size", &earlier.size.to_string()), ("root", &earlier.root), ("bundle", &from)],
        )));
    }
}

/// A problem in the user's words: a bundle's from `bundles.json` with its fields (made visible), a vault's
/// as the core words it.
fn problem(p: &ReportProblem, w: &Words) -> String {
    let ReportProblem::Bundle(bundle) = p else { return visible(&p.to_string()) };
    let value = serde_json::to_value(bundle).unwrap_or_default();
    let key = format!("bundleProblem.{}", value["problem"].as_str().unwrap_or(""));
    let Some(fields) = value.as_object().filter(|_| w.has(&key)) else { return visible(&p.to_string()) };
    let args: Vec<(&str, String)> = fields
        .iter()
        .filter(|(name, _)| name.as_str() != "problem")
        .map(|(name, v)| (name.as_str(), visible(&v.as_str().map_or_else(|| v.to_string(), str::to_string))))
        .collect();
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    w.t(&key, &args)
}

fn scope(scope: &ReportScope, w: &Words) -> String {
    match scope {
        ReportScope::Item(id) => w.t("report.scope.item", &[("id", id)]),
        ReportScope::Interview(id) => w.t("report.scope.interview", &[("id", id)]),
        ReportScope::Incident(id) => w.t("report.scope.incident", &[("id", id)]),
        ReportScope::All => w.t("report.scope.all", &[]),
        ReportScope::Bundle(bag) => w.t("report.scope.bundle", &[("id", &visible(bag))]),
    }
}

fn item_blocks(item: &ReportItem, w: &Words, out: &mut Vec<Block>) {
    out.push(Block::Subheading(format!("{}  {}", item.id, visible(&item.name))));
    let field = |key: &str, value: String, mono: bool| Block::Field { label: w.t(key, &[]), value, mono };
    out.push(field("report.field.name", visible(&item.name), false));
    out.push(field("report.field.size", item.size.to_string(), false));
    out.push(field("report.field.media", visible(&item.media_type), false));
    out.push(field("report.field.sha256", item.sha256.clone(), true));
    out.push(field("report.field.added", item.added_at.clone(), false));
    out.push(field("report.field.by", visible(&item.added_by), false));
    out.push(field("report.field.device", visible(&item.device), false));
    if !item.source.is_empty() {
        out.push(field("report.field.source", visible(&item.source), false));
    }
    events(&item.events, w, out);
}

fn events(events: &[ReportEvent], w: &Words, out: &mut Vec<Block>) {
    out.push(Block::EventHeader(
        ["seq", "time", "actor", "device", "action", "hash", "proof"].map(|k| w.t(&format!("report.event.{k}"), &[])),
    ));
    for e in events {
        let cells = [e.seq.to_string(), e.time.clone(), visible(&e.actor), visible(&e.device), w.action(&e.action)];
        let proof = if e.proven { w.t("report.event.proven", &[]) } else { w.t("report.event.not_proven", &[]) };
        out.push(Block::Event { cells, hash: e.hash.clone(), proof, ok: e.proven });
    }
}

fn checkpoint_blocks(data: &ReportData, w: &Words, out: &mut Vec<Block>) {
    let cp = &data.checkpoint;
    out.push(Block::Heading(w.t("report.checkpoint", &[])));
    out.push(Block::Para(w.t("report.checkpoint.text", &[("size", &cp.size.to_string()), ("root", &cp.root)])));
    out.push(Block::Mono(cp.note.clone()));
    out.push(Block::Field { label: w.t("report.checkpoint.key", &[]), value: cp.verifier_key.clone(), mono: true });
    out.push(Block::Heading(w.t("report.covering", &[])));
    for c in &data.covering {
        covering(c, w, out);
    }
}

fn covering(c: &CoveringCheckpoint, w: &Words, out: &mut Vec<Block>) {
    let when = if c.reason == CheckpointReason::Export {
        w.t("report.covering.export", &[])
    } else {
        w.t("report.covering.close", &[])
    };
    let row = w.t("report.covering.row", &[("size", &c.size.to_string()), ("time", &c.made_at)]);
    out.push(Block::Subheading(format!("{row} ({when})")));
    out.push(Block::Mono(c.root.clone()));
    if c.witnesses.is_empty() && c.timestamps.is_empty() {
        out.push(Block::Para(w.t("report.covering.none", &[])));
    }
    for (witness, at) in &c.witnesses {
        let time = chrono::DateTime::from_timestamp(*at as i64, 0).map(|t| t.to_rfc3339()).unwrap_or_default();
        out.push(Block::Para(w.t("report.covering.witness", &[("witness", &visible(witness)), ("time", &time)])));
    }
    for (tsa, time) in &c.timestamps {
        out.push(Block::Para(w.t("report.covering.timestamp", &[("tsa", &visible(tsa)), ("time", &visible(time))])));
    }
}
