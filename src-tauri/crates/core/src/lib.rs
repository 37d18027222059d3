//! Ownchart's use cases over the vault and FHIR crates: opening and unlocking the
//! vault, importing files, reporting status. It knows neither Tauri nor the UI, so
//! the desktop shell, the command line and the tests all drive the same code.

pub mod audit;
pub mod clock;
pub mod connect;
pub mod directory;
pub mod erase;
pub mod error;
pub mod export;
pub mod import;
pub mod integrator;
pub mod overview;
pub mod records;
pub mod session;
pub mod share;
pub mod store;
pub mod sync;

pub use error::{CoreError, Result};
