//! Display helpers: FHIR resources as a patient reads them. Pure functions over
//! `serde_json::Value` (reading one record's detail is not the hot path; the
//! write path reaches [`summary::summarize_raw`] through a slim parse).
//!
//! - `types`, `timing`, `choice`: one line for each FHIR datatype and choice element;
//! - `observation`: results and the numbers the charts plot; `flag`: high/low;
//! - `units`: which units convert into which, for the charts;
//! - `summary`: the timeline line, status, search words, chart points;
//! - `columns`: the category views; `fields`: the detail view.

pub mod choice;
pub mod columns;
pub mod fields;
pub mod flag;
pub mod observation;
pub mod summary;
pub mod text;
pub mod timing;
pub mod types;
pub mod units;

pub use columns::{cells, columns, Cell, Column, ColumnKind};
pub use fields::{fields, title, Field};
pub use flag::Flag;
pub use observation::ChartValue;
pub use summary::{summarize, summarize_raw, RecordSummary};
