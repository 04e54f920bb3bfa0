//! Why two records were taken for one person, or why not: one `Reason` per piece of evidence, with a stable
//! code (`ReasonCode`) for translation and an English sentence.

use std::fmt;

use super::translit::Script;

/// One piece of evidence for or against two records being one person.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// Every part of the shorter name is in the other, spelled the same.
    NameMatches {
        parts: usize,
    },
    /// The name parts agree, spelled differently (transliteration, typo, missing accent).
    NameSpellingVariant {
        parts: usize,
    },
    /// One name is written in another script (Arabic, Cyrillic) and matches the other's spelling.
    NameTransliterated {
        script: Script,
        parts: usize,
    },
    /// Parts present in one name only: a father's or grandfather's name, or a second family name.
    NamePartsDropped {
        n: usize,
    },
    /// The same parts in another order ("Kravchenko Bohdan").
    NameReordered,
    /// The names agree once their spaces are ignored ("Iva nGritsenko").
    NameSpacingDiffers,
    /// Parts that disagree: another father's or family name.
    NamePartsDiffer {
        n: usize,
    },
    /// The given names differ while other parts agree: often siblings.
    GivenNameDiffers,
    BirthDateMatches,
    BirthYearMatches,
    BirthDayMonthSwapped,
    /// One digit of the birth date mistyped.
    BirthDateNearlyMatches,
    BirthYearOffByOne,
    BirthDateConflicts {
        years: u32,
    },
    PlaceMatches,
    PlaceVariant,
    PlaceDiffers,
    ResidenceMatches,
    ResidenceDiffers,
    SamePhone,
    DifferentPhone,
    SameIdNumber,
    /// The identity numbers differ by one mistyped or exchanged character.
    IdNumberNearlySame,
    DifferentIdNumber,
    SexConflicts,
}

/// Declares `ReasonCode` from one list of variants and their codes, so that each code is written once: the
/// enum, its serde names, `as_str` and `ALL` all come from this list.
macro_rules! reason_codes {
    ($($variant:ident = $code:literal,)+) => {
        /// What kind of evidence a `Reason` is, without its numbers: the key for translations and for tools
        /// reading JSON. Serialised as its snake_case code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum ReasonCode {
            $(#[serde(rename = $code)] $variant,)+
        }

        impl ReasonCode {
            /// Every code, in the order of `Reason`'s variants.
            pub const ALL: &'static [ReasonCode] = &[$(ReasonCode::$variant,)+];

            /// The stable snake_case code.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ReasonCode::$variant => $code,)+
                }
            }

            /// The code named `name`, if there is one.
            pub fn from_name(name: &str) -> Option<ReasonCode> {
                ReasonCode::ALL.iter().copied().find(|code| code.as_str() == name)
            }
        }
    };
}

