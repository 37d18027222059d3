//! The attachments behind `Binary/{id}` links in DocumentReferences: which ones a record
//! links to (with the content type the link names), and their bytes, made up from the id
//! so the same id always gives the same 1 KB–300 KB body.

use serde_json::Value;
use sha2::{Digest, Sha256};

const MIN_SIZE: usize = 1024;
const MAX_SIZE: usize = 300 * 1024;

/// An attachment a resource links to by a relative `Binary/{id}` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BinaryRef {
    pub id: String,
    pub content_type: String,
    /// The linking resource's `meta.lastUpdated`.
    pub last_updated: Option<String>,
}

/// The `Binary/{id}` attachments of a DocumentReference (R4 or DSTU2: both keep
/// `content[].attachment`).
pub(crate) fn refs(resource: &Value) -> Vec<BinaryRef> {
    if resource.get("resourceType").and_then(Value::as_str) != Some("DocumentReference") {
        return Vec::new();
    }
    let last_updated = resource
        .pointer("/meta/lastUpdated")
        .and_then(Value::as_str)
        .map(str::to_owned);
    resource
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let attachment = c.get("attachment")?;
            let id = attachment.get("url")?.as_str()?.strip_prefix("Binary/")?;
            (!id.is_empty() && !id.contains('/')).then(|| BinaryRef {
                id: id.to_owned(),
                content_type: attachment
                    .get("contentType")
                    .and_then(Value::as_str)
                    .unwrap_or("application/octet-stream")
                    .to_owned(),
                last_updated: last_updated.clone(),
            })
        })
        .collect()
}

/// The bytes of attachment `id`: a small PDF, HTML page or text of a size fixed by the id.
pub(crate) fn body(id: &str, content_type: &str) -> Vec<u8> {
    let hash = Sha256::digest(id.as_bytes());
    let pick = u32::from_be_bytes([hash[0], hash[1], hash[2], hash[3]]) as usize;
    let size = MIN_SIZE + pick % (MAX_SIZE - MIN_SIZE);
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (head, tail): (String, &str) = match media.as_str() {
        "application/pdf" => (
            format!("%PDF-1.4\n%\u{e2}\u{e3}\n1 0 obj\n<< /Type /Catalog /Title ({id}) >>\nendobj\n"),
            "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
        ),
        "text/html" => (
            format!("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{id}</title></head><body><pre>\n"),
            "\n</pre></body></html>\n",
        ),
        _ => (format!("Attachment {id}\n"), "\nEnd of attachment.\n"),
    };
    let comment = if media == "application/pdf" { "% " } else { "" };
    let mut out = head.into_bytes();
    let room = size.saturating_sub(tail.len());
    let mut line = 0u64;
    while out.len() < room {
        line += 1;
        let more = format!("{comment}Demo attachment {id}, line {line}: made up by the portal, not a real document.\n");
        out.extend_from_slice(more.as_bytes());
    }
    out.truncate(room);
    out.extend_from_slice(tail.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_are_fixed_by_the_id_and_sized_between_1_and_300_kb() {
        let a = body("abc0", "application/pdf");
        assert_eq!(a, body("abc0", "application/pdf"));
        assert!(a.starts_with(b"%PDF-") && a.ends_with(b"%%EOF\n"));
        let mut sizes = Vec::new();
        for i in 0..50 {
            let b = body(&format!("id{i}"), "text/plain");
            assert!((MIN_SIZE..=MAX_SIZE).contains(&b.len()), "{}", b.len());
            sizes.push(b.len());
        }
        sizes.dedup();
        assert!(sizes.len() > 40, "sizes vary with the id");
        assert!(body("x", "text/html; charset=utf-8").starts_with(b"<!DOCTYPE html>"));
    }

    #[test]
    fn only_relative_binary_links_of_document_references_count() {
        let d = json!({"resourceType":"DocumentReference","meta":{"lastUpdated":"2020-01-01"},
            "content":[{"attachment":{"url":"Binary/b1","contentType":"application/pdf"}},
                       {"attachment":{"url":"https://x.example/Binary/b2"}},
                       {"attachment":{"data":"AAAA"}}]});
        let r = refs(&d);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].id, "b1");
        assert_eq!(r[0].content_type, "application/pdf");
        assert!(refs(&json!({"resourceType":"Observation"})).is_empty());
    }
}
