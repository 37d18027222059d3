//! The XHTML narrative of each IPS section: a table of its records, or the
//! sentence "No information about ..." when it is empty. Markup comes from maud,
//! which escapes every value; characters XML forbids are dropped first, so a
//! hostile or damaged record can neither inject markup nor break the XHTML.

use maud::html;

use super::sections::Section;
use super::summary::Line;

pub const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// The section's `text.div`.
pub fn section_div(section: &Section, lines: &[Line]) -> String {
    let markup = if lines.is_empty() {
        html! {
            div xmlns=(XHTML_NS) {
                p { "No information about " (section.subject) "." }
            }
        }
    } else {
        html! {
            div xmlns=(XHTML_NS) {
                table {
                    thead { tr { th { "Item" } th { "Date" } th { "Status" } th { "Details" } } }
                    tbody {
                        @for l in lines {
                            tr {
                                td { (xml_text(&l.what)) }
                                td { (xml_text(l.when.as_deref().unwrap_or(""))) }
                                td { (xml_text(l.status.as_deref().unwrap_or(""))) }
                                td { (xml_text(l.details.as_deref().unwrap_or(""))) }
                            }
                        }
                    }
                }
            }
        }
    };
    markup.into_string()
}

/// The text without the characters XML 1.0 does not allow (C0 controls other
/// than tab, newline and carriage return; U+FFFE, U+FFFF).
pub fn xml_text(s: &str) -> String {
    s.chars()
        .filter(|c| {
            !matches!(*c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::share::sections::SECTIONS;

    #[test]
    fn empty_sections_say_there_is_no_information() {
        let div = section_div(&SECTIONS[0], &[]);
        assert_eq!(
            div,
            r#"<div xmlns="http://www.w3.org/1999/xhtml"><p>No information about medications.</p></div>"#
        );
    }

    #[test]
    fn hostile_text_is_escaped_and_control_characters_dropped() {
        let line = Line {
            what: "<script>alert('x')</script>&amp;".into(),
            when: Some("2020-01-01".into()),
            status: Some("\"active\"\u{1}".into()),
            details: Some("<img src=x onerror=alert(1)>".into()),
        };
        let div = section_div(&SECTIONS[2], &[line]);
        assert!(!div.contains("<script"), "{div}");
        assert!(!div.contains("<img"), "{div}");
        assert!(div.contains("&lt;script&gt;"), "{div}");
        assert!(div.contains("&amp;amp;"), "{div}");
        assert!(!div.contains('\u{1}'));
        assert!(div.starts_with(r#"<div xmlns="http://www.w3.org/1999/xhtml"><table>"#));
        // Well-formed: every opened element is closed, in order.
        let opened = div.matches("<td>").count();
        assert_eq!(opened, div.matches("</td>").count());
        assert_eq!(opened, 4);
    }
}
