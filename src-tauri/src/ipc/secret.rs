//! Passphrases and recovery keys as the page sends them: read straight into memory that is wiped when it
//! is dropped, so the shell never holds them in a plain `String`.
//!
//! What remains outside our reach: Tauri parses each request into a `serde_json::Value` before the command
//! sees its arguments, and that value (and the request bytes it came from) hold the text until Tauri frees
//! them, without wiping. Only a zeroing allocator would reach those.

use secrecy::{ExposeSecret, SecretString};
use serde::de::{self, Deserialize, Deserializer, Visitor};
use specta::Type;
use zeroize::Zeroize;

/// A secret string from the page. TypeScript sees a `string`; `Debug` never shows it.
#[derive(Clone, Type)]
#[specta(transparent)]
pub struct Secret(#[specta(type = String)] SecretString);

impl Secret {
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }

    /// The same secret for the core, which takes its own `SecretString`.
    pub fn to_secret_string(&self) -> SecretString {
        SecretString::from(self.expose())
    }

    pub fn into_secret_string(self) -> SecretString {
        self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        // `SecretString::from(&str)` allocates exactly once, at the final size: no grown-and-freed copy.
        Secret(SecretString::from(text))
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SecretVisitor;

        impl Visitor<'_> for SecretVisitor {
            type Value = Secret;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Secret, E> {
                Ok(Secret::from(text))
            }

            fn visit_string<E: de::Error>(self, mut text: String) -> Result<Secret, E> {
                // A deserialiser that hands over its own String: copy it, then wipe the original.
                let secret = Secret::from(text.as_str());
                text.zeroize();
                Ok(secret)
            }
        }

        deserializer.deserialize_str(SecretVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_reads_from_json_as_a_string_and_never_prints() {
        let secret: Secret = serde_json::from_str("\"olive lantern\"").expect("a JSON string is a secret");
        assert_eq!(secret.expose(), "olive lantern", "the text must arrive unchanged");
        assert_eq!(format!("{secret:?}"), "Secret(..)", "Debug must not show the secret");
        let optional: Option<Secret> = serde_json::from_str("null").expect("null is no secret");
        assert!(optional.is_none(), "null must read as no secret");
        assert!(serde_json::from_str::<Secret>("42").is_err(), "a number is not a secret");
    }
}
