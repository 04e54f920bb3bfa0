//! Running an operation with a fault armed, and what must hold after it: the vault opens and verifies,
//! what the command acknowledged is there, and no bundle or copy is presented that the log does not know.

use crate::common::*;
use crate::fixture::{self, Run};
use crate::operations::{Operation, BUNDLE, EXTRACTED, OPERATIONS};
use std::collections::HashMap;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// `custodia --vault V --passphrase-file P ARGS...` with `CUSTODIA_FAULT` set to `fault`.
pub fn run_with_fault(run: &Run, args: &[String], fault: Option<&str>) -> Output {
    let mut cmd = run.env.command();
    cmd.arg("--vault").arg(&run.env.vault).arg("--passphrase-file").arg(&run.env.pass_file).args(args);
    if let Some(fault) = fault {
        cmd.env("CUSTODIA_FAULT", fault);
    }
    cmd.output().expect("run custodia")
}

/// Everything that must hold after a run of `op` that ended with `out`, the vault reopened without faults.
pub fn check_after(op: &Operation, run: &Run, out: &Output, what: &str) -> Result<(), String> {
    let verify = run.env.run(&["verify", "--json"]);
    if !verify.status.success() {
        return Err(format!("{what}: verify failed after the fault: {}", stderr(&verify)));
    }
    if out.status.success() {
        (op.done)(run).map_err(|e| format!("{what}: exited 0, but {e}"))?;
    }
    let events = json_lines(&run.env.run(&["log", "--json"]));
    bundles_known(run, &events).map_err(|e| format!("{what}: {e}"))?;
    extract_known(run, &events).map_err(|e| format!("{what}: {e}"))
}

/// Every bundle in the outbox is one the log exported and did not abandon, with the logged hash, and
/// every such export's bundle is there; no hidden partial file is left.
fn bundles_known(run: &Run, events: &[serde_json::Value]) -> Result<(), String> {
    let mut logged: HashMap<String, (String, String)> = HashMap::new();
    for event in events {
        let subject = event["subject"].as_str().unwrap_or_default().to_string();
        match event["action"].as_str() {
            Some("bundle.exported") => {
                let details = &event["details"];
                let name = details["file_name"].as_str().unwrap_or_default().to_string();
                logged.insert(subject, (name, details["sha256"].as_str().unwrap_or_default().to_string()));
            }
            Some("bundle.export_abandoned") => {
                logged.remove(&subject);
            }
            _ => {}
        }
    }
    let outbox = run.path("outbox");
    let mut present = Vec::new();
    for entry in std::fs::read_dir(&outbox).map_err(|e| e.to_string())? {
        let name = entry.map_err(|e| e.to_string())?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".partial") {
            return Err(format!("a partial bundle was left after the reopen: {name}"));
        }
        let sha = sha256_hex(&std::fs::read(outbox.join(&name)).map_err(|e| e.to_string())?);
        if !logged.values().any(|(n, s)| *n == name && *s == sha) {
            return Err(format!("{name} is in the outbox but the log does not record it as exported"));
        }
        present.push(name);
    }
    let bundle = BUNDLE.trim_start_matches("outbox/");
    for (id, (name, _)) in &logged {
        if name == bundle && !present.contains(name) {
            return Err(format!("the log says {id} was exported to {name}, which is not there"));
        }
    }
    Ok(())
}

/// A copy under the extract's name is one the log records, and has the item's bytes.
fn extract_known(run: &Run, events: &[serde_json::Value]) -> Result<(), String> {
    let Ok(bytes) = std::fs::read(run.path(EXTRACTED)) else { return Ok(()) };
    let logged =
        events.iter().any(|e| e["action"] == "item.extracted" && e["details"]["to"].as_str() == Some(EXTRACTED));
    if !logged {
        return Err(format!("{EXTRACTED} exists but the log has no item.extracted for it"));
    }
    (bytes == b"evidence acknowledged before any fault").then_some(()).ok_or_else(|| "the copy differs".into())
}

/// One run: a fresh vault, `op` with `point` armed in `mode`, then the checks. Returns a failure's text.
fn fault_run(op: &Operation, point: &str, mode: &str) -> Result<(), String> {
    let run = fixture::fresh();
    (op.prepare)(&run);
    let out = run_with_fault(&run, &(op.args)(&run), Some(&format!("{point}={mode}")));
    let what = format!("{} at {point}={mode}", op.name);
    if mode == "abort" && out.status.code().is_some() {
        return Err(format!("{what}: the point was never reached (exit {:?}): {}", out.status.code(), stderr(&out)));
    }
    if mode != "abort" && out.status.code().is_none() {
        return Err(format!("{what}: killed by a signal instead of reporting the error: {:?}", out.status));
    }
    check_after(op, &run, &out, &what)
}

