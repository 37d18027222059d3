//! Reading a file of FHIR resources: a Bundle of any type (collection,
//! transaction, searchset, document, ...), NDJSON (FHIR Bulk Data, one resource a
//! line), or a single resource. Every resource comes back as a borrowed slice of
//! the input, exactly as received, so what is stored is byte-for-byte what the
//! file held.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{FhirError, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileFormat {
    /// A Bundle, with its `type` when given.
    Bundle(Option<String>),
    Ndjson,
    /// A file holding one resource that is not a Bundle.
    Resource,
}

impl FileFormat {
    pub fn describe(&self) -> String {
        match self {
            FileFormat::Bundle(Some(t)) => format!("Bundle ({t})"),
            FileFormat::Bundle(None) => "Bundle".to_owned(),
            FileFormat::Ndjson => "NDJSON".to_owned(),
            FileFormat::Resource => "single resource".to_owned(),
        }
    }
}

/// One resource of a file, with the Bundle entry's `fullUrl` when it had one
/// (transaction Bundles identify resources by `urn:uuid:` there).
#[derive(Debug, Clone)]
pub struct FileEntry<'a> {
    pub raw: &'a RawValue,
    pub full_url: Option<Cow<'a, str>>,
}

#[derive(Debug)]
pub struct ParsedFile<'a> {
    pub format: FileFormat,
    pub entries: Vec<FileEntry<'a>>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Document<'a> {
    #[serde(borrow)]
    resourceType: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "type")]
    type_: Option<&'a RawValue>,
    #[serde(borrow)]
    entry: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct BundleEntry<'a> {
    #[serde(borrow)]
    fullUrl: Option<Cow<'a, str>>,
    #[serde(borrow)]
    resource: Option<&'a RawValue>,
}

/// Splits a file into its resources. Checks the JSON syntax of all of it and that
/// every resource has a `resourceType` (what each resource says is read later).
pub fn read_file(bytes: &[u8]) -> Result<ParsedFile<'_>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // A Bundle adds two levels to its resources' own depth.
    if crate::depth::too_deep(bytes, crate::depth::MAX_DEPTH + 4) {
        return Err(FhirError::Malformed {
            line: None,
            detail: format!(
                "it is nested more than {} levels deep",
                crate::depth::MAX_DEPTH
            ),
        });
    }
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .ok_or(FhirError::Empty)?;
    match bytes[start] {
        b'{' => {}
        b'[' => {
            return Err(FhirError::NotFhir(
                "it is a JSON array, not a FHIR Bundle, resource or NDJSON".to_owned(),
            ))
        }
        _ => {
            return Err(FhirError::Malformed {
                line: Some(1 + bytes[..start].iter().filter(|b| **b == b'\n').count()),
                detail: "it does not start with '{'".to_owned(),
            })
        }
    }
    if looks_like_ndjson(&bytes[start..]) {
        return read_ndjson(bytes);
    }
    let doc: Document<'_> = serde_json::from_slice(bytes).map_err(|e| {
        if e.classify() == serde_json::error::Category::Data {
            FhirError::NotFhir("its top level is not a FHIR resource".to_owned())
        } else {
            FhirError::malformed(None, &e)
        }
    })?;
    match doc.resourceType.as_deref() {
        Some("Bundle") => read_bundle(doc),
        Some(t) if !t.is_empty() => {
            let raw: &RawValue =
                serde_json::from_slice(bytes).map_err(|e| FhirError::malformed(None, &e))?;
            Ok(ParsedFile {
                format: FileFormat::Resource,
                entries: vec![FileEntry {
                    raw,
                    full_url: None,
                }],
            })
        }
        _ => Err(FhirError::NotFhir(
            "it has no resourceType at the top level".to_owned(),
        )),
    }
}

/// NDJSON when the first line is a whole JSON object and more follows; a
/// pretty-printed document's first line is only `{`.
fn looks_like_ndjson(from_first_brace: &[u8]) -> bool {
    let Some(end) = from_first_brace.iter().position(|b| *b == b'\n') else {
        return false;
    };
    let rest_has_content = from_first_brace[end..]
        .iter()
        .any(|b| !b.is_ascii_whitespace());
    rest_has_content && serde_json::from_slice::<&RawValue>(&from_first_brace[..end]).is_ok()
}

