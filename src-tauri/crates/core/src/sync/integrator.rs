//! A run for a connection made through an integrator (seed 002): instead of one
//! FHIR search per category, one integrator query names the categories still
//! open (`resources`, with `Vitals` and `Labs`) and the run's date filters
//! (`params`). It is asynchronous by default — start, then poll the cache at a
//! growing interval until the payload or an error arrives; an expired result
//! is asked for once more — or synchronous when so configured or when the
//! integrator offers no asynchronous queries. The payload (a Bundle, or a list
//! of resources) goes through the same ingest and commit path as a direct
//! sync's pages, grouped by category; the integrator's `errorData` items land
//! in the category their `path` names, so a failing resource type is reported
//! for that category and the others complete.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ownchart_fhir::{Category, FhirVersion, HttpResponse, Secret};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::error::{highest, SyncError};
use super::ingest::{ingest_resources, IngestedPage, PageRules};
use super::plan;
use super::query::{commit_page, end};
use super::run::{RunCtx, RELATED};
use super::state::QueryState;
use super::types::{CategoryState, SyncErrorItem};
use crate::connect::access::with_vault;
use crate::connect::ConnectError;
use crate::integrator::client::{IntegratorClient, ResourcesQuery, Retrieved};
use crate::integrator::IntegratorError;
use crate::CoreError;

/// Resources committed per transaction.
const CHUNK: usize = 1_000;

/// How an integrator run asks for records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntegratorPolling {
    /// Ask asynchronously (start + poll); false: one synchronous request.
    pub asynchronous: bool,
    /// The first wait before polling; it doubles up to `max_interval`.
    pub first_interval: Duration,
    pub max_interval: Duration,
    /// Give up waiting for a result after this long.
    pub max_wait: Duration,
}

impl Default for IntegratorPolling {
    fn default() -> Self {
        IntegratorPolling {
            asynchronous: true,
            first_interval: Duration::from_secs(1),
            // Seed 002 suggests polling "for example, every 30 seconds".
            max_interval: Duration::from_secs(30),
            max_wait: Duration::from_secs(2 * 3600),
        }
    }
}

/// An integrator answer's resources and `errorData` items.
pub(crate) struct Payload<'a> {
    pub resources: Vec<&'a RawValue>,
    pub errors: Vec<SyncErrorItem>,
}

#[derive(Deserialize)]
struct Answer<'a> {
    #[serde(rename = "errorData", default)]
    error_data: Option<Value>,
    #[serde(borrow, default)]
    payload: Option<&'a RawValue>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(crate::integrator::clean_text(s)),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The `errorData.errors[]` of an answer as errorData items of ours.
fn error_items(error_data: Option<&Value>) -> Vec<SyncErrorItem> {
    let Some(errors) = error_data
        .and_then(|e| e.get("errors"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    errors
        .iter()
        .map(|e| {
            let status = e
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(0);
            SyncErrorItem {
                timestamp: text(e, "timestamp").unwrap_or_else(crate::clock::now_rfc3339),
                code: e
                    .get("code")
                    .and_then(Value::as_u64)
                    .and_then(|c| u32::try_from(c).ok())
                    .unwrap_or(u32::from(status)),
                severity: text(e, "severity")
                    .map(|s| s.to_lowercase())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "error".to_owned()),
                status,
                error: text(e, "error").unwrap_or_else(|| "integrator_error".to_owned()),
                message: text(e, "message")
                    .unwrap_or_else(|| "The integrator reported an error.".to_owned()),
                path: text(e, "path").unwrap_or_default(),
            }
        })
        .collect()
}

/// Reads an integrator answer (`{errorData, fhirVersion, contentType,
/// payload}`): the payload is a Bundle (its entries' resources), a JSON array
/// of resources, or one resource.
pub(crate) fn integrator_payload(body: &[u8]) -> Result<Payload<'_>, String> {
    let answer: Answer<'_> =
        serde_json::from_slice(body).map_err(|e| ownchart_fhir::http::describe_json_error(&e))?;
    let errors = error_items(answer.error_data.as_ref());
    let Some(payload) = answer.payload else {
        return Ok(Payload {
            resources: Vec::new(),
            errors,
        });
    };
    let bytes = payload.get().trim_start();
    let resources = if bytes.starts_with('[') {
        serde_json::from_str::<Vec<&RawValue>>(payload.get())
            .map_err(|e| ownchart_fhir::http::describe_json_error(&e))?
    } else if bytes == "null" {
        Vec::new()
    } else {
        #[derive(Deserialize)]
        struct Head<'a> {
            #[serde(rename = "resourceType", borrow)]
            resource_type: Option<std::borrow::Cow<'a, str>>,
        }
        let head: Head<'_> = serde_json::from_str(payload.get())
            .map_err(|e| ownchart_fhir::http::describe_json_error(&e))?;
        if head.resource_type.as_deref() == Some("Bundle") {
            ownchart_fhir::search::parse_page(payload.get().as_bytes())
                .map_err(|e| e.to_string())?
                .entries
                .into_iter()
                .filter_map(|e| e.resource)
                .collect()
        } else {
            vec![payload]
        }
    };
    Ok(Payload { resources, errors })
}

