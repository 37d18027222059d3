//! The sync engine: downloads each connection's whole record into the vault,
//! as a background job that survives everything a real portal does and the app
//! being killed. A run plans the 16 categories of seed 002 as FHIR searches
//! (`plan`), fetches them concurrently under one bound (`fetch`, `query`), turns
//! each page into vault rows — checking type and patient, converting DSTU2 —
//! (`ingest`), commits every page with its query's state in one transaction,
//! fetches the records they point to (`related`), and ends with a report in
//! seed 002's errorData shape and a ledger entry (`run`).
//!
//! Architecture invariant: this module never holds the vault across a network
//! wait (short `VaultAccess` loans only) and never logs or reports a token, a
//! URL query or a clinical value.

mod error;
mod fetch;
mod ingest;
mod integrator;
mod plan;
mod query;
mod related;
mod retry;
mod run;
mod state;
mod types;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ownchart_fhir::http::{HttpClient, HttpLimits};
use tokio_util::sync::CancellationToken;

pub use error::SyncError;
pub use ingest::{ingest_page, IngestedPage, PageRules};
pub(crate) use integrator::integrator_payload;
pub use integrator::IntegratorPolling;
pub use plan::{DateFilter, CATEGORY_QUERIES};
pub use retry::RetryPolicy;
pub use types::*;

use crate::connect::access::with_vault;
use crate::connect::{Connector, VaultAccess};
use crate::{CoreError, Result};
use run::{execute, Prepared};
use state::QueryState;

/// Settings a test, the benchmark or the command line may change.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Requests in flight per connection: 6, as many connections as a browser
    /// opens to one host, so a portal sees no more than a patient's own browser
    /// would send it (and 429s are honoured).
    pub concurrency: usize,
    /// `_count` asked for on every search.
    pub page_size: u32,
    pub max_pages_per_query: usize,
    pub max_resources_per_run: u64,
    pub max_attachment_bytes: usize,
    /// The longest a run may take before it stops (resumable).
    pub run_budget: Duration,
    pub retry: RetryPolicy,
    pub http: HttpLimits,
    /// How connections made through an integrator ask for their records.
    pub integrator: IntegratorPolling,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            concurrency: 6,
            page_size: 200,
            max_pages_per_query: 2_000,
            max_resources_per_run: 2_000_000,
            max_attachment_bytes: 20 * 1024 * 1024,
            run_budget: Duration::from_secs(4 * 3600),
            retry: RetryPolicy::default(),
            http: HttpLimits::default(),
            integrator: IntegratorPolling::default(),
        }
    }
}

/// Told about every run's progress (the shell turns it into `sync-progress`).
pub type SyncEventFn = dyn Fn(&SyncEvent) + Send + Sync;

pub(crate) struct Inner {
    pub config: SyncConfig,
    pub http: HttpClient,
    pub connector: Arc<Connector>,
    pub vault: Arc<dyn VaultAccess>,
    pub on_event: Arc<SyncEventFn>,
    /// Runs in progress in this process, by connection id.
    active: Mutex<HashMap<String, (String, CancellationToken)>>,
}

pub struct SyncEngine {
    inner: Arc<Inner>,
}

const SCHEDULE_KEY: &str = "sync.every_days";

impl SyncEngine {
    pub fn new(
        config: SyncConfig,
        connector: Arc<Connector>,
        vault: Arc<dyn VaultAccess>,
        on_event: Arc<SyncEventFn>,
    ) -> Result<Arc<SyncEngine>> {
        let http = HttpClient::new(config.http)
            .map_err(|e| CoreError::Sync(SyncError::Http(e).to_string()))?;
        Ok(Arc::new(SyncEngine {
            inner: Arc::new(Inner {
                config,
                http,
                connector,
                vault,
                on_event,
                active: Mutex::new(HashMap::new()),
            }),
        }))
    }

