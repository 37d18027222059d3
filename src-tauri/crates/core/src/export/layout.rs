//! The export file's layout and the records that describe it.
//!
//! ```text
//! manifest.json                        what is inside: counts, SHA-256 of every file, ledger head
//! bundle.json                          one FHIR Bundle (collection) of the current R4 resources
//! ndjson/<Type>.ndjson                 current resources, FHIR Bulk Data style (one per line)
//! ndjson/versions/<Type>.ndjson        earlier versions of resources of that type
//! as-received/<version>/...            the same two, for resources kept in the FHIR
//!                                      version they arrived in (not R4), so that
//!                                      bundle.json and ndjson/ hold R4 only
//! originals/dstu2/<Type>.ndjson        the DSTU2 originals of converted resources
//! attachments/<Type>/<id>.<ext>        inline attachment data, decoded (a convenience copy)
//! restore/<same path as above>         one line per line of the NDJSON file with the same
//!                                      path: the stored columns (source, origin, fetch time,
//!                                      indexed fields, SHA-256) and, when the stored bytes
//!                                      span several lines, those exact bytes
//! ```
//!
//! The NDJSON line is the stored JSON itself when it is one line (the usual
//! case); a pretty-printed resource becomes one line by dropping whitespace
//! outside strings, and its exact bytes travel in its `restore/` line, so a
//! restore puts back every byte.

use serde::{Deserialize, Serialize};

use super::types::TypeCount;

pub const FORMAT: &str = "ownchart-export";
pub const FORMAT_VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";
pub const BUNDLE: &str = "bundle.json";

/// `fhir_version`: `None` (or "R4") for R4 resources, else the version a
/// resource was kept in.
pub fn current(resource_type: &str, fhir_version: Option<&str>) -> String {
    match as_received(fhir_version) {
        None => format!("ndjson/{resource_type}.ndjson"),
        Some(dir) => format!("{dir}/{resource_type}.ndjson"),
    }
}

pub fn versions(resource_type: &str, fhir_version: Option<&str>) -> String {
    match as_received(fhir_version) {
        None => format!("ndjson/versions/{resource_type}.ndjson"),
        Some(dir) => format!("{dir}/versions/{resource_type}.ndjson"),
    }
}

/// The version a resource is filed under: `None` for R4.
pub fn non_r4(fhir_version: &str) -> Option<String> {
    (fhir_version != "R4").then(|| fhir_version.to_owned())
}

fn as_received(fhir_version: Option<&str>) -> Option<String> {
    fhir_version
        .filter(|v| *v != "R4")
        .map(|v| format!("as-received/{}", safe_name(&v.to_ascii_lowercase())))
}

pub fn originals(resource_type: &str) -> String {
    format!("originals/dstu2/{resource_type}.ndjson")
}

pub fn restore_of(path: &str) -> String {
    format!("restore/{path}")
}

/// A resource type as a file name: FHIR types are ASCII letters; anything else
/// a file might have carried is replaced.
pub fn safe_name(text: &str) -> String {
    let s: String = text
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        format!("_{s}")
    } else {
        s
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub exported_at: String,
    pub app_version: String,
    pub fhir_version: String,
    /// The audit log's head hash when the export was written (the EXPORT entry
    /// itself follows it).
    pub ledger_head: Option<String>,
    pub ledger_entries: u64,
    pub resources: u64,
    pub counts: Vec<TypeCount>,
    pub versions: Vec<TypeCount>,
    pub originals: Vec<TypeCount>,
    pub attachments: u64,
    pub files: Vec<FileEntry>,
}

/// The stored columns of a current resource (`restore/ndjson/<Type>.ndjson`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CurrentLine {
    pub source: String,
    pub origin: String,
    pub fetched_at: String,
    pub id: String,
    pub version_id: Option<String>,
    pub last_updated: Option<String>,
    pub category: String,
    pub clinical_date: Option<String>,
    pub code: Option<String>,
    pub display: Option<String>,
    pub fhir_version: String,
    pub sha256: String,
    pub exact: Option<String>,
}

/// An earlier version's columns (`restore/ndjson/versions/<Type>.ndjson`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VersionLine {
    pub source: String,
    /// The id of the resource it is a version of.
    pub id: String,
    pub origin: String,
    pub version_id: Option<String>,
    pub last_updated: Option<String>,
    pub fhir_version: String,
    pub fetched_at: String,
    pub superseded_at: String,
    pub sha256: String,
    pub exact: Option<String>,
}

/// An original's columns (`restore/originals/dstu2/<Type>.ndjson`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OriginalLine {
    pub source: String,
    pub id: String,
    pub fhir_version: String,
    pub notes: String,
    pub sha256: String,
    pub exact: Option<String>,
}
