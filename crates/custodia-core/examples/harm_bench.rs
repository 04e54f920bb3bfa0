//! Measures the do-no-harm checks at scale: the near-duplicate-testimony look-up (one 2,000-word
//! transcript against N stored testimonies, in the real SQLCipher database) and the duplicate-person check
//! of one new person against N stored persons through `Vault::check_person`. Prints Markdown table rows.
//!
//! Usage: cargo run --release -p custodia-core --example harm_bench -- [--testimonies N,N..] [--persons N]

use custodia_core::harm::{minhash, testimony};
use custodia_core::{KdfParams, PersonInput, SecretString, Session, StrengthPolicy, Unlock, Vault};
use std::error::Error;
use std::time::{Duration, Instant};

/// Deterministic generator (SplitMix64), so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A testimony: half formulaic sentences shared by every account of the events, half Zipf-like filler,
/// as in the measurement documented in `harm/minhash.rs` (a pessimistic background similarity).
fn testimony(rng: &mut Rng, words: usize) -> String {
    const ACTORS: [&str; 6] = ["the soldiers", "the men in uniform", "the militia", "armed men", "they", "the police"];
    const VERBS: [&str; 8] = ["came to", "burned", "surrounded", "entered", "attacked", "searched", "looted", "left"];
    const PLACES: [&str; 8] =
        ["the market", "the camp", "the river", "the school", "the mosque", "the checkpoint", "the well", "the clinic"];
    const TIMES: [&str; 6] = ["at night", "in the morning", "on Friday", "after prayers", "before dawn", "at noon"];
    let mut out: Vec<String> = Vec::with_capacity(words + 20);
    while out.len() < words {
        if rng.below(2) == 0 {
            let s = format!(
                "{} {} {} {}",
                ACTORS[rng.below(6)],
                VERBS[rng.below(8)],
                PLACES[rng.below(8)],
                TIMES[rng.below(6)]
            );
            out.extend(s.split(' ').map(str::to_string));
        } else {
            for _ in 0..6 + rng.below(12) {
                // Zipf-like: small ranks far more often.
                let rank = (3000.0f64.powf(rng.below(1_000_000) as f64 / 1_000_000.0)) as usize;
                out.push(format!("w{rank}"));
            }
        }
    }
    out.truncate(words);
    out.join(" ")
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn new_vault(dir: &std::path::Path) -> Result<(), Box<dyn Error>> {
    let session = Session::new("bench", "dev-bench")?;
    Vault::create(
        dir,
        &SecretString::from("bench passphrase long enough"),
        StrengthPolicy::Required,
        KdfParams::FLOOR,
        session,
    )?
    .close()?;
    Ok(())
}

fn unlock() -> Unlock {
    Unlock::Passphrase(SecretString::from("bench passphrase long enough"))
}

fn bench_testimonies(n: usize) -> Result<(), Box<dyn Error>> {
    let tmp = tempfile::tempdir()?;
    let root = tmp.path().join("vault");
    new_vault(&root)?;
    let mut conn = Vault::open_raw_database(&root, &unlock())?;
    let mut rng = Rng(42);
    let mut stored = Vec::new();
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO persons (id, full_name, created_at, created_by, created_seq) VALUES ('P-0000', 'x', '', '', 0)",
        [],
    )?;
    for i in 0..n {
        let id = format!("T-{i:07}");
        tx.execute(
            "INSERT INTO interviews (id, person_id, date, created_at, created_by, created_seq)
             VALUES (?1, 'P-0000', '2026-01-01', '', '', ?2)",
            custodia_core::rusqlite::params![id, i as i64],
        )?;
        let text = testimony(&mut rng, 300);
        testimony::index(&tx, &id, &text)?;
        if i < 20 {
            stored.push(text);
        }
    }
    tx.commit()?;
    let mut times = Vec::new();
    let mut signing = Vec::new();
    let mut found = 0;
    let mut copies_found = 0;
    for q in 0..220 {
        let text = if let Some(original) = stored.get(q) {
            // A stored account, lengthened and lightly edited: must be found.
            let mut words: Vec<String> = original.split(' ').map(str::to_string).collect();
            for w in words.iter_mut().step_by(20) {
                *w = "edited".into();
            }
            format!("{} {}", words.join(" "), testimony(&mut rng, 60))
        } else {
            testimony(&mut rng, 2000)
        };
        let start = Instant::now();
        std::hint::black_box(minhash::signature(&text));
        signing.push(start.elapsed());
        let start = Instant::now();
        let hits = testimony::similar(&conn, &text, None, minhash::DEFAULT_SIMILARITY)?;
        times.push(start.elapsed());
        found += hits.len();
        if q < 20 && !hits.is_empty() {
            copies_found += 1;
        }
    }
    times.sort();
    signing.sort();
    println!(
        "| {n} | {:.2} | {:.2} | {:.2} | {:.2} | {copies_found}/20 | {} |",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 1.0),
        percentile(&signing, 0.95),
        found - copies_found
    );
    Ok(())
}

