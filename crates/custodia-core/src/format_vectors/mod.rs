//! The published formats checked against the vector files under `tests/vectors/` (see its README): one
//! data-driven test per format, in the style of the age test kit. A vector file is header lines
//! `name: value`, a blank line, then the body, byte for byte. Every file of a format's folder is run; a
//! folder with too few files fails, so a lost folder cannot pass unseen.

mod checkpoint;
mod custody_event;
mod keyslots;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One vector: its file name (for messages), headers and body.
pub(crate) struct Vector {
    pub name: String,
    headers: BTreeMap<String, String>,
    pub body: String,
}

impl Vector {
    /// A header every vector of this format has; a missing one is a broken vector file.
    pub fn header(&self, key: &str) -> &str {
        self.headers.get(key).unwrap_or_else(|| panic!("{}: no `{key}:` header", self.name))
    }

    pub fn optional(&self, key: &str) -> Option<&str> {
        self.headers.get(key).map(String::as_str)
    }

    /// `expect: ok` or `expect: <what fails>`.
    pub fn expected_failure(&self) -> Option<&str> {
        Some(self.header("expect")).filter(|e| *e != "ok")
    }
}

/// Every vector of `format` (a folder of `tests/vectors/`), at least `minimum` of them.
pub(crate) fn vectors(format: &str, minimum: usize) -> Vec<Vector> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors").join(format);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= minimum, "{format}: {} vectors, expected at least {minimum}", files.len());
    files.iter().map(|path| read(path)).collect()
}

fn read(path: &Path) -> Vector {
    let name = path.file_name().expect("file name").to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let (head, body) = text.split_once("\n\n").unwrap_or_else(|| panic!("{name}: no blank line after the headers"));
    let headers = head
        .lines()
        .map(|line| {
            let (key, value) = line.split_once(": ").unwrap_or_else(|| panic!("{name}: header line {line:?}"));
            (key.to_string(), value.to_string())
        })
        .collect();
    Vector { name, headers, body: body.to_string() }
}
