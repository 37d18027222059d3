//! A convenience copy of attachments: the inline `data` of `Binary` resources
//! and of `Attachment`s (documents, reports, media) decoded into files under
//! `attachments/<Type>/`, so they open without FHIR tools. The resources keep
//! their data too; a restore uses the resources, not these files.

use std::collections::HashSet;

use base64::Engine;

use super::layout::safe_name;

/// Types whose resources carry inline attachment data.
const CARRIERS: &[&str] = &[
    "Binary",
    "DocumentReference",
    "DiagnosticReport",
    "Media",
    "Communication",
    "Consent",
    "Contract",
    "Questionnaire",
    "QuestionnaireResponse",
];

/// Whether a resource may hold inline data (a cheap test before parsing).
pub fn may_carry(resource_type: &str, raw: &[u8]) -> bool {
    CARRIERS.contains(&resource_type) && raw.windows(6).any(|w| w == b"\"data\"")
}

/// The decoded attachments of one resource, each with a unique file name.
pub fn extract(
    resource_type: &str,
    id: &str,
    raw: &[u8],
    used: &mut HashSet<String>,
) -> Vec<(String, Vec<u8>)> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(raw) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    collect(&value, &mut found);
    let mut out = Vec::new();
    for (i, (data, content_type)) in found.into_iter().enumerate() {
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(data.trim()) else {
            continue;
        };
        let stem = if i == 0 {
            safe_name(id)
        } else {
            format!("{}-{}", safe_name(id), i + 1)
        };
        let ext = extension(content_type.as_deref());
        let base = format!("attachments/{}/{stem}", safe_name(resource_type));
        let mut name = format!("{base}.{ext}");
        let mut n = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}~{n}.{ext}");
            n += 1;
        }
        out.push((name, bytes));
    }
    out
}

/// Objects with a string `data` (an Attachment, or a Binary itself).
fn collect(v: &serde_json::Value, out: &mut Vec<(String, Option<String>)>) {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(data)) = map.get("data") {
                let ct = map
                    .get("contentType")
                    .and_then(|c| c.as_str())
                    .map(str::to_owned);
                out.push((data.clone(), ct));
            }
            for (k, child) in map {
                if k != "data" {
                    collect(child, out);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
        _ => {}
    }
}

fn extension(content_type: Option<&str>) -> &'static str {
    let ct = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match ct.as_str() {
        "application/pdf" => "pdf",
        "text/plain" => "txt",
        "text/html" => "html",
        "text/xml" | "application/xml" => "xml",
        "application/json" | "application/fhir+json" => "json",
        "text/rtf" | "application/rtf" => "rtf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/svg+xml" => "svg",
        "image/tiff" => "tiff",
        "application/dicom" => "dcm",
        _ => "bin",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn inline_documents_are_decoded_with_a_fitting_name() {
        let raw = br#"{"resourceType":"DocumentReference","id":"d/1","content":[{"attachment":{"contentType":"text/plain","data":"aGVsbG8="}},{"attachment":{"contentType":"application/pdf","data":"JVBERg=="}}]}"#;
        assert!(may_carry("DocumentReference", raw));
        let mut used = HashSet::new();
        let files = extract("DocumentReference", "d/1", raw, &mut used);
        assert_eq!(
            files[0],
            (
                "attachments/DocumentReference/d_1.txt".to_owned(),
                b"hello".to_vec()
            )
        );
        assert_eq!(files[1].0, "attachments/DocumentReference/d_1-2.pdf");
        let again = extract("DocumentReference", "d/1", raw, &mut used);
        assert_eq!(again[0].0, "attachments/DocumentReference/d_1~2.txt");
        assert!(!may_carry("Observation", raw));
    }
}
