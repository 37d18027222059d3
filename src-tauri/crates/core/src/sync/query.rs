//! One category's search, page by page: the first page from the plan (or the
//! stored next page of an interrupted run), then `Bundle.link[next]` — only on
//! the connection's own origin, never twice the same page, never past the page
//! cap. Each page is processed and committed with the query's new state in one
//! transaction on a blocking thread, so the event loop never waits on SQLCipher.

use std::collections::HashSet;
use std::sync::Arc;

use ownchart_vault::{BatchMeta, SyncPage};
use url::Url;

use super::error::{codes, notice, SyncError};
use super::ingest::{ingest_page, IngestedPage, PageRules, SetAside};
use super::plan::{self, PlannedQuery};
use super::run::RunCtx;
use super::state::QueryState;
use super::types::CategoryState;
use crate::connect::access::with_vault;

pub(crate) async fn run_query(ctx: Arc<RunCtx>, q: PlannedQuery) {
    let key = q.spec.category.key();
    let Some(mut state) = ctx.state(key) else {
        return;
    };
    let path = plan::seed_name(q.spec.category);
    let first = match first_page(&ctx, &q) {
        Ok(u) => u,
        Err(e) => {
            end(&ctx, state, Some(e), path);
            return;
        }
    };
    let mut next = match state.next_url.as_deref().map(Url::parse) {
        Some(Ok(u)) if same_origin(&u, &ctx.base) => u,
        _ => first.clone(),
    };
    let resumed_mid_way = next != first;
    state.progress.state = CategoryState::Running;
    ctx.set_state(state.clone());

    let expected = plan::server_type(q.spec.r4_type, ctx.version).to_owned();
    let mut seen: HashSet<String> = HashSet::new();
    let mut restarted = false;
    loop {
        if let Err(e) = ctx.check_halt() {
            end(&ctx, state, Some(e), path);
            return;
        }
        if !seen.insert(next.as_str().to_owned()) {
            end(&ctx, state, Some(SyncError::PagingLoop), path);
            return;
        }
        if state.progress.pages as usize >= ctx.inner.config.max_pages_per_query {
            let cap = ctx.inner.config.max_pages_per_query;
            end(&ctx, state, Some(SyncError::TooManyPages(cap)), path);
            return;
        }
        let response = match ctx.get(&next, ctx.inner.http.limits().max_body_bytes).await {
            Ok(r) => r,
            // A stored page link of an interrupted run may have expired: start over.
            Err(SyncError::Http(e))
                if resumed_mid_way && !restarted && matches!(e.status(), Some(400 | 404 | 410)) =>
            {
                restarted = true;
                seen.clear();
                next = first.clone();
                continue;
            }
            Err(e) => {
                end(&ctx, state, Some(e), path);
                return;
            }
        };
        let bytes = response.body.len() as u64;
        let rules_ctx = ctx.clone();
        let expected_type = expected.clone();
        let local_dates = q.local_dates;
        let body = response.body;
        let ingested = tokio::task::spawn_blocking(move || {
            let rules = PageRules {
                expected_type: &expected_type,
                patient_id: &rules_ctx.patient_id,
                fhir_base: rules_ctx.base.as_str(),
                version: rules_ctx.version,
                dates: local_dates.then_some(&rules_ctx.dates),
                in_patient_compartment: true,
            };
            ingest_page(&body, &rules)
        })
        .await
        .unwrap_or_else(|e| Err(e.to_string()));
        let page = match ingested {
            Ok(p) => p,
            Err(detail) => {
                end(&ctx, state, Some(SyncError::BadPage(detail)), path);
                return;
            }
        };
        // Decide where the next page is before committing this one, so the
        // stored state names exactly the page to fetch after a restart.
        let mut stop = None;
        let following = match page.next.as_deref().map(|n| next.join(n)) {
            None => None,
            Some(Ok(u)) if same_origin(&u, &ctx.base) => Some(u),
            Some(Ok(u)) => {
                stop = Some(SyncError::ForeignNextLink(ownchart_fhir::http::origin_of(
                    &u,
                )));
                None
            }
            Some(Err(_)) => {
                stop = Some(SyncError::BadPage(
                    "its link to the next page is not an address".to_owned(),
                ));
                None
            }
        };
        let mut new_state = state.clone();
        new_state.next_url = following.as_ref().map(|u| u.as_str().to_owned());
        if following.is_none() && stop.is_none() {
            new_state.progress.state = CategoryState::Complete;
        }
        let kept = page.rows.len() as u64;
        if let Err(e) = commit_page(&ctx, &mut new_state, page, bytes, path).await {
            end(&ctx, state, Some(e), path);
            return;
        }
        state = new_state;
        ctx.set_state(state.clone());
        if let Err(e) = ctx.count_resources(kept) {
            end(&ctx, state, Some(e), path);
            return;
        }
        match (following, stop) {
            (Some(u), _) => next = u,
            (None, Some(e)) => {
                end(&ctx, state, Some(e), path);
                return;
            }
            (None, None) => return,
        }
    }
}

