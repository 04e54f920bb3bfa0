//! Bundles against tools no one here wrote: Go's `age` and `age-keygen`, GNU `tar`, Python `bagit` and
//! OpenSSL. A lawyer without Custodia must be able to decrypt, unpack, validate and check the signature;
//! and a bundle changed with those tools and sealed again must fail `custodia bundle verify`, naming the
//! file that was changed.

use crate::bundle_kit::*;
use crate::common::*;
use std::path::Path;
use std::process::{Command, Stdio};

/// Decrypts with `age -d -i KEY` and unpacks with `tar -x` into `out`.
fn age_and_tar(bundle: &Path, key: &Path, out: &Path) {
    std::fs::create_dir_all(out).expect("mkdir");
    let tar_file = out.with_extension("tar");
    run_ok(Command::new(tool("age")).arg("-d").arg("-i").arg(key).arg("-o").arg(&tar_file).arg(bundle), "age -d");
    run_ok(Command::new(tool("tar")).arg("-xf").arg(&tar_file).arg("-C").arg(out), "tar -x");
}

fn bagit_validate(bag: &Path) -> std::process::Output {
    Command::new(bagit_py()).arg("--validate").arg(bag).output().expect("run bagit.py")
}

/// Every collected file in the unpacked bag is byte for byte the original.
fn assert_payload_is_original(bag: &Path, export: &serde_json::Value, files: &[(&str, Vec<u8>)], ids: &[String]) {
    let planned = export["plan"]["items"].as_array().expect("planned items");
    assert_eq!(planned.len(), files.len());
    for ((name, bytes), id) in files.iter().zip(ids) {
        let item = planned.iter().find(|i| i["id"] == id.as_str()).expect("planned");
        let path = bag.join(item["path"].as_str().expect("path"));
        let copy = std::fs::read(&path).unwrap_or_else(|e| panic!("{} ({name}): {e}", path.display()));
        assert!(copy == *bytes, "{name} differs from the original after age, tar and bagit");
        assert_eq!(item["name"], *name, "items.json keeps the original name");
    }
}

#[test]
fn go_age_tar_and_python_bagit_open_and_validate_an_export_byte_for_byte() {
    let env = Env::new();
    let files = sample_files();
    let ids = vault_with(&env, &files);
    let (key, public) = age_keygen(env.dir.path(), "lawyer");
    let (bundle, exported) = export(&env, &ids, &public, "case-2026-11");
    let out = env.dir.path().join("unpacked");
    age_and_tar(&bundle, &key, &out);
    let bag = out.join("case-2026-11");
    let validated = bagit_validate(&bag);
    assert_success(&validated, "bagit.py --validate");
    assert!(stderr(&validated).contains("is valid"), "{}", stderr(&validated));
    assert_payload_is_original(&bag, &exported, &files, &ids);

    // The signature over the tag manifest checks with OpenSSL, from the public key in the bag itself.
    let signature = std::fs::read_to_string(bag.join("custody/signature")).expect("signature");
    let field =
        |label: &str| signature.lines().find_map(|l| l.strip_prefix(label)).map(str::trim).expect("field").to_string();
    let pem = env.file(
        "signer.pem",
        format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", field("Public-Key:")).as_bytes(),
    );
    let sig = env.dir.path().join("sig.bin");
    let decoded = Command::new(tool("base64")).arg("-d").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().and_then(
        |mut child| {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(field("Signature:").as_bytes())?;
            child.wait_with_output()
        },
    );
    std::fs::write(&sig, decoded.expect("base64").stdout).expect("write sig");
    let verified = run_ok(
        Command::new(tool("openssl"))
            .args(["pkeyutl", "-verify", "-pubin", "-inkey"])
            .arg(&pem)
            .arg("-rawin")
            .arg("-in")
            .arg(bag.join("tagmanifest-sha256.txt"))
            .arg("-sigfile")
            .arg(&sig),
        "openssl pkeyutl -verify",
    );
    assert!(String::from_utf8_lossy(&verified.stdout).contains("Signature Verified Successfully"));

    // And Custodia's own verifier agrees, with the signer pinned by the words the sender reads out.
    let words = exported["signer"]["fingerprint"]["words"].as_str().expect("words");
    let out = custodia(&["bundle", "verify", path_str(&bundle), "--identity", path_str(&key), "--signer", words]);
    assert_success(&out, "bundle verify");
    assert!(String::from_utf8_lossy(&out.stdout).contains("OK: all checks passed"));
}

