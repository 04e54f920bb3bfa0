//! The report's words in each language, from `locales/<lang>/report.json` (and the custody actions' names
//! from `app.json` and `records.json`, where the page keeps them), embedded at build time.

use std::collections::HashMap;

/// The languages a report can be written in.
pub const LANGUAGES: [&str; 4] = ["en", "fr", "es", "ar"];

macro_rules! catalogs {
    ($lang:literal) => {
        [
            include_str!(concat!("../../../locales/", $lang, "/report.json")),
            include_str!(concat!("../../../locales/", $lang, "/app.json")),
            include_str!(concat!("../../../locales/", $lang, "/bundles.json")),
            include_str!(concat!("../../../locales/", $lang, "/records.json")),
        ]
    };
}

/// Per language: `report.json`, `app.json` and `records.json` (custody actions) and `bundles.json` (a
/// received bundle's checks and problems, the same words `bundle verify` and the app use).
const CATALOGS: [(&str, [&str; 4]); 4] =
    [("en", catalogs!("en")), ("fr", catalogs!("fr")), ("es", catalogs!("es")), ("ar", catalogs!("ar"))];

/// The words of one language, English where a key is missing.
pub(crate) struct Words {
    pub lang: &'static str,
    own: HashMap<String, String>,
    english: HashMap<String, String>,
}

fn catalog([report, app, bundles, records]: [&str; 4]) -> HashMap<String, String> {
    let flat = |text: &str| -> HashMap<String, String> { serde_json::from_str(text).expect("a flat JSON object") };
    let mut words = flat(report);
    for actions in [app, records] {
        words.extend(flat(actions).into_iter().filter(|(k, _)| k.starts_with("action.")));
    }
    words.extend(flat(bundles).into_iter().filter(|(k, _)| k.starts_with("check.") || k.starts_with("bundleProblem.")));
    words
}

impl Words {
    /// The words of `lang`; an unknown language is English.
    pub fn new(lang: &str) -> Words {
        let (code, files) = CATALOGS.iter().find(|(code, _)| *code == lang).copied().unwrap_or(CATALOGS[0]);
        Words { lang: code, own: catalog(files), english: catalog(CATALOGS[0].1) }
    }

    pub fn rtl(&self) -> bool {
        self.lang == "ar"
    }

    /// The text of `key` with each `{name}` replaced. Each value is a bidi isolate (U+2068 … U+2069), so
    /// that a date, a code or a name keeps its own order inside a sentence of the other direction (without
    /// it, `2026-12-07` in an Arabic sentence reads `07-12-2026`).
    pub fn t(&self, key: &str, args: &[(&str, &str)]) -> String {
        let template = self.own.get(key).or_else(|| self.english.get(key)).map(String::as_str).unwrap_or(key);
        args.iter().fold(template.to_string(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), &format!("\u{2068}{value}\u{2069}"))
        })
    }

    /// Whether `key` has words in this language or in English.
    pub fn has(&self, key: &str) -> bool {
        self.own.contains_key(key) || self.english.contains_key(key)
    }

    /// A custody action's name in this language, or its code when it has none.
    pub fn action(&self, code: &str) -> String {
        let key = format!("action.{code}");
        match self.own.get(&key).or_else(|| self.english.get(&key)) {
            Some(name) => name.clone(),
            None => code.to_string(),
        }
    }
}
