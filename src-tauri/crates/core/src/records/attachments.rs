//! A record's attachments: where they are (inline `data`, or a `Binary` in the
//! vault named by `url`, from the same source), what they are — decided from
//! the bytes' magic numbers, not only the declared type (threat model TM-17) —
//! and their content made safe to show: HTML through the sanitizer, images
//! only as PNG, JPEG, GIF or WebP whose bytes match, RTF turned into text,
//! anything else (PDF included) offered for saving only.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use ownchart_fhir::sanitize::clean_fragment;
use ownchart_vault::Vault;
use serde_json::Value;

use super::list::parse_key;
use super::refs;
use super::types::{AttachmentContent, AttachmentKind, AttachmentView};
use super::RecordsError;
use crate::Result;

/// Elements that hold an Attachment even when it declares no content type.
const ATTACHMENT_KEYS: &[&str] = &[
    "attachment",
    "presentedForm",
    "photo",
    "valueAttachment",
    "contentAttachment",
    "sourceAttachment",
];

fn looks_like_attachment(key: &str, o: &serde_json::Map<String, Value>) -> bool {
    let has_payload = o.contains_key("data") || o.contains_key("url");
    has_payload && (o.contains_key("contentType") || ATTACHMENT_KEYS.contains(&key))
}

fn walk<'a>(key: &str, v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(o) => {
            if looks_like_attachment(key, o) {
                out.push(v);
                return;
            }
            for (k, child) in o {
                walk(k, child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| walk(key, i, out)),
        _ => {}
    }
}

/// The attachments of a resource in a stable order (a Binary is its own).
pub fn attachments_of(resource: &Value) -> Vec<&Value> {
    if resource.get("resourceType").and_then(Value::as_str) == Some("Binary") {
        return vec![resource];
    }
    let mut out = Vec::new();
    if let Some(o) = resource.as_object() {
        for (k, child) in o {
            walk(k, child, &mut out);
        }
    }
    out
}

fn declared_type(a: &Value) -> String {
    a.get("contentType")
        .and_then(Value::as_str)
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "application/octet-stream".to_owned())
}

fn mime(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or("").trim()
}

/// What a declared type suggests, before the bytes are seen.
pub fn kind_of_type(content_type: &str) -> AttachmentKind {
    let m = mime(content_type);
    match m {
        "text/html" | "application/xhtml+xml" => AttachmentKind::Html,
        "image/png" | "image/jpeg" | "image/jpg" | "image/gif" | "image/webp" => {
            AttachmentKind::Image
        }
        "application/pdf" => AttachmentKind::Pdf,
        "text/rtf" | "application/rtf" => AttachmentKind::Text,
        // SVG can carry scripts; it is never shown, only offered for saving.
        _ if m.starts_with("image/") => AttachmentKind::Other,
        _ if m.starts_with("text/")
            || m.ends_with("+json")
            || m.ends_with("+xml")
            || matches!(m, "application/json" | "application/xml") =>
        {
            AttachmentKind::Text
        }
        _ => AttachmentKind::Other,
    }
}

/// The image or PDF type the bytes' magic number says, if any.
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

fn decode(data: &str) -> Option<Vec<u8>> {
    let clean: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean.as_bytes())
        .ok()
}

/// Where an attachment's bytes are.
enum Payload {
    Inline(Vec<u8>),
    Binary(i64),
    Missing,
}

fn payload(vault: &Vault, source: &str, a: &Value) -> Payload {
    if let Some(data) = a
        .get("data")
        .and_then(Value::as_str)
        .filter(|d| !d.trim().is_empty())
    {
        return match decode(data) {
            Some(bytes) => Payload::Inline(bytes),
            None => Payload::Missing,
        };
    }
    let binary = a
        .get("url")
        .and_then(Value::as_str)
        .and_then(refs::parse)
        .filter(|(ty, _)| *ty == Some("Binary"))
        .and_then(|(_, id)| vault.find_record(Some(source), "Binary", id).ok().flatten());
    match binary {
        Some(pk) => Payload::Binary(pk),
        None => Payload::Missing,
    }
}

