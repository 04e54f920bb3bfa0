//! The report as one HTML file: no script, no remote resource (a Content-Security-Policy that allows only
//! its own inline style says so to the browser too), right to left in Arabic, prints on A4 and Letter.

use crate::sections::{blocks, Block};
use crate::words::Words;
use custodia_core::report::ReportData;

const STYLE: &str = "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:11pt;margin:2em;color:#111}\
h1{font-size:18pt}h2{font-size:14pt;border-bottom:1px solid #888;margin-top:1.6em}h3{font-size:12pt}\
code,pre,.mono{font-family:'DejaVu Sans Mono',monospace;font-size:9pt;overflow-wrap:anywhere}\
pre{white-space:pre-wrap;direction:ltr;text-align:left}table{border-collapse:collapse;width:100%;font-size:9pt}\
th,td{border:1px solid #bbb;padding:2px 4px;vertical-align:top;text-align:start}.alert{color:#900;font-weight:bold}\
dl{display:grid;grid-template-columns:max-content auto;gap:2px 1em}dt{font-weight:bold}dd{margin:0}\
@page{size:auto;margin:15mm}@media print{body{margin:0}tr{break-inside:avoid}}";

/// Escapes text for HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The report as a self-contained HTML document in `lang`.
pub fn html(data: &ReportData, lang: &str) -> String {
    let w = Words::new(lang);
    let dir = if w.rtl() { "rtl" } else { "ltr" };
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        w.lang,
        esc(&w.t("report.title", &[]))
    );
    let mut in_table = false;
    let mut in_fields = false;
    for block in blocks(data, &w) {
        let is_event = matches!(block, Block::Event { .. } | Block::EventHeader(_));
        let is_field = matches!(block, Block::Field { .. });
        if in_table && !is_event {
            out.push_str("</table>\n");
            in_table = false;
        }
        if in_fields && !is_field {
            out.push_str("</dl>\n");
            in_fields = false;
        }
        match block {
            Block::Title(t) => out.push_str(&format!("<h1>{}</h1>\n", esc(&t))),
            Block::Heading(t) => out.push_str(&format!("<h2>{}</h2>\n", esc(&t))),
            Block::Subheading(t) => out.push_str(&format!("<h3><bdi>{}</bdi></h3>\n", esc(&t))),
            Block::Para(t) => out.push_str(&format!("<p>{}</p>\n", esc(&t))),
            Block::Alert(t) => out.push_str(&format!("<p class=\"alert\" role=\"alert\">{}</p>\n", esc(&t))),
            Block::Mono(t) => out.push_str(&format!("<pre>{}</pre>\n", esc(&t))),
            Block::Field { label, value, mono } => {
                if !in_fields {
                    out.push_str("<dl>\n");
                    in_fields = true;
                }
                let value = if mono {
                    format!("<code dir=\"ltr\">{}</code>", esc(&value))
                } else {
                    format!("<bdi>{}</bdi>", esc(&value))
                };
                out.push_str(&format!("<dt>{}</dt><dd>{value}</dd>\n", esc(&label)));
            }
            Block::EventHeader(labels) => {
                out.push_str("<table>\n<tr>");
                for label in labels {
                    out.push_str(&format!("<th scope=\"col\">{}</th>", esc(&label)));
                }
                out.push_str("</tr>\n");
                in_table = true;
            }
            Block::Event { cells, hash, proof, ok } => {
                out.push_str("<tr>");
                for cell in cells {
                    out.push_str(&format!("<td><bdi>{}</bdi></td>", esc(&cell)));
                }
                let class = if ok { "" } else { " class=\"alert\"" };
                out.push_str(&format!(
                    "<td><code dir=\"ltr\">{}</code></td><td{class}>{}</td></tr>\n",
                    esc(&hash),
                    esc(&proof)
                ));
            }
        }
    }
    if in_table {
        out.push_str("</table>\n");
    }
    if in_fields {
        out.push_str("</dl>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}
