//! What a documenter and a script do every day, with exact outputs where they are a contract.

use crate::common::*;

#[test]
fn add_list_show_extract_log_verify_round_trip_in_json() {
    let env = Env::new();
    let jpeg = b"\xFF\xD8\xFF\xE0 pretend jpeg";
    let photo = env.file("photo.jpg", jpeg);
    let note = env.file("note.txt", "Témoignage: الشاهد".as_bytes());
    let out = env.run(&[
        "add",
        path_str(&photo),
        path_str(&note),
        "--description",
        "Site visit",
        "--source",
        "W-12",
        "--json",
    ]);
    assert_success(&out, "add");
    let added = json_lines(&out);
    assert_eq!(added.len(), 2);
    assert_eq!(added[0]["name"], "photo.jpg");
    assert_eq!(added[0]["sha256"], sha256_hex(jpeg));
    assert_eq!(added[0]["size"], jpeg.len());
    assert_eq!(added[0]["media_type"], "image/jpeg");
    assert_eq!(added[1]["description"], "Site visit");
    assert_eq!(added[1]["already_stored"], false);

    let listed = json_lines(&env.run(&["list", "--json"]));
    let ids: Vec<&str> = listed.iter().map(|v| v["id"].as_str().expect("id")).collect();
    assert_eq!(ids, [added[0]["id"].as_str().expect("id"), added[1]["id"].as_str().expect("id")]);
    for key in ["id", "sha256", "size", "name"] {
        assert_eq!(listed[1][key], added[1][key], "list and add agree on {key}");
    }

    let id = added[1]["id"].as_str().expect("id");
    let shown = json_lines(&env.run(&["show", id, "--json"]));
    assert_eq!(shown[0]["sha256"], added[1]["sha256"]);
    assert_eq!(shown[0]["events"][0]["action"], "item.ingested");
    assert_eq!(shown[0]["events"][0]["actor"], "tester");

    let copy = env.dir.path().join("copy.txt");
    assert_success(&env.run(&["extract", id, "--output", path_str(&copy)]), "extract");
    assert_eq!(std::fs::read(&copy).expect("copy"), "Témoignage: الشاهد".as_bytes());

    let log = json_lines(&env.run(&["log", "--json"]));
    let actions: Vec<&str> = log.iter().map(|e| e["action"].as_str().expect("action")).collect();
    assert_eq!(&actions[..2], ["vault.created", "keyslot.added"]);
    assert!(actions.contains(&"item.extracted"));
    for (i, event) in log.iter().enumerate() {
        assert_eq!(event["seq"], i as u64 + 1);
        assert_eq!(event["hash"].as_str().expect("hash").len(), 64);
        if i > 0 {
            assert_eq!(event["prev_hash"], log[i - 1]["hash"], "event {} chains to the one before", i + 1);
        }
    }

    let out = env.run(&["verify", "--json"]);
    assert_success(&out, "verify");
    let report = &json_lines(&out)[0];
    assert_eq!(report["ok"], true);
    assert_eq!(report["items"], 2);
}

#[test]
fn global_options_work_before_or_after_the_subcommand() {
    let env = Env::new();
    let out = env
        .command()
        .args([
            "list",
            "--json",
            "--vault",
            path_str(&env.vault),
            "--passphrase-file",
            path_str(&env.pass_file),
            "--actor",
            "Amina K.",
        ])
        .output()
        .expect("run");
    assert_success(&out, "list with options after");
    let out = env
        .command()
        .env("CUSTODIA_VAULT", &env.vault)
        .args(["--json", "--actor", "Amina K.", "--passphrase-file", path_str(&env.pass_file), "log"])
        .output()
        .expect("run");
    assert_success(&out, "log with the vault from the environment");
    let last = json_lines(&out).pop().expect("events");
    assert_eq!(last["actor"], "Amina K.");
}

#[test]
fn adding_the_same_content_twice_says_so_and_keeps_both_acquisitions() {
    let env = Env::new();
    let a = env.file("a.pdf", b"%PDF-1.4 same");
    let out = env.run(&["add", path_str(&a)]);
    assert_success(&out, "first add");
    let out = env.run(&["add", path_str(&a), "--json"]);
    assert_success(&out, "second add");
    let second = &json_lines(&out)[0];
    assert_eq!(second["already_stored"], true);
    assert!(second["duplicate_of"].is_string());
    let out = env.run(&["add", path_str(&a)]);
    assert!(stderr(&out).contains("same content as"), "people are told: {}", stderr(&out));
    assert_eq!(json_lines(&env.run(&["list", "--json"])).len(), 3);
}

#[test]
fn recovery_key_and_passphrase_change_from_the_command_line() {
    let env = Env::new();
    let out = env.run(&["recovery", "create", "--json"]);
    assert_success(&out, "recovery create");
    let key = json_lines(&out)[0]["recovery_key"].as_str().expect("key").to_string();
    let key_file = env.file("recovery.txt", key.as_bytes());
    let new_pass = env.file("new-pass.txt", b"another long passphrase\n");
    let out = env.run(&[
        "passphrase",
        "change",
        "--new-passphrase-file",
        path_str(&new_pass),
        "--kdf-memory-mib",
        "19",
        "--kdf-iterations",
        "2",
    ]);
    assert_success(&out, "passphrase change");
    let out = env.run(&["list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("passphrase is not correct"), "{}", stderr(&out));
    let out = env
        .command()
        .args(["--vault", path_str(&env.vault), "--passphrase-file", path_str(&new_pass), "list"])
        .output()
        .expect("run");
    assert_success(&out, "new passphrase opens");
    let out = env
        .command()
        .args(["--vault", path_str(&env.vault), "--recovery-file", path_str(&key_file), "list"])
        .output()
        .expect("run");
    assert_success(&out, "recovery key opens");
}

#[test]
fn recovery_create_can_write_the_key_to_a_new_private_file_and_retires_the_old_key() {
    let env = Env::new();
    let out = env.run(&["recovery", "create", "--json"]);
    assert_success(&out, "first recovery key");
    let first = env.file("first.txt", json_lines(&out)[0]["recovery_key"].as_str().expect("key").as_bytes());
    let target = env.dir.path().join("second.txt");
    let out = env.run(&["recovery", "create", "--output", path_str(&target)]);
    assert_success(&out, "recovery create --output");
    assert!(!String::from_utf8_lossy(&out.stdout).contains('-'), "the key is not printed when written to a file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).expect("key file").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the key file is its owner's alone");
    }
    let with_key = |file: &std::path::Path| {
        env.command()
            .args(["--vault", path_str(&env.vault), "--recovery-file", path_str(file), "list"])
            .output()
            .expect("run")
    };
    assert_success(&with_key(&target), "the written key opens");
    let out = with_key(&first);
    assert_eq!(out.status.code(), Some(1), "the first key is revoked");
    assert!(stderr(&out).contains("recovery key does not open"), "{}", stderr(&out));
    let out = env.run(&["recovery", "create", "--output", path_str(&target)]);
    assert_eq!(out.status.code(), Some(1), "an existing file is never overwritten: {}", stderr(&out));
    assert_success(&with_key(&target), "the key in the untouched file still opens");
}

#[test]
fn human_output_escapes_control_characters_in_names() {
    let env = Env::new();
    let evil = env.file("evil\x1b[31mred.txt", b"x");
    assert_success(&env.run(&["add", path_str(&evil)]), "add");
    let out = env.run(&["list"]);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(!text.contains('\x1b'), "raw escape reached the terminal: {text:?}");
}
