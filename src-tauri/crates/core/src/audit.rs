//! The audit & disclosure log as the UI shows it: entries without their hashes,
//! and the chain's verification as a flat status.

use ownchart_vault::{LedgerEntry, LedgerVerification};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LedgerEntryView {
    #[ts(type = "number")]
    pub seq: u64,
    pub ts_utc: String,
    pub event: String,
    pub description: String,
    pub recipient: Option<String>,
    pub purpose: Option<String>,
}

impl From<LedgerEntry> for LedgerEntryView {
    fn from(e: LedgerEntry) -> Self {
        LedgerEntryView {
            seq: e.seq,
            ts_utc: e.ts_utc,
            event: e.event,
            description: e.description,
            recipient: e.recipient,
            purpose: e.purpose,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LedgerStatus {
    pub intact: bool,
    #[ts(type = "number")]
    pub entries: u64,
    pub head: Option<String>,
    #[ts(type = "number | null")]
    pub broken_at: Option<u64>,
    pub reason: Option<String>,
}

impl From<LedgerVerification> for LedgerStatus {
    fn from(v: LedgerVerification) -> Self {
        match v {
            LedgerVerification::Intact { entries, head } => LedgerStatus {
                intact: true,
                entries,
                head,
                broken_at: None,
                reason: None,
            },
            LedgerVerification::Broken { seq, reason } => LedgerStatus {
                intact: false,
                entries: 0,
                head: None,
                broken_at: Some(seq),
                reason: Some(reason),
            },
        }
    }
}
