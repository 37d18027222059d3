//! The share types that cross IPC and the command line (TypeScript bindings are
//! generated from them), exactly as the export/share contract names them. Only
//! the report's outputs carry clinical content (the summary and the link the
//! patient asked for); nothing here carries a vault key or token.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::overview::CategoryCount;

/// What to share: categories, a date range and/or individual records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShareSelection {
    /// Category keys (`labs`, `condition`, ..., `other`); empty = all 16 + other.
    #[serde(default)]
    pub categories: Vec<String>,
    /// `YYYY-MM-DD`, inclusive, on the clinical date. With a range, undated
    /// records are left out.
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// Record keys (the vault row's key as decimal, e.g. `"42"`). When non-empty,
    /// only these records (plus the Patient) are shared: categories and dates
    /// are then ignored.
    #[serde(default)]
    pub items: Vec<String>,
}

/// One section of the International Patient Summary as it will be written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SectionPreview {
    /// The section's LOINC code, e.g. `10160-0`.
    pub code: String,
    pub title: String,
    #[ts(type = "number")]
    pub count: u64,
    /// Required by the IPS: written even when empty ("no information about ...").
    pub required: bool,
}

/// What a share will contain, before anything is written.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SharePreview {
    /// Every category (zero or not), then "other", as the overview lists them.
    pub counts: Vec<CategoryCount>,
    #[ts(type = "number")]
    pub total: u64,
    /// The IPS sections that will be written: the required ones always (count 0
    /// means "no information"), the others when they have records.
    pub sections: Vec<SectionPreview>,
    pub patient_name: Option<String>,
}

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShareOutputs {
    pub ips_bundle: bool,
    pub html_summary: bool,
    pub smart_health_link: bool,
}

/// A share the patient confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShareRequest {
    pub selection: ShareSelection,
    /// Who receives it (required): recorded in the disclosure log.
    pub recipient: String,
    /// Why (required): recorded in the disclosure log.
    pub purpose: String,
    /// An existing folder; the share gets a new folder inside it.
    pub out_dir: String,
    pub outputs: ShareOutputs,
    /// The SMART Health Link's label (at most 80 characters).
    #[serde(default)]
    pub label: Option<String>,
    /// The SMART Health Link expires this many days from now.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub expires_in_days: Option<u32>,
    /// The link needs a passcode (flag `P`): the hosting service must enforce it.
    #[serde(default)]
    pub passcode: bool,
    /// Added to the contract: where the link will point, an `https://` URL. Ending
    /// in `/`, it is the folder the patient will upload the encrypted file to
    /// (its name is appended); otherwise it is used as is (the file's own URL,
    /// or with a passcode the manifest URL the hosting service gives). When
    /// absent, the link carries a placeholder and README.txt says what to do.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub base_url: Option<String>,
}

/// One file written into the share folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SharedFile {
    pub name: String,
    /// `ips_bundle`, `html_summary`, `shl_payload`, `shl_qr` (SVG and PNG),
    /// `shl_uri`, or `readme` (added to the contract: what the files are).
    pub kind: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub sha256: String,
}

/// What a share wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShareReport {
    /// The folder created inside `out_dir`.
    pub dir: String,
    pub files: Vec<SharedFile>,
    /// `shlink:/...`, when a SMART Health Link was asked for.
    pub shlink_uri: Option<String>,
    /// The link's QR code as an SVG document (also written as a file).
    pub qr_svg: Option<String>,
    /// The printable summary (self-contained HTML, no scripts).
    pub html_summary: Option<String>,
    #[ts(type = "number")]
    pub resources: u64,
    /// The SHARE entry, committed before the files were put in place.
    #[ts(type = "number")]
    pub ledger_seq: u64,
}
