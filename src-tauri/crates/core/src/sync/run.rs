//! One run for one connection, from plan to report: fetch the portal's
//! CapabilityStatement, plan the categories (or pick up the stored plan of an
//! interrupted run), run the queries concurrently, then fetch the records they
//! point to, and end with the report, the incremental cursors and a ledger
//! entry. The shared `RunCtx` carries what every query needs.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ownchart_fhir::search::Capabilities;
use ownchart_fhir::FhirVersion;
use ownchart_vault::{ConnectionRecord, NewLedgerEntry, SyncRunRecord};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::error::{codes, highest, notice, SyncError};
use super::plan::{self, DateFilter, PlannedQuery};
use super::state::QueryState;
use super::types::*;
use super::Inner;
use crate::connect::access::with_vault;
use crate::store::connection_source;

/// The query key of the records other records point to.
pub const RELATED: &str = "related";
const RELATED_LABEL: &str =
    "Related records (clinicians, organizations, medications, places, visits, attachments)";

pub(crate) struct RunCtx {
    pub inner: Arc<Inner>,
    pub run_id: String,
    pub connection: ConnectionRecord,
    pub patient_id: String,
    pub base: Url,
    pub source: String,
    pub version: FhirVersion,
    pub capabilities: Capabilities,
    pub dates: DateFilter,
    /// The patient's cancel.
    pub cancel: CancellationToken,
    /// Stops every query: the patient's cancel, or a reason of the run's own.
    pub halt: CancellationToken,
    pub halt_reason: Mutex<Option<SyncError>>,
    pub permits: Semaphore,
    pub states: Mutex<BTreeMap<String, QueryState>>,
    pub resources: AtomicU64,
    pub deadline: Instant,
}

impl RunCtx {
    pub(crate) fn check_halt(&self) -> Result<(), SyncError> {
        if self.halt.is_cancelled() {
            return Err(self.halt_error());
        }
        if Instant::now() > self.deadline {
            self.stop(SyncError::OutOfTime);
            return Err(SyncError::OutOfTime);
        }
        Ok(())
    }

    pub(crate) fn halt_error(&self) -> SyncError {
        if self.cancel.is_cancelled() {
            return SyncError::Cancelled;
        }
        self.halt_reason
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or(SyncError::Cancelled)
    }

    /// Stops the whole run for `reason` (the first reason wins).
    pub(crate) fn stop(&self, reason: SyncError) {
        let mut slot = self.halt_reason.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(reason);
        }
        self.halt.cancel();
    }

    pub(crate) fn state(&self, key: &str) -> Option<QueryState> {
        self.states
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .cloned()
    }

    pub(crate) fn set_state(&self, state: QueryState) {
        let progress = state.progress.clone();
        self.states
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(progress.category.clone(), state);
        (self.inner.on_event)(&SyncEvent::Progress {
            run_id: self.run_id.clone(),
            connection_id: self.connection.id.clone(),
            category: progress,
        });
    }

    /// Stores a query's state without a page.
    pub(crate) fn save_state(&self, state: QueryState) -> Result<(), SyncError> {
        let record = state.to_record();
        let run_id = self.run_id.clone();
        with_vault(self.inner.vault.as_ref(), |o| {
            Ok(o.vault.update_sync_query(&run_id, &record)?)
        })
        .map_err(|e| SyncError::Storage(e.to_string()))?;
        self.set_state(state);
        Ok(())
    }

    /// Counts resources against the run's cap; stops the run when passed.
    pub(crate) fn count_resources(&self, n: u64) -> Result<(), SyncError> {
        let total = self.resources.fetch_add(n, Ordering::Relaxed) + n;
        let cap = self.inner.config.max_resources_per_run;
        if total > cap {
            self.stop(SyncError::TooManyResources(cap));
            return Err(SyncError::TooManyResources(cap));
        }
        Ok(())
    }
}

/// What a run is about to do, decided before it is spawned.
pub(crate) struct Prepared {
    pub started: SyncStarted,
    pub request: SyncRequest,
    /// The stored queries of an interrupted run.
    pub resumed_states: Option<Vec<QueryState>>,
    pub incremental: bool,
}

