//! Open-time reconcile: leftovers are moved to quarantine and reported, never deleted or shown as items.

use crate::common::*;
use custodia_core::{AddOptions, Flow};
use std::fs;

#[test]
fn staging_leftovers_and_unreferenced_blobs_are_quarantined_and_logged() {
    let tv = TestVault::new();
    let mut vault = tv.open();
    let src = tv.source("kept.txt", b"kept");
    vault.add_file(&src, &AddOptions::default(), &mut go).expect("add");
    vault.close().expect("close");

    fs::write(tv.root.join("tmp").join("ingest-deadbeef.age"), b"half-written ciphertext").expect("leftover");
    let stray_dir = tv.root.join("blobs").join("ab");
    fs::create_dir_all(&stray_dir).expect("mkdir");
    fs::write(stray_dir.join(format!("ab{}", "0".repeat(62))), b"orphan").expect("stray blob");

    let mut vault = tv.open();
    let found = vault.reconciliation().clone();
    assert_eq!(found.tmp_leftovers, ["ingest-deadbeef.age"]);
    assert_eq!(found.unreferenced_blobs.len(), 1);
    let quarantine = tv.root.join(found.quarantine.expect("quarantine folder"));
    assert_eq!(files_under(&quarantine).len(), 2, "both files kept in quarantine");
    assert!(files_under(&tv.root.join("tmp")).is_empty());
    assert_eq!(vault.items().expect("list").len(), 1, "leftovers are never items");
    assert!(vault.verify(&mut |_| Flow::Continue).expect("verify").ok);
    let actions = actions(&vault);
    assert!(actions.contains(&"vault.reconciled".to_string()), "{actions:?}");
    vault.close().expect("close");
    assert!(tv.open().reconciliation().is_clean(), "a second open finds nothing new");
}

#[test]
fn missing_staging_and_content_folders_are_made_again_at_open() {
    let tv = TestVault::new();
    fs::remove_dir(tv.root.join("tmp")).expect("remove tmp");
    fs::remove_dir(tv.root.join("blobs")).expect("remove blobs");
    let vault = tv.open();
    assert!(vault.reconciliation().is_clean(), "nothing to quarantine: {:?}", vault.reconciliation());
    assert!(tv.root.join("tmp").is_dir() && tv.root.join("blobs").is_dir(), "both folders are back");
}
