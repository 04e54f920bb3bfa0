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
