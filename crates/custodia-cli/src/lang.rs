//! The language of what the command line says about errors: English, French, Spanish or Arabic, chosen as
//! POSIX programs choose it (`CUSTODIA_LANG`, then `LC_ALL`, `LC_MESSAGES`, `LANG`). The words come from
//! the app's translation files (see `build.rs`), so both faces say the same thing.

/// (language, error code, words), for every error code the app words.
const ERROR_WORDS: &[(&str, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/error_words.rs"));

/// The two-letter language to speak: the first of the variables that is set and not empty decides; a
/// language without translations, `C` or `POSIX`, is English.
pub fn language() -> &'static str {
    let chosen = ["CUSTODIA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .unwrap_or_default();
    ["fr", "es", "ar"].into_iter().find(|lang| chosen.starts_with(lang)).unwrap_or("en")
}

fn words(lang: &str, code: &str) -> Option<&'static str> {
    ERROR_WORDS.iter().find(|(l, c, _)| *l == lang && *c == code).map(|(_, _, w)| *w)
}

/// What to print for an error of the core with this `code` and this English description: in English the
/// description alone (it names the file, the item or the line); in another language the translated
/// sentence, then the description as the details, as the app shows them.
pub fn error_text(lang: &str, code: &str, description: &str) -> String {
    // French puts a space before a colon.
    let (label, colon) = match lang {
        "fr" => ("erreur", " :"),
        "es" => ("error", ":"),
        "ar" => ("خطأ", ":"),
        _ => return format!("error: {description}"),
    };
    match (words(lang, code), words(lang, "details")) {
        (Some(sentence), Some(details)) => format!("{label}{colon} {sentence}\n  {details}{colon} {description}"),
        _ => format!("{label}{colon} {description}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_the_words_of_the_common_errors() {
        for lang in ["en", "fr", "es", "ar"] {
            for code in ["wrong_passphrase", "item_not_found", "details", "cancelled"] {
                assert!(words(lang, code).is_some_and(|w| !w.is_empty()), "{lang} has no words for {code}");
            }
        }
        assert_ne!(words("fr", "wrong_passphrase"), words("en", "wrong_passphrase"));
    }

    #[test]
    fn english_keeps_the_description_and_others_add_it_as_details() {
        assert_eq!(error_text("en", "wrong_passphrase", "wrong passphrase"), "error: wrong passphrase");
        let fr = error_text("fr", "wrong_passphrase", "wrong passphrase");
        assert!(fr.starts_with("erreur : Cette phrase secrète") && fr.ends_with("Détails : wrong passphrase"), "{fr}");
        assert_eq!(error_text("es", "no_such_code", "x"), "error: x", "an unknown code keeps the description");
    }
}
