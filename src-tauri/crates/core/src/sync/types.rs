//! The sync types that cross IPC and the command line (TypeScript bindings are
//! generated from them). Errors follow seed 002's `errorData` shape so a result
//! reads the same whether it came from a portal or from the integrator. Nothing
//! here carries a token or a clinical value: counts, categories and messages.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What to download, with the integrator's filters (seed 002).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncRequest {
    /// One connection, or every connection when absent.
    #[ts(optional)]
    pub connection_id: Option<String>,
    /// Category keys (`labs`, `coverage`, ...); all 16 when absent or empty.
    #[ts(optional)]
    pub categories: Option<Vec<String>>,
    /// Only records dated on or after this day or instant (RFC 3339 or `YYYY-MM-DD`).
    #[ts(optional)]
    pub from_time: Option<String>,
    /// Only records dated on or before this day or instant.
    #[ts(optional)]
    pub to_time: Option<String>,
    /// Leave out records that carry no date at all.
    #[serde(default)]
    pub exclude_undated_entries: bool,
}

/// A run that was started (or resumed) for one connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SyncStarted {
    /// Like the integrator's `transactionId`: names the run in events and results.
    pub run_id: String,
    pub connection_id: String,
    pub portal_name: String,
    /// True when this continues a run an earlier process did not finish.
    pub resumed: bool,
}

/// Where one category of a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CategoryState {
    Waiting,
    Running,
    /// Everything the portal offered was stored.
    Complete,
    /// Some pages were stored, then an error stopped this category.
    Partial,
    /// Nothing could be downloaded for this category.
    Failed,
    /// Not asked for, not offered by the portal, or not covered by the access granted.
    Skipped,
    Cancelled,
}

/// One category's counters, sent as it progresses and kept in the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CategoryProgress {
    /// Category key (`labs`), or `related` for the records other records point to
    /// (practitioners, organizations, medications, locations, visits, attachments).
    pub category: String,
    pub label: String,
    pub state: CategoryState,
    #[ts(type = "number")]
    pub pages: u64,
    /// Resources received and kept.
    #[ts(type = "number")]
    pub resources: u64,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub added: u64,
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
    /// Entries received but not stored: another patient's, the wrong type, unreadable.
    #[ts(type = "number")]
    pub set_aside: u64,
    /// Why a category was skipped, or what stopped it (plain language).
    #[ts(optional)]
    pub note: Option<String>,
}

/// One error, in the fields of seed 002's `errorData.errors[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncErrorItem {
    /// RFC 3339.
    pub timestamp: String,
    /// Ownchart's numeric error code (stable; see `sync::error_codes`).
    pub code: u32,
    /// `error`, `warning` or `information`.
    pub severity: String,
    /// The portal's HTTP status, 0 when there was no answer.
    pub status: u16,
    /// A short machine-readable name (`forbidden`, `reconnect_needed`, ...).
    pub error: String,
    /// A sentence for the patient.
    pub message: String,
    /// The resource type or category the error belongs to (never a query string).
    pub path: String,
}

/// Seed 002's `errorData`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ErrorData {
    pub errors: Vec<SyncErrorItem>,
    /// The most severe `severity` among `errors`, absent when there are none.
    #[ts(optional)]
    pub highest_error: Option<String>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SyncOutcome {
    /// Every category asked for is complete (or was skipped for a stated reason).
    Complete,
    /// Some categories failed or stopped early; what arrived is kept.
    Partial,
    /// The portal's permission ended: reconnect, then sync again.
    ReconnectNeeded,
    Cancelled,
    /// Nothing could be downloaded.
    Failed,
}

/// The result of one run, as the UI, the command line (`--json`) and the stored
/// run history show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncReport {
    pub run_id: String,
    pub connection_id: String,
    pub portal_name: String,
    pub started_at: String,
    pub finished_at: String,
    pub outcome: SyncOutcome,
    /// The run continued after the app had stopped in the middle of it.
    pub resumed: bool,
    /// Only what changed since the last complete sync was asked for (`_lastUpdated`).
    pub incremental: bool,
    pub request: SyncRequest,
    pub categories: Vec<CategoryProgress>,
    #[serde(rename = "errorData")]
    #[ts(rename = "errorData")]
    pub error_data: ErrorData,
}

/// What the UI hears while runs go on (`sync-progress` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum SyncEvent {
    Started {
        run: SyncStarted,
        categories: Vec<CategoryProgress>,
    },
    Progress {
        run_id: String,
        connection_id: String,
        category: CategoryProgress,
    },
    Finished {
        report: SyncReport,
    },
}

/// The optional schedule: sync every connection every N days while the app runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncSchedule {
    /// Absent: no scheduled sync.
    #[ts(optional)]
    pub every_days: Option<u32>,
}
