//! Measures teams at scale, through the vault as the CLI uses it: making linkage tokens for N persons (a
//! token file written by `export_team_tokens`, persons imported from CSV), taking them into a second vault
//! (`add_team_tokens`), and the live check of a new person against the N tokens held (`check_person_with`,
//! the first check loading the tokens, later ones reusing them). Prints Markdown table rows.
//!
//! Usage: cargo run --release -p custodia-core --example team_bench -- [--persons N]

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

const PASSPHRASE: &str = "bench passphrase long enough";

fn new_vault(dir: &std::path::Path) -> Result<Vault, Box<dyn Error>> {
    Vault::create(dir, &SecretString::from(PASSPHRASE), StrengthPolicy::Required, KdfParams::FLOOR, session()?)?
        .close()?;
    Ok(Vault::open(dir, &Unlock::Passphrase(SecretString::from(PASSPHRASE)), session()?)?)
}

fn session() -> Result<Session, Box<dyn Error>> {
    Ok(Session::new("bench", "dev-bench")?)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

const GIVEN: [&str; 12] =
    ["Adam", "Mohammed", "Fatima", "Amina", "Ibrahim", "Halima", "Yusuf", "Zainab", "Omar", "Khadija", "Ali", "Maryam"];
const FAMILY: [&str; 12] =
    ["Haroun", "Abdallah", "Ismail", "Yahya", "Bakhit", "Idris", "Siddig", "Musa", "Daoud", "Hamed", "Jamal", "Rashid"];
const PLACES: [&str; 6] = ["Nyala", "El Fasher", "Geneina", "Kutum", "Tawila", "Zalingei"];

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .iter()
        .position(|a| a == "--persons")
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse())
        .transpose()?
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir()?;
    let mut rng = Rng(11);
    let mut csv = String::from("ref,full_name,other_names,sex,birth_date,birth_place,residence,phone,id_number\n");
    for i in 0..n {
        csv.push_str(&format!(
            "R{i},{} {} {} {},,{},{}-{:02}-{:02},{},,,\n",
            GIVEN[rng.below(12)],
            FAMILY[rng.below(12)],
            FAMILY[rng.below(12)],
            FAMILY[rng.below(12)],
            if rng.below(2) == 0 { "M" } else { "F" },
            1940 + rng.below(70),
            1 + rng.below(12),
            1 + rng.below(28),
            PLACES[rng.below(6)],
        ));
    }
    let mut a = new_vault(&tmp.path().join("a"))?;
    a.import_persons(csv.as_bytes())?;
    a.create_team("Bench")?;
    let key = custodia_core::bundle::generate_identity(&tmp.path().join("b.key"))?;
    a.invite_team("Bench", &key.public_key, &tmp.path().join("team.age"))?;
    let tokens = tmp.path().join("a.tokens");
    let start = Instant::now();
    a.export_team_tokens("Bench", &tokens)?;
    let making = start.elapsed();
    a.close()?;
    let size = std::fs::metadata(&tokens)?.len();

    let mut b = new_vault(&tmp.path().join("b"))?;
    b.join_team(&tmp.path().join("team.age"), &key.path)?;
    let start = Instant::now();
    b.add_team_tokens(&tokens)?;
    let adding = start.elapsed();

    let mut checker = custodia_core::harm::PersonChecker::default();
    let probe = |rng: &mut Rng| PersonInput {
        full_name: format!("{} {} {}", GIVEN[rng.below(12)], FAMILY[rng.below(12)], FAMILY[rng.below(12)]),
        birth_date: format!("{}", 1940 + rng.below(70)),
        birth_place: PLACES[rng.below(6)].into(),
        ..Default::default()
    };
    let start = Instant::now();
    b.check_person_with(&mut checker, &probe(&mut rng))?;
    let first = start.elapsed();
    let mut times = Vec::new();
    // Within the live checks' burst (30), so the rate limit never waits.
    for _ in 0..25 {
        let p = probe(&mut rng);
        let start = Instant::now();
        std::hint::black_box(b.check_person_with(&mut checker, &p)?);
        times.push(start.elapsed());
    }
    b.close()?;
    times.sort();
    println!("| persons / tokens | make tokens (s) | file (MiB) | add tokens (s) | first check, loading (ms) | live check p50 / p95 / max (ms) |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| {n} | {:.2} | {:.1} | {:.2} | {:.0} | {:.2} / {:.2} / {:.2} |",
        making.as_secs_f64(),
        size as f64 / 1024.0 / 1024.0,
        adding.as_secs_f64(),
        first.as_secs_f64() * 1000.0,
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 1.0)
    );
    Ok(())
}
