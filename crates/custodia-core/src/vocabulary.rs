//! Closed vocabularies: the enums whose values cross to other programs by a stable name (error codes,
//! custody actions, rule ids, finding codes, bundle checks, recipient and record kinds). `vocabulary!`
//! defines each one once: the enum, `ALL` in the order shown, `as_str`, `from_name`, `Display`, serde by
//! that name, and, with the `specta` feature, the TypeScript union the desktop shell exports to the page.
//! Nothing else lists the names again.

/// Defines a closed vocabulary: `enum Name { Variant = "name", ... }`.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in the order they are shown.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The stable name, as stored, sent and translated.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value of a stable name, exactly as `as_str` writes it.
            pub fn from_name(text: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|value| value.as_str() == text)
            }
        }

        /// A stored name outside the set is damage, refused as a value that cannot be read.
        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                Self::from_name(text).ok_or_else(|| {
                    rusqlite::types::FromSqlError::Other(format!("unknown {} {text:?}", stringify!($name)).into())
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use vocabulary;

#[cfg(test)]
mod tests {
    vocabulary! {
        enum Colour {
            Red = "red",
            DeepBlue = "deep_blue",
        }
    }

    #[test]
    fn each_value_has_one_name_that_reads_back_and_serialises_alike() {
        assert_eq!(Colour::ALL, [Colour::Red, Colour::DeepBlue]);
        for colour in Colour::ALL {
            assert_eq!(Colour::from_name(colour.as_str()), Some(colour));
            assert_eq!(serde_json::to_value(colour).expect("json"), colour.as_str());
            assert_eq!(colour.to_string(), colour.as_str());
        }
        assert_eq!(Colour::from_name("Red"), None, "names are exact");
        assert!(serde_json::from_str::<Colour>("\"green\"").is_err());
    }
}
