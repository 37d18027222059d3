//! What Ownchart knows about FHIR, without storage: the product's record
//! categories, the extraction of the few fields the vault indexes from a resource's
//! raw bytes, readers for Bundle and NDJSON files that keep every resource's bytes
//! exactly as received, telling R4 from DSTU2, and the client side of SMART on
//! FHIR (a capped HTTP client, discovery, PKCE, authorize and callback, tokens),
//! the conversion of DSTU2 resources to R4 (`dstu2`), display helpers that turn
//! resources into the words a patient reads (`display`), and the sanitizer that
//! makes untrusted narrative HTML inert (`sanitize`).
//!
//! The raw JSON is the source of truth; nothing here builds a `serde_json::Value`
//! on the hot path (a borrowed, typed parse is ~5× faster, see the benchmark).
//! Network code is async (tokio) and lives in `http`, `smart` and `read`; the
//! file helpers stay synchronous and pure.

mod base_url;
pub mod category;
pub mod depth;
pub mod display;
pub mod dstu2;
pub mod error;
pub mod extract;
pub mod file;
pub mod http;
pub mod read;
pub mod sanitize;
pub mod search;
pub mod secret;
pub mod smart;
pub mod version;

pub use category::Category;
pub use error::{FhirError, Result};
pub use extract::{extract, Extracted};
pub use file::{read_file, FileFormat, ParsedFile};
pub use http::{check_url_allowed, ClientAuth, HttpClient, HttpError, HttpLimits, HttpResponse};
pub use read::{read_patient, search_patient, ReadError};
pub use secret::Secret;
pub use version::FhirVersion;
