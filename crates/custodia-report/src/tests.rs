use super::*;
use custodia_core::report::{
    CoveringCheckpoint, ReportCheckpoint, ReportData, ReportEvent, ReportItem, ReportRecord, ReportScope,
};
use std::process::Command;

const HOSTILE: &str = "<script>alert(1)</script>\u{202E}gpj.exe\u{1b}[2J";

fn event(seq: u64, action: &str) -> ReportEvent {
    ReportEvent {
        seq,
        time: format!("2026-12-07T10:{seq:02}:00Z"),
        actor: "Amal".into(),
        device: "dev-1".into(),
        action: action.into(),
        hash: format!("{seq:064x}"),
        proven: seq != 3,
    }
}

fn sample() -> ReportData {
    let item = ReportItem {
        id: "E-7F3KQ-M2XPA".into(),
        name: HOSTILE.into(),
        size: 1234,
        media_type: "image/jpeg".into(),
        sha256: "ab".repeat(32),
        added_at: "2026-12-07T10:00:00Z".into(),
        added_by: "Amal".into(),
        device: "dev-1".into(),
        source: "شهادة مكتوبة from Nyala".into(),
        events: vec![event(1, "item.ingested"), event(2, "item.viewed"), event(3, "item.exported")],
    };
    ReportData {
        scope: ReportScope::Item("E-7F3KQ-M2XPA".into()),
        vault_id: "00112233445566778899aabbccddeeff".into(),
        made_at: "2026-12-07T11:00:00Z".into(),
        made_by: "Amal".into(),
        device: "dev-1".into(),
        items: vec![item],
        records: vec![ReportRecord { kind: "interview", id: "T-8M2QD".into(), person: Some("P-7F3K".into()), events: vec![event(4, "interview.created")] }],
        checkpoint: ReportCheckpoint {
            size: 4,
            root: "cd".repeat(32),
            note: "custodia.vault/00112233445566778899aabbccddeeff\n4\nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc0=\n\n— custodia.vault/00112233445566778899aabbccddeeff AAAA\n".into(),
            verifier_key: "custodia.vault/00+01020304+AQ==".into(),
        },
        covering: vec![CoveringCheckpoint {
            size: 4,
            root: "cd".repeat(32),
            made_at: "2026-12-07T10:30:00Z".into(),
            reason: custodia_core::CheckpointReason::Close,
            witnesses: vec![("lawyer.example/w".into(), 1_800_000_000)],
            timestamps: vec![],
        }],
        problems: vec![],
        bytes_hashed: 1234,
        received: None,
    }
}

#[test]
fn a_received_bundles_checks_and_problems_are_in_the_readers_words_and_made_visible() {
    use custodia_core::bundle::{BundleCheck, BundleProblem, CheckStatus};
    use custodia_core::report::{ReceivedBundle, ReportProblem};
    let mut data = sample();
    data.scope = ReportScope::Bundle("for-the-court".into());
    let failed = CheckStatus { check: BundleCheck::TagManifest, ok: false, checked: true, summary: String::new() };
    data.received = Some(ReceivedBundle {
        file_name: format!("b{HOSTILE}.custodia.age"),
        sha256: "ef".repeat(32),
        size: 99,
        bag: "for-the-court".into(),
        signer: None,
        checks: vec![failed],
        earlier: vec![],
    });
    data.problems = vec![ReportProblem::Bundle(BundleProblem::FileUnsigned { path: format!("data/x{HOSTILE}") })];
    let html = html(&data, "fr");
    assert!(html.contains("Paquet reçu") && html.contains("Non valide"), "French words: {html}");
    assert!(html.contains("ni par tagmanifest-sha256.txt signé"), "the problem in French: {html}");
    assert!(!html.contains('\u{202E}') && !html.contains('\u{1b}') && !html.contains("<script>"), "{html}");
    assert!(html.contains("aucun coffre ne"), "no vault recorded it");
}

