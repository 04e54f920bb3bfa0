//! The bundle commands as a documenter and a lawyer use them: keygen, the address book, the consent check
//! before anything is written (exit code 4), export by address-book name, import into another vault.

use crate::bundle_kit::*;
use crate::common::*;

const EXIT_HARM_STOPPED: i32 = 4;

#[test]
fn keygen_writes_a_private_key_prints_the_public_one_and_never_overwrites() {
    let env = Env::empty();
    let key = env.dir.path().join("my-key.txt");
    let out = custodia(&["keygen", "--output", path_str(&key), "--json"]);
    assert_success(&out, "keygen");
    let made = json_lines(&out).remove(0);
    let public = made["public_key"].as_str().expect("public key");
    assert!(public.starts_with("age1"), "{made}");
    assert_eq!(made["words"].as_str().expect("words").split(' ').count(), 16, "16 words to read aloud");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).expect("stat").permissions().mode() & 0o777, 0o600);
    }
    // Go's age reads it: encrypt to the printed key, decrypt with the file.
    let plain = env.file("plain.txt", b"to the lawyer");
    let sealed = env.dir.path().join("plain.age");
    run_ok(std::process::Command::new(tool("age")).args(["-r", public, "-o"]).arg(&sealed).arg(&plain), "age -r");
    let opened = run_ok(std::process::Command::new(tool("age")).arg("-d").arg("-i").arg(&key).arg(&sealed), "age -d");
    assert_eq!(opened.stdout, b"to the lawyer");
    let again = custodia(&["keygen", "--output", path_str(&key)]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("never overwrites"), "{}", stderr(&again));
}

