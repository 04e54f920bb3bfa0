//! The checkpoint text and its signature, exactly as C2SP specifies them, so that tools written for
//! transparency logs (Go's `golang.org/x/mod/sumdb/note`, `litetlog`, ...) read ours:
//!
//! - tlog-checkpoint (c2sp.org/tlog-checkpoint): `<origin>\n<tree size>\n<base64 root hash>\n`;
//! - signed-note (c2sp.org/signed-note): the text, a blank line, then one line per signature
//!   `— <key name> <base64(4-byte key id ‖ 64-byte Ed25519 signature)>\n`, where the key id is the first
//!   four bytes of SHA-256(key name ‖ "\n" ‖ 0x01 ‖ public key) and 0x01 marks an Ed25519 key.
//!
//! The key name is the origin itself (`custodia.vault/<vault id>`); the verifier key of a vault can be
//! published as `<name>+<hex key id>+<base64(0x01 ‖ public key)>`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

/// The origin prefix of every vault's log.
pub const ORIGIN_PREFIX: &str = "custodia.vault/";
/// Signature type byte of Ed25519 keys in signed notes.
pub(crate) const ED25519: u8 = 0x01;
/// Notes larger than this are not checkpoints (ours are under 300 bytes).
const MAX_NOTE_BYTES: usize = 16 * 1024;

/// Why a checkpoint note was not accepted. Worded for the person checking a bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    #[error("the checkpoint is not a signed note (text, blank line, signature lines)")]
    Malformed,
    #[error("the checkpoint's {0} line is not valid")]
    BadLine(&'static str),
    #[error("the checkpoint carries no signature by {0}")]
    NoSignatureByKey(String),
    #[error("the checkpoint's signature by {0} does not verify: it was altered or signed by another key")]
    BadSignature(String),
}

/// What a checkpoint says: the log named `origin` had `size` events whose Merkle root is `root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: [u8; 32],
}

/// The origin (and key name) of a vault's log.
pub fn origin_for(vault_id: &str) -> String {
    format!("{ORIGIN_PREFIX}{vault_id}")
}

/// The 4-byte key id of signed notes.
pub fn key_id(name: &str, key: &VerifyingKey) -> [u8; 4] {
    typed_key_id(name, ED25519, key)
}

/// The 4-byte key id of signed notes for a key of signature type `kind`: SHA-256(name ‖ "\n" ‖ kind ‖ key).
pub(crate) fn typed_key_id(name: &str, kind: u8, key: &VerifyingKey) -> [u8; 4] {
    let digest = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update(b"\n")
        .chain_update([kind])
        .chain_update(key.as_bytes())
        .finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

/// The verifier key string of signed notes: `name+hex id+base64(0x01 ‖ key)`.
pub fn verifier_key(name: &str, key: &VerifyingKey) -> String {
    typed_verifier_key(name, ED25519, key)
}

/// The verifier key string of signed notes for a key of signature type `kind`.
pub(crate) fn typed_verifier_key(name: &str, kind: u8, key: &VerifyingKey) -> String {
    let mut typed = vec![kind];
    typed.extend_from_slice(key.as_bytes());
    format!("{name}+{}+{}", hex::encode(typed_key_id(name, kind, key)), B64.encode(typed))
}

impl Checkpoint {
    /// The checkpoint text (the note's body), ending in a newline.
    pub fn body(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root))
    }

    /// The signed note: body, blank line, one signature line by `key` under the name `origin`.
    pub fn sign(&self, key: &SigningKey) -> String {
        sign_note(&self.body(), &self.origin, key)
    }

    /// Reads a signed note and checks that `key`, under the note's own origin as key name, signed it.
    /// Signature lines by other keys are allowed (witnesses may cosign) and ignored.
    pub fn verify(note: &str, key: &VerifyingKey) -> Result<Checkpoint, NoteError> {
        let (body, _) = split_note(note)?;
        let checkpoint = Checkpoint::parse_body(body)?;
        verify_note(note, &checkpoint.origin, key)?;
        Ok(checkpoint)
    }

    /// Parses the body: origin, decimal size, base64 root, then extension lines (allowed, not used).
    fn parse_body(body: &str) -> Result<Checkpoint, NoteError> {
        let mut lines = body.lines();
        let origin = lines.next().filter(|o| !o.is_empty() && !o.contains(char::is_whitespace));
        let origin = origin.ok_or(NoteError::BadLine("origin"))?.to_string();
        let size = lines.next().ok_or(NoteError::BadLine("size"))?;
        // Decimal without leading zeros, as the specification requires.
        if size.is_empty() || !size.bytes().all(|b| b.is_ascii_digit()) || (size.len() > 1 && size.starts_with('0')) {
            return Err(NoteError::BadLine("size"));
        }
        let size: u64 = size.parse().map_err(|_| NoteError::BadLine("size"))?;
        let root = lines.next().and_then(|r| B64.decode(r).ok()).ok_or(NoteError::BadLine("root hash"))?;
        let root: [u8; 32] = root.try_into().map_err(|_| NoteError::BadLine("root hash"))?;
        Ok(Checkpoint { origin, size, root })
    }
}

