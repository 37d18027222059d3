//! The Tauri commands: one file per feature, each command a short delegation to
//! `ownchart_core`. Secrets never cross this boundary in either direction except
//! the passphrase the patient types, which is wrapped at once.

pub mod about;
pub mod audit;
pub mod connect;
pub mod directory;
pub mod erase;
pub mod export;
pub mod import;
pub mod integrator;
pub mod records;
pub mod share;
pub mod sync;
pub mod vault;