impl From<IntegratorError> for SyncError {
    fn from(e: IntegratorError) -> Self {
        match e {
            IntegratorError::Http(h) => SyncError::Http(h),
            IntegratorError::TokenRejected | IntegratorError::AccessEnded(_) => {
                SyncError::ReconnectNeeded
            }
            other => SyncError::Integrator(other),
        }
    }
}

impl RunCtx {
    async fn patient_token(&self, rejected: Option<&Secret>) -> Result<Secret, SyncError> {
        match self
            .inner
            .connector
            .access_token(&self.connection.id, rejected)
            .await
        {
            Ok(a) => Ok(a.token),
            Err(CoreError::Connect(ConnectError::ReconnectNeeded)) => {
                Err(SyncError::ReconnectNeeded)
            }
            Err(e) => Err(SyncError::Access(e.to_string())),
        }
    }

    /// Waits `d`, or less when the run is halted.
    async fn pause(&self, d: Duration) -> Result<(), SyncError> {
        tokio::select! {
            _ = tokio::time::sleep(d) => Ok(()),
            _ = self.halt.cancelled() => Err(self.halt_error()),
        }
    }

    /// Runs `call` with the patient token, renewing it once if the integrator
    /// refuses it.
    async fn with_token<T, F, Fut>(&self, call: F) -> Result<T, SyncError>
    where
        F: Fn(Secret) -> Fut,
        Fut: std::future::Future<Output = Result<T, IntegratorError>>,
    {
        let token = self.patient_token(None).await?;
        let first = tokio::select! {
            r = call(token.clone()) => r,
            _ = self.halt.cancelled() => return Err(self.halt_error()),
        };
        match first {
            Err(IntegratorError::TokenRejected) => {
                let renewed = self.patient_token(Some(&token)).await?;
                tokio::select! {
                    r = call(renewed) => r.map_err(SyncError::from),
                    _ = self.halt.cancelled() => Err(self.halt_error()),
                }
            }
            other => other.map_err(SyncError::from),
        }
    }

