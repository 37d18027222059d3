//! The printable summary: one self-contained HTML page (inline CSS, no scripts,
//! no remote resources — its Content-Security-Policy forbids them even if
//! something slipped through) with the patient, the date, who it is for and why,
//! and each section as a table. maud escapes every value; print CSS starts each
//! section on a new page and repeats table headers.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::ips::IpsDocument;
use super::narrative::xml_text;
use super::summary::Line;

/// Who and why, as the disclosure log records them.
pub struct PageContext<'a> {
    pub recipient: &'a str,
    pub purpose: &'a str,
    /// When it was made, for people (e.g. `2026-02-03 14:05 UTC`).
    pub generated: &'a str,
}

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 11pt/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1b1f24; margin: 0 auto; max-width: 60rem; padding: 2rem 1.5rem; background: #fff; }
header { border-bottom: 3px solid #1f5f8b; padding-bottom: 1rem; margin-bottom: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; color: #1f5f8b; }
.patient { font-size: 1.25rem; font-weight: 600; margin: 0; }
.patient-details { color: #4a5561; margin: .1rem 0 .8rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.meta dt { font-weight: 600; color: #4a5561; }
dl.meta dd { margin: 0; }
section { margin: 0 0 1.75rem; }
h2 { font-size: 1.15rem; margin: 0 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid #c9d3dd; }
h2 .count { font-weight: normal; color: #4a5561; font-size: .95rem; }
table { width: 100%; border-collapse: collapse; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #e3e8ee; }
th { background: #eef3f7; font-weight: 600; }
tbody tr:nth-child(even) td { background: #f9fbfc; }
td.date { white-space: nowrap; }
p.empty { color: #4a5561; font-style: italic; margin: .25rem 0; }
footer { margin-top: 2rem; padding-top: .75rem; border-top: 1px solid #c9d3dd; color: #4a5561; font-size: .85rem; }
@page { margin: 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  section { break-before: page; page-break-before: always; }
  header + section { break-before: auto; page-break-before: auto; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tbody tr:nth-child(even) td { background: none; }
}
"#;

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// The page.
pub fn render(doc: &IpsDocument, ctx: &PageContext<'_>) -> String {
    let name = doc
        .patient
        .as_ref()
        .map(|p| p.what.clone())
        .unwrap_or_else(|| "Patient".to_owned());
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { "Health summary — " (xml_text(&name)) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Health summary" }
                    p.patient { (xml_text(&name)) }
                    @if let Some(d) = doc.patient.as_ref().and_then(|p| p.details.as_deref()) {
                        p.patient-details { (xml_text(d)) }
                    }
                    dl.meta {
                        dt { "Prepared for" } dd { (xml_text(ctx.recipient)) }
                        dt { "Purpose" } dd { (xml_text(ctx.purpose)) }
                        dt { "Generated" } dd { (ctx.generated) }
                        dt { "Records" } dd { (doc.resources) }
                    }
                }
                @for s in &doc.sections {
                    section {
                        h2 { (s.section.title) " " span.count { "(" (s.lines.len()) ")" } }
                        @if s.lines.is_empty() {
                            p.empty { "No information about " (s.section.subject) "." }
                        } @else {
                            (table(&s.lines, None))
                        }
                    }
                }
                @if !doc.others.is_empty() {
                    section {
                        h2 { "Other records shared " span.count { "(" (doc.others.len()) ")" } }
                        (table(&doc.others.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>(),
                               Some(&doc.others.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>())))
                    }
                }
                footer {
                    "Made by Ownchart from the patient's own copy of their records, as their portals and files provided them. "
                    "The same records are in the accompanying FHIR document (International Patient Summary)."
                }
            }
        }
    };
    page.into_string()
}

fn table(lines: &[Line], kinds: Option<&[&str]>) -> Markup {
    html! {
        table {
            thead {
                tr {
                    @if kinds.is_some() { th { "Kind" } }
                    th { "Item" } th { "Date" } th { "Status" } th { "Details" }
                }
            }
            tbody {
                @for (i, l) in lines.iter().enumerate() {
                    tr {
                        @if let Some(k) = kinds { td { (k.get(i).copied().unwrap_or("")) } }
                        td { (xml_text(&l.what)) }
                        td.date { (xml_text(l.when.as_deref().unwrap_or(""))) }
                        td { (xml_text(l.status.as_deref().unwrap_or(""))) }
                        td { (xml_text(l.details.as_deref().unwrap_or(""))) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::share::ips::SectionContent;
    use crate::share::sections::SECTIONS;

    fn doc(lines: Vec<Line>) -> IpsDocument {
        IpsDocument {
            bytes: vec![],
            sections: vec![
                SectionContent {
                    section: &SECTIONS[0],
                    lines: vec![],
                },
                SectionContent {
                    section: &SECTIONS[2],
                    lines,
                },
            ],
            others: vec![(
                "Care teams".into(),
                Line {
                    what: "Team <b>".into(),
                    ..Line::default()
                },
            )],
            patient: Some(Line {
                what: "Ann <script>alert(1)</script>".into(),
                details: Some("Born 1970-01-02, female".into()),
                ..Line::default()
            }),
            resources: 3,
        }
    }

    #[test]
    fn the_page_is_self_contained_and_escapes_everything() {
        let lines = vec![Line {
            what: "<img src=x onerror=alert(1)>".into(),
            when: Some("2020-01-01".into()),
            status: Some("active".into()),
            details: Some("\"quoted\" & <i>".into()),
        }];
        let page = render(
            &doc(lines),
            &PageContext {
                recipient: "Dr <Evil>",
                purpose: "<script src=https://evil.example/x.js></script>",
                generated: "2026-02-03 04:05 UTC",
            },
        );
        assert!(page.starts_with("<!DOCTYPE html>"));
        for bad in ["<script", "<img", "<b>", "<i>", "<Evil>"] {
            assert!(!page.contains(bad), "{bad} in {page}");
        }
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("Dr &lt;Evil&gt;"));
        assert!(page.contains("&quot;quoted&quot; &amp; &lt;i&gt;"));
        assert!(!page.contains("src=\"http"), "no remote resources");
        assert!(!page.contains("<link"));
        assert!(page.contains("@media print"));
        assert!(page.contains("break-before: page"));
        assert!(page.contains("No information about medications."));
        assert!(page.contains("Problem List"));
        assert!(page.contains("Other records shared"));
        assert!(page.contains("Born 1970-01-02, female"));
        assert!(page.contains("default-src 'none'"));
    }
}
