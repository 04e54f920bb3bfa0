//! The custody report (issue 11, point 6) through the command line: HTML and PDF, read back (the PDF with
//! `pdftotext`), every event hash in it, recorded as a custody event with the file's SHA-256, never
//! replacing a file, refusing unknown ids.

use crate::common::*;
use std::path::Path;
use std::process::Command;

fn add(env: &Env, name: &str, content: &[u8]) -> String {
    let file = env.file(name, content);
    let out = env.run(&["add", path_str(&file), "--json"]);
    assert_success(&out, "add");
    json_lines(&out)[0]["id"].as_str().expect("id").to_string()
}

fn hashes_about(env: &Env, subject: &str) -> Vec<String> {
    let events = json_lines(&env.run(&["--json", "log"]));
    events.iter().filter(|e| e["subject"] == subject).map(|e| e["hash"].as_str().expect("hash").to_string()).collect()
}

fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext").arg(path).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn an_items_report_in_pdf_and_html_holds_every_event_hash_and_is_recorded() {
    let env = Env::new();
    let id = add(&env, "photo.jpg", b"a photo of the market");
    let _other = add(&env, "other.txt", b"something else");
    assert_success(&env.run(&["extract", &id, "--output", path_str(&env.dir.path().join("copy.jpg"))]), "extract");
    let expected = hashes_about(&env, &id);
    assert!(expected.len() >= 2, "{expected:?}");

    let pdf = env.dir.path().join("report.pdf");
    let out = env.run(&["report", "--item", &id, "--output", path_str(&pdf), "--paper", "letter"]);
    assert_success(&out, "report pdf");
    let text = pdf_text(&pdf);
    for hash in &expected {
        assert!(text.contains(hash), "event hash {hash} in the PDF:\n{text}");
    }
    assert!(text.contains(&sha256_hex(b"a photo of the market")), "the item's SHA-256");
    assert!(!text.contains("something else") && !text.contains("other.txt"), "only the item asked for");

    let html = env.dir.path().join("report.html");
    let out = env
        .command()
        .env("CUSTODIA_LANG", "ar")
        .arg("--vault")
        .arg(&env.vault)
        .arg("--passphrase-file")
        .arg(&env.pass_file)
        .args(["report", "--item", &id, "--output", path_str(&html)])
        .output()
        .expect("run");
    assert_success(&out, "report html in Arabic");
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.contains("dir=\"rtl\"") && !page.contains("<script"), "Arabic, right to left, no script");
    for hash in &expected {
        assert!(page.contains(hash), "event hash {hash} in the HTML");
    }
    let made: Vec<_> =
        json_lines(&env.run(&["--json", "log"])).into_iter().filter(|e| e["action"] == "report.made").collect();
    assert_eq!(made.len(), 2, "each report is a custody event");
    assert_eq!(made[0]["details"]["sha256"], sha256_hex(&std::fs::read(&pdf).expect("pdf")).as_str());
    assert_eq!(made[1]["details"]["sha256"], sha256_hex(page.as_bytes()).as_str());
}