    /// The integrator's answer for `query`: asynchronous with polling (one new
    /// transaction if a result expired), or synchronous.
    async fn integrator_answer(
        &self,
        client: &IntegratorClient,
        endpoint: &str,
        query: &ResourcesQuery,
    ) -> Result<HttpResponse, SyncError> {
        let polling = self.inner.config.integrator;
        if polling.asynchronous {
            let mut restarted = false;
            'transaction: loop {
                let started = self
                    .with_token(|t| async move { client.start_async(endpoint, &t, query).await })
                    .await;
                let transaction = match started {
                    Ok(t) => t,
                    // No asynchronous queries here: ask synchronously instead.
                    Err(SyncError::Integrator(IntegratorError::Refused {
                        status: 404 | 405 | 501,
                        ..
                    })) => {
                        break 'transaction;
                    }
                    Err(e) => return Err(e),
                };
                let began = Instant::now();
                let mut wait = polling.first_interval;
                loop {
                    self.check_halt()?;
                    if began.elapsed() > polling.max_wait {
                        return Err(IntegratorError::TimedOut.into());
                    }
                    self.pause(wait).await?;
                    wait = (wait * 2).min(polling.max_interval);
                    let polled = tokio::select! {
                        r = client.retrieve(&transaction) => r,
                        _ = self.halt.cancelled() => return Err(self.halt_error()),
                    };
                    match polled {
                        Ok(Retrieved::Pending) => continue,
                        Ok(Retrieved::Ready(answer)) => return Ok(answer),
                        Err(IntegratorError::Expired) if !restarted => {
                            restarted = true;
                            continue 'transaction;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            }
        }
        self.with_token(|t| async move { client.resources(endpoint, &t, query).await })
            .await
    }
}

/// One bucket of a payload: a category's resources, or the other records.
fn bucket_of(category: Category, open: &[Category]) -> &'static str {
    if open.contains(&category) {
        category.key()
    } else {
        RELATED
    }
}

/// A checked page of one bucket, with its size in bytes.
type Bucketed = (&'static str, IngestedPage, u64);

/// Splits a payload into pages (bucket, page) and checks every resource.
fn ingest_payload(
    body: &[u8],
    open: &[Category],
    patient_id: &str,
    base: &str,
) -> Result<(Vec<Bucketed>, Vec<SyncErrorItem>), String> {
    let payload = integrator_payload(body)?;
    // (bucket, type, names a patient) → resources, in payload order.
    let mut groups: BTreeMap<(&'static str, String, bool), Vec<&RawValue>> = BTreeMap::new();
    let mut unreadable: Vec<&RawValue> = Vec::new();
    for raw in payload.resources {
        match ownchart_fhir::extract(raw) {
            Ok(f) => {
                let bucket = bucket_of(f.category, open);
                let names_patient = f.patient_reference.is_some();
                groups
                    .entry((bucket, f.resource_type.into_owned(), names_patient))
                    .or_default()
                    .push(raw);
            }
            Err(_) => unreadable.push(raw),
        }
    }
    let mut pages = Vec::new();
    for ((bucket, ty, names_patient), raws) in &groups {
        // A record the integrator added on its own (a practitioner, a visit)
        // must still be this patient's when it names a patient.
        let compartment = *bucket != RELATED || *names_patient || ty == "Patient";
        for chunk in raws.chunks(CHUNK) {
            let rules = PageRules {
                expected_type: ty,
                patient_id,
                fhir_base: base,
                version: FhirVersion::R4,
                dates: None,
                in_patient_compartment: compartment,
            };
            let bytes: u64 = chunk.iter().map(|r| r.get().len() as u64).sum();
            pages.push((*bucket, ingest_resources(chunk, &rules)?, bytes));
        }
    }
    if !unreadable.is_empty() {
        let rules = PageRules {
            expected_type: "",
            patient_id,
            fhir_base: base,
            version: FhirVersion::R4,
            dates: None,
            in_patient_compartment: true,
        };
        pages.push((RELATED, ingest_resources(&unreadable, &rules)?, 0));
    }
    Ok((pages, payload.errors))
}

/// Runs the open categories of `ctx` through the integrator.
pub(crate) async fn run(ctx: &Arc<RunCtx>) {
    let open: Vec<Category> = {
        let states = ctx.states.lock().unwrap_or_else(|p| p.into_inner());
        // In seed 002's order, as the request names them.
        plan::CATEGORY_QUERIES
            .iter()
            .map(|q| q.category)
            .filter(|c| states.get(c.key()).is_some_and(QueryState::is_open))
            .collect()
    };
    let mut keys: Vec<&'static str> = open.iter().map(|c| c.key()).collect();
    keys.push(RELATED);
    for key in &keys {
        if let Some(mut s) = ctx.state(key).filter(QueryState::is_open) {
            s.progress.state = CategoryState::Running;
            ctx.set_state(s);
        }
    }
    match fetch_and_store(ctx, &open).await {
        Ok(()) => {}
        Err(e) => {
            for key in &keys {
                if let Some(s) = ctx.state(key).filter(QueryState::is_open) {
                    end(ctx, s, Some(e.clone()), path_of(key));
                }
            }
        }
    }
}

fn path_of(key: &str) -> &'static str {
    match Category::from_key(key) {
        Some(c) => plan::seed_name(c),
        None => RELATED,
    }
}

async fn fetch_and_store(ctx: &Arc<RunCtx>, open: &[Category]) -> Result<(), SyncError> {
    let id = ctx.connection.id.clone();
    let link = with_vault(ctx.inner.vault.as_ref(), |o| {
        Ok(o.vault.integrator_link(&id)?)
    })
    .map_err(|e| SyncError::Storage(e.to_string()))?
    .ok_or_else(|| SyncError::Access("the connection's integrator endpoint is missing".into()))?;
    let client = ctx
        .inner
        .connector
        .integrator_client()
        .map_err(SyncError::from)?;
    let query = ResourcesQuery {
        patient_id: link.patient_id_given.then(|| ctx.patient_id.clone()),
        resources: open
            .iter()
            .map(|c| plan::seed_name(*c).to_owned())
            .collect(),
        from_time: ctx.dates.from.clone(),
        to_time: ctx.dates.to.clone(),
        exclude_undated_entries: ctx.dates.exclude_undated,
    };
    if query.resources.is_empty() {
        return finish_states(ctx, &[], Vec::new());
    }
    let answer = ctx
        .integrator_answer(&client, &link.endpoint_id, &query)
        .await?;
    let body = answer.body;
    let open_owned = open.to_vec();
    let patient = ctx.patient_id.clone();
    let base = ctx.base.to_string();
    let (pages, errors) =
        tokio::task::spawn_blocking(move || ingest_payload(&body, &open_owned, &patient, &base))
            .await
            .map_err(|e| SyncError::Storage(e.to_string()))?
            .map_err(SyncError::BadPage)?;
    for (bucket, page, bytes) in pages {
        ctx.check_halt()?;
        let Some(mut state) = ctx.state(bucket) else {
            continue;
        };
        let kept = page.rows.len() as u64;
        commit_page(ctx, &mut state, page, bytes, path_of(bucket)).await?;
        ctx.set_state(state);
        ctx.count_resources(kept)?;
    }
    finish_states(ctx, open, errors)
}

/// Each open category ends complete, or failed/partial with the integrator's
/// errors for it; errors naming no open category go to the other records.
fn finish_states(
    ctx: &Arc<RunCtx>,
    open: &[Category],
    errors: Vec<SyncErrorItem>,
) -> Result<(), SyncError> {
    let mut by_key: BTreeMap<&'static str, Vec<SyncErrorItem>> = BTreeMap::new();
    for item in errors {
        let key = open
            .iter()
            .find(|c| {
                let name = plan::seed_name(**c);
                item.path.eq_ignore_ascii_case(name) || item.path.eq_ignore_ascii_case(c.key())
            })
            .map_or(RELATED, |c| c.key());
        by_key.entry(key).or_default().push(item);
    }
    let mut keys: Vec<&'static str> = open.iter().map(|c| c.key()).collect();
    keys.push(RELATED);
    for key in keys {
        let Some(mut state) = ctx.state(key).filter(QueryState::is_open) else {
            continue;
        };
        let items = by_key.remove(key).unwrap_or_default();
        let failing = highest(&items).is_some_and(|h| h == "error" || h == "fatal");
        state.progress.state = match (failing, state.progress.pages > 0) {
            (false, _) => CategoryState::Complete,
            (true, true) => CategoryState::Partial,
            (true, false) => CategoryState::Failed,
        };
        if let Some(first) = items.first().filter(|_| failing) {
            state.progress.note = Some(first.message.clone());
        }
        state.errors.extend(items);
        ctx.save_state(state)?;
    }
    Ok(())
}
