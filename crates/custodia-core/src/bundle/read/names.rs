//! An entry's path, checked: relative, UTF-8, free of `..`, bounded, inside the one bag; and the names
//! taken so far, so that no two entries share a name as some file systems compare names.

use crate::bundle::limits::{MAX_COMPONENT_BYTES, MAX_DEPTH, MAX_PATH_BYTES};
use crate::bundle::BundleError;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// Checks an entry's path and returns it relative to the bag, learning the bag's name from the first
/// entry. `is_dir` entries may end in `/`.
pub(super) fn checked_path(raw: &[u8], is_dir: bool, bag: &mut Option<String>) -> Result<Option<String>, BundleError> {
    let shown = || String::from_utf8_lossy(raw).chars().take(200).collect::<String>();
    let unsafe_entry = |reason| BundleError::UnsafeEntry { path: shown(), reason };
    let text = std::str::from_utf8(raw).map_err(|_| unsafe_entry("a name that is not UTF-8 text"))?;
    if text.len() > MAX_PATH_BYTES {
        return Err(unsafe_entry("a path longer than 4096 bytes"));
    }
    let drive = text.len() >= 2 && text.as_bytes()[0].is_ascii_alphabetic() && text.as_bytes()[1] == b':';
    if text.starts_with('/') || text.contains('\\') || drive {
        return Err(unsafe_entry("an absolute path"));
    }
    if text.contains('\0') || text.chars().any(char::is_control) {
        return Err(unsafe_entry("control characters in its name"));
    }
    let trimmed = if is_dir { text.trim_end_matches('/') } else { text };
    let parts: Vec<&str> = trimmed.split('/').collect();
    for part in &parts {
        match *part {
            ".." => return Err(unsafe_entry("a path that climbs out of its folder (..)")),
            "" | "." => return Err(unsafe_entry("an empty or '.' path component")),
            p if p.len() > MAX_COMPONENT_BYTES => return Err(unsafe_entry("a name longer than 255 bytes")),
            _ => {}
        }
    }
    // The first name is the bag's folder.
    if parts.len() > MAX_DEPTH + 1 {
        return Err(unsafe_entry("a path more than 64 folders deep"));
    }
    let top = parts[0];
    match bag {
        None if parts.len() == 1 && !is_dir => {
            return Err(BundleError::NotABag(format!(
                "{} is not inside a folder; a bundle holds one folder, the bag",
                shown()
            )))
        }
        None => *bag = Some(top.to_string()),
        Some(name) if name.as_str() != top => {
            return Err(BundleError::NotABag(format!(
                "{} is outside the bag's folder {name}; a bundle holds exactly one bag",
                shown()
            )))
        }
        Some(_) => {}
    }
    Ok((parts.len() > 1).then(|| parts[1..].join("/")))
}

/// The names taken so far, compared as some file systems compare them (NFC and lower case), each kept as
/// 16 bytes of its SHA-256 so that what is remembered per entry does not grow with its path. Two names
/// with one digest could only make a good bundle be refused, never a bad one pass.
#[derive(Default)]
pub(super) struct Names {
    files: HashSet<[u8; 16]>,
    folders: HashSet<[u8; 16]>,
}

type NameDigest = [u8; 16];

fn digest(hasher: Sha256) -> NameDigest {
    let full: [u8; 32] = hasher.finalize().into();
    let mut short = [0u8; 16];
    short.copy_from_slice(&full[..16]);
    short
}

impl Names {
    /// The digests of `key`'s folders, outermost first, and of `key` itself, in one pass over it: the
    /// hasher runs on, and each folder's digest is taken from a copy of it.
    fn digests(key: &str) -> (Vec<NameDigest>, NameDigest) {
        let mut hasher = Sha256::new();
        let mut folders = Vec::new();
        let mut parts = key.split('/').peekable();
        while let Some(part) = parts.next() {
            hasher.update(part.as_bytes());
            if parts.peek().is_some() {
                folders.push(digest(hasher.clone()));
                hasher.update(b"/");
            }
        }
        (folders, digest(hasher))
    }

    /// Records the folders above an entry, innermost first, stopping at the first one already known: the
    /// ones above it were recorded and checked with it. So each folder is checked once, and a bundle
    /// of deep paths costs time in proportion to its size.
    fn enter_folders(&mut self, folders: &[NameDigest]) -> Result<(), &'static str> {
        for folder in folders.iter().rev() {
            if self.folders.contains(folder) {
                break;
            }
            if self.files.contains(folder) {
                return Err("a file inside something that is a file");
            }
            self.folders.insert(*folder);
        }
        Ok(())
    }

    pub(super) fn add_folder(&mut self, key: &str) -> Result<(), &'static str> {
        let (above, own) = Self::digests(key);
        if self.files.contains(&own) {
            return Err("a folder with the name of a file");
        }
        self.enter_folders(&above)?;
        self.folders.insert(own);
        Ok(())
    }

    pub(super) fn add_file(&mut self, key: &str) -> Result<(), &'static str> {
        let (above, own) = Self::digests(key);
        if self.folders.contains(&own) || !self.files.insert(own) {
            return Err("a second entry with the same name (ignoring case)");
        }
        // A file may not sit where another entry needs a folder, nor under a path that is a file.
        self.enter_folders(&above)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(path: &str, is_dir: bool) -> Result<Option<String>, BundleError> {
        let mut bag = Some("bag".to_string());
        checked_path(path.as_bytes(), is_dir, &mut bag)
    }

    #[test]
    fn paths_that_could_escape_are_refused_with_their_reason() {
        assert_eq!(check("bag/data/a.txt", false).expect("ok"), Some("data/a.txt".into()));
        assert_eq!(check("bag/data/", true).expect("ok"), Some("data".into()));
        for (path, reason) in [
            ("bag/../evil", "climbs"),
            ("/etc/passwd", "absolute"),
            ("bag\\..\\evil", "absolute"),
            ("C:/evil", "absolute"),
            ("bag//x", "empty"),
            ("bag/./x", "empty"),
            ("bag/a\nb", "control"),
        ] {
            let err = check(path, false).expect_err(path).to_string();
            assert!(err.contains(reason), "{path:?}: {err}");
        }
        assert!(matches!(check("other/x", false), Err(BundleError::NotABag(_))));
        let mut none = None;
        assert!(matches!(checked_path(b"bagit.txt", false, &mut none), Err(BundleError::NotABag(_))));
        assert!(checked_path(b"bag/\xff.txt", false, &mut Some("bag".into())).is_err());
    }
}
