//! The directory's types as they cross IPC: entries, queries, results and the
//! sources the patient added. Their shapes are a contract shared with the connect
//! feature and the UI, so TypeScript bindings are generated from them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a portal gives access to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PortalKind {
    /// Hospitals, clinics and practices: the patient's medical record.
    Clinical,
    /// Insurers: claims and coverage.
    Payer,
}

/// One place where an organization behind a portal is; any part may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PortalAddress {
    pub line: Option<String>,
    pub city: Option<String>,
    /// As published: a two-letter code ("WI") or a name ("Wisconsin").
    pub state: Option<String>,
    pub postal_code: Option<String>,
}

/// A patient portal the patient can connect to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DirectoryEntry {
    /// Stable across runs: `builtin:<name>` or `<source id>:<entry id>`.
    pub id: String,
    pub name: String,
    /// Other names the patient may know it by (affiliates, portal names, "Sandbox").
    pub aliases: Vec<String>,
    pub kind: PortalKind,
    /// The FHIR base URL: https, or http on a loopback address only.
    pub fhir_base: String,
    /// "R4", "DSTU2", "STU3" (also "R4B", "R5") when known.
    pub fhir_version: Option<String>,
    /// "Epic", "Oracle Health", "eClinicalWorks (healow)", ... when known.
    pub vendor: Option<String>,
    pub addresses: Vec<PortalAddress>,
    /// "Built in", or the name of the source the entry came from.
    pub source: String,
    /// The built-in demo portal that runs inside the app.
    pub demo: bool,
}

/// A search of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DirectoryQuery {
    /// Words to find in the name, aliases, city, state or zip; empty lists everything.
    pub text: String,
    /// Only this kind of portal, or both.
    pub kind: Option<PortalKind>,
    /// At most this many entries are returned (0 means the default; capped at 200).
    pub limit: u32,
}

/// The best matches, and how many there were in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DirectorySearchResult {
    pub entries: Vec<DirectoryEntry>,
    pub total_matches: u32,
}

/// How a source publishes its portals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DirectorySourceFormat {
    /// A SMART App Launch "User-access Brands" Bundle of Organizations and Endpoints.
    BrandsBundle,
    /// A JSON array of `{id, name, url, ...}` endpoint objects.
    EndpointList,
}

/// A directory source the patient added, as it was last downloaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DirectorySourceView {
    pub id: String,
    pub name: String,
    pub url: String,
    pub format: DirectorySourceFormat,
    pub entry_count: u32,
    /// RFC 3339.
    pub fetched_at: String,
}
