//! Printing: JSON lines for programs, plain text for people. Text from the vault (file names, descriptions)
//! is escaped so it cannot drive the terminal.

use serde::Serialize;
use std::io::Write;

/// Prints one JSON object on its own line and flushes, so a reader sees each result as soon as it exists.
pub fn json_line<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// Prints a line of text and flushes.
pub fn line(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

/// Renders text that came from outside (a bundle's fields, file names, descriptions, CSV values, custody
/// subjects and details) for a terminal, so that it cannot act on the terminal or disguise what is
/// around it: C0 and C1 control characters and DEL are shown as escapes (`\x1b`, `\n`, `\x85`), and the
/// characters that reorder or break text (bidi embeddings, overrides and isolates, the directional marks,
/// the line and paragraph separators) as their code point, `<U+202E>`. Everything else, Arabic included,
/// is printed as it is. Every outside field the text mode prints goes through here; `--json` does not
/// (serde escapes control characters, and a program reads the exact value).
pub fn safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            '\u{061C}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}'
            | '\u{2029}' => out.push_str(&format!("<U+{:04X}>", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// [`safe`] for a message of several lines (an error listing problems): its own line breaks are kept,
/// everything else is rendered as outside text, since the message quotes what the bundle or file said.
pub fn safe_lines(text: &str) -> String {
    text.split('\n').map(safe).collect::<Vec<_>>().join("\n")
}

/// Labelled lines, the values lined up after the widest label (counted in characters, so a translated
/// label lines up too): `indent`, the label, spaces, the value. Labels are the program's words; values
/// must already be made [`safe`].
pub fn table<'a>(rows: impl Iterator<Item = (&'a str, &'a str)> + Clone, indent: &str) -> anyhow::Result<()> {
    let width = rows.clone().map(|(label, _)| label.chars().count()).max().unwrap_or(0);
    for (label, value) in rows {
        line(&format!("{indent}{label}{}  {value}", " ".repeat(width - label.chars().count())))?;
    }
    Ok(())
}

/// A byte count for people, in their language: 1.5 MB, 812 kB, 12 bytes (SI units, as file managers
/// show them).
pub fn size(bytes: u64) -> String {
    size_in(crate::lang::current(), bytes)
}

fn size_in(lang: &str, bytes: u64) -> String {
    use crate::lang::{counted_in, text_in};
    if bytes < 1000 {
        return counted_in(lang, "cli.size.bytes", bytes, &[]);
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < 4 {
        value /= 1000.0;
        unit += 1;
    }
    // One decimal, with the language's decimal mark.
    let number = format!("{value:.1}").replace('.', &text_in(lang, "cli.size.decimal_mark", &[]));
    let key = ["cli.size.kb", "cli.size.mb", "cli.size.gb", "cli.size.tb", "cli.size.pb"][unit];
    text_in(lang, key, &[("value", &number)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(safe("a\x1b[2Jb\n"), "a\\x1b[2Jb\\n", "ESC and a line break are shown, not obeyed");
        assert_eq!(safe("\x1b[2K\rOK"), "\\x1b[2K\\rOK", "a line cannot be erased and drawn over");
        assert_eq!(safe("a\u{7f}b\u{85}c\u{9b}d\0"), "a\\x7fb\\x85c\\x9bd\\x00", "DEL, C1 controls and NUL too");
        assert_eq!(safe("tab\there"), "tab\\there");
        assert_eq!(safe("شهادة الشاهد"), "شهادة الشاهد", "Arabic prints as it is");
        assert_eq!(safe("café 證據 📷"), "café 證據 📷", "as does any other printable text");
    }

    #[test]
    fn bidi_controls_are_shown_by_code_point() {
        assert_eq!(safe("invoice\u{202E}fdp.exe"), "invoice<U+202E>fdp.exe", "a right-to-left override");
        for c in ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'] {
            assert_eq!(safe(&c.to_string()), format!("<U+{:04X}>", u32::from(c)), "embeddings and isolates");
        }
        assert_eq!(safe("\u{200E}\u{200F}\u{061C}"), "<U+200E><U+200F><U+061C>", "the directional marks");
        assert_eq!(safe("a\u{2028}b\u{2029}"), "a<U+2028>b<U+2029>", "line and paragraph separators");
    }

    #[test]
    fn a_message_keeps_its_own_lines_but_not_those_inside_a_value() {
        assert_eq!(safe_lines("error: two:\n  - a\x1b[31m\u{202E}"), "error: two:\n  - a\\x1b[31m<U+202E>");
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size_in("en", 12), "12 bytes");
        assert_eq!(size_in("en", 1_500_000), "1.5 MB");
        assert_eq!(size_in("en", 1_073_741_824), "1.1 GB");
        assert_eq!(size_in("fr", 1_500_000), "1,5 Mo");
        assert_eq!(size_in("fr", 1), "1 octet");
    }
}
