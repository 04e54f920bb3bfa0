//! BagIt 1.0 (RFC 8493) text formats: the declaration, tag files such as `bag-info.txt`, manifests with
//! percent-encoded paths, `Payload-Oxum`, and file names made safe for every file system a bag may be
//! unpacked on.

use unicode_normalization::UnicodeNormalization;

/// `bagit.txt`, byte for byte.
pub(crate) const DECLARATION: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
pub(crate) const MANIFEST: &str = "manifest-sha256.txt";
pub(crate) const TAG_MANIFEST: &str = "tagmanifest-sha256.txt";
pub(crate) const BAG_INFO: &str = "bag-info.txt";
pub(crate) const BAGIT_TXT: &str = "bagit.txt";
/// The custody tag files: the vault's events about what the bag holds, the checkpoint that covers them,
/// and the proofs that tie each event to it (the signature is `signature::SIGNATURE`).
pub(crate) const CUSTODY_EVENTS: &str = "custody/events.jsonl";
pub(crate) const CUSTODY_CHECKPOINT: &str = "custody/checkpoint";
pub(crate) const CUSTODY_PROOFS: &str = "custody/proofs.json";
pub(crate) const CUSTODY_CONSISTENCY: &str = "custody/consistency.json";
/// Longest file name written, in bytes: short enough for every common file system with room to spare.
const MAX_NAME_BYTES: usize = 200;

/// Whether `name` may name a bag (and a bundle file): a portable single path component.
pub(crate) fn valid_bag_name(name: &str) -> bool {
    (1..=100).contains(&name.len())
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

fn reserved_on_windows(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit())
}

/// The name a collected file gets inside the bag: the original where possible, with anything that a file
/// system or a manifest line could misread replaced by `_` (separators, `%`, control and direction-override
/// characters, characters Windows forbids), trimmed, NFC-normalised and bounded. The exact original name
/// is kept in `data/records/items.json`.
pub(crate) fn safe_file_name(original: &str) -> String {
    let replaced: String = original
        .nfc()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            // RFC 8493 wants `%` percent-encoded in manifests, but bagit-python (the validator lawyers
            // are pointed to) neither encodes nor decodes it (LibraryOfCongress/bagit-python#157). With
            // no `%`, CR or LF in a name, both readings of the manifest agree.
            '%' => '_',
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let mut name = replaced.trim().trim_end_matches(['.', ' ']).to_string();
    if name.is_empty() || name == "." || name == ".." {
        name = "unnamed".into();
    }
    if reserved_on_windows(&name) {
        name.insert(0, '_');
    }
    if name.len() > MAX_NAME_BYTES {
        // Keep a short extension, so the file still opens with the right program.
        let ext = name.rsplit_once('.').map(|(_, e)| e).filter(|e| !e.is_empty() && e.len() <= 16).unwrap_or("");
        let room = MAX_NAME_BYTES - if ext.is_empty() { 0 } else { ext.len() + 1 };
        let mut cut = room;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name = if ext.is_empty() { name[..cut].to_string() } else { format!("{}.{ext}", &name[..cut]) };
    }
    name
}

/// Percent-encodes what RFC 8493 requires in manifest paths: `%`, CR and LF (and only those).
pub(crate) fn encode_path(path: &str) -> String {
    path.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Reverses `encode_path`. Other `%` sequences are left as written, as RFC 8493 reads them.
pub(crate) fn decode_path(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i..i + 3).unwrap_or("");
        match code.to_ascii_uppercase().as_str() {
            "%25" => out.push('%'),
            "%0D" => out.push('\r'),
            "%0A" => out.push('\n'),
            _ => {
                out.push('%');
                rest = &rest[i + 1..];
                continue;
            }
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

/// A manifest: `<sha256 hex>  <encoded path>` lines, sorted by path for a stable, diffable file.
pub(crate) fn manifest(entries: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = entries.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted.iter().map(|(path, sha256)| format!("{sha256}  {}\n", encode_path(path))).collect()
}

/// One manifest line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadLine {
    pub number: usize,
    pub text: String,
}

/// Reads a manifest into (decoded path, lower-case hex) pairs; unreadable lines are returned apart.
pub(crate) fn parse_manifest(text: &str) -> (Vec<(String, String)>, Vec<BadLine>) {
    let mut entries = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let parsed = line.split_once([' ', '\t']).and_then(|(hash, path)| {
            let path = path.trim_start_matches([' ', '\t']);
            let ok = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && !path.is_empty();
            ok.then(|| (decode_path(path), hash.to_ascii_lowercase()))
        });
        match parsed {
            Some(entry) => entries.push(entry),
            None => bad.push(BadLine { number: i + 1, text: line.chars().take(120).collect() }),
        }
    }
    (entries, bad)
}