/// Runs a prepared run to its end. Never fails: every problem is in the report.
pub(crate) async fn execute(
    inner: Arc<Inner>,
    prepared: Prepared,
    cancel: CancellationToken,
) -> SyncReport {
    let started_at = crate::clock::now_rfc3339();
    match execute_inner(&inner, &prepared, cancel).await {
        Ok(report) => report,
        Err(e) => {
            // The run could not even start (vault locked, connection gone):
            // report it; nothing was written.
            let item = e.item("run", None);
            SyncReport {
                run_id: prepared.started.run_id.clone(),
                connection_id: prepared.started.connection_id.clone(),
                portal_name: prepared.started.portal_name.clone(),
                started_at,
                finished_at: crate::clock::now_rfc3339(),
                outcome: match e {
                    SyncError::ReconnectNeeded => SyncOutcome::ReconnectNeeded,
                    SyncError::Cancelled => SyncOutcome::Cancelled,
                    _ => SyncOutcome::Failed,
                },
                resumed: prepared.started.resumed,
                incremental: false,
                request: prepared.request.clone(),
                categories: Vec::new(),
                error_data: ErrorData {
                    highest_error: Some(item.severity.clone()),
                    errors: vec![item],
                },
            }
        }
    }
}

async fn execute_inner(
    inner: &Arc<Inner>,
    prepared: &Prepared,
    cancel: CancellationToken,
) -> Result<SyncReport, SyncError> {
    let started = &prepared.started;
    let connection = with_vault(inner.vault.as_ref(), |o| {
        o.vault
            .connection(&started.connection_id)?
            .ok_or_else(|| crate::connect::ConnectError::UnknownConnection.into())
    })
    .map_err(|e| SyncError::Storage(e.to_string()))?;
    if connection.status == "reconnect_needed" {
        return Err(SyncError::ReconnectNeeded);
    }
    let base = Url::parse(&connection.fhir_base)
        .map_err(|_| SyncError::Storage("the connection's address is not valid".to_owned()))?;
    let patient_id = connection
        .patient_id
        .clone()
        .ok_or_else(|| SyncError::Access("the connection has no patient".to_owned()))?;
    let version = match connection.fhir_version.as_deref() {
        Some(v) if v.starts_with("1.0") || v.eq_ignore_ascii_case("DSTU2") => FhirVersion::Dstu2,
        _ => FhirVersion::R4,
    };
    let dates = DateFilter::from_request(&prepared.request).map_err(SyncError::Storage)?;
    // An integrator connection has no FHIR server of its own to ask.
    let through_integrator = connection.method == crate::connect::ConnectMethod::Integrator.key();
    let capabilities = if through_integrator {
        Capabilities::default()
    } else {
        capabilities(inner, &base, &cancel).await
    };

    let halt = cancel.child_token();
    let ctx = Arc::new(RunCtx {
        inner: inner.clone(),
        run_id: started.run_id.clone(),
        source: connection_source(&connection.id),
        patient_id,
        base,
        version,
        capabilities,
        dates,
        cancel: cancel.clone(),
        halt,
        halt_reason: Mutex::new(None),
        permits: Semaphore::new(inner.config.concurrency.max(1)),
        states: Mutex::new(BTreeMap::new()),
        resources: AtomicU64::new(0),
        deadline: Instant::now() + inner.config.run_budget,
        connection,
    });

    let (planned, states) = plan_or_resume(&ctx, prepared)?;
    (inner.on_event)(&SyncEvent::Started {
        run: started.clone(),
        categories: states.iter().map(|s| s.progress.clone()).collect(),
    });
    for s in states {
        ctx.states
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(s.progress.category.clone(), s);
    }

    if through_integrator {
        super::integrator::run(&ctx).await;
        return finish(&ctx, prepared);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for q in planned {
        let open = ctx
            .state(q.spec.category.key())
            .is_some_and(|s| s.is_open());
        if q.skip.is_none() && open {
            let ctx = ctx.clone();
            tasks.spawn(async move { super::query::run_query(ctx, q).await });
        }
    }
    while tasks.join_next().await.is_some() {}
    if ctx.state(RELATED).is_some_and(|s| s.is_open()) && !ctx.halt.is_cancelled() {
        super::related::fetch_related(ctx.clone()).await;
    }
    finish(&ctx, prepared)
}

/// The server's CapabilityStatement; any failure means "unknown" (queries then
/// find out for themselves).
async fn capabilities(inner: &Inner, base: &Url, cancel: &CancellationToken) -> Capabilities {
    let Ok(url) = Url::parse(&format!("{}/metadata", base.as_str().trim_end_matches('/'))) else {
        return Capabilities::default();
    };
    tokio::select! {
        r = inner.http.get_fhir(&url, None, None, 8 * 1024 * 1024) => match r {
            Ok(resp) => Capabilities::parse(&resp.body),
            Err(_) => Capabilities::default(),
        },
        _ = cancel.cancelled() => Capabilities::default(),
    }
}

/// The queries of this run: planned now, or read back from an interrupted run.
fn plan_or_resume(
    ctx: &Arc<RunCtx>,
    prepared: &Prepared,
) -> Result<(Vec<PlannedQuery>, Vec<QueryState>), SyncError> {
    let categories = plan::requested(&prepared.request).map_err(SyncError::Storage)?;
    let cursors = if prepared.incremental {
        let id = ctx.connection.id.clone();
        with_vault(ctx.inner.vault.as_ref(), |o| {
            Ok(o.vault.sync_cursors(&id)?)
        })
        .map_err(|e| SyncError::Storage(e.to_string()))?
    } else {
        BTreeMap::new()
    };
    let planned: Vec<PlannedQuery> = plan::CATEGORY_QUERIES
        .iter()
        .filter(|q| categories.contains(&q.category))
        .map(|q| {
            plan::plan_query(
                *q,
                &ctx.patient_id,
                ctx.version,
                &ctx.capabilities,
                &ctx.connection.granted_scopes,
                &ctx.dates,
                cursors.get(q.category.key()).map(String::as_str),
            )
        })
        .collect();
    if let Some(states) = &prepared.resumed_states {
        return Ok((planned, states.clone()));
    }
    let mut states = Vec::new();
    for q in &planned {
        let mut s = QueryState::new(q.spec.category.key(), q.spec.category.label());
        if let Some((code, why)) = &q.skip {
            s.progress.state = CategoryState::Skipped;
            s.progress.note = Some(why.clone());
            s.errors.push(notice(
                plan::seed_name(q.spec.category),
                *code,
                if *code == codes::NOT_PERMITTED {
                    "not_permitted"
                } else {
                    "not_supported"
                },
                "information",
                why.clone(),
            ));
        }
        states.push(s);
    }
    states.push(QueryState::new(RELATED, RELATED_LABEL));
    let run = SyncRunRecord {
        id: ctx.run_id.clone(),
        connection_id: ctx.connection.id.clone(),
        request: serde_json::to_string(&prepared.request).unwrap_or_else(|_| "{}".to_owned()),
        incremental: prepared.incremental,
        status: String::new(),
        started_at: crate::clock::now_rfc3339(),
        finished_at: None,
        report: None,
    };
    let records: Vec<_> = states.iter().map(QueryState::to_record).collect();
    with_vault(ctx.inner.vault.as_ref(), |o| {
        Ok(o.vault.create_sync_run(&run, &records)?)
    })
    .map_err(|e| SyncError::Storage(e.to_string()))?;
    Ok((planned, states))
}

/// Writes the report, the cursors and the ledger entry.
fn finish(ctx: &Arc<RunCtx>, prepared: &Prepared) -> Result<SyncReport, SyncError> {
    let halt = ctx.halt.is_cancelled().then(|| ctx.halt_error());
    let mut states: Vec<QueryState> = {
        let map = ctx.states.lock().unwrap_or_else(|p| p.into_inner());
        map.values().cloned().collect()
    };
    // Report order: seed 002's category order, `related` last.
    let order = |k: &str| {
        plan::CATEGORY_QUERIES
            .iter()
            .position(|q| q.category.key() == k)
            .unwrap_or(usize::MAX)
    };
    states.sort_by_key(|s| order(&s.progress.category));
    let mut errors = Vec::new();
    for s in &mut states {
        if s.is_open() {
            s.progress.state = if matches!(halt, Some(SyncError::Cancelled)) {
                CategoryState::Cancelled
            } else if s.progress.pages > 0 {
                CategoryState::Partial
            } else {
                CategoryState::Failed
            };
        }
        errors.extend(s.errors.iter().cloned());
    }
    if let Some(h) = &halt {
        if !matches!(h, SyncError::Cancelled) {
            errors.push(h.item("run", None));
        }
    }
    let ran: Vec<&QueryState> = states
        .iter()
        .filter(|s| s.progress.state != CategoryState::Skipped)
        .collect();
    let outcome = match &halt {
        Some(SyncError::Cancelled) => SyncOutcome::Cancelled,
        Some(SyncError::ReconnectNeeded) => SyncOutcome::ReconnectNeeded,
        _ if ran
            .iter()
            .all(|s| s.progress.state == CategoryState::Complete) =>
        {
            SyncOutcome::Complete
        }
        _ if ran.iter().any(|s| s.progress.pages > 0) => SyncOutcome::Partial,
        _ => SyncOutcome::Failed,
    };
    let report = SyncReport {
        run_id: ctx.run_id.clone(),
        connection_id: ctx.connection.id.clone(),
        portal_name: ctx.connection.portal_name.clone(),
        started_at: prepared_started_at(ctx),
        finished_at: crate::clock::now_rfc3339(),
        outcome,
        resumed: prepared.started.resumed,
        incremental: prepared.incremental,
        request: prepared.request.clone(),
        categories: states.iter().map(|s| s.progress.clone()).collect(),
        error_data: ErrorData {
            highest_error: highest(&errors),
            errors,
        },
    };
    // Cursors advance only for complete queries of an unfiltered run.
    let cursors: Vec<(String, String)> = if ctx.dates.is_empty() {
        states
            .iter()
            .filter(|s| {
                s.progress.state == CategoryState::Complete && s.progress.category != RELATED
            })
            .filter_map(|s| Some((s.progress.category.clone(), s.max_last_updated.clone()?)))
            .collect()
    } else {
        Vec::new()
    };
    let json = serde_json::to_string(&report).unwrap_or_else(|_| "{}".to_owned());
    let entry = ledger_entry(&report);
    let run_id = ctx.run_id.clone();
    with_vault(ctx.inner.vault.as_ref(), |o| {
        o.vault
            .finish_sync_run(&run_id, &report.finished_at, &json, &cursors)?;
        o.ledger.append(entry)?;
        Ok(())
    })
    .map_err(|e| SyncError::Storage(e.to_string()))?;
    Ok(report)
}

fn prepared_started_at(ctx: &RunCtx) -> String {
    let id = ctx.run_id.clone();
    with_vault(ctx.inner.vault.as_ref(), |o| Ok(o.vault.sync_run(&id)?))
        .ok()
        .flatten()
        .map(|r| r.started_at)
        .unwrap_or_else(crate::clock::now_rfc3339)
}

/// The ledger entry of a run: counts only, never a clinical value.
fn ledger_entry(report: &SyncReport) -> NewLedgerEntry {
    let sum = |f: fn(&CategoryProgress) -> u64| report.categories.iter().map(f).sum::<u64>();
    let (added, updated, unchanged, set_aside) = (
        sum(|c| c.added),
        sum(|c| c.updated),
        sum(|c| c.unchanged),
        sum(|c| c.set_aside),
    );
    let outcome = serde_json::to_value(report.outcome)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut entry = NewLedgerEntry::new(
        "SYNC",
        format!(
            "Downloaded from {}: {added} new, {updated} updated, {unchanged} unchanged, {set_aside} set aside ({outcome})",
            report.portal_name
        ),
    );
    entry.recipient = Some(report.portal_name.clone());
    let per_category: BTreeMap<&str, [u64; 4]> = report
        .categories
        .iter()
        .map(|c| {
            (
                c.category.as_str(),
                [c.added, c.updated, c.unchanged, c.set_aside],
            )
        })
        .collect();
    entry.details = serde_json::to_string(&serde_json::json!({
        "run_id": report.run_id,
        "connection_id": report.connection_id,
        "outcome": outcome,
        "counts_added_updated_unchanged_set_aside": per_category,
        "errors": report.error_data.errors.len(),
    }))
    .ok();
    entry
}
