//! The operations the harness interrupts: for each, the fault points it passes (every one must be
//! reached), how to prepare a run, the command, and what must hold once the command said it was done.
//!
//! `passphrase change` and `recovery create` get their fault points in another branch; each becomes one
//! more entry here (`Operation { name: "passphrase", points: &["keyslots.write", ...], ... }`).

use crate::common::*;
use crate::fixture::Run;

pub struct Operation {
    pub name: &'static str,
    pub points: &'static [&'static str],
    /// Puts the run's vault into the state the operation starts from (beyond the shared template).
    pub prepare: fn(&Run),
    pub args: fn(&Run) -> Vec<String>,
    /// What the operation's success means, checked when it exited 0.
    pub done: fn(&Run) -> Result<(), String>,
}

const BLOB: [&str; 4] = ["blob.write", "blob.fsync", "blob.rename", "blob.dir_fsync"];
const ADD: &[&str] =
    &[BLOB[0], BLOB[1], BLOB[2], BLOB[3], "add.commit", "open.commit", "close.commit", "close.wal_checkpoint"];
const IMPORT: &[&str] = &[BLOB[0], BLOB[1], BLOB[2], BLOB[3], "import.commit"];
const EXPORT: &[&str] = &[
    "export.pending_commit",
    "export.write",
    "export.fsync",
    "export.commit",
    "export.rename",
    "export.dir_fsync",
    "export.forget_commit",
];
const EXTRACT: &[&str] = &["extract.write", "extract.fsync", "extract.commit", "extract.rename", "extract.dir_fsync"];

pub const OPERATIONS: &[Operation] = &[
    Operation { name: "add", points: ADD, prepare: nothing, args: add, done: added },
    Operation { name: "import", points: IMPORT, prepare: nothing, args: import, done: imported },
    Operation { name: "export", points: EXPORT, prepare: nothing, args: export, done: exported },
    Operation { name: "extract", points: EXTRACT, prepare: nothing, args: extract, done: extracted },
    Operation {
        name: "person import",
        points: &["person_import.commit"],
        prepare: nothing,
        args: person_import,
        done: persons_imported,
    },
    Operation { name: "interview add", points: &["interview.commit"], prepare: nothing, args: interview_add, done: ok },
    Operation {
        name: "interview edit",
        points: &["interview.edit_commit"],
        prepare: nothing,
        args: interview_edit,
        done: ok,
    },
    Operation {
        name: "interview complete",
        points: &["interview.complete_commit"],
        prepare: nothing,
        args: interview_complete,
        done: ok,
    },
    Operation { name: "consent record", points: &["consent.commit"], prepare: nothing, args: consent, done: ok },
    Operation {
        name: "reconcile staging leftovers",
        points: &["reconcile.move", "reconcile.dir_fsync"],
        prepare: staging_leftover,
        args: list,
        done: ok,
    },
    Operation {
        name: "reconcile a logged, unnamed export",
        points: &["reconcile.export_rename", "reconcile.export_commit"],
        prepare: export_stopped_before_its_name,
        args: list,
        done: ok,
    },
    Operation {
        name: "reconcile an unlogged export",
        points: &["reconcile.export_remove", "reconcile.export_commit"],
        prepare: export_stopped_while_written,
        args: list,
        done: ok,
    },
];

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn nothing(_: &Run) {}

fn ok(_: &Run) -> Result<(), String> {
    Ok(())
}

fn add(run: &Run) -> Vec<String> {
    strings(&["add", &run.arg("new.bin"), "--json"])
}

fn listed_sha256(run: &Run) -> Vec<String> {
    json_lines(&run.env.run(&["list", "--json"])).iter().map(|i| i["sha256"].as_str().unwrap_or("").into()).collect()
}

fn added(run: &Run) -> Result<(), String> {
    let sha = sha256_hex(&std::fs::read(run.path("new.bin")).map_err(|e| e.to_string())?);
    listed_sha256(run).contains(&sha).then_some(()).ok_or_else(|| format!("the added item {sha} is not listed"))
}

fn import(run: &Run) -> Vec<String> {
    strings(&["import", &run.arg("incoming.custodia.age"), "--identity", &run.arg("key.txt"), "--json"])
}

fn imported(run: &Run) -> Result<(), String> {
    let sha = sha256_hex(b"a witness statement received from a partner organisation");
    listed_sha256(run).contains(&sha).then_some(()).ok_or_else(|| "the imported item is not listed".into())
}

pub const BUNDLE: &str = "outbox/b.custodia.age";

fn export(run: &Run) -> Vec<String> {
    let to = run.arg(BUNDLE);
    strings(&[
        "export",
        "--recipient",
        &run.public_key,
        "--recipient-kind",
        "icc",
        "--output",
        &to,
        "--items",
        &run.item,
    ])
}

fn exported(run: &Run) -> Result<(), String> {
    run.path(BUNDLE).is_file().then_some(()).ok_or_else(|| "the acknowledged bundle is missing".into())
}

pub const EXTRACTED: &str = "extracted.bin";

fn extract(run: &Run) -> Vec<String> {
    strings(&["extract", &run.item, "--output", &run.arg(EXTRACTED)])
}

fn extracted(run: &Run) -> Result<(), String> {
    let bytes = std::fs::read(run.path(EXTRACTED)).map_err(|e| format!("the acknowledged copy is missing: {e}"))?;
    (bytes == b"evidence acknowledged before any fault").then_some(()).ok_or_else(|| "the copy differs".into())
}

fn person_import(run: &Run) -> Vec<String> {
    strings(&["person", "import", &run.arg("persons.csv")])
}

fn persons_imported(run: &Run) -> Result<(), String> {
    let persons = json_lines(&run.env.run(&["person", "list", "--json"]));
    (persons.len() == 2).then_some(()).ok_or_else(|| format!("{} person(s) listed, 2 expected", persons.len()))
}

fn interview_add(run: &Run) -> Vec<String> {
    let mut args = strings(&["interview", "add", "--person", &run.person, "--interviewer", "B. Mensah"]);
    args.extend(strings(&["--date", "2026-11-03", "--justification", "A second meeting the person asked for."]));
    args
}

fn interview_edit(run: &Run) -> Vec<String> {
    strings(&["interview", "edit", &run.interview, "--place", "Goma"])
}

fn interview_complete(run: &Run) -> Vec<String> {
    strings(&["interview", "complete", &run.interview])
}

fn consent(run: &Run) -> Vec<String> {
    let args = ["consent", "record", "--person", &run.person, "--status", "given", "--date", "2026-11-04"];
    let mut args = strings(&args);
    args.extend(strings(&["--method", "oral", "--scope", "icc"]));
    args
}

fn list(_: &Run) -> Vec<String> {
    strings(&["list"])
}

fn staging_leftover(run: &Run) {
    std::fs::write(run.env.vault.join("tmp").join("ingest-0123456789abcdef.age"), b"age-encryption.org/v1\n")
        .expect("leftover");
}

/// An export stopped after its events were committed and before its file was named.
fn export_stopped_before_its_name(run: &Run) {
    stop_export_at(run, "export.rename");
}

/// An export stopped while its hidden file was written.
fn export_stopped_while_written(run: &Run) {
    stop_export_at(run, "export.fsync");
}

fn stop_export_at(run: &Run, point: &str) {
    let out = crate::runs::run_with_fault(run, &export(run), Some(&format!("{point}=abort")));
    assert!(out.status.code().is_none(), "the export was to stop at {point}: {:?}", out.status);
}
