//! `custody/signature`: an Ed25519 signature (RFC 8032) by the vault's key over the bytes of
//! `tagmanifest-sha256.txt`, which lists the SHA-256 of every other tag file, among them the payload
//! manifest. One signature thus covers every byte of the bag. The file is `Label: value` lines:
//!
//! ```text
//! Custodia-Signature: 1
//! Signed-File: tagmanifest-sha256.txt
//! Algorithm: Ed25519
//! Signer: custodia.vault/<vault id>
//! Fingerprint: <hex SHA-256 of the 32-byte public key>
//! Fingerprint-Words: <its first 16 bytes in the PGP word list>
//! Public-Key: <base64 of the RFC 8410 SubjectPublicKeyInfo, the body of a PEM "PUBLIC KEY">
//! Signature: <base64 of the 64-byte signature>
//! ```
//!
//! so that OpenSSL checks it too: wrap `Public-Key` in PEM armour, base64-decode `Signature`, and run
//! `openssl pkeyutl -verify -pubin -inkey signer.pem -rawin -in tagmanifest-sha256.txt -sigfile sig.bin`.

use super::bagit;
use super::words::Fingerprint;
use crate::checkpoint;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::Serialize;

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.112 },
/// BIT STRING { key } }.
const SPKI_PREFIX: [u8; 12] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/// Where the signature lies in the bag. It is the one file no manifest lists: it vouches for itself.
pub(crate) const SIGNATURE: &str = "custody/signature";

/// Who signed a bundle, as the recipient is told and can check by phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignerInfo {
    /// `custodia.vault/<vault id>`: the name of the vault's key and of its log.
    pub name: String,
    pub fingerprint: Fingerprint,
    /// The raw public key, base64.
    pub public_key: String,
    /// The C2SP signed-note verifier key of the vault's checkpoints.
    pub verifier_key: String,
}

impl SignerInfo {
    pub fn new(name: &str, key: &VerifyingKey) -> SignerInfo {
        SignerInfo {
            name: name.into(),
            fingerprint: Fingerprint::of(key.as_bytes()),
            public_key: B64.encode(key.as_bytes()),
            verifier_key: checkpoint::verifier_key(name, key),
        }
    }
}

/// Writes the signature file for `tag_manifest` with the vault key `key` named `name`.
pub(crate) fn sign(name: &str, key: &SigningKey, tag_manifest: &[u8]) -> String {
    let public = key.verifying_key();
    let signature = key.sign(tag_manifest);
    let fingerprint = Fingerprint::of(public.as_bytes());
    let mut spki = SPKI_PREFIX.to_vec();
    spki.extend_from_slice(public.as_bytes());
    bagit::render_tags(&[
        ("Custodia-Signature", "1".into()),
        ("Signed-File", bagit::TAG_MANIFEST.into()),
        ("Algorithm", "Ed25519".into()),
        ("Signer", name.into()),
        ("Fingerprint", fingerprint.hex),
        ("Fingerprint-Words", fingerprint.words),
        ("Public-Key", B64.encode(spki)),
        ("Signature", B64.encode(signature.to_bytes())),
    ])
}

/// A signature file as read, before the signature is checked.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub signer: String,
    pub key: VerifyingKey,
    signature: Signature,
}

/// Reads a signature file. The error says which part is unusable.
pub(crate) fn parse(text: &str) -> Result<Parsed, String> {
    let (tags, bad) = bagit::parse_tags(text);
    if let Some(line) = bad.first() {
        return Err(format!("line {} is not a `Label: value` line", line.number));
    }
    let get = |label: &str| tags.iter().find(|(l, _)| l.eq_ignore_ascii_case(label)).map(|(_, v)| v.as_str());
    if get("Signed-File") != Some(bagit::TAG_MANIFEST) {
        return Err(format!("it does not sign {}", bagit::TAG_MANIFEST));
    }
    if !get("Algorithm").is_some_and(|a| a.eq_ignore_ascii_case("Ed25519")) {
        return Err("its algorithm is not Ed25519".into());
    }
    let spki = get("Public-Key").and_then(|k| B64.decode(k).ok()).ok_or("its public key is missing or not base64")?;
    let raw: [u8; 32] = spki
        .strip_prefix(&SPKI_PREFIX[..])
        .and_then(|k| k.try_into().ok())
        .ok_or("its public key is not an Ed25519 SubjectPublicKeyInfo")?;
    let key = VerifyingKey::from_bytes(&raw).map_err(|_| "its public key is not a valid Ed25519 point")?;
    let signature =
        get("Signature").and_then(|s| B64.decode(s).ok()).ok_or("its signature is missing or not base64")?;
    let signature = Signature::from_slice(&signature).map_err(|_| "its signature is not 64 bytes")?;
    if let Some(listed) = get("Fingerprint") {
        if !listed.eq_ignore_ascii_case(&Fingerprint::of(key.as_bytes()).hex) {
            return Err("the fingerprint it lists is not that of its public key".into());
        }
    }
    let signer = get("Signer").unwrap_or("").to_string();
    Ok(Parsed { signer, key, signature })
}

impl Parsed {
    /// Whether the signature holds over `tag_manifest` (strict RFC 8032 verification).
    pub(crate) fn verifies(&self, tag_manifest: &[u8]) -> bool {
        self.key.verify_strict(tag_manifest, &self.signature).is_ok()
    }

    pub(crate) fn info(&self) -> SignerInfo {
        SignerInfo::new(&self.signer, &self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_file_reads_back_and_verifies_only_its_manifest() {
        let key = SigningKey::from_bytes(&[5u8; 32]);
        let text = sign("custodia.vault/abc", &key, b"manifest bytes");
        let parsed = parse(&text).expect("parse");
        assert_eq!(parsed.signer, "custodia.vault/abc");
        assert!(parsed.verifies(b"manifest bytes"));
        assert!(!parsed.verifies(b"manifest bytez"));
        assert!(text.contains("Public-Key: MCowBQYDK2VwAyEA"), "SPKI base64 starts with the Ed25519 prefix: {text}");
    }

    #[test]
    fn a_fingerprint_that_disagrees_with_the_key_is_refused() {
        let key = SigningKey::from_bytes(&[5u8; 32]);
        let text = sign("n", &key, b"m");
        let other = Fingerprint::of(b"other").hex;
        let listed = Fingerprint::of(key.verifying_key().as_bytes()).hex;
        assert!(parse(&text.replace(&listed, &other)).is_err());
        assert!(parse("Signed-File: tagmanifest-sha256.txt\n").is_err());
    }
}
