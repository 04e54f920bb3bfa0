//! `make bench-report`: the custody report of one item with N custody events (default 10,000: its ingest and
//! N-1 viewings, each a real event in a real vault), timed as `custodia report` does it: gathering (one pass
//! over the log, inclusion proofs checked, the stored copy re-hashed), then rendering HTML and PDF.
//! Issue 11's goals: under 1 s for HTML and under 2 s for PDF at 10,000 events.

use custodia_core::blobs::Flow;
use custodia_core::keys::{KdfParams, StrengthPolicy};
use custodia_core::records::items::AddOptions;
use custodia_core::report::ReportScope;
use custodia_core::{Session, Vault};
use secrecy::SecretString;
use std::time::Instant;

fn main() {
    let events: usize =
        std::env::args().skip_while(|a| a != "--events").nth(1).and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let passphrase = SecretString::from("a passphrase long enough for the benchmark".to_string());
    let session = Session::new("Bench", "dev-bench").expect("session");
    let mut vault =
        Vault::create(&dir.path().join("vault"), &passphrase, StrengthPolicy::Required, KdfParams::FLOOR, session)
            .expect("create");
    let file = dir.path().join("photo.jpg");
    std::fs::write(&file, vec![7u8; 200_000]).expect("file");
    let item = vault.add_file(&file, &AddOptions::default(), &mut |_| Flow::Continue).expect("add").item;
    for _ in 1..events {
        vault.read_item(&item.id, 1 << 20).expect("view");
    }
    let started = Instant::now();
    let data = vault.report(&ReportScope::Item(item.id.clone())).expect("report");
    let gathered = started.elapsed();
    let started = Instant::now();
    let html = custodia_report::html(&data, "en");
    let html_time = started.elapsed();
    let started = Instant::now();
    let pdf = custodia_report::pdf(&data, "en", custodia_report::Paper::A4).expect("pdf");
    let pdf_time = started.elapsed();
    let started = Instant::now();
    let pdf_ar = custodia_report::pdf(&data, "ar", custodia_report::Paper::A4).expect("pdf");
    let pdf_ar_time = started.elapsed();
    let shown = data.all_events().count();
    println!("report of 1 item with {shown} custody events (log of {} events)", data.checkpoint.size);
    println!("  gather (log pass, proofs checked, stored copy re-hashed): {:.0} ms", gathered.as_secs_f64() * 1e3);
    println!(
        "  HTML: {:.0} ms render, {:.0} ms in all ({} KiB)",
        html_time.as_secs_f64() * 1e3,
        (gathered + html_time).as_secs_f64() * 1e3,
        html.len() / 1024
    );
    println!(
        "  PDF (English): {:.0} ms render, {:.0} ms in all ({} KiB)",
        pdf_time.as_secs_f64() * 1e3,
        (gathered + pdf_time).as_secs_f64() * 1e3,
        pdf.len() / 1024
    );
    println!("  PDF (Arabic): {:.0} ms render ({} KiB)", pdf_ar_time.as_secs_f64() * 1e3, pdf_ar.len() / 1024);
}
