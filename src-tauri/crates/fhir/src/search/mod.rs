//! Reading what a FHIR server answers to a search: one page of a `searchset`
//! Bundle (entries kept as borrowed raw JSON, the `next` link), and what its
//! CapabilityStatement says it can search.

mod capability;
mod page;

pub use capability::{Capabilities, TypeCapability};
pub use page::{parse_page, PageEntry, PageError, SearchPage};
