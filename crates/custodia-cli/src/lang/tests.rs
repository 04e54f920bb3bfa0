//! The language files are complete in every language, and the command line asks only for words they have.

use super::*;
use std::collections::BTreeSet;

/// Every plural category `lang` uses: each counted message must have a form for each.
pub fn plural_forms(lang: &str) -> &'static [&'static str] {
    match lang {
        "ar" => &["zero", "one", "two", "few", "many", "other"],
        "fr" | "es" => &["one", "many", "other"],
        _ => &["one", "other"],
    }
}

/// The names of the `{placeholders}` of a message, in order of appearance.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        match rest.find('}') {
            Some(close) if rest[..close].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && close > 0 => {
                names.push(&rest[..close]);
                rest = &rest[close + 1..];
            }
            _ => {}
        }
    }
    names
}

fn sorted(names: Vec<&str>) -> Vec<&str> {
    let mut names = names;
    names.sort_unstable();
    names
}

fn parsed(lang: &str) -> Vec<(&'static str, Messages)> {
    areas(lang).unwrap_or_else(|e| panic!("{e}"))
}

/// `key#other` → `key`: the messages that depend on a count.
fn plural_bases(english: &Messages) -> BTreeSet<&str> {
    english.keys().filter_map(|k| k.strip_suffix("#other")).collect()
}

fn is_plural_form(key: &str) -> bool {
    key.rsplit_once('#').is_some_and(|(_, form)| ["zero", "one", "two", "few", "many", "other"].contains(&form))
}

#[test]
fn every_file_is_a_flat_object_of_strings_and_no_key_is_in_two_areas() {
    for lang in LANGUAGES {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for (area, messages) in parsed(lang) {
            assert!(!messages.is_empty(), "locales/{lang}/{area}.json is empty");
            for key in messages.keys() {
                if let Some(other) = seen.insert(key.clone(), area) {
                    panic!("{lang}: \"{key}\" is in both {other}.json and {area}.json");
                }
            }
        }
    }
}

#[test]
fn every_language_has_every_english_message_with_the_same_placeholders() {
    let english = messages("en");
    for lang in &LANGUAGES[1..] {
        let own = messages(lang);
        for (key, words) in english.iter().filter(|(k, _)| !is_plural_form(k)) {
            let Some(translated) = own.get(key) else { panic!("{lang} is missing \"{key}\"") };
            assert!(!translated.trim().is_empty(), "{lang} \"{key}\" is empty");
            assert_eq!(
                sorted(placeholders(translated)),
                sorted(placeholders(words)),
                "{lang} \"{key}\" does not have English's placeholders"
            );
        }
    }
}

#[test]
fn every_language_has_each_plural_form_its_grammar_uses_and_no_stray_key() {
    let english = messages("en");
    let bases = plural_bases(english);
    for lang in LANGUAGES {
        let own = messages(lang);
        for base in &bases {
            let wanted: BTreeSet<&str> =
                placeholders(&english[&format!("{base}#other")]).into_iter().filter(|p| *p != "count").collect();
            for form in plural_forms(lang) {
                let key = format!("{base}#{form}");
                let Some(words) = own.get(&key) else { panic!("{lang} is missing the plural form \"{key}\"") };
                // A form may name its number in words (Arabic's "two days") and so leave out {count}, but
                // it has every other placeholder of English and no other.
                let found: BTreeSet<&str> = placeholders(words).into_iter().filter(|p| *p != "count").collect();
                assert_eq!(found, wanted, "{lang} \"{key}\" does not have English's placeholders");
            }
        }
        for key in own.keys() {
            let known = english.contains_key(key)
                || key.rsplit_once('#').is_some_and(|(base, _)| is_plural_form(key) && bases.contains(base));
            assert!(known, "{lang} has \"{key}\", which English does not");
        }
    }
}

/// The keys the command line's source asks for: the first argument of every `t!(` and `tn!(`.
fn keys_in_source() -> Vec<(String, bool)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut keys = Vec::new();
    let mut files = vec![dir];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).expect("read src").map(|e| e.expect("entry").path()));
            continue;
        }
        if path.ends_with("lang/tests.rs") {
            continue; // the markers below are not calls
        }
        let text = std::fs::read_to_string(&path).expect("read source");
        for (marker, counted) in [("t!(", false), ("tn!(", true)] {
            for (at, _) in text.match_indices(marker) {
                // `format!` ends in `t!` too: a macro name starts after a character that is not a word.
                if text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                // The key is a string literal, maybe on the next line; `t!(KEY` in a comment is not.
                let Some(rest) = text[at + marker.len()..].trim_start().strip_prefix('"') else { continue };
                let key = &rest[..rest.find('"').expect("a key ends")];
                keys.push((key.to_string(), counted));
            }
        }
    }
    assert!(keys.len() > 100, "the source scan found only {} keys: its pattern is out of date", keys.len());
    keys
}

#[test]
fn every_message_the_command_line_asks_for_is_in_english() {
    let english = messages("en");
    for (key, counted) in keys_in_source() {
        let wanted = if counted { format!("{key}#other") } else { key.clone() };
        assert!(english.contains_key(&wanted), "the source asks for \"{wanted}\", which locales/en has not");
    }
}

#[test]
fn plural_forms_follow_each_languages_rules() {
    let forms = |lang| [0, 1, 2, 5, 11, 100, 1_000_000].map(|n| plural(lang, n));
    assert_eq!(forms("en"), ["other", "one", "other", "other", "other", "other", "other"]);
    assert_eq!(forms("fr"), ["one", "one", "other", "other", "other", "other", "many"]);
    assert_eq!(forms("es"), ["other", "one", "other", "other", "other", "other", "many"]);
    assert_eq!(forms("ar"), ["zero", "one", "two", "few", "many", "other", "other"]);
    for lang in LANGUAGES {
        for n in 0..2000 {
            assert!(plural_forms(lang).contains(&plural(lang, n)), "{lang} {n}: a form the language does not list");
        }
    }
}

#[test]
fn placeholders_are_filled_and_counts_choose_the_form() {
    // French sets a narrow no-break space before a colon.
    assert_eq!(text_in("fr", "cli.error.details", &[("details", &"x")]), "Détails\u{202f}: x");
    assert_eq!(counted_in("en", "evidence.total", 1, &[]), "1 item");
    assert_eq!(counted_in("en", "evidence.total", 3, &[]), "3 items");
    assert_eq!(text_in("fr", "no.such.key", &[]), "no.such.key", "a missing message shows its key");
    assert_eq!(
        counted_in("en", "cli.import.done", 2, &[("bundle", &"{count}"), ("sha256", &"{bundle}")]),
        "Imported 2 items from bundle {count} (SHA-256 {bundle}); each is hash-checked and logged as received.",
        "a value that looks like a placeholder is shown as it is"
    );
}

#[test]
fn english_keeps_the_description_and_others_add_it_as_details() {
    assert_eq!(error_text("en", "wrong_passphrase", "wrong passphrase"), "error: wrong passphrase");
    let fr = error_text("fr", "wrong_passphrase", "wrong passphrase");
    assert!(
        fr.starts_with("erreur\u{202f}: Cette phrase secrète") && fr.ends_with("Détails\u{202f}: wrong passphrase"),
        "{fr}"
    );
    assert_eq!(error_text("es", "no_such_code", "x"), "error: x", "an unknown code keeps the description");
}
