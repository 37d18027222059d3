//! The records IPC contract (see the records contract shared with the UI):
//! what the timeline, category views, detail, attachments, charts and
//! dashboard send. TypeScript bindings are generated from these types; field
//! names are the wire names. `Option` fields are sent as `null` when absent.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Filters shared by the timeline, the category tables and the share selection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecordQuery {
    /// Category keys (`labs`, `medication_request`, ..., `other`); empty = all.
    pub categories: Vec<String>,
    /// `import` | `connection:<id>`; empty = all.
    pub sources: Vec<String>,
    /// YYYY-MM-DD inclusive (clinical date).
    pub from: Option<String>,
    /// YYYY-MM-DD inclusive.
    pub to: Option<String>,
    /// Full-text search over summary/display text and codes; words prefix-matched.
    pub text: Option<String>,
    /// Opaque keyset cursor from the previous page; None = first page.
    pub cursor: Option<String>,
    /// Page size; the core caps it at 500.
    #[ts(type = "number")]
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TimelinePage {
    pub items: Vec<RecordItem>,
    /// None = no more.
    pub next_cursor: Option<String>,
    /// Number of records matching the filters (all pages).
    #[ts(type = "number")]
    pub total: u64,
}

/// One line of the timeline (newest clinical date first; undated records last).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecordItem {
    /// The record key: the resources table's `pk` as a decimal string.
    pub key: String,
    pub resource_type: String,
    pub resource_id: String,
    pub category: String,
    pub category_label: String,
    /// Clinical date as stored (ISO 8601 date or instant).
    pub date: Option<String>,
    pub summary: String,
    pub flag: Option<Flag>,
    pub status: Option<String>,
    /// `import` | `connection:<id>`.
    pub source: String,
    /// Portal name, or "Imported file".
    pub source_label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Flag {
    High,
    Low,
    Abnormal,
    Critical,
    Normal,
}

