//! The records that other records point to and that a patient needs to read
//! them — the prescriber (Practitioner), the clinic (Organization), the drug
//! (Medication), the place (Location), the visit (Encounter) — and attachments
//! stored as `Binary` on the same server. After the categories, the stored
//! records of this connection are scanned for such references; what is not in
//! the vault yet is fetched by `_id` in batches (or read one by one), same
//! origin only, attachments under their own size cap.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ownchart_fhir::search::parse_page;
use serde_json::value::RawValue;
use serde_json::Value;
use url::Url;

use super::error::{codes, notice, SyncError};
use super::ingest::{ingest_page, ingest_resource, IngestedPage, PageRules};
use super::query::{commit_page, end};
use super::run::{RunCtx, RELATED};
use super::state::QueryState;
use super::types::CategoryState;
use crate::connect::access::with_vault;

/// Types fetched because records point to them.
const REFERENCED: &[&str] = &[
    "Practitioner",
    "Organization",
    "Medication",
    "Location",
    "Encounter",
];
const BATCH: usize = 50;

/// What the scan found.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Wanted {
    /// Missing referenced records, by type.
    pub by_type: BTreeMap<String, BTreeSet<String>>,
    /// Missing `Binary` attachments on the connection's server.
    pub binaries: BTreeSet<String>,
    /// Attachments and references on other servers (not fetched with the token).
    pub elsewhere: u64,
}

pub(crate) async fn fetch_related(ctx: Arc<RunCtx>) {
    let Some(mut state) = ctx.state(RELATED) else {
        return;
    };
    state.progress.state = CategoryState::Running;
    ctx.set_state(state.clone());
    let scan_ctx = ctx.clone();
    let wanted = tokio::task::spawn_blocking(move || scan(&scan_ctx)).await;
    let wanted = match wanted {
        Ok(Ok(w)) => w,
        Ok(Err(e)) => return end(&ctx, state, Some(e), RELATED),
        Err(e) => {
            return end(
                &ctx,
                state,
                Some(SyncError::Storage(e.to_string())),
                RELATED,
            )
        }
    };
    if wanted.elsewhere > 0 {
        state.errors.push(notice(
            RELATED,
            codes::FOREIGN_ATTACHMENT,
            "elsewhere",
            "information",
            format!(
                "{} attachments or references point to other servers; Ownchart does not send your portal sign-in there, so they were not downloaded.",
                wanted.elsewhere
            ),
        ));
    }
    // Every batch and attachment is a job; the run's semaphore bounds how many
    // are in flight, as for the categories.
    let mut jobs: Vec<Job> = Vec::new();
    for (ty, ids) in &wanted.by_type {
        let ids: Vec<String> = ids.iter().cloned().collect();
        for chunk in ids.chunks(BATCH) {
            jobs.push(Job::Batch(ty.clone(), chunk.to_vec()));
        }
    }
    jobs.extend(wanted.binaries.iter().cloned().map(Job::Binary));
    let shared = Arc::new(Shared::new(state));
    let mut tasks = tokio::task::JoinSet::new();
    for job in jobs {
        let (ctx, shared) = (ctx.clone(), shared.clone());
        tasks.spawn(async move {
            match job {
                Job::Batch(ty, ids) => {
                    let ids: Vec<&String> = ids.iter().collect();
                    fetch_batch(&ctx, &shared, &ty, &ids).await
                }
                Job::Binary(id) => fetch_binary(&ctx, &shared, &id).await,
            }
        });
    }
    let mut first_error = None;
    while let Some(done) = tasks.join_next().await {
        let result = done.unwrap_or_else(|e| Err(SyncError::Storage(e.to_string())));
        if let Err(e) = result {
            let stops = matches!(e, SyncError::ReconnectNeeded | SyncError::Cancelled);
            if stops || first_error.is_none() {
                first_error = Some(e);
            }
            if stops {
                tasks.abort_all();
            }
        }
    }
    let mut state = shared.lock().await.clone();
    match first_error {
        Some(e) => end(&ctx, state, Some(e), RELATED),
        None => {
            state.progress.state = CategoryState::Complete;
            end(&ctx, state, None, RELATED);
        }
    }
}

enum Job {
    Batch(String, Vec<String>),
    Binary(String),
}

