//! Off-site copies through the shell's conversions against a real vault and a folder remote: the form's
//! credentials are checked by the core and never cross back, a copy's problems cross as the tags the page
//! words, and the status line counts what is on no copy yet.

use super::remotes::address_and_credentials;
use super::tests::TempVault;
use crate::ipc::{OffsiteStatusDto, RemoteDto, RemoteReportDto, Secret};
use custodia_core::remote::PushOptions;
use custodia_core::{AddOptions, ErrorCode, Flow};

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("json")
}

#[test]
fn the_forms_credentials_are_checked_and_their_values_never_cross_back() {
    let t = TempVault::new("remote-form");
    let secret = Secret::from("user=amina\npassword=the-secret-value\n");
    let (url, credentials) =
        address_and_credentials("davs://cloud.example.org/dav/custodia", &secret).expect("accepted");
    t.state.with_vault(|vault| vault.add_remote("office", &url, &credentials, 3)).expect("added");
    let listed: Vec<RemoteDto> =
        t.state.with_vault(|vault| vault.remotes()).expect("list").into_iter().map(Into::into).collect();
    let shown = json(&listed);
    assert!(
        shown.contains(r#""kind":"webdav""#) && shown.contains(r#""credential_keys":["password","user"]"#),
        "{shown}"
    );
    assert!(!shown.contains("the-secret-value"), "a credential's value crossed to the page: {shown}");

    let refused = |url: &str, text: &str| address_and_credentials(url, &Secret::from(text)).expect_err(text).code;
    let bad_url: crate::ipc::IpcErrorCode = ErrorCode::BadRemoteUrl.into();
    assert_eq!(refused("ftp://example.org/x", ""), bad_url);
    assert_eq!(refused("davs://user:pw@example.org/x", ""), bad_url, "no password inside an address");
    for hostile in ["access_key_id=x", "user=a\u{1b}[2Jb", "no equals sign", &"user=x\n".repeat(20)] {
        let code = refused("davs://example.org/x", hostile);
        assert_ne!(code, bad_url, "{hostile:?} is a credentials error, not an address error");
    }
}

#[test]
fn a_copys_problems_cross_as_tags_and_the_status_counts_items_on_no_copy() {
    let t = TempVault::new("remote-check");
    let evidence = t.dir().join("statement.txt");
    std::fs::write(&evidence, "Statement of W-7.\n").expect("evidence");
    let remote_dir = t.dir().join("usb");
    let (url, credentials) =
        address_and_credentials(&format!("file://{}", remote_dir.display()), &Secret::from("")).expect("folder");
    let status: OffsiteStatusDto = t
        .state
        .with_vault(|vault| {
            vault.add_file(&evidence, &AddOptions::default(), &mut |_| Flow::Continue)?;
            vault.create_recovery_key()?;
            vault.add_remote("usb", &url, &credentials, 2)?;
            vault.offsite_status()
        })
        .expect("before the push")
        .into();
    assert_eq!((status.remotes, status.items_not_copied), (1, 1.0));

    let status: OffsiteStatusDto = t
        .state
        .with_vault(|vault| {
            vault.push("usb", &PushOptions::default(), &mut |_| Flow::Continue)?;
            vault.offsite_status()
        })
        .expect("push")
        .into();
    assert_eq!(status.items_not_copied, 0.0);
    assert!(status.last_push.is_some());

    let blobs = remote_dir.join("blobs");
    let shard = std::fs::read_dir(&blobs).expect("blobs").next().expect("a shard").expect("entry").path();
    let blob = std::fs::read_dir(&shard).expect("shard").next().expect("a blob").expect("entry").path();
    std::fs::remove_file(&blob).expect("remove a stored copy on the remote");
    let report: RemoteReportDto = t
        .state
        .with_vault(|vault| vault.verify_remote("usb", false, &mut |_, _| Flow::Continue))
        .expect("check")
        .into();
    assert!(!report.ok);
    let crossed = json(&report.problems);
    assert!(crossed.contains(r#""found":{"problem":"missing","path":"blobs/"#), "{crossed}");
}
