//! Where one query of a run stands: its counters (the progress the UI shows),
//! its errors, the page to fetch next and the newest `lastUpdated` seen. It is
//! stored with every page (in the same transaction), which is what makes a run
//! resumable after a kill.

use ownchart_vault::SyncQueryRecord;
use serde::{Deserialize, Serialize};

use super::types::{CategoryProgress, CategoryState, SyncErrorItem};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryState {
    pub progress: CategoryProgress,
    pub errors: Vec<SyncErrorItem>,
    pub next_url: Option<String>,
    pub max_last_updated: Option<String>,
    /// How many entries each notice (set aside, portal messages, ...) counts.
    #[serde(default)]
    pub notices: std::collections::BTreeMap<String, u64>,
}

pub(crate) fn state_key(s: CategoryState) -> &'static str {
    match s {
        CategoryState::Waiting => "waiting",
        CategoryState::Running => "running",
        CategoryState::Complete => "complete",
        CategoryState::Partial => "partial",
        CategoryState::Failed => "failed",
        CategoryState::Skipped => "skipped",
        CategoryState::Cancelled => "cancelled",
    }
}

impl QueryState {
    pub fn new(category: &str, label: &str) -> QueryState {
        QueryState {
            progress: CategoryProgress {
                category: category.to_owned(),
                label: label.to_owned(),
                state: CategoryState::Waiting,
                pages: 0,
                resources: 0,
                bytes: 0,
                added: 0,
                updated: 0,
                unchanged: 0,
                set_aside: 0,
                note: None,
            },
            errors: Vec::new(),
            next_url: None,
            max_last_updated: None,
            notices: Default::default(),
        }
    }

    /// Whether the run still has work to do for this query.
    pub fn is_open(&self) -> bool {
        matches!(
            self.progress.state,
            CategoryState::Waiting | CategoryState::Running
        )
    }

    pub fn to_record(&self) -> SyncQueryRecord {
        SyncQueryRecord {
            key: self.progress.category.clone(),
            state: state_key(self.progress.state).to_owned(),
            next_url: self.next_url.clone(),
            progress: serde_json::to_string(&self.progress).unwrap_or_else(|_| "{}".to_owned()),
            errors: serde_json::to_string(&StoredNotices {
                items: &self.errors,
                counts: &self.notices,
            })
            .unwrap_or_else(|_| "{}".to_owned()),
            max_last_updated: self.max_last_updated.clone(),
        }
    }

    /// Reads a stored query back; `None` when it cannot be read (then the
    /// query starts again from its first page, which is safe: upserts are
    /// idempotent).
    pub fn from_record(r: &SyncQueryRecord) -> Option<QueryState> {
        let notices: ReadNotices = serde_json::from_str(&r.errors).ok()?;
        Some(QueryState {
            progress: serde_json::from_str(&r.progress).ok()?,
            errors: notices.items,
            next_url: r.next_url.clone(),
            max_last_updated: r.max_last_updated.clone(),
            notices: notices.counts,
        })
    }
}

/// The `errors` column: the query's errorData items and the counts behind its
/// notices (so a resumed run keeps counting where it stopped).
#[derive(Serialize)]
struct StoredNotices<'a> {
    items: &'a [SyncErrorItem],
    counts: &'a std::collections::BTreeMap<String, u64>,
}

#[derive(Deserialize)]
struct ReadNotices {
    items: Vec<SyncErrorItem>,
    #[serde(default)]
    counts: std::collections::BTreeMap<String, u64>,
}
