//! What Ownchart knows about FHIR, without storage or network: the product's record
//! categories, the extraction of the few fields the vault indexes from a resource's
//! raw bytes, readers for Bundle and NDJSON files that keep every resource's bytes
//! exactly as received, and telling R4 from DSTU2.
//!
//! The raw JSON is the source of truth; nothing here builds a `serde_json::Value`
//! on the hot path (a borrowed, typed parse is ~5× faster, see the benchmark).

pub mod category;
pub mod error;
pub mod extract;
pub mod file;
pub mod version;

pub use category::Category;
pub use error::{FhirError, Result};
pub use extract::{extract, Extracted};
pub use file::{read_file, FileFormat, ParsedFile};
pub use version::FhirVersion;
