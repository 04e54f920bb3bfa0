//! Media type from a file's first bytes, so the vault records what a file is, not what its name claims.

/// The media type recorded for an empty file.
pub const EMPTY: &str = "application/x-empty";

/// Known signatures, checked in order: (offset, magic bytes, media type).
const SIGNATURES: &[(usize, &[u8], &str)] = &[
    (0, b"\xFF\xD8\xFF", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (4, b"ftypheic", "image/heic"),
    (4, b"ftypqt", "video/quicktime"),
    (4, b"ftyp", "video/mp4"),
    (0, b"\x1A\x45\xDF\xA3", "video/webm"),
    (0, b"OggS", "audio/ogg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"\xFF\xFB", "audio/mpeg"),
    (0, b"#!AMR", "audio/amr"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"\x1F\x8B", "application/gzip"),
    (0, b"age-encryption.org/v1", "application/x-age-encrypted"),
];

/// Best guess at the media type of content starting with `head`.
pub fn sniff(head: &[u8]) -> &'static str {
    if head.is_empty() {
        return EMPTY;
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" {
        match &head[8..12] {
            b"WAVE" => return "audio/wav",
            b"WEBP" => return "image/webp",
            b"AVI " => return "video/x-msvideo",
            _ => {}
        }
    }
    for (offset, magic, media_type) in SIGNATURES {
        if head.len() >= offset + magic.len() && &head[*offset..offset + magic.len()] == *magic {
            return media_type;
        }
    }
    let sample = &head[..head.len().min(4096)];
    // A cut in the middle of a multi-byte character at the end of the sample is still text.
    let text = match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    if text && !sample.contains(&0) {
        "text/plain"
    } else {
        "application/octet-stream"
    }
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn common_evidence_formats_are_recognised() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\x00\x10JFIF"), "image/jpeg");
        assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(sniff(b"\x00\x00\x00\x18ftypmp42"), "video/mp4");
        assert_eq!(sniff(b"RIFF\x24\x00\x00\x00WAVEfmt "), "audio/wav");
        assert_eq!(sniff("شهادة الشاهد".as_bytes()), "text/plain");
        assert_eq!(sniff(b"\x00\x01\x02binary"), "application/octet-stream");
        assert_eq!(sniff(b""), super::EMPTY);
    }
}
