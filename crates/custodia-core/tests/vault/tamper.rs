//! Faults and tampering: each is detected, named by item or sequence number, and changes nothing else.

use crate::common::*;
use custodia_core::audit::Problem;
use custodia_core::ErrorCode;
use custodia_core::{AddOptions, Flow, Unlock, Vault, VerifyReport};
use std::fs;

fn vault_with(tv: &TestVault, contents: &[&[u8]]) -> Vec<String> {
    let mut vault = tv.open();
    let ids = contents
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let src = tv.source(&format!("item{i}.bin"), c);
            vault.add_file(&src, &AddOptions::default(), &mut go).expect("add").item.id
        })
        .collect();
    vault.close().expect("close");
    ids
}

fn verify(tv: &TestVault) -> VerifyReport {
    let mut vault = tv.open();
    let report = vault.verify(&mut |_| Flow::Continue).expect("verify runs");
    vault.close().expect("close");
    report
}

fn blob_of(tv: &TestVault, id: &str) -> std::path::PathBuf {
    let conn = Vault::open_raw_database(&tv.root, &unlock()).expect("raw db");
    let name: String = conn.query_row("SELECT blob_name FROM items WHERE id = ?1", [id], |r| r.get(0)).expect("blob");
    tv.root.join("blobs").join(&name[..2]).join(name)
}

#[test]
fn wrong_passphrase_is_refused_and_leaves_every_file_byte_identical() {
    let tv = TestVault::new();
    vault_with(&tv, &[b"evidence"]);
    let before = snapshot(&tv.root);
    let err = Vault::open(&tv.root, &Unlock::Passphrase(pass("correct horse battery stapler")), session())
        .expect_err("wrong");
    assert_eq!(err.code(), ErrorCode::WrongPassphrase);
    assert_eq!(err.to_string(), "the passphrase is not correct for this vault; check it and try again");
    assert_eq!(snapshot(&tv.root), before, "a failed unlock must not change any file");
}

#[test]
fn missing_or_corrupt_keyslots_give_clear_errors() {
    let tv = TestVault::new();
    let slots = tv.root.join("keyslots.json");
    let good = fs::read(&slots).expect("read");
    for (bad, code) in [
        (&b"{ not json"[..], "keyslots_damaged"),
        (&b""[..], "keyslots_damaged"),
        (&good[..good.len() / 2], "keyslots_damaged"),
    ] {
        fs::write(&slots, bad).expect("write");
        let err = Vault::open(&tv.root, &unlock(), session()).expect_err("corrupt");
        assert_eq!(err.code().as_str(), code, "{err}");
        assert!(err.to_string().contains("keyslots.json"), "{err}");
    }
    // A wrapped key with one flipped bit no longer authenticates: it reads as a wrong passphrase.
    let mut flipped: serde_json::Value = serde_json::from_slice(&good).expect("json");
    let wrapped = flipped["slots"][0]["wrapped_key"].as_str().expect("wrapped").to_string();
    let replacement = if wrapped.starts_with('A') { "B" } else { "A" };
    flipped["slots"][0]["wrapped_key"] = format!("{replacement}{}", &wrapped[1..]).into();
    fs::write(&slots, serde_json::to_vec(&flipped).expect("json")).expect("write");
    assert_eq!(Vault::open(&tv.root, &unlock(), session()).expect_err("flipped").code(), ErrorCode::WrongPassphrase);
    fs::remove_file(&slots).expect("remove");
    let err = Vault::open(&tv.root, &unlock(), session()).expect_err("missing");
    assert_eq!(err.code(), ErrorCode::NotAVault, "{err}");
    fs::write(&slots, &good).expect("restore");
    tv.open().close().expect("restored vault opens");
}

#[test]
fn a_flipped_byte_in_the_database_is_detected() {
    let tv = TestVault::new();
    vault_with(&tv, &[b"one", b"two", b"three"]);
    let db = tv.root.join("vault.db");
    let mut bytes = fs::read(&db).expect("read");
    // Every page but the first; SQLCipher authenticates each page with an HMAC.
    for offset in (8192 + 100..bytes.len()).step_by(8192) {
        bytes[offset] ^= 0x01;
    }
    fs::write(&db, &bytes).expect("write");
    match Vault::open(&tv.root, &unlock(), session()) {
        Err(err) => assert_eq!(err.code(), ErrorCode::DatabaseDamaged, "{err}"),
        Ok(mut vault) => {
            let report = vault.verify(&mut |_| Flow::Continue);
            match report {
                Ok(report) => assert!(
                    report.problems.iter().any(|p| matches!(p, Problem::DatabaseDamaged { .. })),
                    "{:?}",
                    report.problems
                ),
                Err(err) => assert_eq!(err.code(), ErrorCode::DatabaseDamaged, "{err}"),
            }
        }
    }
}

#[test]
fn a_flipped_byte_in_the_first_database_page_stops_the_open() {
    let tv = TestVault::new();
    let db = tv.root.join("vault.db");
    let mut bytes = fs::read(&db).expect("read");
    bytes[200] ^= 0x40;
    fs::write(&db, &bytes).expect("write");
    let err = Vault::open(&tv.root, &unlock(), session()).expect_err("damaged");
    assert_eq!(err.code(), ErrorCode::DatabaseDamaged, "{err}");
    assert!(err.to_string().contains("vault.db"), "{err}");
}