    /// Starts (or resumes) a run per connection in the background and returns
    /// at once. Must be called inside a tokio runtime.
    pub fn start(&self, request: SyncRequest) -> Result<Vec<SyncStarted>> {
        let prepared = self.prepare(&request)?;
        Ok(prepared
            .into_iter()
            .map(|(p, cancel, fresh)| {
                let started = p.started.clone();
                if fresh {
                    self.spawn(p, cancel);
                }
                started
            })
            .collect())
    }

    /// Runs (or resumes) and waits for the reports (command line, tests). A
    /// connection with a run already going in this process is skipped.
    pub async fn run(&self, request: SyncRequest) -> Result<Vec<SyncReport>> {
        let prepared = self.prepare(&request)?;
        let mut handles = Vec::new();
        for (p, cancel, fresh) in prepared {
            if fresh {
                handles.push(self.spawn(p, cancel));
            }
        }
        let mut reports = Vec::new();
        for h in handles {
            if let Ok(r) = h.await {
                reports.push(r);
            }
        }
        Ok(reports)
    }

    /// Resumes every run an earlier process left unfinished (call after unlock).
    pub fn resume_unfinished(&self) -> Result<Vec<SyncStarted>> {
        let runs = with_vault(self.inner.vault.as_ref(), |o| {
            Ok(o.vault.unfinished_sync_runs(None)?)
        })?;
        let mut out = Vec::new();
        for run in runs {
            let request = SyncRequest {
                connection_id: Some(run.connection_id.clone()),
                ..SyncRequest::default()
            };
            out.extend(self.start(request)?);
        }
        Ok(out)
    }

