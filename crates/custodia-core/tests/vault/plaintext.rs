//! No plaintext evidence on disk: not in the database, the blobs, or staging.

use crate::common::*;
use custodia_core::{AddOptions, Flow};

const MARKER: &[u8] = b"PLAINTEXT-MARKER-7Q3Z-testimony";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn no_vault_file_contains_a_plaintext_marker_and_the_database_is_not_plain_sqlite() {
    let tv = TestVault::new();
    let mut content = Vec::new();
    for i in 0..2000 {
        content.extend_from_slice(MARKER);
        content.extend_from_slice(format!(" line {i}\n").as_bytes());
    }
    let src = tv.source("PLAINTEXT-MARKER-7Q3Z-testimony.txt", &content);
    let mut vault = tv.open();
    let options = AddOptions {
        description: String::from_utf8_lossy(MARKER).into(),
        source: String::from_utf8_lossy(MARKER).into(),
    };
    vault.add_file(&src, &options, &mut go).expect("add");
    // An add cancelled half-way, to leave staging behind while the vault is open.
    let _ = vault.add_file(&src, &AddOptions::default(), &mut |n| if n > 0 { Flow::Cancel } else { Flow::Continue });
    // Checked while the vault is open (WAL present) and after it is closed.
    let check = |when: &str| {
        for path in files_under(&tv.root) {
            let bytes = std::fs::read(&path).expect("read");
            assert!(!contains(&bytes, MARKER), "{when}: {} contains the plaintext marker", path.display());
            let name = path.to_string_lossy();
            assert!(!name.contains("PLAINTEXT-MARKER"), "{when}: a file name leaks the original name: {name}");
        }
        let db = std::fs::read(tv.root.join("vault.db")).expect("db");
        assert!(!db.starts_with(b"SQLite format 3"), "{when}: vault.db is a plain SQLite file");
    };
    check("open");
    vault.close().expect("close");
    check("closed");
}