#[test]
fn a_passphrase_bundle_decrypts_with_go_age_given_the_passphrase_at_its_terminal() {
    let env = Env::new();
    let files = sample_files();
    let ids = vault_with(&env, &files[1..3]);
    let passphrase = "a long shared passphrase for the prosecutor";
    let pass_file = env.file("bundle-pass.txt", format!("{passphrase}\n").as_bytes());
    let bundle = env.dir.path().join("by-passphrase.custodia.age");
    let mut args = vec!["export", "--bundle-passphrase-file", path_str(&pass_file), "--recipient-kind", "prosecutor"];
    args.extend(["--output", path_str(&bundle), "--items"]);
    args.extend(ids.iter().map(String::as_str));
    args.push("--json");
    let out = env.run(&args);
    assert_success(&out, "export with a passphrase");
    let exported = json_lines(&out).remove(0);

    // age reads a passphrase only from a terminal: `script` gives it one, fed from our stdin.
    let tar_file = env.dir.path().join("by-passphrase.tar");
    let command = format!("'{}' -d -o '{}' '{}'", path_str(&tool("age")), path_str(&tar_file), path_str(&bundle));
    let mut child = Command::new(tool("script"))
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script");
    {
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(format!("{passphrase}\n").as_bytes()).expect("type");
    }
    let decrypted = child.wait_with_output().expect("age under script");
    assert_success(&decrypted, "age -d with the passphrase typed at its terminal");
    let out = env.dir.path().join("unpacked");
    std::fs::create_dir_all(&out).expect("mkdir");
    run_ok(Command::new(tool("tar")).arg("-xf").arg(&tar_file).arg("-C").arg(&out), "tar -x");
    let bag = out.join("by-passphrase");
    assert_success(&bagit_validate(&bag), "bagit.py --validate");
    assert_payload_is_original(&bag, &exported, &files[1..3], &ids);
    let ok = custodia(&["bundle", "verify", path_str(&bundle), "--bundle-passphrase-file", path_str(&pass_file)]);
    assert_success(&ok, "bundle verify with the passphrase");
}

#[test]
fn a_file_altered_after_decryption_and_resealed_with_go_age_fails_verify_and_is_named() {
    let env = Env::new();
    let files = sample_files();
    let ids = vault_with(&env, &files);
    let (key, public) = age_keygen(env.dir.path(), "lawyer");
    let (bundle, exported) = export(&env, &ids, &public, "case");
    let out = env.dir.path().join("unpacked");
    age_and_tar(&bundle, &key, &out);
    let item = &exported["plan"]["items"][0];
    let path = item["path"].as_str().expect("path").to_string();
    let target = out.join("case").join(&path);
    let mut bytes = std::fs::read(&target).expect("read");
    bytes[1000] ^= 0x01;
    std::fs::write(&target, &bytes).expect("alter one bit");

    let tar_file = env.dir.path().join("altered.tar");
    run_ok(Command::new(tool("tar")).arg("-cf").arg(&tar_file).arg("-C").arg(&out).arg("case"), "tar -c");
    let resealed = env.dir.path().join("altered.custodia.age");
    run_ok(Command::new(tool("age")).arg("-r").arg(&public).arg("-o").arg(&resealed).arg(&tar_file), "age -r");

    let verified = custodia(&["bundle", "verify", path_str(&resealed), "--identity", path_str(&key)]);
    assert_eq!(verified.status.code(), Some(3), "verify fails: {}", stderr(&verified));
    let text = String::from_utf8_lossy(&verified.stdout);
    assert!(text.contains(&format!("PROBLEM: {path} was altered")), "the altered file is named:\n{text}");
    assert!(text.contains(&format!("item {} is not what was collected", ids[0])), "{text}");
    let report = custodia(&["bundle", "verify", path_str(&resealed), "--identity", path_str(&key), "--json"]);
    let report = json_lines(&report).remove(0);
    assert_eq!(report["ok"], false);
    assert!(
        report["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .any(|p| p["problem"] == "file_altered" && p["path"] == path.as_str()),
        "{report}"
    );
}
