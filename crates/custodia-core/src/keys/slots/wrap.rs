//! The wrapping of a master key inside a slot: XChaCha20-Poly1305 under a key-encryption key (passphrase
//! and format 1 recovery slots, and the rotation record), age to the recovery key's X25519 recipient
//! (format 2 recovery slots), and the HKDF that derives the keys. Each wrap is bound to its associated data.

use super::Wrap;
use crate::keys::{random_fill, KeyError, MasterKey};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use zeroize::{Zeroize, Zeroizing};

pub(super) fn hkdf32(ikm: &[u8], salt: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(salt), ikm).expand(info, out.as_mut()).expect("32-byte HKDF output is always valid");
    out
}

pub(super) fn seal(kek: &[u8; 32], plain: &[u8], aad: &[u8]) -> Result<Wrap, KeyError> {
    let mut nonce = [0u8; 24];
    random_fill(&mut nonce)?;
    let wrapped = XChaCha20Poly1305::new(kek.into())
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
        .map_err(|_| KeyError::Random("key wrapping failed".into()))?;
    Ok(Wrap { nonce: B64.encode(nonce), wrapped_key: B64.encode(wrapped) })
}

pub(super) fn open_wrap(kek: &[u8; 32], nonce: &str, wrapped: &str, aad: &[u8]) -> Option<MasterKey> {
    let nonce = B64.decode(nonce).ok()?;
    let wrapped = B64.decode(wrapped).ok()?;
    if nonce.len() != 24 {
        return None;
    }
    let cipher = XChaCha20Poly1305::new(kek.into());
    let mut plain = cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad }).ok()?;
    let key = MasterKey::from_bytes(&plain);
    plain.zeroize();
    key
}

/// The age plaintext of a recovery slot: SHA-256 of the slot's associated data, then the master key.
pub(super) fn age_seal(recipient: &age::x25519::Recipient, master: &MasterKey, aad: &[u8]) -> Result<String, KeyError> {
    let failed = |_| KeyError::Random("recovery key wrapping failed".into());
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient)).map_err(failed)?;
    let mut out = Vec::new();
    let mut writer = encryptor.wrap_output(&mut out).map_err(KeyError::Write)?;
    writer.write_all(&Sha256::digest(aad)).map_err(KeyError::Write)?;
    writer.write_all(master.expose()).map_err(KeyError::Write)?;
    writer.finish().map_err(KeyError::Write)?;
    Ok(B64.encode(out))
}

pub(super) fn age_open(identity: &age::x25519::Identity, wrapped: &str, aad: &[u8]) -> Option<MasterKey> {
    let bytes = B64.decode(wrapped).ok()?;
    let decryptor = age::Decryptor::new(&bytes[..]).ok()?;
    let mut reader = decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).ok()?;
    let mut plain = Zeroizing::new(Vec::with_capacity(64));
    reader.by_ref().take(65).read_to_end(&mut plain).ok()?;
    if plain.len() != 64 || !bool::from(subtle::ConstantTimeEq::ct_eq(&plain[..32], &Sha256::digest(aad)[..])) {
        return None;
    }
    MasterKey::from_bytes(&plain[32..])
}

pub(super) fn rotation_kek(current: &MasterKey, vault_id: &str) -> Zeroizing<[u8; 32]> {
    hkdf32(current.expose(), vault_id.as_bytes(), b"custodia/v2/rotation")
}

pub(super) fn rotation_aad(vault_id: &str) -> Vec<u8> {
    format!("custodia-rotation-v2\0{vault_id}").into_bytes()
}
