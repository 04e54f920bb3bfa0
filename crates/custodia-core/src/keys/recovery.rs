//! Recovery keys: 256 random bits shown once to the user as groups of base32 letters with a checksum, so a
//! mistyped key is caught before it is tried. The paper key is the private half of an age X25519 key pair:
//! the vault keeps only the public half (`recipient`), so it can wrap a new master key for the recovery
//! slot without anyone typing the recovery key.

use super::{random_fill, KeyError};
use data_encoding::BASE32_NOPAD;
use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox, SecretString};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

const CHECKSUM_LEN: usize = 2;
const GROUP: usize = 5;

/// A recovery key. Its text form is 11 dash-separated groups of 5 base32 characters.
pub struct RecoveryKey(SecretBox<[u8; 32]>);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(..)")
    }
}

fn checksum(key: &[u8; 32]) -> [u8; CHECKSUM_LEN] {
    let digest = Sha256::new_with_prefix(b"custodia-recovery-key").chain_update(key).finalize();
    [digest[0], digest[1]]
}

impl RecoveryKey {
    pub fn generate() -> Result<Self, KeyError> {
        let mut key = SecretBox::new(Box::new([0u8; 32]));
        random_fill(key.expose_secret_mut())?;
        Ok(RecoveryKey(key))
    }

    pub(crate) fn expose(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }

    /// The age X25519 identity this key stands for: HKDF-SHA256 of the key (salt = vault id) to 32 bytes,
    /// encoded the way age writes its own secret keys (bech32, `age-secret-key-`) and parsed by age, so the
    /// scalar is clamped and used exactly as age's own identities are.
    pub(crate) fn identity(&self, vault_id: &str) -> Result<age::x25519::Identity, KeyError> {
        use bech32::ToBase32;
        let mut secret = zeroize::Zeroizing::new([0u8; 32]);
        hkdf::Hkdf::<Sha256>::new(Some(vault_id.as_bytes()), self.expose())
            .expand(b"custodia/v2/recovery-x25519", secret.as_mut())
            .map_err(|_| KeyError::Random("recovery key derivation failed".into()))?;
        let mut text = bech32::encode("age-secret-key-", secret.to_base32(), bech32::Variant::Bech32)
            .map_err(|_| KeyError::Random("recovery key encoding failed".into()))?;
        let identity = text.parse::<age::x25519::Identity>();
        text.zeroize();
        identity.map_err(|_| KeyError::Random("recovery key encoding failed".into()))
    }

    /// The public half: what the vault keeps in a recovery slot.
    pub(crate) fn recipient(&self, vault_id: &str) -> Result<age::x25519::Recipient, KeyError> {
        Ok(self.identity(vault_id)?.to_public())
    }

    /// The text to show the user once.
    pub fn to_display(&self) -> SecretString {
        let mut raw = Vec::with_capacity(32 + CHECKSUM_LEN);
        raw.extend_from_slice(self.expose());
        raw.extend_from_slice(&checksum(self.expose()));
        let mut encoded = BASE32_NOPAD.encode(&raw);
        raw.zeroize();
        let grouped: Vec<&str> =
            encoded.as_bytes().chunks(GROUP).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
        let text = grouped.join("-");
        encoded.zeroize();
        SecretString::from(text)
    }

    /// Parses a key as typed or pasted: case, spaces and dashes do not matter; the checksum must hold.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let mut cleaned: String =
            text.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
        let decoded = BASE32_NOPAD.decode(cleaned.as_bytes());
        cleaned.zeroize();
        let mut raw = decoded.map_err(|_| {
            KeyError::MalformedRecoveryKey("it contains characters a recovery key never has, or has the wrong length")
        })?;
        if raw.len() != 32 + CHECKSUM_LEN {
            raw.zeroize();
            return Err(KeyError::MalformedRecoveryKey("it has the wrong length"));
        }
        let mut key = SecretBox::new(Box::new([0u8; 32]));
        key.expose_secret_mut().copy_from_slice(&raw[..32]);
        let ok = checksum(key.expose_secret())[..] == raw[32..];
        raw.zeroize();
        if !ok {
            return Err(KeyError::MalformedRecoveryKey("its checksum does not match, so a character is wrong"));
        }
        Ok(RecoveryKey(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_form_parses_back_to_the_same_key() {
        let key = RecoveryKey::generate().expect("random");
        let text = key.to_display();
        let groups: Vec<&str> = text.expose_secret().split('-').collect();
        assert_eq!(groups.len(), 11, "expected 11 groups in {}", groups.len());
        let back = RecoveryKey::parse(&text.expose_secret().to_lowercase().replace('-', " ")).expect("parse");
        assert_eq!(back.expose(), key.expose());
    }

    #[test]
    fn a_single_wrong_character_is_caught_by_the_checksum() {
        let key = RecoveryKey::generate().expect("random");
        let text = key.to_display().expose_secret().to_string();
        let mut chars: Vec<char> = text.chars().collect();
        chars[3] = if chars[3] == 'A' { 'B' } else { 'A' };
        let typo: String = chars.into_iter().collect();
        assert!(matches!(RecoveryKey::parse(&typo), Err(KeyError::MalformedRecoveryKey(_))));
    }

    #[test]
    fn the_x25519_identity_is_the_same_for_the_same_key_and_vault_only() {
        let key = RecoveryKey::generate().expect("random");
        let again = RecoveryKey::parse(key.to_display().expose_secret()).expect("parse");
        let vault = "ab".repeat(16);
        let a = key.recipient(&vault).expect("recipient").to_string();
        assert_eq!(a, again.recipient(&vault).expect("recipient").to_string(), "the paper key alone gives it");
        assert!(a.starts_with("age1"), "an age recipient: {a}");
        assert_ne!(a, key.recipient(&"cd".repeat(16)).expect("recipient").to_string(), "bound to the vault");
    }

    #[test]
    fn garbage_and_wrong_lengths_are_refused() {
        for bad in ["", "hello", "0000-1111", &"A".repeat(200)] {
            assert!(RecoveryKey::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics_the_parser(text in "\\PC{0,120}") {
            let _ = RecoveryKey::parse(&text);
        }
    }
}