#[test]
fn the_html_has_no_script_no_remote_resource_and_escapes_what_came_from_outside() {
    for lang in LANGUAGES {
        let html = html(&sample(), lang);
        assert!(!html.contains("<script"), "{lang}: {html}");
        assert!(
            !html.contains("src=") && !html.contains("href=") && !html.contains("url("),
            "{lang}: a remote resource"
        );
        assert!(html.contains("default-src 'none'"), "{lang}: no CSP");
        assert!(html.contains("&lt;script&gt;") && html.contains("\\u{202E}") && html.contains("\\u{001B}"), "{lang}");
        assert!(!html.contains('\u{202E}') && !html.contains('\u{1b}'), "{lang}: a raw control character");
        for seq in 1..=4u64 {
            assert!(html.contains(&format!("{seq:064x}")), "{lang}: event {seq}'s hash");
        }
        assert_eq!(html.contains("dir=\"rtl\""), lang == "ar", "{lang}");
        assert!(html.contains("P-7F3K") && html.contains("lawyer.example/w"), "{lang}");
    }
    let english = html(&sample(), "en");
    assert!(english.contains("DOES NOT HOLD"), "event 3's proof does not hold and says so");
    assert!(english.contains("Evidence added") && !english.contains(">item.ingested<"), "actions are named in words");
}

fn pdf_text(pdf: &[u8], name: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, pdf).expect("write");
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/install-deps.sh)");
    assert!(out.status.success(), "pdftotext could not read {name}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_pdf_reads_back_with_every_event_hash_in_each_language_and_paper() {
    for lang in LANGUAGES {
        for paper in [Paper::A4, Paper::Letter] {
            let bytes = pdf(&sample(), lang, paper).expect("pdf");
            assert!(bytes.starts_with(b"%PDF-"), "{lang}");
            let text = pdf_text(&bytes, &format!("{lang}.pdf"));
            for seq in 1..=4u64 {
                assert!(text.contains(&format!("{seq:064x}")), "{lang} {paper:?}: event {seq}'s hash in:\n{text}");
            }
            assert!(text.contains(&"ab".repeat(32)), "{lang}: the item's SHA-256");
            assert!(!text.contains('\u{202E}'), "{lang}: a raw bidi override");
        }
    }
    assert!(pdf_text(&pdf(&sample(), "en", Paper::A4).expect("pdf"), "en.pdf").contains("Custody report"));
    let arabic = pdf_text(&pdf(&sample(), "ar", Paper::A4).expect("pdf"), "ar.pdf");
    assert!(arabic.contains("العهدة"), "Arabic words are extractable:\n{arabic}");
}

#[test]
fn a_report_of_many_events_spans_pages_and_keeps_them_all() {
    let mut data = sample();
    data.items[0].events = (1..=400).map(|s| event(s, "item.viewed")).collect();
    let text = pdf_text(&pdf(&data, "fr", Paper::A4).expect("pdf"), "many.pdf");
    assert!(text.contains("1 / ") && text.matches('\u{c}').count() > 5, "several pages");
    assert!((1..=400u64).all(|s| text.contains(&format!("{s:064x}"))), "every hash on some page");
}

#[test]
fn every_language_has_every_report_key_with_the_same_placeholders() {
    let placeholders = |text: &str| -> Vec<String> {
        let mut found: Vec<String> =
            text.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string())).collect();
        found.sort();
        found
    };
    let read = |lang: &str| -> std::collections::BTreeMap<String, String> {
        let path = format!("{}/../../locales/{lang}/report.json", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).expect("catalog")).expect("flat JSON")
    };
    let english = read("en");
    for lang in LANGUAGES {
        let other = read(lang);
        assert_eq!(other.keys().collect::<Vec<_>>(), english.keys().collect::<Vec<_>>(), "{lang}: keys differ");
        for (key, text) in &english {
            assert_eq!(placeholders(&other[key]), placeholders(text), "{lang}: {key}");
        }
    }
}

#[test]
fn every_custody_action_the_vault_writes_has_a_name_in_every_language() {
    for lang in LANGUAGES {
        let words = crate::words::Words::new(lang);
        for action in custodia_core::Action::ALL {
            let code = action.as_str();
            assert_ne!(words.action(code), code, "{lang}: the report would show the raw code {code}");
        }
    }
}
