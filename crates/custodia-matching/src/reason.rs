//! Why two records were taken for one person, or why not: one `Reason` per piece of evidence, with a stable
//! code for translation and an English sentence.

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

impl Reason {
    /// A stable snake_case code: the key for translations and for tools reading JSON.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::NameMatches { .. } => "name_matches",
            Reason::NameSpellingVariant { .. } => "name_spelling_variant",
            Reason::NameTransliterated { .. } => "name_transliterated",
            Reason::NamePartsDropped { .. } => "name_parts_dropped",
            Reason::NameReordered => "name_reordered",
            Reason::NameSpacingDiffers => "name_spacing_differs",
            Reason::NamePartsDiffer { .. } => "name_parts_differ",
            Reason::GivenNameDiffers => "given_name_differs",
            Reason::BirthDateMatches => "birth_date_matches",
            Reason::BirthYearMatches => "birth_year_matches",
            Reason::BirthDayMonthSwapped => "birth_day_month_swapped",
            Reason::BirthDateNearlyMatches => "birth_date_nearly_matches",
            Reason::BirthYearOffByOne => "birth_year_off_by_one",
            Reason::BirthDateConflicts { .. } => "birth_date_conflicts",
            Reason::PlaceMatches => "place_matches",
            Reason::PlaceVariant => "place_variant",
            Reason::PlaceDiffers => "place_differs",
            Reason::ResidenceMatches => "residence_matches",
            Reason::ResidenceDiffers => "residence_differs",
            Reason::SamePhone => "same_phone",
            Reason::DifferentPhone => "different_phone",
            Reason::SameIdNumber => "same_id_number",
            Reason::IdNumberNearlySame => "id_number_nearly_same",
            Reason::DifferentIdNumber => "different_id_number",
            Reason::SexConflicts => "sex_conflicts",
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
    fn every_reason_has_a_unique_snake_case_code() {
        let reasons = all();
        let codes: HashSet<&str> = reasons.iter().map(Reason::code).collect();
        assert_eq!(codes.len(), reasons.len(), "codes must be unique");
        for code in codes {
            assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code} is not snake_case");
        }
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