fn bench_persons(n: usize) -> Result<(), Box<dyn Error>> {
    let tmp = tempfile::tempdir()?;
    let root = tmp.path().join("vault");
    new_vault(&root)?;
    let mut rng = Rng(7);
    const GIVEN: [&str; 12] = [
        "Adam", "Mohammed", "Fatima", "Amina", "Ibrahim", "Halima", "Yusuf", "Zainab", "Omar", "Khadija", "Ali",
        "Maryam",
    ];
    const FAMILY: [&str; 12] = [
        "Haroun", "Abdallah", "Ismail", "Yahya", "Bakhit", "Idris", "Siddig", "Musa", "Daoud", "Hamed", "Jamal",
        "Rashid",
    ];
    const PLACES: [&str; 6] = ["Nyala", "El Fasher", "Geneina", "Kutum", "Tawila", "Zalingei"];
    let mut csv = String::from("ref,full_name,other_names,sex,birth_date,birth_place,residence,phone,id_number\n");
    for i in 0..n {
        csv.push_str(&format!(
            "R{i},{} {} {} {},,{},{}-{:02}-{:02},{},,+2499{:08},\n",
            GIVEN[rng.below(12)],
            FAMILY[rng.below(12)],
            FAMILY[rng.below(12)],
            FAMILY[rng.below(12)],
            if rng.below(2) == 0 { "M" } else { "F" },
            1940 + rng.below(70),
            1 + rng.below(12),
            1 + rng.below(28),
            PLACES[rng.below(6)],
            rng.below(100_000_000),
        ));
    }
    let mut vault = Vault::open(&root, &unlock(), Session::new("bench", "dev-bench")?)?;
    let start = Instant::now();
    vault.import_persons(csv.as_bytes())?;
    let import = start.elapsed();
    let mut times = Vec::new();
    let mut reused = Vec::new();
    let mut checker = custodia_core::harm::PersonChecker::default();
    vault.check_person_with(&mut checker, &PersonInput { full_name: "warm up".into(), ..Default::default() })?;
    for _ in 0..20 {
        let probe = PersonInput {
            full_name: format!("{} {} {}", GIVEN[rng.below(12)], FAMILY[rng.below(12)], FAMILY[rng.below(12)]),
            birth_date: format!("{}", 1940 + rng.below(70)),
            birth_place: PLACES[rng.below(6)].into(),
            ..Default::default()
        };
        let start = Instant::now();
        vault.check_person(&probe)?;
        times.push(start.elapsed());
        let start = Instant::now();
        vault.check_person_with(&mut checker, &probe)?;
        reused.push(start.elapsed());
    }
    vault.close()?;
    times.sort();
    reused.sort();
    println!(
        "| {n} | {:.1} | {:.0} | {:.0} | {:.2} | {:.2} |",
        import.as_secs_f64(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&reused, 0.5),
        percentile(&reused, 0.95)
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let sizes: Vec<usize> = arg("--testimonies")
        .unwrap_or_else(|| "1000,10000,100000".into())
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    println!(
        "| stored testimonies | p50 ms | p95 ms | max ms | signature alone p95 ms | edited copies found | other hits |"
    );
    println!("|---|---|---|---|---|---|---|");
    for n in sizes {
        bench_testimonies(n)?;
    }
    if let Some(n) = arg("--persons") {
        println!();
        println!("| stored persons | import s | check_person p50 ms | p95 ms | check_person_with p50 ms | p95 ms |");
        println!("|---|---|---|---|---|---|");
        bench_persons(n.parse()?)?;
    }
    Ok(())
}
