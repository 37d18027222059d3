//! What crosses IPC for an export (see the export contract): the request with
//! its protection, progress, and the report. TypeScript bindings are generated
//! from these types.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A passphrase typed by the patient: a string on the wire, wiped from memory
/// when dropped, `[redacted]` in Debug output.
#[derive(Clone, Default, TS)]
#[ts(type = "string")]
pub struct SecretText(String);

impl Serialize for SecretText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(SecretText)
    }
}

impl SecretText {
    pub fn new(text: String) -> SecretText {
        SecretText(text)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for SecretText {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// How the export file is protected.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(tag = "mode", rename_all = "snake_case")]
#[ts(export)]
pub enum ExportProtection {
    /// An age file (scrypt passphrase recipient). The passphrase is wiped from
    /// memory after use and never logged.
    Passphrase { passphrase: SecretText },
    /// A plain zip; `acknowledged` must be true (the patient saw the warning).
    Plaintext { acknowledged: bool },
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportRequest {
    pub path: String,
    pub protection: ExportProtection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportPhase {
    Preparing,
    Resources,
    Attachments,
    Bundle,
    Finishing,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportProgress {
    pub phase: ExportPhase,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TypeCount {
    pub resource_type: String,
    #[ts(type = "number")]
    pub count: u64,
    /// Set for resources kept in the FHIR version they arrived in (a DSTU2 file
    /// imported as received): they live under `as-received/`, apart from R4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub fhir_version: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportReport {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub encrypted: bool,
    /// Current resources.
    #[ts(type = "number")]
    pub resources: u64,
    /// Earlier versions included.
    #[ts(type = "number")]
    pub versions: u64,
    #[ts(type = "number")]
    pub attachments: u64,
    pub counts: Vec<TypeCount>,
    /// SHA-256 of the final file.
    pub sha256: String,
    /// The EXPORT entry in the audit log.
    #[ts(type = "number")]
    pub ledger_seq: u64,
    /// Set when the file went into a folder a cloud service synchronizes
    /// (Dropbox, OneDrive, iCloud Drive, Google Drive, ...): its name.
    pub cloud_sync_folder: Option<String>,
}
