//! Signed checkpoints: made at close, C2SP-shaped, and what `verify` says when the log no longer extends
//! them (cut back, or rewritten with a consistent chain that the chain check alone cannot see).

use crate::common::*;
use custodia_core::audit::Problem;
use custodia_core::checkpoint::Checkpoint;
use custodia_core::custody::Event;
use custodia_core::{AddOptions, Flow, Vault, VerifyReport};

fn add_and_close(tv: &TestVault, name: &str) {
    let mut vault = tv.open();
    vault.add_file(&tv.source(name, name.as_bytes()), &AddOptions::default(), &mut go).expect("add");
    vault.close().expect("close");
}

fn verify(tv: &TestVault) -> VerifyReport {
    let mut vault = tv.open();
    let report = vault.verify(&mut |_| Flow::Continue).expect("verify runs");
    vault.close().expect("close");
    report
}

fn tamper(tv: &TestVault, sql: &str) {
    let conn = Vault::open_raw_database(&tv.root, &unlock()).expect("raw db");
    conn.execute_batch(&format!("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; {sql}"))
        .expect("tamper");
}

/// Three closes: checkpoints over 4 events (create, key slot, open, close), then 7 and 10.
fn three_sessions() -> TestVault {
    let tv = TestVault::new();
    add_and_close(&tv, "first.txt");
    add_and_close(&tv, "second.txt");
    tv
}

fn sizes(tv: &TestVault) -> Vec<u64> {
    let conn = Vault::open_raw_database(&tv.root, &unlock()).expect("raw db");
    let mut stmt = conn.prepare("SELECT size FROM checkpoints ORDER BY id").expect("prepare");
    let sizes = stmt.query_map([], |r| r.get(0)).expect("query").collect::<Result<Vec<u64>, _>>().expect("rows");
    sizes
}

#[test]
fn every_close_signs_a_checkpoint_of_the_whole_log_that_verifies_with_the_vault_key() {
    let tv = three_sessions();
    assert_eq!(sizes(&tv), [4, 7, 10], "create, then two sessions of open, add, close");
    let vault = tv.open();
    let key = vault.signing_public_key().expect("key");
    let latest = vault.latest_checkpoint().expect("query").expect("one exists");
    let parsed = Checkpoint::verify(&latest.note, &key).expect("the note verifies with the vault's key");
    assert_eq!(parsed.origin, format!("custodia.vault/{}", vault.vault_id()));
    assert_eq!(parsed.size, 10);
    assert_eq!(hex::encode(parsed.root), latest.root);
    assert_eq!(latest.reason, custodia_core::CheckpointReason::Close);
    assert!(latest.note.contains("\n\n\u{2014} custodia.vault/"), "a C2SP signed note: {}", latest.note);
    vault.close().expect("close");
    assert!(verify(&tv).ok, "an untouched vault verifies");
}

#[test]
fn a_log_cut_back_after_a_checkpoint_is_named_although_its_chain_is_intact() {
    let tv = three_sessions();
    tamper(&tv, "DELETE FROM events WHERE seq > 7;");
    let report = verify(&tv);
    assert!(
        !report.problems.iter().any(|p| matches!(
            p,
            Problem::EventsMissing { .. } | Problem::EventAltered { .. } | Problem::ChainBroken { .. }
        )),
        "the chain itself is unbroken: only the checkpoint can tell: {:?}",
        report.problems
    );
    let cut = report
        .problems
        .iter()
        .find_map(|p| match p {
            Problem::LogTruncated { signed_events, intact_up_to, .. } => Some((*signed_events, *intact_up_to)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a truncation is reported: {:?}", report.problems));
    assert_eq!(cut, (10, 7));
    let text = report.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n");
    assert!(text.contains("events 8 to 10 as signed are gone"), "{text}");
}

/// The whole log, read without opening the vault (which would append events).
fn raw_events(tv: &TestVault) -> Vec<Event> {
    let conn = Vault::open_raw_database(&tv.root, &unlock()).expect("raw db");
    let mut stmt = conn
        .prepare("SELECT seq, time, actor, device, action, subject, details, prev_hash, hash FROM events ORDER BY seq")
        .expect("prepare");
    let rows = stmt
        .query_map([], |r| {
            let details: String = r.get(6)?;
            Ok(Event {
                seq: r.get(0)?,
                time: r.get(1)?,
                actor: r.get(2)?,
                device: r.get(3)?,
                action: r.get(4)?,
                subject: r.get(5)?,
                details: serde_json::from_str(&details).expect("json"),
                prev_hash: r.get(7)?,
                hash: r.get(8)?,
            })
        })
        .expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

#[test]
fn a_tail_rewritten_with_a_consistent_chain_is_named_from_the_last_checkpoint_that_holds() {
    let tv = three_sessions();
    // Forge event 9 (the second file's ingest) and re-chain what follows, so that the chain check passes.
    let events = raw_events(&tv);
    let mut prev = events[7].hash.clone();
    let mut sql = String::new();
    for event in events.iter().filter(|e| e.seq >= 9) {
        let mut e = event.clone();
        if e.seq == 9 {
            e.actor = "Forger".into();
        }
        e.prev_hash = prev;
        e.hash = e.compute_hash().expect("hash");
        prev = e.hash.clone();
        sql.push_str(&format!(
            "UPDATE events SET actor = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {};",
            e.actor, e.prev_hash, e.hash, e.seq
        ));
    }
    tamper(&tv, &sql);
    let report = verify(&tv);
    assert!(
        !report.problems.iter().any(|p| matches!(
            p,
            Problem::EventsMissing { .. } | Problem::EventAltered { .. } | Problem::ChainBroken { .. }
        )),
        "the forged chain is consistent: {:?}",
        report.problems
    );
    let text = report.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n");
    assert!(
        report
            .problems
            .iter()
            .any(|p| matches!(p, Problem::HistoryRewritten { signed_events: 10, intact_up_to: 7, .. })),
        "{text}"
    );
    assert!(text.contains("events 8 to 10 were rewritten"), "{text}");
}

#[test]
fn an_altered_checkpoint_no_longer_verifies_and_is_named() {
    let tv = three_sessions();
    let conn = Vault::open_raw_database(&tv.root, &unlock()).expect("raw db");
    conn.execute_batch(
        "DROP TRIGGER checkpoints_no_update; UPDATE checkpoints SET note = replace(note, char(10) || '7' || char(10), char(10) || '5' || char(10)), size = 5 WHERE size = 7;",
    )
    .expect("tamper");
    drop(conn);
    let report = verify(&tv);
    assert!(report.problems.iter().any(|p| matches!(p, Problem::CheckpointInvalid { .. })), "{:?}", report.problems);
}

#[test]
fn checkpoints_cannot_be_edited_or_removed_through_sql_while_their_triggers_stand() {
    let tv = three_sessions();
    let conn = Vault::open_raw_database(&tv.root, &unlock()).expect("raw db");
    for sql in ["DELETE FROM checkpoints", "UPDATE checkpoints SET size = 1"] {
        let err = conn.execute(sql, []).expect_err("append-only");
        assert!(err.to_string().contains("append-only"), "{err}");
    }
}
