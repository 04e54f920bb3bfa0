//! The person record the matcher reads, and the match it reports.

use super::date::PartialDate;
use super::reason::Reason;

/// Sex as recorded by the documenter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// Reads "M"/"F", "male"/"female" and the Spanish, French and Arabic words; `None` for anything else,
    /// which the matcher treats as unknown.
    pub fn parse(input: &str) -> Option<Sex> {
        match input.trim().to_lowercase().as_str() {
            "m" | "male" | "man" | "h" | "hombre" | "homme" | "masculino" | "masculin" | "ذكر" => Some(Sex::Male),
            "f" | "female" | "woman" | "mujer" | "femme" | "femenino" | "féminin" | "feminin" | "أنثى" | "انثى" => {
                Some(Sex::Female)
            }
            _ => None,
        }
    }
}

/// What the matcher knows of one person. Every field but `id` and `full_name` may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonRecord {
    /// The caller's identifier (pseudonym code or external reference); reported back in `Match`.
    pub id: String,
    pub full_name: String,
    /// Other names or spellings the person is known by; each is compared like `full_name`.
    pub other_names: Vec<String>,
    pub sex: Option<Sex>,
    pub birth_date: PartialDate,
    pub birth_place: Option<String>,
    pub residence: Option<String>,
    pub phone: Option<String>,
    pub id_number: Option<String>,
}

/// Wipes the identifying text. Not done on drop, since callers build records with `..Default::default()`,
/// which a type with `Drop` cannot serve; hold a record that came from the vault in `Zeroizing`.
impl zeroize::Zeroize for PersonRecord {
    fn zeroize(&mut self) {
        self.id.zeroize();
        self.full_name.zeroize();
        self.other_names.zeroize();
        self.birth_place.zeroize();
        self.residence.zeroize();
        self.phone.zeroize();
        self.id_number.zeroize();
    }
}

/// Two records probably of one person, with the score (0..=1, higher is surer) and the evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub a: String,
    pub b: String,
    pub score: f64,
    pub reasons: Vec<Reason>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sex_reads_common_spellings() {
        assert_eq!(Sex::parse("M"), Some(Sex::Male));
        assert_eq!(Sex::parse(" female "), Some(Sex::Female));
        assert_eq!(Sex::parse("أنثى"), Some(Sex::Female));
        assert_eq!(Sex::parse(""), None);
        assert_eq!(Sex::parse("x"), None);
    }
}
