//! Power-cut behaviour: `custodia add` killed with SIGKILL at random moments. After each kill, every item
//! the command had reported is intact and verifies, and nothing half-written is presented as an item.

use crate::common::*;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn items_reported_before_a_sigkill_survive_and_verify() {
    let env = Env::new();
    let seed = 0x5eed_c0de_u64;
    eprintln!("crash test seed: {seed:#x}");
    let mut rng = XorShift(seed);
    let mut files = Vec::new();
    let mut expected: HashMap<String, String> = HashMap::new();
    for i in 0..5 {
        let bytes: Vec<u8> = (0..(12 << 20)).map(|j: usize| (j as u64 ^ rng.next()) as u8).collect();
        let path = env.file(&format!("video{i}.bin"), &bytes);
        expected.insert(sha256_hex(&bytes), format!("video{i}.bin"));
        files.push(path);
    }
    let args: Vec<String> =
        ["add", "--json"].iter().map(|s| s.to_string()).chain(files.iter().map(|p| path_str(p).to_string())).collect();

    // One uninterrupted run tells how long a whole add takes here; kills are spread over that span.
    let start = Instant::now();
    let first = env.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_success(&first, "uninterrupted add");
    let span = start.elapsed().as_millis().max(50) as u64;

    let mut reported_total = 0;
    for round in 0..12 {
        let delay = rng.next() % (span + span / 4);
        let mut child = env
            .command()
            .arg("--vault")
            .arg(&env.vault)
            .arg("--passphrase-file")
            .arg(&env.pass_file)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn add");
        let stdout = child.stdout.take().expect("stdout");
        let reader =
            std::thread::spawn(move || BufReader::new(stdout).lines().map_while(Result::ok).collect::<Vec<_>>());
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let reported: Vec<serde_json::Value> =
            reader.join().expect("reader").iter().map(|l| serde_json::from_str(l).expect("json line")).collect();
        reported_total += reported.len();

        let out = env.run(&["verify", "--json"]);
        assert_success(&out, &format!("verify after kill in round {round} at {delay} ms"));
        let listed: HashMap<String, serde_json::Value> = json_lines(&env.run(&["list", "--json"]))
            .into_iter()
            .map(|v| (v["id"].as_str().expect("id").to_string(), v))
            .collect();
        for item in &reported {
            let id = item["id"].as_str().expect("id");
            let listed_item = listed.get(id).unwrap_or_else(|| panic!("round {round}: reported item {id} is gone"));
            assert_eq!(listed_item["sha256"], item["sha256"]);
        }
        for item in listed.values() {
            let sha = item["sha256"].as_str().expect("sha");
            assert_eq!(
                expected.get(sha).map(String::as_str),
                item["name"].as_str(),
                "round {round}: an item with unknown content is listed"
            );
        }
    }
    eprintln!("crash test: {reported_total} items reported across the killed runs");
    let out = env.run(&["verify", "--json"]);
    assert_success(&out, "final verify");
}

#[test]
fn ctrl_c_during_add_cancels_cleanly_with_exit_code_130() {
    let env = Env::new();
    let big = env.file("long-video.bin", &vec![0x5a; 256 << 20]);
    let child = env
        .command()
        .arg("--vault")
        .arg(&env.vault)
        .arg("--passphrase-file")
        .arg(&env.pass_file)
        .args(["add", path_str(&big)])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn add");
    // The staging file appears once the add is under way (and the Ctrl-C handler installed).
    let tmp = env.vault.join("tmp");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::read_dir(&tmp).map(|d| d.count()).unwrap_or(0) == 0 {
        assert!(Instant::now() < deadline, "the add never started staging");
        std::thread::sleep(Duration::from_millis(2));
    }
    let status = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(130), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("Interrupted. Nothing half-written was kept."), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&tmp).expect("tmp").count(), 0, "the cancelled add cleaned its staging file");
    let out = env.run(&["list", "--json"]);
    assert!(json_lines(&out).is_empty(), "no item from a cancelled add");
    assert!(!stderr(&out).contains("quarantine"), "nothing left for reconcile: {}", stderr(&out));
}
