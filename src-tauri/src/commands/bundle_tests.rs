//! Bundles through the shell's conversions against a real vault: the plan crosses with its items and
//! consent verdict, an export to an address-book recipient verifies with every check named by a code the
//! page translates, and opening without a key or a passphrase is answered with a code, not a guess.

use super::receiving::unlocker;
use super::tests::TempVault;
use crate::ipc::{BundleReportDto, ExportPlanDto, ExportSelectionDto, OpenWithDto, RecipientDto, ShellErrorCode};
use crate::state::Receiving;
use custodia_core::bundle::verify::BundleCheck;
use custodia_core::bundle::{self, keys, RecipientInput};
use custodia_core::{AddOptions, ErrorCode, ExportRequest, ExportSelection, Flow, Limits, Protection, RecipientKind};

fn selection(items: Vec<String>, kind: RecipientKind) -> ExportSelectionDto {
    ExportSelectionDto { items, interviews: Vec::new(), incident: None, recipient_kind: kind }
}

#[test]
fn an_export_to_a_recipient_verifies_with_every_check_named_for_the_page() {
    let t = TempVault::new("bundle");
    let evidence = t.dir().join("statement.txt");
    std::fs::write(&evidence, "Statement of W-7.\n").expect("evidence");
    let key = keys::generate_identity(&t.dir().join("key.txt")).expect("key");
    let (item, recipient) = t
        .state
        .with_vault(|vault| {
            let added = vault.add_file(&evidence, &AddOptions::default(), &mut |_| Flow::Continue)?;
            let recipient = vault.add_recipient(&RecipientInput {
                name: "Office of the Prosecutor".into(),
                organisation: "ICC".into(),
                kind: RecipientKind::Icc,
                public_key: key.public_key.clone(),
            })?;
            Ok((added.item.id, recipient))
        })
        .expect("item and recipient");
    let shown = RecipientDto::from(recipient.clone());
    assert_eq!(shown.words, key.fingerprint.words, "the page shows the words the key's owner reads out");

    let chosen = ExportSelection::from(selection(vec![item.clone()], RecipientKind::Icc));
    let plan: ExportPlanDto = t.state.with_vault(|vault| vault.plan_export(&chosen)).expect("plan").into();
    assert!(plan.allowed, "a document outside any interview needs no consent");
    assert_eq!(plan.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), [item.as_str()]);

    let output = t.dir().join("for-icc.custodia.age");
    let request = ExportRequest {
        selection: chosen,
        protection: Protection::Recipients(vec![recipient.id]),
        output: output.clone(),
        description: String::new(),
        organisation: String::new(),
        contact_name: String::new(),
    };
    t.state.with_vault(|vault| vault.export(&request, &mut |_| Flow::Continue)).expect("export");

    let receiving = Receiving { bundle: Some(output.clone()), identity: Some(key.path.clone()) };
    let opener = unlocker(&receiving, &OpenWithDto::default()).expect("the key file opens");
    let report =
        bundle::verify_bundle(&output, &opener, None, &Limits::default(), &mut |_| Flow::Continue).expect("readable");
    let report = BundleReportDto::from(report);
    assert!(report.ok, "the bundle verifies: {:?}", report.problems);
    let checks: Vec<BundleCheck> = report.checks.iter().map(|c| c.check).collect();
    assert_eq!(checks, BundleCheck::ALL, "every check crosses, in order");
}

#[test]
fn opening_without_a_key_or_a_passphrase_is_answered_with_a_code() {
    let error = unlocker(&Receiving::default(), &OpenWithDto::default()).expect_err("nothing opens");
    assert_eq!(error.code, ErrorCode::BundleNeedsIdentity.into());
    let with = OpenWithDto { passphrase: Some("a long bundle passphrase".into()), signer: None };
    assert!(unlocker(&Receiving::default(), &with).is_ok(), "a typed passphrase needs no key file");
}

#[test]
fn a_plan_refuses_an_unknown_recipient_kind_before_asking_the_vault() {
    let unknown =
        serde_json::json!({ "items": ["E-1"], "interviews": [], "incident": null, "recipient_kind": "friends" });
    assert!(serde_json::from_value::<ExportSelectionDto>(unknown).is_err(), "a kind outside the set never crosses");
}

#[test]
fn a_bundle_problem_crosses_as_the_cores_own_value_tagged_by_its_code() {
    use crate::ipc::BundleProblemDto;
    use custodia_core::bundle::verify::BundleProblem::*;
    let json = |p| serde_json::to_value(BundleProblemDto::from(&p)).expect("json");
    let broken = json(ChainBroken { seq: 9, previous: 8 });
    assert_eq!(broken["found"], serde_json::json!({ "problem": "chain_broken", "seq": 9, "previous": 8 }));
    assert_eq!(broken["message"], "custody event 9 does not point at event 8 before it");
    let altered = json(ItemNotAsIngested {
        item: "E-1".into(),
        path: "data/items/E-1/a.jpg".into(),
        recorded_sha256: "aa".into(),
        actual_sha256: "bb".into(),
        recorded_size: 10,
        actual_size: 11,
    });
    assert_eq!(altered["found"]["problem"], "item_not_as_ingested");
    assert_eq!(
        (altered["found"]["recorded_size"].as_f64(), altered["found"]["actual_size"].as_f64()),
        (Some(10.0), Some(11.0))
    );
    // A planted name crosses as it is; the page shows its invisible characters as code points.
    let planted = json(FileUnsigned { path: "tagmanifest-\u{202e}fdp.txt".into() });
    assert_eq!(planted["found"]["path"], "tagmanifest-\u{202e}fdp.txt");
    assert!(planted["message"].as_str().is_some_and(|m| m.contains(r#""tagmanifest-\u{202e}fdp.txt""#)), "{planted}");
}

#[test]
fn a_key_file_that_exists_is_refused_with_its_own_code_and_left_as_it_was() {
    let t = TempVault::new("make-key");
    let path = t.dir().join("custodia-key.txt");
    std::fs::write(&path, "somebody's key\n").expect("existing file");
    let error = keys::generate_identity(&path).map_err(super::receiving::key_error).expect_err("never overwrites");
    assert_eq!(error.code, ShellErrorCode::KeyFileExists.into());
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "somebody's key\n");
    let fresh = t.dir().join("new-key.txt");
    let made = crate::ipc::MadeKeyDto::from(keys::generate_identity(&fresh).expect("new key"));
    assert_eq!(made.file_name, "new-key.txt");
    assert!(made.public_key.starts_with("age1"), "{}", made.public_key);
    assert!(!made.words.is_empty());
}