reason_codes! {
    NameMatches = "name_matches",
    NameSpellingVariant = "name_spelling_variant",
    NameTransliterated = "name_transliterated",
    NamePartsDropped = "name_parts_dropped",
    NameReordered = "name_reordered",
    NameSpacingDiffers = "name_spacing_differs",
    NamePartsDiffer = "name_parts_differ",
    GivenNameDiffers = "given_name_differs",
    BirthDateMatches = "birth_date_matches",
    BirthYearMatches = "birth_year_matches",
    BirthDayMonthSwapped = "birth_day_month_swapped",
    BirthDateNearlyMatches = "birth_date_nearly_matches",
    BirthYearOffByOne = "birth_year_off_by_one",
    BirthDateConflicts = "birth_date_conflicts",
    PlaceMatches = "place_matches",
    PlaceVariant = "place_variant",
    PlaceDiffers = "place_differs",
    ResidenceMatches = "residence_matches",
    ResidenceDiffers = "residence_differs",
    SamePhone = "same_phone",
    DifferentPhone = "different_phone",
    SameIdNumber = "same_id_number",
    IdNumberNearlySame = "id_number_nearly_same",
    DifferentIdNumber = "different_id_number",
    SexConflicts = "sex_conflicts",
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Reason {
    /// What kind of evidence this is: the key for translations and for tools reading JSON.
    pub fn code(&self) -> ReasonCode {
        match self {
            Reason::NameMatches { .. } => ReasonCode::NameMatches,
            Reason::NameSpellingVariant { .. } => ReasonCode::NameSpellingVariant,
            Reason::NameTransliterated { .. } => ReasonCode::NameTransliterated,
            Reason::NamePartsDropped { .. } => ReasonCode::NamePartsDropped,
            Reason::NameReordered => ReasonCode::NameReordered,
            Reason::NameSpacingDiffers => ReasonCode::NameSpacingDiffers,
            Reason::NamePartsDiffer { .. } => ReasonCode::NamePartsDiffer,
            Reason::GivenNameDiffers => ReasonCode::GivenNameDiffers,
            Reason::BirthDateMatches => ReasonCode::BirthDateMatches,
            Reason::BirthYearMatches => ReasonCode::BirthYearMatches,
            Reason::BirthDayMonthSwapped => ReasonCode::BirthDayMonthSwapped,
            Reason::BirthDateNearlyMatches => ReasonCode::BirthDateNearlyMatches,
            Reason::BirthYearOffByOne => ReasonCode::BirthYearOffByOne,
            Reason::BirthDateConflicts { .. } => ReasonCode::BirthDateConflicts,
            Reason::PlaceMatches => ReasonCode::PlaceMatches,
            Reason::PlaceVariant => ReasonCode::PlaceVariant,
            Reason::PlaceDiffers => ReasonCode::PlaceDiffers,
            Reason::ResidenceMatches => ReasonCode::ResidenceMatches,
            Reason::ResidenceDiffers => ReasonCode::ResidenceDiffers,
            Reason::SamePhone => ReasonCode::SamePhone,
            Reason::DifferentPhone => ReasonCode::DifferentPhone,
            Reason::SameIdNumber => ReasonCode::SameIdNumber,
            Reason::IdNumberNearlySame => ReasonCode::IdNumberNearlySame,
            Reason::DifferentIdNumber => ReasonCode::DifferentIdNumber,
            Reason::SexConflicts => ReasonCode::SexConflicts,
        }
    }

    /// Whether this reason speaks for the two records being one person.
    pub fn supports_match(&self) -> bool {
        !matches!(
            self,
            Reason::NamePartsDiffer { .. }
                | Reason::GivenNameDiffers
                | Reason::BirthDateConflicts { .. }
                | Reason::PlaceDiffers
                | Reason::ResidenceDiffers
                | Reason::DifferentPhone
                | Reason::DifferentIdNumber
                | Reason::SexConflicts
                | Reason::NamePartsDropped { .. }
                | Reason::NameReordered
                | Reason::NameSpacingDiffers
        )
    }
}

fn parts(n: usize) -> &'static str {
    if n == 1 {
        "part"
    } else {
        "parts"
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NameMatches { parts: n } => write!(f, "Name matches ({n} {}).", parts(*n)),
            Reason::NameSpellingVariant { parts: n } => {
                write!(f, "Name matches, spelled differently ({n} {}).", parts(*n))
            }
            Reason::NameTransliterated { script, parts: n } => {
                write!(f, "Name written in {script} script matches the other spelling ({n} {}).", parts(*n))
            }
            Reason::NamePartsDropped { n } => {
                write!(f, "{n} name {} in one record only (father's, grandfather's or second family name).", parts(*n))
            }
            Reason::NameReordered => f.write_str("Name parts in a different order."),
            Reason::NameSpacingDiffers => f.write_str("Name matches when spaces are ignored."),
            Reason::NamePartsDiffer { n } => write!(f, "{n} name {} differ.", parts(*n)),
            Reason::GivenNameDiffers => {
                f.write_str("Given names differ while family names agree: possibly siblings, not one person.")
            }
            Reason::BirthDateMatches => f.write_str("Birth date matches."),
            Reason::BirthYearMatches => f.write_str("Birth year matches."),
            Reason::BirthDayMonthSwapped => f.write_str("Birth date matches with day and month swapped."),
            Reason::BirthDateNearlyMatches => f.write_str("Birth date differs by one digit."),
            Reason::BirthYearOffByOne => f.write_str("Birth year differs by one."),
            Reason::BirthDateConflicts { years: 0 } => f.write_str("Birth dates differ."),
            Reason::BirthDateConflicts { years: 1 } => f.write_str("Birth dates differ by about a year."),
            Reason::BirthDateConflicts { years } => write!(f, "Birth years differ by {years} years."),
            Reason::PlaceMatches => f.write_str("Birth place matches."),
            Reason::PlaceVariant => f.write_str("Birth place spelled differently."),
            Reason::PlaceDiffers => f.write_str("Birth places differ."),
            Reason::ResidenceMatches => f.write_str("Residence matches."),
            Reason::ResidenceDiffers => f.write_str("Residences differ."),
            Reason::SamePhone => f.write_str("Same phone number."),
            Reason::DifferentPhone => f.write_str("Different phone numbers."),
            Reason::SameIdNumber => f.write_str("Same identity number."),
            Reason::IdNumberNearlySame => f.write_str("Identity numbers differ by one character."),
            Reason::DifferentIdNumber => f.write_str("Different identity numbers."),
            Reason::SexConflicts => f.write_str("Recorded sex differs."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn all() -> Vec<Reason> {
        vec![
            Reason::NameMatches { parts: 3 },
            Reason::NameSpellingVariant { parts: 1 },
            Reason::NameTransliterated { script: Script::Arabic, parts: 4 },
            Reason::NamePartsDropped { n: 2 },
            Reason::NameReordered,
            Reason::NameSpacingDiffers,
            Reason::NamePartsDiffer { n: 1 },
            Reason::GivenNameDiffers,
            Reason::BirthDateMatches,
            Reason::BirthYearMatches,
            Reason::BirthDayMonthSwapped,
            Reason::BirthDateNearlyMatches,
            Reason::BirthYearOffByOne,
            Reason::BirthDateConflicts { years: 7 },
            Reason::PlaceMatches,
            Reason::PlaceVariant,
            Reason::PlaceDiffers,
            Reason::ResidenceMatches,
            Reason::ResidenceDiffers,
            Reason::SamePhone,
            Reason::DifferentPhone,
            Reason::SameIdNumber,
            Reason::IdNumberNearlySame,
            Reason::DifferentIdNumber,
            Reason::SexConflicts,
        ]
    }

    #[test]
    fn every_code_is_unique_snake_case_and_serialised_as_itself() {
        let codes: HashSet<&str> = ReasonCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes.len(), ReasonCode::ALL.len(), "codes must be unique");
        for code in ReasonCode::ALL {
            let s = code.as_str();
            assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{s} is not snake_case");
            assert_eq!(serde_json::to_string(code).expect("a code serialises"), format!("\"{s}\""), "{code:?}");
        }
    }

    #[test]
    fn every_code_belongs_to_a_reason_in_order() {
        let codes: Vec<ReasonCode> = all().iter().map(Reason::code).collect();
        assert_eq!(codes, ReasonCode::ALL, "one reason per code, in the enum's order");
    }

    #[test]
    fn every_reason_reads_as_a_sentence() {
        for r in all() {
            let s = r.to_string();
            assert!(
                s.ends_with('.') && s.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()),
                "{s:?}"
            );
        }
        assert_eq!(
            Reason::NameTransliterated { script: Script::Arabic, parts: 4 }.to_string(),
            "Name written in Arabic script matches the other spelling (4 parts)."
        );
        assert_eq!(Reason::BirthDateConflicts { years: 7 }.to_string(), "Birth years differ by 7 years.");
        assert_eq!(
            Reason::NamePartsDropped { n: 1 }.to_string(),
            "1 name part in one record only (father's, grandfather's or second family name)."
        );
    }

    #[test]
    fn conflicts_do_not_support_a_match() {
        assert!(Reason::SameIdNumber.supports_match());
        assert!(!Reason::GivenNameDiffers.supports_match());
        assert!(!Reason::BirthDateConflicts { years: 3 }.supports_match());
    }
}
