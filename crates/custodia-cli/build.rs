//! The command line words errors in the same four languages as the app, from the same translation files:
//! every `"error.<code>": "..."` entry of `ui/src/lib/i18n/{en,fr,es,ar}.ts` becomes a row of a table in
//! `$OUT_DIR/error_words.rs`. One source for both faces; the app's tests already fail when a code has no
//! words in one of the languages.

use std::fmt::Write as _;
use std::path::Path;

const LANGUAGES: [&str; 4] = ["en", "fr", "es", "ar"];

fn main() {
    // Read when the script runs, not baked in when it is compiled: a build script compiled for one clone
    // may be run for another that shares the target folder.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("../../ui/src/lib/i18n");
    let mut table = String::from("&[\n");
    for lang in LANGUAGES {
        let path = dir.join(format!("{lang}.ts"));
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let entries = error_entries(&text);
        assert!(
            entries.len() > 20,
            "{} holds only {} error entries: its format changed",
            path.display(),
            entries.len()
        );
        for (code, words) in entries {
            let _ = writeln!(table, "    ({lang:?}, {code:?}, {words:?}),");
        }
    }
    table.push(']');
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("error_words.rs");
    std::fs::write(&out, table).expect("write error_words.rs");
}

/// `"error.CODE":` followed (after spaces or a line break) by a double-quoted string, as the translation
/// files write them. Escapes are undone (`\"`, `\\`, `\n`); anything else is left as written.
fn error_entries(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("\"error.") {
        rest = &rest[at + "\"error.".len()..];
        let Some(end) = rest.find('"') else { break };
        let code = &rest[..end];
        rest = &rest[end + 1..];
        let after = rest.trim_start();
        let Some(value) = after.strip_prefix(':').map(str::trim_start).and_then(|v| v.strip_prefix('"')) else {
            continue;
        };
        if !code.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            continue;
        }
        let mut words = String::new();
        let mut chars = value.char_indices();
        let mut consumed = value.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    consumed = i + 1;
                    break;
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => words.push('\n'),
                    Some((_, other)) => words.push(other),
                    None => break,
                },
                _ => words.push(c),
            }
        }
        out.push((code.to_string(), words));
        rest = &value[consumed.min(value.len())..];
    }
    out
}