#[test]
fn an_unknown_id_an_existing_output_or_another_format_is_refused_and_writes_nothing() {
    let env = Env::new();
    let id = add(&env, "photo.jpg", b"photo");
    let existing = env.file("kept.pdf", b"a file that was already there");
    let before = json_lines(&env.run(&["--json", "log"])).len();
    for (args, says) in [
        (vec!["report", "--item", "E-AAAAA-AAAAA", "--output", "x.pdf"], "no item"),
        (vec!["report", "--interview", "T-AAAAA", "--output", "x.pdf"], "interview"),
        (vec!["report", "--item", &id, "--output", path_str(&existing)], "already exists"),
        (vec!["report", "--item", &id, "--output", "x.docx"], "HTML or PDF"),
    ] {
        let out = env
            .command()
            .current_dir(env.dir.path())
            .arg("--vault")
            .arg(&env.vault)
            .arg("--passphrase-file")
            .arg(&env.pass_file)
            .args(&args)
            .output()
            .expect("run");
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(std::fs::read(&existing).expect("kept"), b"a file that was already there");
    assert!(!env.dir.path().join("x.pdf").exists() && !env.dir.path().join("x.docx").exists());
    let after: Vec<_> = json_lines(&env.run(&["--json", "log"]));
    assert!(after.iter().all(|e| e["action"] != "report.made"), "no report event");
    assert!(after.len() >= before);
    let out = env.run(&["report", "--output", "x.pdf"]);
    assert_eq!(out.status.code(), Some(2), "a scope is required");
}

/// The lines of a bundle's `custody/events.jsonl`, read with the age crate.
fn bundle_events(bundle: &Path, key: &Path) -> Vec<serde_json::Value> {
    let entries = crate::bundle_kit::unseal(bundle, key);
    let (_, events) = entries.iter().find(|(p, _)| p.ends_with("custody/events.jsonl")).expect("events");
    String::from_utf8_lossy(events).lines().map(|l| serde_json::from_str(l).expect("event")).collect()
}

#[test]
fn a_received_bundles_report_is_made_without_a_vault_and_names_what_does_not_hold() {
    use crate::bundle_kit::{age_keygen, custodia, export, sample_files, seal, tar_of, unseal, vault_with};
    let env = Env::new();
    let files = sample_files();
    let ids = vault_with(&env, &files);
    let (key, public) = age_keygen(env.dir.path(), "lawyer");
    let (bundle, _) = export(&env, &ids, &public, "for-the-lawyer");

    let pdf = env.dir.path().join("received.pdf");
    let out = custodia(&["bundle", "report", path_str(&bundle), "--identity", path_str(&key), "-o", path_str(&pdf)]);
    assert_success(&out, "bundle report");
    let text = pdf_text(&pdf);
    let events = bundle_events(&bundle, &key);
    assert!(events.len() >= ids.len(), "{events:?}");
    for event in &events {
        let hash = event["hash"].as_str().expect("hash");
        assert!(text.contains(hash), "event hash {hash} in the PDF:\n{text}");
    }
    for (_, bytes) in &files {
        assert!(text.contains(&sha256_hex(bytes)), "each item's SHA-256");
    }
    assert!(text.contains(&sha256_hex(&std::fs::read(&bundle).expect("bundle"))), "the bundle file's SHA-256");
    assert!(text.contains("photo 50%.jpg") && !text.contains("Does not hold"), "{text}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&sha256_hex(&std::fs::read(&pdf).expect("pdf"))), "the report's SHA-256 is printed: {said}");

    // One event's time changed after signing: the report is still made, names the event, exits 3.
    let mut entries = unseal(&bundle, &key);
    let (_, jsonl) = entries.iter_mut().find(|(p, _)| p.ends_with("custody/events.jsonl")).expect("events");
    let first = events[0]["time"].as_str().expect("time").to_string();
    let altered = String::from_utf8_lossy(jsonl).replacen(&first, "2001-01-01T00:00:00Z", 1);
    *jsonl = altered.into_bytes();
    let tampered = env.dir.path().join("tampered.custodia.age");
    seal(&tar_of(&entries), &public, &tampered);
    let html = env.dir.path().join("tampered.html");
    let out = custodia(&["bundle", "report", path_str(&tampered), "--identity", path_str(&key), "-o", path_str(&html)]);
    assert_eq!(out.status.code(), Some(3), "a report of a bundle that does not hold: {}", stderr(&out));
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.contains("Does not hold") && page.contains("Problems found"), "{page}");
    assert!(!page.contains("<script"), "no script");

    // A wrong key or an existing output: refused, nothing written or replaced.
    let (other_key, _) = age_keygen(env.dir.path(), "someone-else");
    let wrong = env.dir.path().join("wrong.pdf");
    let out =
        custodia(&["bundle", "report", path_str(&bundle), "--identity", path_str(&other_key), "-o", path_str(&wrong)]);
    assert!(!out.status.success() && !wrong.exists(), "{}", stderr(&out));
    let out = custodia(&["bundle", "report", path_str(&bundle), "--identity", path_str(&key), "-o", path_str(&html)]);
    assert!(!out.status.success() && stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&html).expect("kept"), page);
}
