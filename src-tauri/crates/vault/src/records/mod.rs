//! What the record views read: per resource a summary, flag and status (columns
//! of `resources`), its words in the full-text index `records_fts`, and its
//! chart numbers in `record_values` — all written in the transaction that
//! writes the resource (`write.rs`), and built for older rows by a backfill the
//! core drives on first use. `query.rs` pages the timeline newest first by
//! keyset (never OFFSET), counts, and looks records up; `values.rs` reads the
//! chart series.
//!
//! This crate still knows no FHIR: the core computes a [`RecordIndex`] for each
//! resource (the fhir crate's display helpers) and hands it in with the row.

mod backfill;
mod query;
mod values;
mod write;

pub(crate) use query::CountCache;
pub use query::{fts_query, Position, RecordBody, RecordFilter, RecordRow, VersionRecord};
pub use values::{SeriesRow, ValuePoint};
pub(crate) use write::{drop_index, put_index};

/// The derived data of one resource, computed by the core at write time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordIndex {
    /// One human line ("Hemoglobin A1c 6.1 % (high)").
    pub summary: String,
    /// `high` | `low` | `abnormal` | `critical` | `normal`.
    pub flag: Option<&'static str>,
    pub status: Option<String>,
    /// Other names search should find it by (newline-separated).
    pub names: String,
    /// Codes (without systems), newline-separated.
    pub codes: String,
    pub values: Vec<ValueRow>,
}

/// One chart number of a resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRow {
    pub code: String,
    pub label: String,
    pub value: f64,
    pub unit: Option<String>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub flag: Option<&'static str>,
}

/// The search token standing for a category (`labs` → `catlabs`): letters and
/// digits only, so the tokenizer keeps it whole.
pub fn category_facet(category: &str) -> String {
    let mut t = String::from("cat");
    t.extend(category.chars().filter(char::is_ascii_alphanumeric));
    t.make_ascii_lowercase();
    t
}

/// The search token standing for a source (its bytes in hex behind `src`).
pub fn source_facet(source: &str) -> String {
    format!("src{}", hex::encode(source.as_bytes()))
}

/// Whether the summaries, search index and chart values of rows written before
/// they existed are still to be built.
pub const BACKFILL_KEY: &str = "records_backfill";

#[cfg(test)]
mod tests;