/// A signed note of `text` (ending in a newline) with one signature line by `key` under `name`.
pub fn sign_note(text: &str, name: &str, key: &SigningKey) -> String {
    let signature = key.sign(text.as_bytes());
    let mut blob = key_id(name, &key.verifying_key()).to_vec();
    blob.extend_from_slice(&signature.to_bytes());
    format!("{text}\n\u{2014} {name} {}\n", B64.encode(blob))
}

/// The text of a signed note that `key`, under `name`, signed. Signature lines by other keys are allowed
/// and ignored; a line by this key that does not verify is an error.
pub fn verify_note<'a>(note: &'a str, name: &str, key: &VerifyingKey) -> Result<&'a str, NoteError> {
    let (text, signatures) = split_note(note)?;
    let wanted_id = key_id(name, key);
    let mut found = false;
    for line in signatures.lines() {
        let rest = line.strip_prefix("\u{2014} ").ok_or(NoteError::Malformed)?;
        let (line_name, blob) = rest.split_once(' ').ok_or(NoteError::Malformed)?;
        let blob = B64.decode(blob).map_err(|_| NoteError::Malformed)?;
        if line_name != name || blob.len() != 4 + 64 || blob[..4] != wanted_id {
            continue;
        }
        found = true;
        let signature = Signature::from_slice(&blob[4..]).map_err(|_| NoteError::Malformed)?;
        if key.verify(text.as_bytes(), &signature).is_ok() {
            return Ok(text);
        }
    }
    Err(if found { NoteError::BadSignature(name.into()) } else { NoteError::NoSignatureByKey(name.into()) })
}

/// The note's text (with its final newline) and its signature lines, bounded in size.
pub(crate) fn split_note(note: &str) -> Result<(&str, &str), NoteError> {
    if note.len() > MAX_NOTE_BYTES || !note.ends_with('\n') {
        return Err(NoteError::Malformed);
    }
    let split = note.rfind("\n\n").ok_or(NoteError::Malformed)?;
    Ok((&note[..=split], &note[split + 2..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    fn sample() -> Checkpoint {
        Checkpoint { origin: origin_for("00112233445566778899aabbccddeeff"), size: 42, root: [9u8; 32] }
    }

    #[test]
    fn a_signed_checkpoint_has_the_c2sp_shape_and_verifies() {
        let note = sample().sign(&key());
        let lines: Vec<&str> = note.split('\n').collect();
        assert_eq!(lines[0], "custodia.vault/00112233445566778899aabbccddeeff");
        assert_eq!(lines[1], "42");
        assert_eq!(lines[2], B64.encode([9u8; 32]));
        assert_eq!(lines[3], "", "a blank line separates text and signatures");
        assert!(lines[4].starts_with("\u{2014} custodia.vault/00112233445566778899aabbccddeeff "), "{note}");
        assert_eq!(Checkpoint::verify(&note, &key().verifying_key()).expect("verifies"), sample());
    }

    #[test]
    fn the_key_id_follows_the_signed_note_rule() {
        // SHA-256("name\n" ‖ 0x01 ‖ key)[..4], computed independently here.
        let vk = key().verifying_key();
        let mut input = b"custodia.vault/x\n\x01".to_vec();
        input.extend_from_slice(vk.as_bytes());
        assert_eq!(key_id("custodia.vault/x", &vk)[..], Sha256::digest(&input)[..4]);
        let vkey = verifier_key("custodia.vault/x", &vk);
        assert!(vkey.starts_with(&format!("custodia.vault/x+{}+", hex::encode(&Sha256::digest(&input)[..4]))));
    }

    #[test]
    fn an_altered_size_root_or_origin_fails_and_another_key_is_named() {
        let note = sample().sign(&key());
        let vk = key().verifying_key();
        let root = B64.encode([9u8; 32]);
        let other_root = B64.encode([8u8; 32]);
        for (from, to) in [("\n42\n", "\n41\n"), (root.as_str(), other_root.as_str()), ("vault/00", "vault/01")] {
            let altered = note.replacen(from, to, 1);
            assert_ne!(altered, note);
            assert!(Checkpoint::verify(&altered, &vk).is_err(), "{altered}");
        }
        let other = SigningKey::from_bytes(&[8u8; 32]).verifying_key();
        assert!(matches!(Checkpoint::verify(&note, &other), Err(NoteError::NoSignatureByKey(_))));
        assert!(matches!(Checkpoint::verify("garbage", &vk), Err(NoteError::Malformed)));
    }

    #[test]
    fn sizes_with_leading_zeros_or_signs_are_refused() {
        for size in ["042", "+42", "-1", "4 2", ""] {
            let body = format!("o\n{size}\n{}\n", B64.encode([0u8; 32]));
            assert!(Checkpoint::parse_body(&body).is_err(), "{size:?}");
        }
    }
}
