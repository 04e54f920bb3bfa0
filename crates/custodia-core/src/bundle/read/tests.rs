//! The reading pass against hostile archives: bounds, refused entries, the age layer's limits.

use super::*;
use crate::bundle::limits::{MAX_DEPTH, MAX_SCRYPT_LOG_N};
use std::io::Write;

#[test]
fn only_tag_files_and_the_item_list_are_kept_in_memory() {
    for rel in ["bagit.txt", "manifest-sha256.txt", "tagmanifest-sha512.txt", "custody/proofs.json"] {
        assert!(kept(rel, false), "{rel} is kept for the checks");
    }
    assert!(kept("data/records/items.json", true), "items.json is kept for an import");
    assert!(!kept("data/records/items.json", false), "items.json is not kept for the checks alone");
    for rel in ["data/items/E-1/manifest-sha256.txt", "data/records/persons.json", "custody/other"] {
        assert!(!kept(rel, true), "{rel} is never kept");
    }
}

/// A file whose age layer opens with the returned unlocker.
fn sealed(dir: &Path, name: &str, plain: &[u8]) -> (std::path::PathBuf, Unlocker) {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public();
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).expect("encryptor");
    let path = dir.join(name);
    let mut writer = encryptor.wrap_output(File::create(&path).expect("create")).expect("wrap");
    writer.write_all(plain).expect("write");
    writer.finish().expect("finish");
    (path.clone(), Unlocker::Identities { path, identities: vec![identity] })
}

/// A tar of `(path, bytes)` files, and folders for paths ending in `/`.
fn tar_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        if path.ends_with('/') {
            header.set_entry_type(tar::EntryType::Directory);
        }
        builder.append_data(&mut header, path, &data[..]).expect("append");
    }
    builder.into_inner().expect("finish")
}

fn bag_with(mut entries: Vec<(String, Vec<u8>)>) -> Vec<u8> {
    entries.insert(0, ("bag/bagit.txt".into(), b"BagIt-Version: 1.0\n".to_vec()));
    tar_of(&entries)
}

fn read_with(path: &Path, unlocker: &Unlocker, limits: &Limits) -> Result<Collected, BundleError> {
    read(path, unlocker, limits, &mut HashOnly, &mut |_| Flow::Continue)
}

fn refused_entry(result: Result<Collected, BundleError>, says: &str) {
    match result {
        Err(BundleError::UnsafeEntry { reason, .. }) => assert!(reason.contains(says), "{reason}"),
        other => panic!("expected an unsafe entry ({says}), got {other:?}"),
    }
}

#[test]
fn an_age_header_that_never_ends_is_refused_after_its_bound() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = age::x25519::Identity::generate();
    let unlocker = Unlocker::Identities { path: "key.txt".into(), identities: vec![key] };
    let zeros = dir.path().join("zeros.custodia.age");
    File::create(&zeros).and_then(|f| f.set_len(100 << 20)).expect("100 MiB of zeros");
    let mut stanzas = b"age-encryption.org/v1\n".to_vec();
    let line = b"-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\nEmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U\n";
    while stanzas.len() < 100 << 20 {
        stanzas.extend_from_slice(line);
    }
    let endless = dir.path().join("stanzas.custodia.age");
    std::fs::write(&endless, &stanzas).expect("write");
    for path in [zeros, endless] {
        match read_with(&path, &unlocker, &Limits::default()) {
            Err(BundleError::NotABundle(_, why)) => {
                assert!(why.contains("does not end within the first 64 KiB"), "{}: {why}", path.display())
            }
            other => panic!("{}: expected a refused header, got {other:?}", path.display()),
        }
    }
}

/// A passphrase file sealed at work factor `log_n`, its header then edited to claim `claimed`.
fn passphrase_file(dir: &Path, log_n: u8, claimed: u8) -> std::path::PathBuf {
    let mut recipient = age::scrypt::Recipient::new("the right passphrase".into());
    recipient.set_work_factor(log_n);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).expect("encryptor");
    let mut sealed = Vec::new();
    let mut writer = encryptor.wrap_output(&mut sealed).expect("wrap");
    writer.write_all(&bag_with(Vec::new())).expect("write");
    writer.finish().expect("finish");
    let text = String::from_utf8_lossy(&sealed[..sealed.iter().position(|b| *b == b'\n').expect("line") + 80]);
    let stanza = text.lines().nth(1).expect("the scrypt stanza").to_string();
    assert!(stanza.starts_with("-> scrypt ") && stanza.ends_with(&format!(" {log_n}")), "{stanza}");
    let edited = format!("{} {claimed}", &stanza[..stanza.rfind(' ').expect("space")]);
    let at = sealed.windows(stanza.len()).position(|w| w == stanza.as_bytes()).expect("found");
    let mut out = sealed[..at].to_vec();
    out.extend_from_slice(edited.as_bytes());
    out.extend_from_slice(&sealed[at + stanza.len()..]);
    let path = dir.join(format!("scrypt-{claimed}.custodia.age"));
    std::fs::write(&path, out).expect("write");
    path
}