/// Adds a page's counts to `state` and commits the page with it.
pub(crate) async fn commit_page(
    ctx: &Arc<RunCtx>,
    state: &mut QueryState,
    page: IngestedPage,
    bytes: u64,
    path: &str,
) -> Result<(), SyncError> {
    state.progress.pages += 1;
    state.progress.bytes += bytes;
    note_page(state, &page, path);
    if let Some(lu) = &page.max_last_updated {
        if state
            .max_last_updated
            .as_deref()
            .is_none_or(|m| lu.as_str() > m)
        {
            state.max_last_updated = Some(lu.clone());
        }
    }
    let kept = page.rows.len() as u64;
    state.progress.resources += kept;
    let before = state.clone();
    let c = ctx.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let fetched_at = crate::clock::now_rfc3339();
        let with_outcome = |o: &ownchart_vault::BatchOutcome| {
            let mut s = before.clone();
            s.progress.added += o.added;
            s.progress.updated += o.updated;
            s.progress.unchanged += o.unchanged;
            s.to_record()
        };
        let page_ref = SyncPage {
            meta: BatchMeta {
                source: &c.source,
                origin: c.base.as_str(),
                fetched_at: &fetched_at,
            },
            rows: &page.rows,
            originals: &page.originals,
            quarantined: &page.quarantined,
            run_id: &c.run_id,
            query: &with_outcome,
        };
        with_vault(c.inner.vault.as_ref(), |o| {
            Ok(o.vault.write_sync_page(&page_ref)?)
        })
    })
    .await
    .map_err(|e| SyncError::Storage(e.to_string()))?
    .map_err(|e| SyncError::Storage(e.to_string()))?;
    state.progress.added += outcome.added;
    state.progress.updated += outcome.updated;
    state.progress.unchanged += outcome.unchanged;
    Ok(())
}

/// Adds a page's set-aside entries and portal messages to the query's notices.
fn note_page(state: &mut QueryState, page: &IngestedPage, path: &str) {
    let count = |k: SetAside| page.set_aside.iter().filter(|s| **s == k).count();
    state.progress.set_aside += page.set_aside.len() as u64;
    let notes = [
        (
            count(SetAside::OtherPatient),
            codes::SET_ASIDE_OTHER_PATIENT,
            "other_patient",
            "records that belong to another patient were set aside, not added to your record",
        ),
        (
            count(SetAside::WrongType),
            codes::SET_ASIDE_WRONG_TYPE,
            "wrong_type",
            "records of a kind that was not asked for were set aside",
        ),
        (
            count(SetAside::Unreadable),
            codes::SET_ASIDE_UNREADABLE,
            "unreadable_entry",
            "entries that are not readable records were set aside",
        ),
        (
            page.portal_messages as usize,
            codes::PORTAL_MESSAGE,
            "portal_message",
            "the portal sent messages about problems on its side instead of some results",
        ),
        (
            page.not_fully_converted as usize,
            codes::NOT_CONVERTED,
            "partly_converted",
            "records from the portal's older FHIR version could not be converted completely; the originals are kept",
        ),
    ];
    for (n, code, error, what) in notes {
        if n == 0 {
            continue;
        }
        // One notice per kind per query, its count kept up to date.
        let severity = if code == codes::SET_ASIDE_OTHER_PATIENT {
            "warning"
        } else {
            "information"
        };
        // One notice per kind per query; its count lives in the state, not in
        // the sentence.
        let total = state.notices.entry(error.to_owned()).or_insert(0);
        *total += n as u64;
        let message = format!("{total} {what}.");
        state.errors.retain(|e| e.error != error);
        state
            .errors
            .push(notice(path, code, error, severity, message));
    }
}

/// The first page: `{base}/{Type}?{params}&_count=N`.
fn first_page(ctx: &RunCtx, q: &PlannedQuery) -> Result<Url, SyncError> {
    let ty = plan::server_type(q.spec.r4_type, ctx.version);
    let mut url = Url::parse(&format!("{}/{ty}", ctx.base.as_str().trim_end_matches('/')))
        .map_err(|_| SyncError::Storage("the connection's address is not valid".to_owned()))?;
    {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in &q.params {
            pairs.append_pair(k, v);
        }
        pairs.append_pair("_count", &ctx.inner.config.page_size.to_string());
    }
    Ok(url)
}

pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Ends a query with `error` (or none): partial when pages were stored.
pub(crate) fn end(ctx: &RunCtx, mut state: QueryState, error: Option<SyncError>, path: &str) {
    if let Some(e) = error {
        // Reasons that end the whole run are reported once, for the run (see
        // `run::finish`), not again in every category they stopped.
        let run_wide = matches!(
            e,
            SyncError::ReconnectNeeded | SyncError::OutOfTime | SyncError::TooManyResources(_)
        );
        if run_wide {
            ctx.stop(e.clone());
        }
        state.progress.state = match e {
            SyncError::Cancelled => CategoryState::Cancelled,
            _ if state.progress.pages > 0 => CategoryState::Partial,
            _ => CategoryState::Failed,
        };
        if !matches!(e, SyncError::Cancelled) && !run_wide {
            let message = friendly(&e, path);
            state.progress.note = Some(message.clone());
            state.errors.push(e.item(path, Some(message)));
        }
    }
    // The run goes on without this query; a failed save is in the report anyway.
    let _ = ctx.save_state(state);
}

/// The sentence a patient reads for an error in one category.
fn friendly(e: &SyncError, path: &str) -> String {
    let what = super::plan::CATEGORY_QUERIES
        .iter()
        .find(|q| plan::seed_name(q.category) == path)
        .map_or("these records", |q| q.category.label());
    match e {
        SyncError::Forbidden { .. } => format!(
            "Your portal does not share {} with Ownchart.",
            what.to_lowercase()
        ),
        _ => e.to_string(),
    }
}