/// One source the records came from, for the source filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SourceView {
    pub source: String,
    pub label: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// A category view: the columns a clinician expects, one row per record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CategoryTable {
    pub category: String,
    pub label: String,
    pub columns: Vec<Column>,
    pub rows: Vec<CategoryRow>,
    pub next_cursor: Option<String>,
    #[ts(type = "number")]
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Column {
    pub key: String,
    pub label: String,
    pub kind: ColumnKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ColumnKind {
    Text,
    Date,
    Quantity,
    Status,
    Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CategoryRow {
    /// Record key.
    pub key: String,
    /// One per column, already formatted for display.
    pub cells: Vec<Option<String>>,
    pub flag: Option<Flag>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecordDetail {
    /// The timeline line of this record.
    pub item: RecordItem,
    /// Heading, e.g. "Hemoglobin A1c".
    pub title: String,
    /// Structured fields rendered by the display helpers.
    pub fields: Vec<DetailField>,
    /// `text.div` sanitized in Rust (links made inert), a fragment for the UI's sandboxed frame.
    pub narrative_html: Option<String>,
    /// The http(s) links of the narrative: inert inside the frame, listed by the UI
    /// to open after confirmation via `open_external_link`.
    pub narrative_links: Vec<String>,
    pub attachments: Vec<AttachmentView>,
    pub provenance: Provenance,
    /// The stored JSON, pretty-printed.
    pub raw_json: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DetailField {
    /// "Value", "Reference range", "Dosage", "Performer", ...
    pub label: String,
    /// Display text (never HTML).
    pub value: String,
    /// Record key of the referenced record when it is in the vault.
    pub reference: Option<String>,
    /// Nested (components, dosage lines, reactions); empty when none.
    pub children: Vec<DetailField>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AttachmentView {
    /// Position among this record's attachments.
    #[ts(type = "number")]
    pub index: u32,
    pub title: Option<String>,
    /// "text/html", "application/pdf", "image/png", ... ("application/octet-stream" if unknown).
    pub content_type: String,
    pub kind: AttachmentKind,
    #[ts(type = "number | null")]
    pub size: Option<u64>,
    /// Data inline, or its Binary is in the vault.
    pub available: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AttachmentKind {
    Html,
    Text,
    Image,
    Pdf,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AttachmentContent {
    /// Decided from the bytes (magic numbers), not only from the declared type.
    pub kind: AttachmentKind,
    pub content_type: String,
    /// Html: sanitized in Rust (same policy as narratives), a fragment.
    pub html: Option<String>,
    /// Text (plain, xml, json shown as text; RTF converted to text).
    pub text: Option<String>,
    /// Image: png/jpeg/gif/webp only (never svg), shown as a data: URL.
    pub data_base64: Option<String>,
    /// The http(s) links of an HTML attachment (see `narrative_links`).
    pub links: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Provenance {
    pub source: String,
    pub source_label: String,
    /// Server URL or file name it came from.
    pub origin: String,
    pub fetched_at: String,
    pub fhir_version: String,
    /// "DSTU2" when stored converted (original kept).
    pub converted_from: Option<String>,
    /// Newest first, the current one included.
    pub versions: Vec<VersionView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VersionView {
    pub version_id: Option<String>,
    pub last_updated: Option<String>,
    pub fetched_at: String,
    pub current: bool,
}

/// One chartable series: an Observation code (labs or vitals) with numeric values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SeriesSummary {
    /// "system|code", e.g. "http://loinc.org|4548-4".
    pub code: String,
    pub label: String,
    /// `labs` | `vitals`.
    pub category: String,
    /// The normalized unit.
    pub unit: Option<String>,
    #[ts(type = "number")]
    pub count: u64,
    #[ts(type = "number | null")]
    pub latest_value: Option<f64>,
    pub latest_date: Option<String>,
    pub latest_flag: Option<Flag>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChartSeries {
    pub code: String,
    pub label: String,
    /// All points converted to this unit where it is the same quantity.
    pub unit: Option<String>,
    /// Oldest first.
    pub points: Vec<ChartPoint>,
    /// Values left out (no number, no date, or a unit of another quantity).
    #[ts(type = "number")]
    pub skipped: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChartPoint {
    /// Record key.
    pub key: String,
    pub date: String,
    #[ts(type = "number")]
    pub value: f64,
    /// Reference range, in the series unit.
    #[ts(type = "number | null")]
    pub low: Option<f64>,
    #[ts(type = "number | null")]
    pub high: Option<f64>,
    pub flag: Option<Flag>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Dashboard {
    /// One per vital sign code, newest value.
    pub latest_vitals: Vec<SeriesSummary>,
    pub active_problems: Vec<RecordItem>,
    pub active_medications: Vec<RecordItem>,
    pub allergies: Vec<RecordItem>,
    /// The 10 newest records.
    pub recent: Vec<RecordItem>,
    #[ts(type = "number")]
    pub total: u64,
}

impl From<ownchart_fhir::display::Flag> for Flag {
    fn from(f: ownchart_fhir::display::Flag) -> Self {
        use ownchart_fhir::display::Flag as F;
        match f {
            F::High => Flag::High,
            F::Low => Flag::Low,
            F::Abnormal => Flag::Abnormal,
            F::Critical => Flag::Critical,
            F::Normal => Flag::Normal,
        }
    }
}

impl Flag {
    /// The flag stored in the vault as its key.
    pub fn from_key(key: &str) -> Option<Flag> {
        ownchart_fhir::display::Flag::from_key(key).map(Flag::from)
    }
}

impl From<ownchart_fhir::display::ColumnKind> for ColumnKind {
    fn from(k: ownchart_fhir::display::ColumnKind) -> Self {
        use ownchart_fhir::display::ColumnKind as K;
        match k {
            K::Text => ColumnKind::Text,
            K::Date => ColumnKind::Date,
            K::Quantity => ColumnKind::Quantity,
            K::Status => ColumnKind::Status,
            K::Money => ColumnKind::Money,
        }
    }
}
