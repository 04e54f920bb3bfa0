//! What a report shows, in order, as blocks of text that both renderings lay out: the same words and the
//! same order in HTML and PDF, one definition.

use crate::visible;
use crate::words::Words;
use custodia_core::report::{CoveringCheckpoint, ReportData, ReportEvent, ReportItem, ReportScope};
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
    out.push(Block::Para(w.t(
        "report.made",
        &[
            ("time", &data.made_at),
            ("actor", &visible(&data.made_by)),
            ("device", &visible(&data.device)),
            ("vault", &data.vault_id),
        ],
    )));
    out.push(if data.ok() {
        Block::Para(w.t("report.verdict_ok", &[]))
    } else {
        Block::Alert(w.t("report.verdict_failed", &[]))
    });
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
            let title = match record.kind {
                "interview" => w.t(
                    "report.record.interview",
                    &[("id", &record.id), ("person", &visible(record.person.as_deref().unwrap_or("")))],
                ),
                _ => w.t("report.record.incident", &[("id", &record.id)]),
            };
            out.push(Block::Subheading(title));
            events(&record.events, w, &mut out);
        }
    }
    checkpoint_blocks(data, w, &mut out);
    if !data.problems.is_empty() {
        out.push(Block::Heading(w.t("report.problems", &[])));
        out.extend(data.problems.iter().map(|p| Block::Alert(visible(&p.to_string()))));
    }
    out.push(Block::Heading(w.t("report.how", &[])));
    for key in ["report.how.sha256", "report.how.bundle", "report.how.checkpoint", "report.recorded"] {
        out.push(Block::Para(w.t(key, &[])));
    }
    out
}

fn scope(scope: &ReportScope, w: &Words) -> String {
    match scope {
        ReportScope::Item(id) => w.t("report.scope.item", &[("id", id)]),
        ReportScope::Interview(id) => w.t("report.scope.interview", &[("id", id)]),
        ReportScope::Incident(id) => w.t("report.scope.incident", &[("id", id)]),
        ReportScope::All => w.t("report.scope.all", &[]),
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