/// The attachments of a record for its detail view.
pub fn list(vault: &Vault, source: &str, resource: &Value) -> Vec<AttachmentView> {
    attachments_of(resource)
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let content_type = declared_type(a);
            let p = payload(vault, source, a);
            let size = a.get("size").and_then(Value::as_u64).or(match &p {
                Payload::Inline(b) => Some(b.len() as u64),
                _ => None,
            });
            AttachmentView {
                index: i as u32,
                title: a
                    .get("title")
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
                kind: kind_of_type(&content_type),
                content_type,
                size,
                available: !matches!(p, Payload::Missing),
            }
        })
        .collect()
}

/// An attachment's bytes and declared type, with a name to save it under.
pub struct Bytes {
    pub content_type: String,
    pub data: Vec<u8>,
    pub title: Option<String>,
}

pub fn bytes(vault: &Vault, key: &str, index: u32) -> Result<Bytes> {
    let pk = parse_key(key)?;
    let body = vault.record_body(pk)?.ok_or(RecordsError::NotFound)?;
    let value: Value = serde_json::from_slice(&body.raw).map_err(|_| RecordsError::NotFound)?;
    let all = attachments_of(&value);
    let a = all
        .get(index as usize)
        .ok_or(RecordsError::AttachmentUnavailable)?;
    let mut content_type = declared_type(a);
    let data = match payload(vault, &body.row.source, a) {
        Payload::Inline(b) => b,
        Payload::Binary(bpk) => {
            let raw = vault
                .record_raws(&[bpk])?
                .remove(&bpk)
                .ok_or(RecordsError::AttachmentUnavailable)?;
            let binary: Value =
                serde_json::from_slice(&raw).map_err(|_| RecordsError::AttachmentUnavailable)?;
            if content_type == "application/octet-stream" {
                content_type = declared_type(&binary);
            }
            binary
                .get("data")
                .and_then(Value::as_str)
                .and_then(decode)
                .ok_or(RecordsError::AttachmentUnavailable)?
        }
        Payload::Missing => return Err(RecordsError::AttachmentUnavailable.into()),
    };
    Ok(Bytes {
        content_type,
        data,
        title: a.get("title").and_then(Value::as_str).map(str::to_owned),
    })
}

/// The content of an attachment, made safe to show.
pub fn content(vault: &Vault, key: &str, index: u32) -> Result<AttachmentContent> {
    let b = bytes(vault, key, index)?;
    Ok(present(&b.content_type, &b.data))
}

/// What the UI may show of these bytes.
pub fn present(content_type: &str, data: &[u8]) -> AttachmentContent {
    let mut out = AttachmentContent {
        kind: AttachmentKind::Other,
        content_type: content_type.to_owned(),
        html: None,
        text: None,
        data_base64: None,
        links: Vec::new(),
    };
    match (sniff(data), kind_of_type(content_type)) {
        (Some("application/pdf"), _) => {
            out.kind = AttachmentKind::Pdf;
            out.content_type = "application/pdf".to_owned();
        }
        (Some(image), _) => {
            out.kind = AttachmentKind::Image;
            out.content_type = image.to_owned();
            out.data_base64 = Some(base64::engine::general_purpose::STANDARD.encode(data));
        }
        // A binary file calling itself text or HTML is neither.
        (None, _) if data.contains(&0) => {}
        (None, AttachmentKind::Html) => {
            let doc = clean_fragment(&String::from_utf8_lossy(data));
            out.kind = AttachmentKind::Html;
            out.html = Some(doc.html);
            out.links = doc.links;
        }
        (None, AttachmentKind::Text) => {
            let text = String::from_utf8_lossy(data);
            out.kind = AttachmentKind::Text;
            out.text = Some(if mime(content_type).ends_with("rtf") {
                super::rtf::to_text(&text)
            } else {
                text.into_owned()
            });
        }
        // Declared an image or a PDF, but the bytes are not one: not shown.
        (None, _) => {}
    }
    out
}

/// A file name for saving: the title's safe characters and an extension
/// from the type.
pub fn file_name(title: Option<&str>, content_type: &str, data: &[u8]) -> String {
    let ext = match sniff(data).unwrap_or(mime(content_type)) {
        "image/png" => "png",
        "image/jpeg" | "image/jpg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "application/pdf" => "pdf",
        "text/html" | "application/xhtml+xml" => "html",
        "text/plain" => "txt",
        "text/rtf" | "application/rtf" => "rtf",
        "application/json" | "application/fhir+json" => "json",
        "application/xml" | "text/xml" | "application/fhir+xml" => "xml",
        _ => "bin",
    };
    let stem: String = title
        .unwrap_or("attachment")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim().trim_matches('_');
    let stem: String = stem.chars().take(80).collect();
    let stem = if stem.is_empty() {
        "attachment".to_owned()
    } else {
        stem
    };
    format!("{stem}.{ext}")
}

