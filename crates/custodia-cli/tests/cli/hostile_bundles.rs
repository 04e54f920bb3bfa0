//! Bad bundles, each built as an attacker would (the tar and age crates, or a real export changed and
//! sealed again): each gives a clear error naming what is wrong, and `bundle open` writes nothing, in its
//! folder or anywhere else.

use crate::bundle_kit::*;
use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A valid export of two small files and the recipient's key.
struct Case {
    env: Env,
    bundle: PathBuf,
    key: PathBuf,
    public: String,
    exported: serde_json::Value,
}

fn case() -> Case {
    let env = Env::new();
    let files = sample_files();
    let ids = vault_with(&env, &files[1..3]);
    let (key, public) = age_keygen(env.dir.path(), "lawyer");
    let (bundle, exported) = export(&env, &ids, &public, "case");
    Case { env, bundle, key, public, exported }
}

impl Case {
    fn verify(&self, bundle: &Path, extra: &[&str]) -> std::process::Output {
        let mut args = vec!["bundle", "verify", path_str(bundle), "--identity", path_str(&self.key)];
        args.extend_from_slice(extra);
        custodia(&args)
    }

    /// Opens into a fresh folder; returns the output and what the folder holds afterwards.
    fn open(&self, bundle: &Path) -> (std::process::Output, Vec<String>) {
        let dir = self.env.dir.path().join(format!("opened-{}", rand_suffix()));
        let out = custodia(&[
            "bundle",
            "open",
            path_str(bundle),
            "--identity",
            path_str(&self.key),
            "--output",
            path_str(&dir),
        ]);
        (out, tree(&dir))
    }