/// Reads a tag file of `Label: value` lines (RFC 8493 2.2.2), joining continuation lines that start with
/// whitespace. Lines that are neither are returned apart.
pub(crate) fn parse_tags(text: &str) -> (Vec<(String, String)>, Vec<BadLine>) {
    let mut tags: Vec<(String, String)> = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            match tags.last_mut() {
                Some((_, value)) => {
                    value.push(' ');
                    value.push_str(line.trim());
                }
                None => bad.push(BadLine { number: i + 1, text: line.chars().take(120).collect() }),
            }
            continue;
        }
        match line.split_once(':') {
            Some((label, value)) if !label.trim().is_empty() => {
                tags.push((label.trim().to_string(), value.trim().to_string()));
            }
            _ => bad.push(BadLine { number: i + 1, text: line.chars().take(120).collect() }),
        }
    }
    (tags, bad)
}

/// Writes tag lines, one per field: values are single lines (line breaks become spaces).
pub(crate) fn render_tags(tags: &[(&str, String)]) -> String {
    tags.iter()
        .map(|(label, value)| {
            let value: String = value.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
            format!("{label}: {}\n", value.trim())
        })
        .collect()
}

/// `Payload-Oxum`: total payload bytes, a dot, and the number of payload files.
pub(crate) fn oxum(bytes: u64, files: u64) -> String {
    format!("{bytes}.{files}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_what_is_safe_and_replace_the_rest() {
        for (original, safe) in [
            ("photo.jpg", "photo.jpg"),
            ("شهادة 07.m4a", "شهادة 07.m4a"),
            ("a/b\\c:d.txt", "a_b_c_d.txt"),
            ("../../etc/passwd", ".._.._etc_passwd"),
            ("..", "unnamed"),
            ("  spaced name.pdf  ", "spaced name.pdf"),
            ("report.", "report"),
            ("CON.txt", "_CON.txt"),
            ("com1", "_com1"),
            ("evil\u{202E}gpj.exe", "evil_gpj.exe"),
            ("bell\u{7}.txt", "bell_.txt"),
            ("50% done.doc", "50_ done.doc"),
        ] {
            assert_eq!(safe_file_name(original), safe, "{original:?}");
        }
        let long = format!("{}.mp4", "é".repeat(300));
        let cut = safe_file_name(&long);
        assert!(cut.len() <= MAX_NAME_BYTES && cut.ends_with(".mp4"), "{cut}");
        // NFD input comes out NFC: the same name on every platform.
        assert_eq!(safe_file_name("te\u{301}moin"), "t\u{e9}moin");
    }

    #[test]
    fn manifest_paths_round_trip_through_percent_encoding() {
        for path in ["data/50% done.doc", "data/a%25b", "data/line\nbreak", "data/plain.txt"] {
            assert_eq!(decode_path(&encode_path(path)), path);
        }
        assert_eq!(encode_path("data/50%.txt"), "data/50%25.txt");
        assert_eq!(decode_path("data/%41%"), "data/%41%", "other escapes stay as written");
    }

    #[test]
    fn manifests_are_written_sorted_and_read_back_with_bad_lines_named() {
        let text = manifest(&[("data/b.txt".into(), "ab".repeat(32)), ("data/a b.txt".into(), "cd".repeat(32))]);
        assert_eq!(text, format!("{}  data/a b.txt\n{}  data/b.txt\n", "cd".repeat(32), "ab".repeat(32)));
        let (entries, bad) = parse_manifest(&format!("{text}nonsense\n{}\tdata/tab.txt\r\n", "EF".repeat(32)));
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[2], ("data/tab.txt".into(), "ef".repeat(32)));
        assert_eq!(bad, vec![BadLine { number: 3, text: "nonsense".into() }]);
    }

    #[test]
    fn tags_join_continuation_lines() {
        let (tags, bad) = parse_tags("Source-Organization: Org\nExternal-Description: one\n  two\nbroken\n");
        assert_eq!(tags[1], ("External-Description".into(), "one two".into()));
        assert_eq!(bad.len(), 1);
        assert_eq!(render_tags(&[("A", "x\ny".into())]), "A: x y\n");
    }

    #[test]
    fn bag_names_are_portable_single_components() {
        assert!(valid_bag_name("case-2026_11.v2"));
        for bad in ["", ".hidden", "a/b", "a b", "..", "é"] {
            assert!(!valid_bag_name(bad), "{bad:?}");
        }
    }
}
