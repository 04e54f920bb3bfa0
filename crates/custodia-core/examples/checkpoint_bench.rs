//! Measures the numbers issue 11 names for checkpoints: an RFC 6962 consistency proof over a log of
//! 1,000,000 events (made, and checked), and what the open-time rollback check adds to `Vault::open` (the
//! same vault opened with and without this computer's checkpoint copies). Prints Markdown table rows.
//!
//! Usage: cargo run --release -p custodia-core --example checkpoint_bench -- [--events N] [--vault-events N]

use custodia_core::checkpoint::LocalCopies;
use custodia_core::merkle::{self, Hash};
use custodia_core::{AddOptions, Flow, KdfParams, SecretString, Session, StrengthPolicy, Unlock, Vault};
use sha2::{Digest, Sha256};
use std::error::Error;
use std::time::{Duration, Instant};

const PASSPHRASE: &str = "bench passphrase long enough";

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn median_ms(mut runs: Vec<Duration>) -> f64 {
    runs.sort();
    runs[runs.len() / 2].as_secs_f64() * 1000.0
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// Proofs from several older sizes to a log of `events` leaves: median time to make and to check one.
fn proofs(events: usize) -> Result<(), Box<dyn Error>> {
    let leaves: Vec<Hash> = (0..events as u64).map(|i| Sha256::digest(i.to_le_bytes()).into()).collect();
    let whole = merkle::root(&leaves);
    let (mut made, mut checked) = (Vec::new(), Vec::new());
    for old in [1, 1_000, events / 3, events / 2 + 7, events - 1] {
        let (proof, took) = timed(|| merkle::consistency_proof(&leaves, old));
        let proof = proof?;
        made.push(took);
        let old_root = merkle::root(&leaves[..old]);
        let (held, took) = timed(|| merkle::verify_consistency(old as u64, events as u64, &old_root, &whole, &proof));
        held?;
        checked.push(took);
    }
    println!(
        "| consistency proof, log of {events} events | make: {:.1} ms | check: {:.3} ms |",
        median_ms(made),
        median_ms(checked)
    );
    Ok(())
}

/// Opens of one vault of about `events` events, with and without the rollback check.
fn open_check(events: usize) -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("vault");
    let copies = LocalCopies::new(dir.path().join("state"));
    let session = || Session::new("bench", "dev-bench");
    let mut vault =
        Vault::create(&root, &SecretString::from(PASSPHRASE), StrengthPolicy::Required, KdfParams::FLOOR, session()?)?;
    let file = dir.path().join("item.txt");
    for i in 0..events {
        std::fs::write(&file, i.to_le_bytes())?;
        vault.add_file(&file, &AddOptions::default(), &mut |_| Flow::Continue)?;
    }
    vault.close()?;
    let unlock = Unlock::Passphrase(SecretString::from(PASSPHRASE));
    // The first close with copies writes this computer's copy; every open after it checks it.
    Vault::open(&root, &unlock, session()?.keeping_checkpoints(copies.clone()))?.close()?;
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        let (vault, took) = timed(|| Vault::open(&root, &unlock, session().expect("session")));
        without.push(took);
        vault?.close()?;
        let (vault, took) =
            timed(|| Vault::open(&root, &unlock, session().expect("session").keeping_checkpoints(copies.clone())));
        with.push(took);
        vault?.close()?;
    }
    println!(
        "| open of a vault of {events}+ events (KDF floor) | without the rollback check: {:.1} ms | with it: {:.1} ms |",
        median_ms(without),
        median_ms(with)
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    proofs(arg("--events", 1_000_000))?;
    open_check(arg("--vault-events", 20_000))
}
