//! What an import tells the patient while it runs and when it ends. These types
//! cross IPC, so TypeScript bindings are generated from them.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportPhase {
    /// Reading and checking the files; nothing is written yet.
    Checking,
    /// Writing resources into the vault, one chunk per transaction.
    Writing,
    Done,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportProgress {
    pub phase: ImportPhase,
    pub file_index: u32,
    pub files_total: u32,
    /// The file being worked on (its name as given).
    pub file: String,
    #[ts(type = "number")]
    pub resources_done: u64,
    #[ts(type = "number")]
    pub resources_total: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FileReport {
    pub file: String,
    /// "Bundle (collection)", "NDJSON", "single resource", ...
    pub format: String,
    /// "R4" or "DSTU2".
    pub fhir_version: String,
    #[ts(type = "number")]
    pub resources: u64,
    #[ts(type = "number")]
    pub added: u64,
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
    /// Something the patient should know about this file.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    #[ts(type = "number")]
    pub resources: u64,
    #[ts(type = "number")]
    pub added: u64,
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
}
