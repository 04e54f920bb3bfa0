use super::*;
use crate::blobs::Flow;
use crate::keys::{KdfParams, StrengthPolicy};
use crate::records::items::AddOptions;
use crate::Session;
use secrecy::SecretString;

fn vault(dir: &tempfile::TempDir) -> Vault {
    let passphrase = SecretString::from("a passphrase long enough for tests".to_string());
    let session = Session::new("Test Documenter", "dev-test").expect("session");
    Vault::create(&dir.path().join("vault"), &passphrase, StrengthPolicy::Required, KdfParams::FLOOR, session)
        .expect("create")
}

fn add(vault: &mut Vault, dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> Item {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    vault.add_file(&path, &AddOptions::default(), &mut |_| Flow::Continue).expect("add").item
}

#[test]
fn an_items_report_holds_its_acquisition_events_proofs_and_a_fresh_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(&dir);
    let item = add(&mut v, &dir, "photo.jpg", b"a photo");
    let _other = add(&mut v, &dir, "other.txt", b"another file");
    let report = v.report(&ReportScope::Item(item.id.clone())).expect("report");
    assert_eq!(report.items.len(), 1);
    let reported = &report.items[0];
    assert_eq!(
        (reported.sha256.as_str(), reported.size, reported.device.as_str()),
        (item.sha256.as_str(), 7, "dev-test")
    );
    assert!(!reported.events.is_empty() && reported.events.iter().all(|e| e.proven), "{reported:?}");
    assert!(reported.events.iter().any(|e| e.action == "item.ingested"));
    assert!(report.ok() && report.bytes_hashed == 7, "{:?}", report.problems);
    let cp = crate::checkpoint::Checkpoint::verify(&report.checkpoint.note, &v.signing_public_key().expect("key"))
        .expect("the report's checkpoint is signed by the vault");
    assert_eq!((cp.size, hex::encode(cp.root)), (report.checkpoint.size, report.checkpoint.root.clone()));
    let sha256 = v.record_report(&report, "r.html", "html", b"<html></html>").expect("record");
    assert_eq!(sha256, hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"<html></html>")));
    let query = custody::EventQuery { action: Some("report.made".into()), limit: 10, ..Default::default() };
    let events = v.events(&query).expect("events");
    assert_eq!(events.len(), 1, "making a report is a custody event");
    assert_eq!(events[0].details["sha256"], sha256.as_str(), "with the file's SHA-256");
}

#[test]
fn an_unknown_id_is_refused_and_an_altered_stored_copy_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vault(&dir);
    for scope in [ReportScope::Item("E-AAAAA-AAAAA".into()), ReportScope::Interview("T-AAAAA".into())] {
        assert!(v.report(&scope).is_err(), "{scope:?}");
    }
    let item = add(&mut v, &dir, "photo.jpg", b"a photo");
    let blobs = dir.path().join("vault").join("blobs");
    let stored = walk(&blobs);
    assert_eq!(stored.len(), 1);
    std::fs::write(&stored[0], b"not what was stored").expect("alter");
    let report = v.report(&ReportScope::Item(item.id)).expect("report");
    assert!(!report.ok(), "a damaged stored copy is reported, not hidden");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