#[test]
fn recipients_are_remembered_and_an_export_to_the_wrong_kind_is_refused() {
    let env = Env::new();
    let ids = vault_with(&env, &sample_files()[1..2]);
    let (key, public) = age_keygen(env.dir.path(), "icc");
    let add = ["recipients", "add", "--name", "ICC OTP", "--organisation", "ICC", "--kind", "icc", "--key", &public];
    let mut json = add.to_vec();
    json.push("--json");
    let out = env.run(&json);
    assert_success(&out, "recipients add");
    let added = json_lines(&out).remove(0);
    assert_eq!(added["kind"], "icc");
    assert_eq!(added["fingerprint"]["words"].as_str().expect("words").split(' ').count(), 16);
    let listed = env.run(&["recipients", "list"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("words: "), "the list shows the words to read");
    assert_eq!(env.run(&add).status.code(), Some(1), "the same key twice is refused");

    let bundle = env.dir.path().join("to-icc.custodia.age");
    let out = env.run(&[
        "export",
        "--recipient",
        "icc otp",
        "--recipient-kind",
        "media",
        "--items",
        &ids[0],
        "--output",
        path_str(&bundle),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("recorded in the address book as the ICC, not the media"), "{}", stderr(&out));
    assert!(!bundle.exists());
    let out = env.run(&[
        "export",
        "--recipient",
        "icc otp",
        "--recipient-kind",
        "icc",
        "--items",
        &ids[0],
        "--output",
        path_str(&bundle),
        "--json",
    ]);
    assert_success(&out, "export by name");
    assert_eq!(json_lines(&out)[0]["recipients"][0]["name"], "ICC OTP");
    assert_success(&custodia(&["bundle", "verify", path_str(&bundle), "--identity", path_str(&key)]), "verify");
}

#[test]
fn consent_refusal_exits_4_names_the_interview_and_writes_nothing() {
    let env = Env::new();
    let ids = vault_with(&env, &sample_files()[1..2]);
    let out = env.run(&["person", "add", "--name", "Amina Yusuf", "--birth-date", "1990", "--json"]);
    assert_success(&out, "person add");
    let person = json_lines(&out).last().expect("line")["person"]["id"].as_str().expect("id").to_string();
    let consent = ["consent", "record", "--person", &person, "--status", "given", "--date", "2026-11-02"];
    let mut consent = consent.to_vec();
    consent.extend(["--method", "oral", "--scope", "partner_ngo"]);
    assert_success(&env.run(&consent), "consent");
    let add = ["interview", "add", "--person", &person, "--interviewer", "A. Haroun", "--date", "2026-11-02"];
    let mut add = add.to_vec();
    add.extend(["--document", &ids[0], "--justification", "First interview of this person, recorded here.", "--json"]);
    let out = env.run(&add);
    assert_success(&out, "interview add");
    let interview = json_lines(&out).last().expect("line")["interview"]["id"].as_str().expect("id").to_string();
    let (_, public) = age_keygen(env.dir.path(), "media");
    let bundle = env.dir.path().join("to-media.custodia.age");

    let plan = env.run(&[
        "export",
        "--recipient",
        &public,
        "--recipient-kind",
        "media",
        "--interviews",
        &interview,
        "--output",
        path_str(&bundle),
        "--dry-run",
    ]);
    assert_eq!(plan.status.code(), Some(EXIT_HARM_STOPPED));
    let text = String::from_utf8_lossy(&plan.stdout);
    assert!(text.contains(&format!("REFUSED: {interview} (interview of {person}) cannot go to the media")), "{text}");
    let out = env.run(&[
        "export",
        "--recipient",
        &public,
        "--recipient-kind",
        "media",
        "--items",
        &ids[0],
        "--output",
        path_str(&bundle),
    ]);
    assert_eq!(out.status.code(), Some(EXIT_HARM_STOPPED));
    assert!(stderr(&out).contains(&format!("a document of interview {interview}, of {person}")), "{}", stderr(&out));
    assert!(!bundle.exists(), "nothing is written");
    let log = String::from_utf8(env.run(&["log", "--json"]).stdout).expect("utf-8");
    assert!(!log.contains("bundle.exported"), "nothing is logged");

    let ngo = env.run(&[
        "export",
        "--recipient",
        &public,
        "--recipient-kind",
        "ngo",
        "--interviews",
        &interview,
        "--output",
        path_str(&bundle),
        "--dry-run",
        "--json",
    ]);
    assert_success(&ngo, "plan for a partner NGO");
    let plan = json_lines(&ngo).remove(0);
    assert_eq!(plan["persons"][0]["identity"], false, "pseudonymised: identity was not consented");
    assert_eq!(plan["items"][0]["id"], ids[0].as_str(), "the interview brings its document");
}

#[test]
fn import_brings_a_verified_bundle_into_another_vault_once() {
    let sender = Env::new();
    let files = sample_files();
    let ids = vault_with(&sender, &files);
    let receiver = Env::new();
    let (key, public) = age_keygen(receiver.dir.path(), "receiver");
    let (bundle, exported) = export(&sender, &ids, &public, "for-import");
    let signer = sender.run(&["signer", "--json"]);
    assert_eq!(
        json_lines(&signer)[0]["fingerprint"],
        exported["signer"]["fingerprint"],
        "`signer` shows what bundles carry"
    );

    let words = exported["signer"]["fingerprint"]["words"].as_str().expect("words");
    let out = receiver.run(&["import", path_str(&bundle), "--identity", path_str(&key), "--signer", words, "--json"]);
    assert_success(&out, "import");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), files.len());
    for ((line, (name, bytes)), original) in lines.iter().zip(&files).zip(&ids) {
        assert_eq!(line["original_id"], original.as_str());
        assert_eq!(line["name"], *name);
        assert_eq!(line["sha256"], sha256_hex(bytes).as_str());
        assert_eq!(line["bundle_sha256"], exported["sha256"]);
        assert_eq!(line["signer_verified"], true, "the signer's words were given and matched");
    }
    let again = receiver.run(&["import", path_str(&bundle), "--identity", path_str(&key)]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already imported"), "{}", stderr(&again));
    let verify = receiver.run(&["verify"]);
    assert_success(&verify, "the receiving vault verifies");
    let log = String::from_utf8(receiver.run(&["log", "--json"]).stdout).expect("utf-8");
    assert!(log.contains("bundle.imported") && log.contains(exported["sha256"].as_str().expect("sha")), "{log}");
}

#[test]
fn import_without_a_signer_is_recorded_and_told_as_unverified() {
    let sender = Env::new();
    let ids = vault_with(&sender, &sample_files()[1..2]);
    let receiver = Env::new();
    let (key, public) = age_keygen(receiver.dir.path(), "receiver");
    let (bundle, exported) = export(&sender, &ids, &public, "unconfirmed");
    let words = exported["signer"]["fingerprint"]["words"].as_str().expect("words");
    let fingerprint = exported["signer"]["fingerprint"]["hex"].as_str().expect("fingerprint");

    let out = receiver.run(&["import", path_str(&bundle), "--identity", path_str(&key)]);
    assert_success(&out, "import without --signer");
    let said = stderr(&out);
    assert!(said.contains("the sender was NOT confirmed"), "the import says the sender is unconfirmed:\n{said}");
    assert!(said.contains(words), "it shows the words to confirm by phone:\n{said}");
    assert!(said.contains("over the phone") && said.contains("--signer \"WORDS\""), "and how to confirm:\n{said}");

    let log = json_lines(&receiver.run(&["log", "--json"]));
    let imported = log.iter().find(|e| e["action"] == "bundle.imported").expect("a bundle.imported event");
    assert_eq!(imported["details"]["signer_verified"], false, "the event records the signer as unverified");
    assert_eq!(imported["details"]["signer_fingerprint"], fingerprint, "and which key it was: {imported}");
    let ingested = log.iter().find(|e| e["action"] == "item.ingested").expect("an item.ingested event");
    assert_eq!(ingested["details"]["received"]["signer_verified"], false, "each item says so too: {ingested}");
}