/// Scans the connection's records for references not yet in the vault.
fn scan(ctx: &RunCtx) -> Result<Wanted, SyncError> {
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut binaries = BTreeSet::new();
    let mut elsewhere = 0u64;
    let base = ctx.base.as_str().trim_end_matches('/').to_owned();
    let source = ctx.source.clone();
    with_vault(ctx.inner.vault.as_ref(), |o| {
        o.vault.scan_resources(&source, &[], &mut |_, _, raw| {
            let Ok(value) = serde_json::from_slice::<Value>(raw) else {
                return;
            };
            walk(&value, &mut |key, text| match classify(key, text, &base) {
                Found::Ref(t, id) => {
                    found.entry(t).or_default().insert(id);
                }
                Found::Binary(id) => {
                    binaries.insert(id);
                }
                Found::Elsewhere => elsewhere += 1,
                Found::Nothing => {}
            });
        })?;
        // Drop what is already stored.
        for (t, ids) in found.iter_mut() {
            let mut kept = BTreeSet::new();
            for id in ids.iter() {
                if !o.vault.has_resource(&source, t, id)? {
                    kept.insert(id.clone());
                }
            }
            *ids = kept;
        }
        let mut missing_binaries = BTreeSet::new();
        for id in &binaries {
            if !o.vault.has_resource(&source, "Binary", id)? {
                missing_binaries.insert(id.clone());
            }
        }
        binaries = missing_binaries;
        Ok(())
    })
    .map_err(|e| SyncError::Storage(e.to_string()))?;
    found.retain(|_, ids| !ids.is_empty());
    Ok(Wanted {
        by_type: found,
        binaries,
        elsewhere,
    })
}

enum Found {
    Ref(String, String),
    Binary(String),
    Elsewhere,
    Nothing,
}

/// Calls `f(key, text)` for every string under a `reference` or `url` key.
fn walk(v: &Value, f: &mut dyn FnMut(&str, &str)) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                match (k.as_str(), child) {
                    ("reference" | "url", Value::String(s)) => f(k, s),
                    _ => walk(child, f),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| walk(i, f)),
        _ => {}
    }
}

fn classify(key: &str, text: &str, base: &str) -> Found {
    let absolute = text.starts_with("http://") || text.starts_with("https://");
    let relative = match text.strip_prefix(base).and_then(|r| r.strip_prefix('/')) {
        Some(r) => r,
        None if absolute => {
            // An absolute link elsewhere: only counted when it names a record
            // or an attachment (extension URLs and code systems are not links).
            let looks = text.contains("/Binary/")
                || REFERENCED.iter().any(|t| text.contains(&format!("/{t}/")));
            return if looks {
                Found::Elsewhere
            } else {
                Found::Nothing
            };
        }
        None => text,
    };
    let mut parts = relative.split('/');
    let (Some(ty), Some(id)) = (parts.next(), parts.next()) else {
        return Found::Nothing;
    };
    let id = id.split(['?', '#']).next().unwrap_or(id);
    if id.is_empty()
        || id.len() > 64
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return Found::Nothing;
    }
    match ty {
        "Binary" if key == "url" || key == "reference" => Found::Binary(id.to_owned()),
        t if key == "reference" && REFERENCED.contains(&t) => {
            Found::Ref(t.to_owned(), id.to_owned())
        }
        _ => Found::Nothing,
    }
}

fn rules<'a>(ctx: &'a RunCtx, ty: &'a str) -> PageRules<'a> {
    PageRules {
        expected_type: ty,
        patient_id: &ctx.patient_id,
        fhir_base: ctx.base.as_str(),
        version: ctx.version,
        dates: None,
        // A visit is the patient's own; clinicians, places and drugs are shared.
        in_patient_compartment: ty == "Encounter",
    }
}

/// Fetches up to `BATCH` records of one type: a search by `_id` when the
/// server can search the type, else one read each.
async fn fetch_batch(
    ctx: &Arc<RunCtx>,
    state: &Shared,
    ty: &str,
    ids: &[&String],
) -> Result<(), SyncError> {
    let base = ctx.base.as_str().trim_end_matches('/');
    if ctx.capabilities.can_search(ty) && ctx.capabilities.search_param(ty, "_id") != Some(false) {
        let joined: Vec<&str> = ids.iter().map(|s| s.as_str()).collect();
        let mut url = Url::parse(&format!("{base}/{ty}"))
            .map_err(|_| SyncError::BadPage("address".into()))?;
        url.query_pairs_mut()
            .append_pair("_id", &joined.join(","))
            .append_pair("_count", &BATCH.to_string());
        let response = ctx
            .get(&url, ctx.inner.http.limits().max_body_bytes)
            .await?;
        let bytes = response.body.len() as u64;
        let c = ctx.clone();
        let t = ty.to_owned();
        let page = tokio::task::spawn_blocking(move || ingest_page(&response.body, &rules(&c, &t)))
            .await
            .map_err(|e| SyncError::Storage(e.to_string()))?
            .map_err(SyncError::BadPage)?;
        return commit(ctx, state, page, bytes).await;
    }
    for id in ids {
        let url = Url::parse(&format!("{base}/{ty}/{id}"))
            .map_err(|_| SyncError::BadPage("address".into()))?;
        let response = match ctx.get(&url, ctx.inner.http.limits().max_body_bytes).await {
            Ok(r) => r,
            Err(SyncError::Http(e)) if matches!(e.status(), Some(404 | 410)) => continue,
            Err(e) => return Err(e),
        };
        let bytes = response.body.len() as u64;
        let page = single(ctx, ty, response.body).await?;
        commit(ctx, state, page, bytes).await?;
    }
    Ok(())
}