/// Writes `data` to `path` atomically: a temporary file beside it, then a rename.
pub fn write_atomic(path: &Path, data: &[u8]) -> std::result::Result<(), RecordsError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| RecordsError::Save(e.kind().to_string()))?;
    tmp.write_all(data)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| RecordsError::Save(e.kind().to_string()))?;
    tmp.persist(path)
        .map_err(|e| RecordsError::Save(e.error.kind().to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn attachments_are_found_wherever_they_are() {
        let doc = json!({"resourceType": "DocumentReference",
            "content": [{"attachment": {"contentType": "text/plain", "data": "aGk="}},
                        {"attachment": {"url": "Binary/b1", "title": "Scan"}}],
            "extension": [{"url": "http://x", "valueString": "not one"}]});
        assert_eq!(attachments_of(&doc).len(), 2);
        let report = json!({"resourceType": "DiagnosticReport", "presentedForm": [{"contentType": "text/html", "data": "PHA+"}]});
        assert_eq!(attachments_of(&report).len(), 1);
        let binary =
            json!({"resourceType": "Binary", "contentType": "image/png", "data": "iVBORw0KGgo="});
        assert_eq!(attachments_of(&binary).len(), 1);
        assert!(
            attachments_of(&json!({"resourceType": "Observation", "valueString": "x"})).is_empty()
        );
    }

    #[test]
    fn the_bytes_decide_the_kind() {
        // A real PNG declared as anything is an image; a "PNG" that is not, is nothing.
        let c = present("application/octet-stream", PNG);
        assert_eq!(
            (c.kind, c.content_type.as_str()),
            (AttachmentKind::Image, "image/png")
        );
        assert!(c.data_base64.is_some());
        let fake = present("image/png", b"<svg onload=alert(1)>");
        assert_eq!(fake.kind, AttachmentKind::Other);
        assert!(fake.data_base64.is_none() && fake.html.is_none() && fake.text.is_none());
        // "application/pdf" that is really HTML is not shown at all (W-08).
        let fake_pdf = present("application/pdf", b"<html><script>alert(1)</script></html>");
        assert_eq!(fake_pdf.kind, AttachmentKind::Other);
        assert_eq!(
            present("application/pdf", b"%PDF-1.4 ...").kind,
            AttachmentKind::Pdf
        );
        // SVG is never an image.
        assert_eq!(
            present("image/svg+xml", b"<svg/>").kind,
            AttachmentKind::Other
        );
        let html = present(
            "text/html; charset=utf-8",
            b"<p onclick=x()>Hi <a href='https://a.example/'>a</a></p><script>1</script>",
        );
        assert_eq!(html.kind, AttachmentKind::Html);
        let h = html.html.unwrap();
        assert!(!h.contains("script") && !h.contains("onclick") && h.contains("Hi"));
        assert_eq!(html.links, vec!["https://a.example/"]);
        let t = present("text/plain", "Zoë ✔".as_bytes());
        assert_eq!(t.text.as_deref(), Some("Zoë ✔"));
        assert_eq!(
            present("text/plain", b"MZ\0\0binary").kind,
            AttachmentKind::Other
        );
        let rtf = present(
            "text/rtf",
            br"{\rtf1\ansi{\fonttbl\f0 Arial;}\f0 Hello\par World}",
        );
        assert_eq!(rtf.text.as_deref(), Some("Hello\nWorld"));
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_name(Some("../../etc/passwd"), "text/plain", b"x"),
            "etc_passwd.txt"
        );
        assert_eq!(
            file_name(None, "application/octet-stream", PNG),
            "attachment.png"
        );
        assert_eq!(
            file_name(Some("Résumé 2020"), "application/pdf", b"%PDF-"),
            "Résumé 2020.pdf"
        );
    }

    #[test]
    fn saving_is_atomic_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(write_atomic(&dir.path().join("missing/a.txt"), b"x").is_err());
    }
}
