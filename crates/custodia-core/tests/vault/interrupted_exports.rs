//! Exports a crash left under way, settled at the next open: a logged export whose file was not yet named
//! is named; an unlogged one is withdrawn, its hidden file removed and the withdrawal logged. The crash
//! is set up by hand (the pending row and the hidden file as the export leaves them); the crash harness
//! (`custodia-cli/tests/faults`) stops real exports at each step.

use crate::bundles::{add, recipient, request, selection};
use crate::common::*;
use custodia_core::{Flow, RecipientKind, Vault};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Records an export as under way in `state`, as `bundle::pending` does before and during the write.
fn pending_row(tv: &TestVault, bundle_id: &str, output: &Path, partial: &Path, state: &str) {
    let conn = Vault::open_raw_database(&tv.root, &unlock()).expect("raw database");
    conn.execute(
        "INSERT INTO pending_exports (bundle_id, output, partial, state, started_at) VALUES (?1, ?2, ?3, ?4, 'now')",
        custodia_core::rusqlite::params![
            bundle_id,
            output.as_os_str().as_bytes(),
            partial.as_os_str().as_bytes(),
            state
        ],
    )
    .expect("pending row");
}

#[test]
fn a_logged_export_stopped_before_its_file_was_named_is_named_at_the_next_open() {
    let tv = TestVault::new();
    let (_, key) = recipient(&tv, "icc");
    let mut vault = tv.open();
    let item = add(&tv, &mut vault, "photo.jpg", b"a photograph of the site");
    let req = request(&tv, selection(&[&item], &[], RecipientKind::Icc), &key, "b");
    let exported = vault.export(&req, &mut |_| Flow::Continue).expect("export");
    vault.close().expect("close");
    // As if the process died after the commit and before the rename.
    let output = std::fs::canonicalize(&exported.path).expect("bundle");
    let partial = output.with_file_name(".b.custodia.age.0123456789ab.partial");
    std::fs::rename(&output, &partial).expect("unname");
    pending_row(&tv, &exported.bundle_id, &output, &partial, "recorded");

    let vault = tv.open();
    assert_eq!(vault.reconciliation().exports_completed, vec![exported.bundle_id.clone()], "named at open");
    assert!(output.is_file() && !partial.exists(), "the bundle has its name, the hidden file is gone");
    assert_eq!(sha256_of(&output), exported.sha256, "the bundle is the one logged");
    assert!(!actions(&vault).contains(&"bundle.export_abandoned".to_string()), "nothing was withdrawn");
}

#[test]
fn an_unlogged_export_is_withdrawn_at_the_next_open_and_its_partial_file_removed() {
    let tv = TestVault::new();
    let output = std::fs::canonicalize(tv.dir.path()).expect("folder").join("b.custodia.age");
    let partial = output.with_file_name(".b.custodia.age.0123456789ab.partial");
    std::fs::write(&partial, b"age-encryption.org/v1\n-> X25519 half a bundle").expect("partial");
    pending_row(&tv, "B-TEST1-TEST2", &output, &partial, "writing");

    let vault = tv.open();
    assert_eq!(vault.reconciliation().exports_abandoned, vec!["B-TEST1-TEST2".to_string()]);
    assert!(!partial.exists() && !output.exists(), "no partial file and no bundle");
    let actions = actions(&vault);
    assert!(actions.contains(&"bundle.export_abandoned".to_string()), "the withdrawal is logged: {actions:?}");
    assert!(!actions.contains(&"bundle.exported".to_string()), "nothing is shown as exported");
    vault.close().expect("close");
    assert!(tv.open().reconciliation().is_clean(), "settled once, not again at the next open");
}

#[test]
fn an_export_in_a_folder_that_is_gone_waits_for_a_later_open() {
    let tv = TestVault::new();
    let output = tv.dir.path().join("unplugged-stick").join("b.custodia.age");
    let partial = output.with_file_name(".b.custodia.age.0123456789ab.partial");
    pending_row(&tv, "B-TEST1-TEST3", &output, &partial, "recorded");
    let vault = tv.open();
    assert_eq!(vault.reconciliation().exports_waiting, vec!["B-TEST1-TEST3".to_string()]);
    assert!(!actions(&vault).contains(&"bundle.export_abandoned".to_string()), "not withdrawn while away");
}

fn sha256_of(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).expect("read")))
}