/// Runs every operation at every point in each of `modes`; panics with every failure at the end.
pub fn every_point(modes: &[&str]) {
    let start = Instant::now();
    let mut failures = Vec::new();
    let mut runs = 0;
    for op in OPERATIONS {
        for point in op.points {
            for mode in modes {
                runs += 1;
                if let Err(e) = fault_run(op, point, mode) {
                    failures.push(e);
                }
            }
        }
        eprintln!("faults: {:<36} {:>2} point(s)", op.name, op.points.len());
    }
    eprintln!("faults: {runs} fault run(s) ({modes:?}) in {:.1} s", start.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "{} of {runs} fault run(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// `rounds` runs of every operation, each killed with SIGKILL after a random delay within the operation's
/// usual time (measured once, from its prepared state), then checked.
pub fn random_kills(rounds: usize, seed: u64) {
    eprintln!("faults: random SIGKILL seed {seed:#x}");
    let mut rng = XorShift(seed);
    let mut failures = Vec::new();
    let start_all = Instant::now();
    let mut runs = 0;
    for op in OPERATIONS {
        let span = {
            let run = fixture::fresh();
            (op.prepare)(&run);
            let start = Instant::now();
            assert_success(&run_with_fault(&run, &(op.args)(&run), None), op.name);
            start.elapsed().as_micros().max(1000) as u64
        };
        for round in 0..rounds {
            let delay = rng.next() % span;
            let run = fixture::fresh();
            (op.prepare)(&run);
            runs += 1;
            let mut cmd = run.env.command();
            cmd.arg("--vault").arg(&run.env.vault).arg("--passphrase-file").arg(&run.env.pass_file);
            let mut child =
                cmd.args((op.args)(&run)).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
            std::thread::sleep(Duration::from_micros(delay));
            let _ = child.kill();
            let out = child.wait_with_output().expect("wait");
            let what = format!("{} killed after {delay} µs (round {round})", op.name);
            if let Err(e) = check_after(op, &run, &out, &what) {
                failures.push(e);
            }
        }
    }
    eprintln!("faults: {runs} SIGKILL run(s) in {:.1} s", start_all.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "{} SIGKILL run(s) failed:\n{}", failures.len(), failures.join("\n"));
}

fn long_mode() -> bool {
    std::env::var_os("CUSTODIA_FAULTS_LONG").is_some_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn every_fault_point_of_every_operation_leaves_a_vault_that_opens_verifies_and_keeps_what_it_acknowledged() {
    if long_mode() {
        every_point(&["abort", "enospc", "eio"]);
        // Rounds per operation: 80 × 12 operations, with the 3 × 36 fault runs, over 1,000 crash runs.
        let rounds = std::env::var("CUSTODIA_FAULTS_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(80);
        random_kills(rounds, 0xfa17_5eed);
    } else {
        every_point(&["abort"]);
    }
}

#[test]
fn the_fault_list_of_the_core_is_what_the_harness_covers() {
    let covered: std::collections::HashSet<&str> = OPERATIONS.iter().flat_map(|op| op.points.iter().copied()).collect();
    let missing: Vec<_> = custodia_core::faults::POINTS.iter().filter(|p| !covered.contains(*p)).collect();
    assert!(missing.is_empty(), "fault points no operation of the harness passes: {missing:?}");
}

/// Issue 12: a command whose change was committed exits 0 even when closing the vault fails after it.
#[test]
fn add_that_committed_exits_zero_when_the_close_fails() {
    for point in ["close.commit", "close.wal_checkpoint"] {
        let run = fixture::fresh();
        let out = run_with_fault(&run, &["add".into(), run.arg("new.bin")], Some(&format!("{point}=enospc")));
        assert_success(&out, &format!("add with {point} failing"));
        assert!(stderr(&out).contains("the action is saved"), "the close failure is reported: {}", stderr(&out));
        let op = OPERATIONS.iter().find(|op| op.name == "add").expect("add");
        check_after(op, &run, &out, point).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn passphrase_change_that_took_effect_exits_zero_when_the_close_fails() {
    let run = fixture::fresh();
    let new_pass = run.path("new-pass.txt");
    std::fs::write(&new_pass, "a completely different passphrase of words\n").expect("write");
    let args = ["passphrase", "change", "--new-passphrase-file", path_str(&new_pass)];
    let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    args.extend(["--kdf-memory-mib", "19", "--kdf-iterations", "2"].map(String::from));
    let out = run_with_fault(&run, &args, Some("close.commit=eio"));
    assert_success(&out, "passphrase change with the close failing");
    let mut cmd = run.env.command();
    let opened = cmd.arg("--vault").arg(&run.env.vault).arg("--passphrase-file").arg(&new_pass).arg("list");
    let opened = opened.output().expect("run");
    assert_success(&opened, "the new passphrase opens the vault");
}

#[test]
fn an_add_whose_commit_fails_exits_one_and_says_the_disk_is_full() {
    let run = fixture::fresh();
    let out = run_with_fault(&run, &["add".into(), run.arg("new.bin")], Some("add.commit=enospc"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("full"), "{}", stderr(&out));
    let listed = json_lines(&run.env.run(&["list", "--json"])).len();
    assert_eq!(listed, 1, "nothing was added");
}