fn read_bundle(doc: Document<'_>) -> Result<ParsedFile<'_>> {
    let bundle_type = doc
        .type_
        .and_then(|t| serde_json::from_str::<String>(t.get()).ok());
    let entries: Vec<BundleEntry<'_>> = match doc.entry {
        Some(raw) => serde_json::from_str(raw.get())
            .map_err(|_| FhirError::NotFhir("the Bundle's entry list is not valid".to_owned()))?,
        None => Vec::new(),
    };
    let entries = entries
        .into_iter()
        // Entries without a resource (e.g. transaction-response status entries)
        // carry no record.
        .filter_map(|e| {
            e.resource.map(|raw| FileEntry {
                raw,
                full_url: e.fullUrl,
            })
        })
        .collect();
    Ok(ParsedFile {
        format: FileFormat::Bundle(bundle_type),
        entries,
    })
}

fn read_ndjson(bytes: &[u8]) -> Result<ParsedFile<'_>> {
    let mut entries = Vec::new();
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let raw: &RawValue =
            serde_json::from_slice(line).map_err(|e| FhirError::malformed(Some(index + 1), &e))?;
        if !raw.get().starts_with('{') {
            return Err(FhirError::NotFhir(format!(
                "line {} is not a JSON object",
                index + 1
            )));
        }
        entries.push(FileEntry {
            raw,
            full_url: None,
        });
    }
    Ok(ParsedFile {
        format: FileFormat::Ndjson,
        entries,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn bundles_of_any_type_yield_their_resources_byte_exact() {
        for t in ["collection", "transaction", "searchset", "document"] {
            let json = format!(
                r#"{{"resourceType":"Bundle","type":"{t}","entry":[
                {{"fullUrl":"urn:uuid:1","resource":{{"resourceType":"Patient","id":"1",  "x" : [1, 2]}}}},
                {{"response":{{"status":"201"}}}},
                {{"resource":{{"resourceType":"Condition","id":"2"}}}}]}}"#
            );
            let f = read_file(json.as_bytes()).unwrap();
            assert_eq!(f.format, FileFormat::Bundle(Some(t.to_owned())));
            assert_eq!(f.entries.len(), 2);
            assert_eq!(
                f.entries[0].raw.get(),
                r#"{"resourceType":"Patient","id":"1",  "x" : [1, 2]}"#
            );
            assert_eq!(f.entries[0].full_url.as_deref(), Some("urn:uuid:1"));
        }
    }

    #[test]
    fn ndjson_lines_are_resources_and_blank_lines_are_skipped() {
        let f = read_file(
            b"{\"resourceType\":\"Patient\",\"id\":\"a\"}\n\n{\"resourceType\":\"Condition\"}\r\n",
        )
        .unwrap();
        assert_eq!(f.format, FileFormat::Ndjson);
        assert_eq!(f.entries.len(), 2);
        assert_eq!(f.entries[1].raw.get(), r#"{"resourceType":"Condition"}"#);
    }

    #[test]
    fn a_single_resource_file_is_one_entry() {
        let f = read_file(b"\xEF\xBB\xBF  {\"resourceType\":\"Patient\"}\n").unwrap();
        assert_eq!(f.format, FileFormat::Resource);
        assert_eq!(f.entries.len(), 1);
    }

    #[test]
    fn bad_input_is_classified() {
        assert_eq!(read_file(b"").unwrap_err(), FhirError::Empty);
        assert_eq!(read_file(b" \n\t").unwrap_err(), FhirError::Empty);
        assert!(matches!(
            read_file(b"just text"),
            Err(FhirError::Malformed { .. })
        ));
        assert!(matches!(
            read_file(b"{\"resourceType\":\"Bundle\",\"entry\":["),
            Err(FhirError::Malformed { .. })
        ));
        assert!(matches!(
            read_file(br#"{"hello":"world"}"#),
            Err(FhirError::NotFhir(_))
        ));
        assert!(matches!(read_file(b"[1,2]"), Err(FhirError::NotFhir(_))));
        match read_file(b"{\"resourceType\":\"Patient\"}\n{not json\n") {
            Err(FhirError::Malformed { line, .. }) => assert_eq!(line, Some(2)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_messages_never_quote_the_content() {
        let secret = "Secret-Diagnosis-XYZ";
        let inputs = [
            format!("{{\"resourceType\":\"Condition\",\"note\":\"{secret}\""),
            format!("{{\"resourceType\":\"Condition\"}}\n{{\"note\": {secret}}}\n"),
            secret.to_string(),
        ];
        for input in inputs {
            let e = read_file(input.as_bytes()).unwrap_err().to_string();
            assert!(!e.contains(secret), "{e}");
        }
    }
}
