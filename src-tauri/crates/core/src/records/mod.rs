//! Reading the records: the timeline (newest first, filtered, searched, paged
//! by keyset), the 16 category views, one record's detail with its sanitized
//! narrative and attachments, trend charts and the dashboard. Everything here
//! reads the vault; what the lists show was worked out when each record was
//! written (`index`), so a page is one index walk, not a parse of resources.
//!
//! `types` is the IPC contract; `session` puts the use cases on `Session`.

mod attachments;
mod charts;
mod dashboard;
mod detail;
mod error;
pub mod index;
mod json;
mod list;
mod refs;
mod rtf;
mod session;
pub mod types;

pub use attachments::present as present_attachment;
pub use error::RecordsError;
pub use list::MAX_PAGE;
pub use types::*;
