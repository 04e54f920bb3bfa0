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

/// Makes untrusted text safe for a terminal: control characters are shown as escapes.
pub fn safe(text: &str) -> String {
    text.chars().flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] }).collect()
}

/// A byte count for people: 1.5 MB, 812 KB, 12 bytes (SI units, as file managers show).
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(safe("a\x1b[2Jb\n"), "a\\u{1b}[2Jb\\n");
        assert_eq!(safe("شهادة"), "شهادة");
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size(12), "12 bytes");
        assert_eq!(size(1_500_000), "1.5 MB");
        assert_eq!(size(1_073_741_824), "1.1 GB");
    }
}