    /// The bundle's entries, changed by `change`, sealed again to the same recipient.
    fn rebuilt(&self, name: &str, change: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> PathBuf {
        let mut entries = unseal(&self.bundle, &self.key);
        change(&mut entries);
        let out = self.env.dir.path().join(format!("{name}.custodia.age"));
        seal(&tar_of(&entries), &self.public, &out);
        out
    }

    /// A bundle whose tar is the real bag followed by `extra`, hand-made, sealed to the recipient.
    fn with_raw_entry(&self, name: &str, header: tar::Header, data: &[u8]) -> PathBuf {
        let entries = unseal(&self.bundle, &self.key);
        let mut builder = tar::Builder::new(Vec::new());
        for (path, bytes) in &entries[..1] {
            let mut h = tar::Header::new_gnu();
            h.set_size(bytes.len() as u64);
            h.set_mode(0o644);
            builder.append_data(&mut h, path, &bytes[..]).expect("append");
        }
        builder.append(&header, data).expect("append raw");
        let tar = builder.into_inner().expect("finish");
        let out = self.env.dir.path().join(format!("{name}.custodia.age"));
        seal(&tar, &self.public, &out);
        out
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::SeqCst).to_string()
}

/// `verify` and `open` both refuse the bundle with exit code `code` and a message containing `says`, and
/// `open` leaves its folder empty.
fn refused(case: &Case, bundle: &Path, code: i32, says: &str) {
    let out = case.verify(bundle, &[]);
    assert_eq!(out.status.code(), Some(code), "verify: {}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(all.contains(says), "verify should say {says:?}:\n{all}");
    let (out, left) = case.open(bundle);
    assert_eq!(out.status.code(), Some(code), "open: {}", stderr(&out));
    assert!(left.is_empty(), "open must leave nothing behind: {left:?}");
}

#[test]
fn the_wrong_identity_is_told_to_ask_the_sender() {
    let case = case();
    let (other, _) = age_keygen(case.env.dir.path(), "someone-else");
    let out = custodia(&["bundle", "verify", path_str(&case.bundle), "--identity", path_str(&other)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not encrypted to the key in"), "{}", stderr(&out));
}

#[test]
fn a_truncated_bundle_is_damaged() {
    let case = case();
    let bytes = std::fs::read(&case.bundle).expect("read");
    let cut = case.env.file("cut.custodia.age", &bytes[..bytes.len() - 100]);
    refused(&case, &cut, 3, "damaged or truncated");
}

#[test]
fn a_flipped_byte_in_the_ciphertext_is_damage() {
    let case = case();
    let mut bytes = std::fs::read(&case.bundle).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    let flipped = case.env.file("flipped.custodia.age", &bytes);
    refused(&case, &flipped, 3, "damaged or truncated");
}

#[test]
fn an_entry_climbing_out_with_dot_dot_is_refused_and_written_nowhere() {
    let case = case();
    let header = raw_header(b"case/../../evil.txt", tar::EntryType::Regular, 4);
    let bundle = case.with_raw_entry("dotdot", header, b"evil");
    refused(&case, &bundle, 3, "climbs out of its folder");
    assert!(!case.env.dir.path().join("evil.txt").exists());
    assert!(!case.env.dir.path().parent().map(|p| p.join("evil.txt").exists()).unwrap_or(false));
}

#[test]
fn an_absolute_path_is_refused_and_written_nowhere() {
    let case = case();
    let target = case.env.dir.path().join("absolute-evil.txt");
    let header = raw_header(path_str(&target).as_bytes(), tar::EntryType::Regular, 4);
    let bundle = case.with_raw_entry("absolute", header, b"evil");
    refused(&case, &bundle, 3, "an absolute path");
    assert!(!target.exists(), "nothing may be written at an absolute path");
}

#[test]
fn symbolic_links_hard_links_and_devices_are_refused_by_name() {
    let case = case();
    for (kind, says) in [
        (tar::EntryType::Symlink, "a symbolic link"),
        (tar::EntryType::Link, "a hard link"),
        (tar::EntryType::Char, "a device file"),
        (tar::EntryType::Block, "a device file"),
        (tar::EntryType::Fifo, "a named pipe"),
    ] {
        let mut header = raw_header(b"case/data/items/E-1/link", kind, 0);
        header.set_link_name("/etc/passwd").expect("link name");
        header.set_cksum();
        let bundle = case.with_raw_entry(&format!("kind-{}", rand_suffix()), header, b"");
        refused(&case, &bundle, 3, says);
    }
}

#[test]
fn a_manifest_listing_a_missing_file_names_it() {
    let case = case();
    let bundle = case.rebuilt("listed-missing", |entries| {
        entries.retain(|(p, _)| !p.starts_with("case/data/items/"));
    });
    let out = case.verify(&bundle, &[]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    let path = case.exported["plan"]["items"][0]["path"].as_str().expect("path");
    assert!(text.contains(&format!("{path} is listed in manifest-sha256.txt but missing from the bundle")), "{text}");
    let (_, left) = case.open(&bundle);
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_file_missing_from_the_manifest_is_named() {
    let case = case();
    let bundle = case.rebuilt("unlisted", |entries| {
        entries.push(("case/data/items/E-EXTRA-00000/planted.jpg".into(), b"planted".to_vec()));
    });
    let out = case.verify(&bundle, &[]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("data/items/E-EXTRA-00000/planted.jpg is in the bundle but not listed in manifest-sha256.txt"),
        "{text}"
    );
    assert!(text.contains("item E-EXTRA-00000 has no ingest event"), "{text}");
}

/// Signs `data` with a new Ed25519 key made by OpenSSL; returns (SPKI base64, signature base64).
fn openssl_sign(dir: &Path, data: &[u8]) -> (String, String) {
    let key = dir.join("other.pem");
    run_ok(Command::new(tool("openssl")).args(["genpkey", "-algorithm", "ed25519", "-out"]).arg(&key), "genpkey");
    let public = dir.join("other.pub.pem");
    run_ok(Command::new(tool("openssl")).args(["pkey", "-pubout", "-in"]).arg(&key).arg("-out").arg(&public), "pkey");
    let input = dir.join("to-sign");
    std::fs::write(&input, data).expect("write");
    let sig = dir.join("other.sig");
    run_ok(
        Command::new(tool("openssl"))
            .args(["pkeyutl", "-sign", "-rawin", "-inkey"])
            .arg(&key)
            .arg("-in")
            .arg(&input)
            .arg("-out")
            .arg(&sig),
        "pkeyutl -sign",
    );
    let pem = std::fs::read_to_string(&public).expect("pem");
    let spki: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let out = run_ok(Command::new(tool("base64")).arg("-w0").arg(&sig), "base64");
    (spki, String::from_utf8(out.stdout).expect("ascii"))
}

#[test]
fn a_signature_by_another_key_fails_and_a_signer_mismatch_is_named() {
    let case = case();
    let entries = unseal(&case.bundle, &case.key);
    let manifest = entries.iter().find(|(p, _)| p == "case/tagmanifest-sha256.txt").expect("tag manifest").1.clone();
    let (spki, signature) = openssl_sign(case.env.dir.path(), &manifest);

    // Another key's signature under the vault's public key: it does not verify.
    let forged = case.rebuilt("forged-signature", |entries| {
        let sig = entries.iter_mut().find(|(p, _)| p == "case/custody/signature").expect("signature");
        let text = String::from_utf8(sig.1.clone()).expect("text");
        let replaced: Vec<String> = text
            .lines()
            .map(|l| if l.starts_with("Signature:") { format!("Signature: {signature}") } else { l.to_string() })
            .collect();
        sig.1 = format!("{}\n", replaced.join("\n")).into_bytes();
    });
    let out = case.verify(&forged, &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("the signature over tagmanifest-sha256.txt does not verify"));

    // Re-signed whole by another key: self-consistent, but not the vault's checkpoint key, and not the
    // signer the lawyer was told to expect.
    let resigned = case.rebuilt("resigned", |entries| {
        let sig = entries.iter_mut().find(|(p, _)| p == "case/custody/signature").expect("signature");
        let text = String::from_utf8(sig.1.clone()).expect("text");
        let replaced: Vec<String> = text
            .lines()
            .filter(|l| !l.starts_with("Fingerprint"))
            .map(|l| match l {
                l if l.starts_with("Signature:") => format!("Signature: {signature}"),
                l if l.starts_with("Public-Key:") => format!("Public-Key: {spki}"),
                l => l.to_string(),
            })
            .collect();
        sig.1 = format!("{}\n", replaced.join("\n")).into_bytes();
    });
    let expected = case.exported["signer"]["fingerprint"]["hex"].as_str().expect("fingerprint");
    let out = case.verify(&resigned, &["--signer", expected]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("not by the expected signer {expected}")), "{text}");
    assert!(text.contains("custody/checkpoint: the checkpoint carries no signature by"), "{text}");
    let (_, left) = case.open(&resigned);
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_huge_declared_size_is_refused_before_anything_is_read() {
    let case = case();
    let header = raw_header(b"case/data/items/E-1/huge.mp4", tar::EntryType::Regular, 1 << 50);
    let bundle = case.with_raw_entry("huge", header, &[0u8; 512]);
    refused(&case, &bundle, 3, "more than the limit");
}

#[test]
fn a_bag_nested_one_folder_too_deep_is_not_a_bag() {
    let case = case();
    let bundle = case.rebuilt("nested", |entries| {
        for (path, _) in entries.iter_mut() {
            *path = format!("outer/{path}");
        }
    });
    refused(&case, &bundle, 3, "nested inside another folder");
    let scattered = case.rebuilt("scattered", |entries| {
        entries.push(("elsewhere/readme.txt".into(), b"x".to_vec()));
    });
    refused(&case, &scattered, 3, "outside the bag's folder");
}

#[test]
fn a_name_that_is_not_utf8_is_refused() {
    let case = case();
    let header = raw_header(b"case/data/items/E-1/\xff\xfe.jpg", tar::EntryType::Regular, 3);
    let bundle = case.with_raw_entry("not-utf8", header, b"abc");
    refused(&case, &bundle, 3, "not UTF-8");
}

#[test]
fn a_duplicate_name_is_refused() {
    let case = case();
    let bundle = case.rebuilt("duplicate", |entries| {
        let first = entries.iter().find(|(p, _)| p.starts_with("case/data/items/")).cloned().expect("item");
        entries.push((first.0.to_uppercase().replacen("CASE/", "case/", 1), b"other".to_vec()));
    });
    refused(&case, &bundle, 3, "same name");
}

#[test]
fn open_extracts_only_a_bundle_that_verifies_and_never_replaces_a_folder() {
    let case = case();
    let dir = case.env.dir.path().join("received");
    let out = custodia(&[
        "bundle",
        "open",
        path_str(&case.bundle),
        "--identity",
        path_str(&case.key),
        "--output",
        path_str(&dir),
    ]);
    assert_success(&out, "open");
    assert!(dir.join("case/bagit.txt").is_file());
    assert_eq!(tree(&dir).iter().filter(|p| p.starts_with(".custodia-open")).count(), 0, "no staging folder is left");
    let again = custodia(&[
        "bundle",
        "open",
        path_str(&case.bundle),
        "--identity",
        path_str(&case.key),
        "--output",
        path_str(&dir),
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
}

/// What a hostile sender writes to draw over the report: erase the line, go back to its start, print "OK",
/// then reverse what follows.
const DRAW_OVER: &str = "\x1b[2K\rOK \u{202E}exe.fdp";

fn assert_shown_not_obeyed(text: &str, what: &str) {
    assert!(
        !text.contains('\x1b') && !text.contains('\r'),
        "{what}: a control character reached the terminal:\n{text}"
    );
    assert!(!text.contains('\u{202E}'), "{what}: a bidi override reached the terminal:\n{text}");
}

#[test]
fn a_signer_name_and_bag_fields_that_draw_on_the_terminal_are_shown_escaped() {
    let case = case();
    let bundle = case.rebuilt("draws", |entries| {
        for (path, bytes) in entries.iter_mut() {
            let text = String::from_utf8_lossy(bytes).into_owned();
            if path.ends_with("custody/signature") {
                let line = text.lines().find(|l| l.starts_with("Signer: ")).expect("signer line").to_string();
                *bytes = text.replace(&line, &format!("{line}{DRAW_OVER}")).into_bytes();
            } else if path.ends_with("bag-info.txt") {
                let line = text.lines().find(|l| l.starts_with("External-Identifier: ")).expect("id").to_string();
                *bytes = text.replace(&line, &format!("{line}{DRAW_OVER}")).into_bytes();
            }
        }
        let first = entries.iter().position(|(p, _)| p.contains("/data/items/")).expect("an item");
        let folder = entries[first].0.rsplit_once('/').expect("folder").0.to_string();
        entries.push((format!("{folder}/invoice\u{202E}fdp.exe"), b"MZ".to_vec()));
    });
    let out = case.verify(&bundle, &[]);
    assert_eq!(out.status.code(), Some(3), "the altered bag fails its checks: {}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_shown_not_obeyed(&text, "bundle verify");
    assert_shown_not_obeyed(&stderr(&out), "bundle verify's errors");
    let shown = "\\x1b[2K\\rOK <U+202E>exe.fdp";
    assert!(
        text.lines().any(|l| l.starts_with("Signer ") && l.contains(" custodia.vault/")) && text.contains(shown),
        "the signer as sent, made visible:\n{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("External-Identifier ") && l.ends_with(shown)),
        "the bag's identifier too:\n{text}"
    );
    assert!(text.contains("invoice<U+202E>fdp.exe"), "and the file name:\n{text}");
    let json = case.verify(&bundle, &["--json"]);
    let lines = json_lines(&json);
    let report = &lines[0];
    assert!(
        report["signer"]["name"].as_str().is_some_and(|n| n.ends_with(DRAW_OVER)),
        "--json keeps the exact value: {}",
        report["signer"]
    );
}

#[test]
fn a_bidi_override_a_sender_put_in_bag_info_is_shown_by_code_point_in_the_log_after_import() {
    let sender = Env::new();
    let ids = vault_with(&sender, &sample_files()[1..2]);
    let receiver = Env::new();
    let (key, public) = age_keygen(receiver.dir.path(), "lawyer");
    let bundle = sender.dir.path().join("bidi.custodia.age");
    let contact = "Amina \u{202E}gnp.exe";
    let mut args =
        vec!["export", "--recipient", public.as_str(), "--recipient-kind", "icc", "--output", path_str(&bundle)];
    args.extend([
        "--contact-name",
        contact,
        "--organisation",
        "Watch\u{2067}Group\u{2069}",
        "--items",
        ids[0].as_str(),
    ]);
    assert_success(&sender.run(&args), "export with a contact name holding a bidi override");
    let imported = receiver.run(&["import", path_str(&bundle), "--identity", path_str(&key)]);
    assert_success(&imported, "import");
    assert_shown_not_obeyed(&stderr(&imported), "import");
    let log = receiver.run(&["log"]);
    assert_success(&log, "log");
    let text = String::from_utf8_lossy(&log.stdout);
    assert_shown_not_obeyed(&text, "log");
    assert!(!text.contains('\u{2067}') && !text.contains('\u{2069}'), "nor an isolate:\n{text}");
    assert!(text.contains("Amina <U+202E>gnp.exe") && text.contains("Watch<U+2067>Group<U+2069>"), "{text}");
    let exact = String::from_utf8_lossy(&receiver.run(&["log", "--json"]).stdout).into_owned();
    assert!(exact.contains(contact), "--json keeps the value exactly");
    let show = receiver.run(&["list", "--json"]);
    let id = json_lines(&show)[0]["id"].as_str().expect("id").to_string();
    let shown = receiver.run(&["show", &id]);
    assert_success(&shown, "show");
    assert_shown_not_obeyed(&String::from_utf8_lossy(&shown.stdout), "show");
}

#[test]
fn a_passphrase_bundle_whose_work_factor_was_raised_is_refused_before_any_work() {
    let env = Env::new();
    let ids = vault_with(&env, &sample_files()[1..2]);
    let pass = env.file("bundle-pass.txt", b"a long shared passphrase for the prosecutor\n");
    let bundle = env.dir.path().join("by-passphrase.custodia.age");
    let mut args = vec!["export", "--bundle-passphrase-file", path_str(&pass), "--recipient-kind", "prosecutor"];
    args.extend(["--output", path_str(&bundle), "--items", ids[0].as_str()]);
    assert_success(&env.run(&args), "export with a passphrase");
    let sealed = std::fs::read(&bundle).expect("read");
    let header_end = sealed.windows(4).position(|w| w == b"\n---").expect("the header's end");
    let header = String::from_utf8(sealed[..header_end].to_vec()).expect("text header");
    let stanza = header.lines().find(|l| l.starts_with("-> scrypt ")).expect("a scrypt stanza");
    assert!(stanza.ends_with(" 16"), "our exports use work factor 16, which we accept: {stanza}");
    let raised = header.replace(stanza, &format!("{} 30", &stanza[..stanza.len() - 3]));
    let mut edited = raised.into_bytes();
    edited.extend_from_slice(&sealed[header_end..]);
    let hostile = env.dir.path().join("raised.custodia.age");
    std::fs::write(&hostile, edited).expect("write");

    let ok = custodia(&["bundle", "verify", path_str(&bundle), "--bundle-passphrase-file", path_str(&pass)]);
    assert_success(&ok, "our own passphrase bundle opens under the ceiling");
    let out = custodia(&["bundle", "verify", path_str(&hostile), "--bundle-passphrase-file", path_str(&pass)]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("work factor of 2^30") && said.contains("at most 16"),
        "names the factor and the bound: {said}"
    );
    assert!(said.contains("seal it to your public key"), "says what to do: {said}");
}

/// Someone who held the bag's plaintext adds `extra` and seals it again. Even with the signer confirmed,
/// `verify` names the file as covered by no manifest, `open` writes nothing, and `import` records nothing.
fn unsigned_file_is_refused(case: &Case, name: &str, extra: (&str, &[u8])) {
    let (path, bytes) = extra;
    let bundle = case.rebuilt(name, |entries| entries.push((format!("case/{path}"), bytes.to_vec())));
    let words = case.exported["signer"]["fingerprint"]["words"].as_str().expect("words");
    let out = case.verify(&bundle, &["--signer", words]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "verify must fail on {path}:\n{text}{}", stderr(&out));
    let named = format!("{path:?} is in the bag but covered by neither manifest-sha256.txt nor the signed");
    assert!(text.contains(&named), "verify should name {path} as covered by no manifest:\n{text}");
    let failed = |l: &&str| l.starts_with("FAILED") && l.contains("Every list's SHA-256 hash: ");
    assert!(text.lines().any(|l| failed(&l)), "the tag manifest check is the one that fails:\n{text}");

    let (out, left) = case.open(&bundle);
    assert_eq!(out.status.code(), Some(3), "open must refuse {path}: {}", stderr(&out));
    assert!(left.is_empty(), "open must leave nothing of the bag behind: {left:?}");

    let before = case.env.run(&["list", "--json"]).stdout;
    let out = case.env.run(&["import", path_str(&bundle), "--identity", path_str(&case.key), "--signer", words]);
    assert_eq!(out.status.code(), Some(3), "import must refuse {path}: {}", stderr(&out));
    assert_eq!(case.env.run(&["list", "--json"]).stdout, before, "a refused import adds no item");
}

#[test]
fn a_file_in_a_folder_named_like_a_tag_manifest_is_covered_by_nothing_and_refused() {
    let case = case();
    unsigned_file_is_refused(
        &case,
        "tagmanifest-folder",
        ("tagmanifest-notes/witness-statement.pdf", b"%PDF-1.4 a statement nobody signed"),
    );
}

#[test]
fn a_second_tag_manifest_the_signed_one_does_not_list_is_refused() {
    let case = case();
    let md5 = b"0cc175b9c0f1b6a831c399e269772661  bagit.txt\n";
    unsigned_file_is_refused(&case, "tagmanifest-md5", ("tagmanifest-md5.txt", md5));
    let sha512 = format!("{}  bag-info.txt\n", "ab".repeat(64));
    unsigned_file_is_refused(&case, "tagmanifest-sha512", ("tagmanifest-sha512.txt", sha512.as_bytes()));
}

#[test]
fn an_unsigned_file_is_named_with_its_path_escaped() {
    let case = case();
    // A right-to-left override would show the name reversed on screen; escaped, it cannot pose as another.
    let bundle = case.rebuilt("bidi", |entries| {
        entries.push(("case/tagmanifest-\u{202e}fdp.txt".into(), b"x".to_vec()));
    });
    let out = case.verify(&bundle, &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains(r#""tagmanifest-\u{202e}fdp.txt" is in the bag"#), "the override is shown escaped:\n{text}");
}

#[test]
fn open_writes_private_files_and_folders_and_clears_an_abandoned_open() {
    use std::os::unix::fs::PermissionsExt;
    let case = case();
    let dir = case.env.dir.path().join("received-private");
    // What an open killed midway leaves: its hidden staging folder with unverified content.
    let abandoned = dir.join(".custodia-open-0123456789ab/case/data");
    std::fs::create_dir_all(&abandoned).expect("leftover");
    std::fs::write(abandoned.join("unverified.jpg"), b"not checked").expect("leftover");
    let out = custodia(&[
        "bundle",
        "open",
        path_str(&case.bundle),
        "--identity",
        path_str(&case.key),
        "--output",
        path_str(&dir),
    ]);
    assert_success(&out, "open");
    let opened = tree(&dir);
    assert!(opened.iter().any(|p| p.starts_with("case/data/items/")), "{opened:?}");
    assert!(opened.iter().all(|p| p.starts_with("case")), "the abandoned staging folder is removed: {opened:?}");
    for rel in &opened {
        let meta = std::fs::symlink_metadata(dir.join(rel)).expect("stat");
        let mode = meta.permissions().mode() & 0o777;
        let wanted = if meta.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, wanted, "{rel} is {mode:o}: only the owner may read what was opened");
    }
}
