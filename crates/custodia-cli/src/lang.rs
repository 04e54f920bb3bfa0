//! The language the command line speaks to people, and its words: English, French, Spanish or Arabic,
//! chosen as POSIX programs choose it (`CUSTODIA_LANG`, then `LC_ALL`, `LC_MESSAGES`, `LANG`).
//!
//! The words are the repository's `locales/<lang>/<area>.json`, embedded at build time: `cli.json` holds
//! what only the command line says, and the app's areas (`app`, `records`, `bundles`) are shared, so an
//! error or a finding is worded the same on both faces. Keys are flat (`error.wrong_passphrase`); a
//! message that depends on a count has one key per plural form (`key#one`, `key#other`, and Arabic's
//! six), chosen by [`plural`]. `{name}` placeholders are filled by [`t!`](crate::t) and [`tn!`](crate::tn).

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

/// The languages the command line speaks, English (the reference) first.
pub const LANGUAGES: [&str; 4] = ["en", "fr", "es", "ar"];

/// One language's files, `(area, JSON text)`, as built into the binary.
macro_rules! areas {
    ($lang:literal) => {
        [
            ("app", include_str!(concat!("../../../locales/", $lang, "/app.json"))),
            ("records", include_str!(concat!("../../../locales/", $lang, "/records.json"))),
            ("bundles", include_str!(concat!("../../../locales/", $lang, "/bundles.json"))),
            ("cli", include_str!(concat!("../../../locales/", $lang, "/cli.json"))),
        ]
    };
}

/// Every language's files, in the order of [`LANGUAGES`].
const FILES: [[(&str, &str); 4]; 4] = [areas!("en"), areas!("fr"), areas!("es"), areas!("ar")];

/// A language's messages, every area merged.
pub type Messages = HashMap<String, String>;

/// The files of `lang` parsed, each with its area: `Err` names a file that is not a flat JSON object of
/// strings. The tests read them this way; [`messages`] merges them.
pub fn areas(lang: &str) -> Result<Vec<(&'static str, Messages)>, String> {
    let index = LANGUAGES.iter().position(|l| *l == lang).ok_or_else(|| format!("no language {lang}"))?;
    FILES[index]
        .iter()
        .map(|(area, text)| {
            serde_json::from_str(text).map(|m| (*area, m)).map_err(|e| format!("locales/{lang}/{area}.json: {e}"))
        })
        .collect()
}

/// The messages of `lang`, every area merged, parsed once. The files are part of the build and checked by
/// the tests: a broken one is a bug of the build, and the command line then falls back to English rather
/// than not speaking at all.
fn messages(lang: &str) -> &'static Messages {
    static PARSED: [OnceLock<Messages>; 4] = [const { OnceLock::new() }; 4];
    let index = LANGUAGES.iter().position(|l| *l == lang).unwrap_or(0);
    PARSED[index].get_or_init(|| areas(lang).map(|a| a.into_iter().flat_map(|(_, m)| m).collect()).unwrap_or_default())
}

/// The language of this run, decided once from the environment.
pub fn current() -> &'static str {
    static CURRENT: OnceLock<&'static str> = OnceLock::new();
    CURRENT.get_or_init(language)
}

/// The two-letter language to speak: the first of the variables that is set and not empty decides; a
/// language without translations, `C` or `POSIX`, is English.
fn language() -> &'static str {
    let chosen = ["CUSTODIA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .unwrap_or_default();
    LANGUAGES[1..].iter().copied().find(|lang| chosen.starts_with(lang)).unwrap_or("en")
}

/// The CLDR plural category of `count` in `lang`, for the forms the files hold (`key#one`...).
pub fn plural(lang: &str, count: u64) -> &'static str {
    let millions = count != 0 && count.is_multiple_of(1_000_000);
    match lang {
        "ar" => match (count, count % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        "fr" if count <= 1 => "one",
        "en" | "es" if count == 1 => "one",
        "fr" | "es" if millions => "many",
        _ => "other",
    }
}

/// The message for `key` in the user's language (else English, else the key itself, so that a missing
/// message shows what is missing), its placeholders filled.
pub fn text(key: &str, args: &[(&str, &dyn Display)]) -> String {
    text_in(current(), key, args)
}

/// Whether English has a message for `key` (every language then has it too: the tests see to that).
pub fn has(key: &str) -> bool {
    messages("en").contains_key(key)
}

pub fn text_in(lang: &str, key: &str, args: &[(&str, &dyn Display)]) -> String {
    let message = messages(lang).get(key).or_else(|| messages("en").get(key)).map_or(key, String::as_str);
    fill(message, args)
}

/// The plural form of `key` for `count` (`{count}` filled with it).
pub fn counted(key: &str, count: u64, args: &[(&str, &dyn Display)]) -> String {
    counted_in(current(), key, count, args)
}

pub fn counted_in(lang: &str, key: &str, count: u64, args: &[(&str, &dyn Display)]) -> String {
    let form = |lang: &str| messages(lang).get(&format!("{key}#{}", plural(lang, count)));
    let message = form(lang).or_else(|| form("en")).map_or(key, String::as_str);
    let mut all: Vec<(&str, &dyn Display)> = vec![("count", &count)];
    all.extend_from_slice(args);
    fill(message, &all)
}

/// The message with each `{name}` replaced by its value, in one pass: a value is never read again, so
/// outside text that looks like a placeholder (a file named `{count}`) is shown as it is. A placeholder
/// without a value stays as written.
fn fill(message: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            args.iter().find(|(n, _)| *n == name).map(|(_, v)| (v.to_string(), close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(&value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `t!(KEY, name = value, ...)`: a message in the user's language with its placeholders filled. Values
/// from outside must already be rendered with [`crate::output::safe`].
#[macro_export]
macro_rules! t {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::lang::text($key, &[$((stringify!($name), &$value as &dyn std::fmt::Display)),*])
    };
}

/// `tn!(KEY, count, name = value, ...)`: the plural form of `key` for `count`.
#[macro_export]
macro_rules! tn {
    ($key:literal, $count:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::lang::counted($key, ($count) as u64, &[$((stringify!($name), &$value as &dyn std::fmt::Display)),*])
    };
}

/// What to print for an error of the core with this `code` and this English description: in English the
/// description alone (it names the file, the item or the line); in another language the translated
/// sentence, then the description as the details, as the app shows them.
pub fn error_text(lang: &str, code: &str, description: &str) -> String {
    let label = text_in(lang, "cli.error", &[]);
    match messages(lang).get(&format!("error.{code}")) {
        Some(sentence) if lang != "en" => {
            format!("{label} {sentence}\n  {}", text_in(lang, "cli.error.details", &[("details", &description)]))
        }
        _ => format!("{label} {description}"),
    }
}

#[cfg(test)]
mod tests;