/// An attachment, as a `Binary` resource (asked for as FHIR JSON; raw bytes are
/// wrapped into one so they are kept all the same).
async fn fetch_binary(ctx: &Arc<RunCtx>, state: &Shared, id: &str) -> Result<(), SyncError> {
    let base = ctx.base.as_str().trim_end_matches('/');
    let url = Url::parse(&format!("{base}/Binary/{id}"))
        .map_err(|_| SyncError::BadPage("address".into()))?;
    let response = match ctx.get(&url, ctx.inner.config.max_attachment_bytes).await {
        Ok(r) => r,
        Err(SyncError::Http(e)) if matches!(e.status(), Some(404 | 410)) => return Ok(()),
        Err(e) => return Err(e),
    };
    let bytes = response.body.len() as u64;
    let is_json = response
        .content_type
        .as_deref()
        .is_some_and(|c| c.contains("json"));
    let body = if is_json {
        response.body
    } else {
        use base64::Engine;
        let wrapped = serde_json::json!({
            "resourceType": "Binary",
            "id": id,
            "contentType": response.content_type.as_deref().unwrap_or("application/octet-stream"),
            "data": base64::engine::general_purpose::STANDARD.encode(&response.body),
        });
        serde_json::to_vec(&wrapped).map_err(|e| SyncError::Storage(e.to_string()))?
    };
    let page = single(ctx, "Binary", body).await?;
    commit(ctx, state, page, bytes).await
}

/// A single resource (a read) processed like a page of one.
async fn single(ctx: &Arc<RunCtx>, ty: &str, body: Vec<u8>) -> Result<IngestedPage, SyncError> {
    let c = ctx.clone();
    let t = ty.to_owned();
    tokio::task::spawn_blocking(move || -> Result<IngestedPage, SyncError> {
        // A read may also come back as a one-entry Bundle.
        if parse_page(&body).is_ok() {
            return ingest_page(&body, &rules(&c, &t)).map_err(SyncError::BadPage);
        }
        let text = std::str::from_utf8(&body).map_err(|_| SyncError::BadPage("not text".into()))?;
        let raw: &RawValue = serde_json::from_str(text)
            .map_err(|e| SyncError::BadPage(ownchart_fhir::http::describe_json_error(&e)))?;
        let mut out = IngestedPage::default();
        let mut codec =
            ownchart_vault::JsonCodec::new().map_err(|e| SyncError::Storage(e.to_string()))?;
        ingest_resource(raw, &rules(&c, &t), &mut codec, &mut out).map_err(SyncError::Storage)?;
        Ok(out)
    })
    .await
    .map_err(|e| SyncError::Storage(e.to_string()))?
}

/// Commits one fetched page; the lock makes concurrent fetches commit one at a
/// time, each with the counters of all before it.
async fn commit(
    ctx: &Arc<RunCtx>,
    state: &Shared,
    page: IngestedPage,
    bytes: u64,
) -> Result<(), SyncError> {
    let kept = page.rows.len() as u64;
    let mut state = state.lock().await;
    commit_page(ctx, &mut state, page, bytes, RELATED).await?;
    ctx.set_state(state.clone());
    drop(state);
    ctx.count_resources(kept)
}

type Shared = tokio::sync::Mutex<QueryState>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_attachments_are_classified() {
        let base = "https://p.example/fhir";
        assert!(
            matches!(classify("reference", "Practitioner/pr1", base), Found::Ref(t, i) if t == "Practitioner" && i == "pr1")
        );
        assert!(
            matches!(classify("reference", "https://p.example/fhir/Organization/o1", base), Found::Ref(t, _) if t == "Organization")
        );
        assert!(
            matches!(classify("reference", "Encounter/e1/_history/2", base), Found::Ref(_, i) if i == "e1")
        );
        assert!(matches!(
            classify("reference", "Patient/p1", base),
            Found::Nothing
        ));
        assert!(matches!(
            classify("reference", "#contained", base),
            Found::Nothing
        ));
        assert!(matches!(
            classify("reference", "urn:uuid:1234", base),
            Found::Nothing
        ));
        assert!(matches!(classify("url", "Binary/b1", base), Found::Binary(i) if i == "b1"));
        assert!(matches!(
            classify("url", "https://other.example/fhir/Binary/b1", base),
            Found::Elsewhere
        ));
        assert!(matches!(
            classify("url", "http://hl7.org/fhir/StructureDefinition/x", base),
            Found::Nothing
        ));
        let mut seen = Vec::new();
        let v: Value = serde_json::from_str(r#"{"a":{"reference":"Practitioner/1"},"b":[{"attachment":{"url":"Binary/2"}}],"url":"x"}"#).unwrap_or_default();
        walk(&v, &mut |k, t| seen.push(format!("{k}={t}")));
        assert_eq!(seen, ["reference=Practitioner/1", "url=Binary/2", "url=x"]);
    }
}
