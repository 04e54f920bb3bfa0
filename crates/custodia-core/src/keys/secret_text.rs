//! Secret text on its way in: read from a file or taken from a caller's `String` without leaving copies
//! behind in freed memory.
//!
//! A `String` that grows while it is read moves its contents to a larger buffer and frees the old one
//! unwiped, and `SecretString::from(String)` may shrink (move) it once more. Here a secret is read into
//! one buffer allocated at its final size and wiped when dropped, and a secret handed over in a `String`
//! is copied once at its exact size and the original wiped.

use secrecy::SecretString;
use std::io::Read;
use zeroize::{Zeroize, Zeroizing};

/// Reads at most `max + 1` bytes from `reader` into a buffer allocated once and wiped on drop. A result
/// longer than `max` means the source was too large; the caller refuses it.
pub fn read_bounded(mut reader: impl Read, max: usize) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(vec![0u8; max.saturating_add(1)]);
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // Shortening never moves the buffer; the bytes past the end are zeros already.
    buf.truncate(filled);
    Ok(buf)
}

/// Takes a secret that arrived in a plain `String` (a terminal prompt, a library's answer): copies it
/// once at its exact size into a `SecretString` and wipes the original.
pub fn take_string(mut text: String) -> SecretString {
    let secret = SecretString::from(text.as_str());
    text.zeroize();
    secret
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn a_short_source_is_read_whole_and_a_long_one_shows_it_is_too_long() {
        let read = read_bounded(&b"olive lantern\n"[..], 64).expect("read");
        assert_eq!(&read[..], b"olive lantern\n", "everything up to the end must be read");
        let long = read_bounded(&[b'a'; 100][..], 10).expect("read");
        assert_eq!(long.len(), 11, "one byte past the limit shows the source is too long");
    }

    #[test]
    fn a_taken_string_keeps_its_text() {
        let secret = take_string(String::from("mountain seventeen"));
        assert_eq!(secret.expose_secret(), "mountain seventeen", "the text must arrive unchanged");
    }
}