#[test]
fn a_scrypt_work_factor_above_the_ceiling_is_refused_before_any_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = passphrase_file(dir.path(), 2, 30);
    let unlocker = Unlocker::Passphrase("the right passphrase".into());
    let started = std::time::Instant::now();
    let result = read_with(&path, &unlocker, &Limits::default());
    // 2^30 would take 1 TiB of memory: only a refusal before deriving anything can come back at all.
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "refused at once, took {:?}", started.elapsed());
    match result {
        Err(e @ BundleError::TooMuchWork { required: 30, limit: MAX_SCRYPT_LOG_N }) => {
            let words = e.to_string();
            assert!(
                words.contains("2^30") && words.contains("your public key (age1…)"),
                "names the factor and the way out: {words}"
            );
        }
        other => panic!("expected too much work, got {other:?}"),
    }
}

#[test]
fn our_own_work_factor_is_within_the_ceiling() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = passphrase_file(dir.path(), crate::bundle::limits::EXPORT_SCRYPT_LOG_N, 16);
    let wrong = Unlocker::Passphrase("another passphrase".into());
    assert!(
        matches!(read_with(&path, &wrong, &Limits::default()), Err(BundleError::WrongPassphrase)),
        "the passphrase is tried at our own work factor"
    );
}

#[test]
fn a_path_more_than_64_folders_deep_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let at_limit = format!("bag/{}f", "d/".repeat(MAX_DEPTH - 1));
    let (path, unlocker) = sealed(dir.path(), "deep-ok.custodia.age", &bag_with(vec![(at_limit, b"x".to_vec())]));
    let read = read_with(&path, &unlocker, &Limits::default()).expect("64 names below the bag are fine");
    assert_eq!(read.files.len(), 2, "both files are read");
    let too_deep = format!("bag/{}f", "d/".repeat(MAX_DEPTH));
    let (path, unlocker) = sealed(dir.path(), "deep.custodia.age", &bag_with(vec![(too_deep, b"x".to_vec())]));
    refused_entry(read_with(&path, &unlocker, &Limits::default()), "more than 64 folders deep");
}

#[test]
fn a_folder_inside_a_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let entries = vec![("bag/data/a".to_string(), b"x".to_vec()), ("bag/data/A/b/".to_string(), Vec::new())];
    let (path, unlocker) = sealed(dir.path(), "folder-in-file.custodia.age", &bag_with(entries));
    refused_entry(read_with(&path, &unlocker, &Limits::default()), "a file inside something that is a file");
    let entries = vec![("bag/data/a/b/".to_string(), Vec::new()), ("bag/data/A".to_string(), b"x".to_vec())];
    let (path, unlocker) = sealed(dir.path(), "file-on-folder.custodia.age", &bag_with(entries));
    refused_entry(read_with(&path, &unlocker, &Limits::default()), "same name");
}

#[test]
fn tag_files_are_bounded_together_not_one_by_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ten_mib = vec![b'a'; 10 << 20];
    let entries = ["manifest-md5.txt", "manifest-sha1.txt", "manifest-sha512.txt"]
        .iter()
        .map(|name| (format!("bag/{name}"), ten_mib.clone()))
        .collect();
    let (path, unlocker) = sealed(dir.path(), "manifests.custodia.age", &bag_with(entries));
    match read_with(&path, &unlocker, &Limits::default()) {
        Err(BundleError::TooLarge { what, limit, .. }) => {
            assert!(what.starts_with("manifest-sha512.txt"), "the third one crosses the bound: {what}");
            assert_eq!(limit, 24 << 20);
        }
        other => panic!("expected too large, got {other:?}"),
    }
}

#[test]
fn entries_and_the_bytes_of_their_names_are_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let entries: Vec<_> = (0..10).map(|i| (format!("bag/data/file-{i:04}"), b"x".to_vec())).collect();
    let (path, unlocker) = sealed(dir.path(), "many.custodia.age", &bag_with(entries));
    let few = Limits { max_entries: 5, ..Limits::default() };
    assert!(matches!(read_with(&path, &unlocker, &few), Err(BundleError::TooManyEntries { limit: 5 })));
    let short = Limits { max_name_bytes: 100, ..Limits::default() };
    match read_with(&path, &unlocker, &short) {
        Err(BundleError::TooLarge { what, limit: 100, .. }) => assert!(what.contains("names"), "{what}"),
        other => panic!("expected the names to be too large, got {other:?}"),
    }
    assert!(read_with(&path, &unlocker, &Limits::default()).is_ok(), "within the defaults it reads");
}

#[test]
fn a_kept_file_takes_no_more_memory_than_its_bytes() {
    let bytes: Vec<u8> = (0..3_000_001u32).map(|i| i as u8).collect();
    let read = read_kept(&mut &bytes[..], bytes.len() as u64).expect("read");
    assert_eq!(read, bytes, "every byte arrives");
    assert_eq!(read.capacity(), bytes.len(), "the buffer is exactly the file");
    let short = read_kept(&mut &bytes[..10], 100).expect("read");
    assert_eq!(short.len(), 10, "a file cut short yields what there was, for the caller to refuse");
    let capped = read_kept(&mut &bytes[..], 5).expect("read");
    assert_eq!(capped, &bytes[..5], "never more than the header's size");
}
