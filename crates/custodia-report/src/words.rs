//! The report's words in each language, from `locales/<lang>/report.json` (and the custody actions' names
//! from `app.json`), embedded at build time.

use std::collections::HashMap;

/// The languages a report can be written in.
pub const LANGUAGES: [&str; 4] = ["en", "fr", "es", "ar"];

const CATALOGS: [(&str, &str, &str); 4] = [
    ("en", include_str!("../../../locales/en/report.json"), include_str!("../../../locales/en/app.json")),
    ("fr", include_str!("../../../locales/fr/report.json"), include_str!("../../../locales/fr/app.json")),
    ("es", include_str!("../../../locales/es/report.json"), include_str!("../../../locales/es/app.json")),
    ("ar", include_str!("../../../locales/ar/report.json"), include_str!("../../../locales/ar/app.json")),
];

/// The words of one language, English where a key is missing.
pub(crate) struct Words {
    pub lang: &'static str,
    own: HashMap<String, String>,
    english: HashMap<String, String>,
}

fn catalog(report: &str, app: &str) -> HashMap<String, String> {
    let mut words: HashMap<String, String> = serde_json::from_str(report).expect("report.json is a flat object");
    let app: HashMap<String, String> = serde_json::from_str(app).expect("app.json is a flat object");
    words.extend(app.into_iter().filter(|(k, _)| k.starts_with("action.")));
    words
}

impl Words {
    /// The words of `lang`; an unknown language is English.
    pub fn new(lang: &str) -> Words {
        let (code, report, app) = CATALOGS.iter().find(|(code, ..)| *code == lang).copied().unwrap_or(CATALOGS[0]);
        let english = catalog(CATALOGS[0].1, CATALOGS[0].2);
        Words { lang: code, own: catalog(report, app), english }
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

    /// A custody action's name in this language, or its code when it has none.
    pub fn action(&self, code: &str) -> String {
        let key = format!("action.{code}");
        match self.own.get(&key).or_else(|| self.english.get(&key)) {
            Some(name) => name.clone(),
            None => code.to_string(),
        }
    }
}
