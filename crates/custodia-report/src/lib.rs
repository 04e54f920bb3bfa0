//! The custody report of a Custodia vault, rendered for people: HTML with no script and no remote resource
//! (`html`), and PDF made in-process, A4 or Letter, with embedded DejaVu fonts whose Arabic the shaper
//! joins and the bidi algorithm orders right to left (`pdf`). What a report says is gathered by the core
//! (`custodia_core::report`); this crate only lays it out, in English, French, Spanish or Arabic.

mod html;
mod pdf;
mod sections;
mod words;

pub use html::html;
pub use pdf::{pdf, Paper};
pub use words::LANGUAGES;

/// Text from the vault or from outside (names, sources, devices), made safe to show: control characters
/// and the invisible marks that reorder text (bidi overrides, isolates) are written as `\u{…}` escapes, so
/// that nothing printed can hide or reorder what is around it.
pub(crate) fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let hidden = c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}');
        if hidden {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests;