#[test]
fn a_flipped_byte_in_a_blob_names_the_item() {
    let tv = TestVault::new();
    let ids = vault_with(&tv, &[&vec![1u8; 200_000], b"untouched"]);
    let path = blob_of(&tv, &ids[0]);
    let mut bytes = fs::read(&path).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x80;
    fs::write(&path, &bytes).expect("write");
    let report = verify(&tv);
    assert!(!report.ok);
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        matches!(&report.problems[0], Problem::StoredCopyDamaged { item, .. } if *item == ids[0]),
        "{:?}",
        report.problems
    );
    assert!(report.problems[0].to_string().contains(&ids[0]));
}

#[test]
fn a_truncated_blob_names_the_item() {
    let tv = TestVault::new();
    let ids = vault_with(&tv, &[&vec![2u8; 300_000]]);
    let path = blob_of(&tv, &ids[0]);
    let bytes = fs::read(&path).expect("read");
    fs::write(&path, &bytes[..bytes.len() - 1000]).expect("truncate");
    let report = verify(&tv);
    assert!(
        matches!(&report.problems[..], [Problem::StoredCopyDamaged { item, .. }] if *item == ids[0]),
        "{:?}",
        report.problems
    );
}

#[test]
fn swapped_blobs_name_both_items() {
    let tv = TestVault::new();
    let ids = vault_with(&tv, &[b"first exhibit", b"second exhibit"]);
    let (a, b) = (blob_of(&tv, &ids[0]), blob_of(&tv, &ids[1]));
    let (bytes_a, bytes_b) = (fs::read(&a).expect("a"), fs::read(&b).expect("b"));
    fs::write(&a, bytes_b).expect("swap");
    fs::write(&b, bytes_a).expect("swap");
    let report = verify(&tv);
    let named: Vec<&str> = report
        .problems
        .iter()
        .filter_map(|p| match p {
            Problem::ContentAltered { item, .. } => Some(item.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(named.len(), 2, "{:?}", report.problems);
    assert!(named.contains(&ids[0].as_str()) && named.contains(&ids[1].as_str()));
}

#[test]
fn a_missing_blob_names_the_item() {
    let tv = TestVault::new();
    let ids = vault_with(&tv, &[b"will vanish"]);
    fs::remove_file(blob_of(&tv, &ids[0])).expect("remove");
    let report = verify(&tv);
    assert!(
        matches!(&report.problems[..], [Problem::StoredCopyMissing { item }] if *item == ids[0]),
        "{:?}",
        report.problems
    );
}

/// Edits the log the way someone holding the key could: drop the append-only triggers, then change rows.
fn tamper_log(tv: &TestVault, sql: &str) {
    let conn = Vault::open_raw_database(&tv.root, &unlock()).expect("raw db");
    conn.execute_batch(&format!("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; {sql}"))
        .expect("tamper");
}

#[test]
fn the_log_refuses_edits_through_sql_while_its_triggers_stand() {
    let tv = TestVault::new();
    let conn = Vault::open_raw_database(&tv.root, &unlock()).expect("raw db");
    let err = conn.execute("DELETE FROM events WHERE seq = 1", []).expect_err("append-only");
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn a_deleted_custody_event_is_named_by_its_sequence_number() {
    let tv = TestVault::new();
    vault_with(&tv, &[b"a", b"b"]);
    tamper_log(&tv, "DELETE FROM events WHERE seq = 4;");
    let report = verify(&tv);
    assert!(report.problems.contains(&Problem::EventsMissing { first: 4, last: 4 }), "{:?}", report.problems);
}

#[test]
fn an_edited_custody_event_is_named_by_its_sequence_number() {
    let tv = TestVault::new();
    vault_with(&tv, &[b"a"]);
    tamper_log(&tv, "UPDATE events SET actor = 'Someone Else' WHERE seq = 2;");
    let report = verify(&tv);
    assert!(report.problems.contains(&Problem::EventAltered { seq: 2 }), "{:?}", report.problems);
}

#[test]
fn an_edit_with_a_recomputed_hash_still_breaks_the_chain_at_the_next_event() {
    let tv = TestVault::new();
    let ids = vault_with(&tv, &[b"original"]);
    let vault = tv.open();
    let mut event = vault.item_events(&ids[0]).expect("events").remove(0);
    vault.close().expect("close");
    let seq = event.seq;
    event.actor = "Forger".into();
    let hash = event.compute_hash().expect("hash");
    tamper_log(&tv, &format!("UPDATE events SET actor = 'Forger', hash = '{hash}' WHERE seq = {seq};"));
    let report = verify(&tv);
    assert!(report.problems.contains(&Problem::ChainBroken { seq: seq + 1 }), "{:?}", report.problems);
}

#[test]
fn an_item_whose_ingest_event_was_removed_is_named() {
    let tv = TestVault::new();
    let ids = vault_with(&tv, &[b"orphan"]);
    let conn = Vault::open_raw_database(&tv.root, &unlock()).expect("raw db");
    let seq: u64 = conn.query_row("SELECT ingest_seq FROM items WHERE id = ?1", [&ids[0]], |r| r.get(0)).expect("seq");
    drop(conn);
    tamper_log(&tv, &format!("DELETE FROM events WHERE seq = {seq};"));
    let report = verify(&tv);
    assert!(
        report.problems.contains(&Problem::IngestEventMissing { item: ids[0].clone(), seq }),
        "{:?}",
        report.problems
    );
}