    /// Asks a run to stop; what it stored stays. False when it is not running.
    pub fn cancel(&self, run_id: &str) -> bool {
        let active = self.inner.active.lock().unwrap_or_else(|p| p.into_inner());
        match active.values().find(|(id, _)| id == run_id) {
            Some((_, token)) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Runs going on in this process.
    pub fn active_runs(&self) -> Vec<(String, String)> {
        let active = self.inner.active.lock().unwrap_or_else(|p| p.into_inner());
        active
            .iter()
            .map(|(conn, (run, _))| (conn.clone(), run.clone()))
            .collect()
    }

    /// The latest finished runs' reports, newest first.
    pub fn history(&self, limit: usize) -> Result<Vec<SyncReport>> {
        let runs = with_vault(self.inner.vault.as_ref(), |o| {
            Ok(o.vault.finished_sync_runs(limit)?)
        })?;
        Ok(runs
            .into_iter()
            .filter_map(|r| serde_json::from_str(r.report.as_deref()?).ok())
            .collect())
    }

    pub fn schedule(&self) -> Result<SyncSchedule> {
        let v = with_vault(self.inner.vault.as_ref(), |o| {
            Ok(o.vault.setting(SCHEDULE_KEY)?)
        })?;
        Ok(SyncSchedule {
            every_days: v.and_then(|s| s.parse().ok()).filter(|d| *d > 0),
        })
    }

    pub fn set_schedule(&self, schedule: SyncSchedule) -> Result<SyncSchedule> {
        let days = schedule.every_days.filter(|d| (1..=365).contains(d));
        let value = days.map(|d| d.to_string());
        with_vault(self.inner.vault.as_ref(), |o| {
            Ok(o.vault.set_setting(SCHEDULE_KEY, value.as_deref())?)
        })?;
        Ok(SyncSchedule { every_days: days })
    }

    /// Whether the schedule says every connection should be synced now: the
    /// newest finished run is older than the interval (or there is none).
    pub fn scheduled_sync_due(&self) -> Result<bool> {
        let Some(days) = self.schedule()?.every_days else {
            return Ok(false);
        };
        let last = self.history(1)?.into_iter().next();
        let Some(last) = last.and_then(|r| crate::clock::parse_rfc3339(&r.finished_at)) else {
            return Ok(true);
        };
        Ok(time::OffsetDateTime::now_utc() - last >= time::Duration::days(i64::from(days)))
    }

    /// Decides each connection's run: a new one, the interrupted one to resume,
    /// or the one already going in this process (not started again).
    fn prepare(&self, request: &SyncRequest) -> Result<Vec<(Prepared, CancellationToken, bool)>> {
        DateFilter::from_request(request).map_err(CoreError::Sync)?;
        plan::requested(request).map_err(CoreError::Sync)?;
        let connections = with_vault(self.inner.vault.as_ref(), |o| Ok(o.vault.connections()?))?;
        let chosen: Vec<_> = match &request.connection_id {
            Some(id) => {
                let c = connections
                    .into_iter()
                    .find(|c| &c.id == id)
                    .ok_or(crate::connect::ConnectError::UnknownConnection)?;
                vec![c]
            }
            None => connections,
        };
        if chosen.is_empty() {
            return Err(CoreError::Sync(
                "There is no connected portal to download from. Connect one first.".to_owned(),
            ));
        }
        let mut out = Vec::new();
        for c in chosen {
            if let Some((run_id, token)) = self.active_run(&c.id) {
                out.push((
                    Prepared {
                        started: SyncStarted {
                            run_id,
                            connection_id: c.id.clone(),
                            portal_name: c.portal_name.clone(),
                            resumed: false,
                        },
                        request: request.clone(),
                        resumed_states: None,
                        incremental: false,
                    },
                    token,
                    false,
                ));
                continue;
            }
            let unfinished = with_vault(self.inner.vault.as_ref(), |o| {
                let runs = o.vault.unfinished_sync_runs(Some(&c.id))?;
                let mut found = None;
                if let Some(run) = runs.into_iter().last() {
                    let queries = o.vault.sync_queries(&run.id)?;
                    found = Some((run, queries));
                }
                Ok(found)
            })?;
            let prepared = match unfinished {
                Some((run, queries)) => {
                    let states: Option<Vec<QueryState>> =
                        queries.iter().map(QueryState::from_record).collect();
                    let stored: SyncRequest =
                        serde_json::from_str(&run.request).unwrap_or_default();
                    Prepared {
                        started: SyncStarted {
                            run_id: run.id.clone(),
                            connection_id: c.id.clone(),
                            portal_name: c.portal_name.clone(),
                            resumed: true,
                        },
                        request: SyncRequest {
                            connection_id: Some(c.id.clone()),
                            ..stored
                        },
                        resumed_states: states,
                        incremental: run.incremental,
                    }
                }
                None => {
                    let run_id = crate::connect::random_id(16)?;
                    let mut req = request.clone();
                    req.connection_id = Some(c.id.clone());
                    let filtered = !DateFilter::from_request(&req)
                        .map_err(CoreError::Sync)?
                        .is_empty();
                    let has_cursors = with_vault(self.inner.vault.as_ref(), |o| {
                        Ok(!o.vault.sync_cursors(&c.id)?.is_empty())
                    })?;
                    Prepared {
                        started: SyncStarted {
                            run_id,
                            connection_id: c.id.clone(),
                            portal_name: c.portal_name.clone(),
                            resumed: false,
                        },
                        request: req,
                        resumed_states: None,
                        incremental: !filtered && has_cursors,
                    }
                }
            };
            let token = CancellationToken::new();
            self.inner
                .active
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(
                    c.id.clone(),
                    (prepared.started.run_id.clone(), token.clone()),
                );
            out.push((prepared, token, true));
        }
        Ok(out)
    }

    fn active_run(&self, connection_id: &str) -> Option<(String, CancellationToken)> {
        self.inner
            .active
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(connection_id)
            .cloned()
    }

    fn spawn(
        &self,
        prepared: Prepared,
        cancel: CancellationToken,
    ) -> tokio::task::JoinHandle<SyncReport> {
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let connection_id = prepared.started.connection_id.clone();
            let report = execute(inner.clone(), prepared, cancel).await;
            inner
                .active
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&connection_id);
            (inner.on_event)(&SyncEvent::Finished {
                report: report.clone(),
            });
            report
        })
    }
}
