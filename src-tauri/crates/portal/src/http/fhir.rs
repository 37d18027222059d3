//! The FHIR API: read (`GET {base}/{Type}/{id}`) and search (`GET {base}/{Type}?...`),
//! behind a bearer token. 401 (`WWW-Authenticate: Bearer error="invalid_token"`) for a
//! missing, unknown, expired or revoked token; 403 for another patient's data or a type
//! outside the granted scopes; and the request-level faults (429, 5xx bursts, a forbidden
//! type, tokens expiring after N uses, a grant revoked mid-sync). `Binary` reads are
//! answered by [`super::binary`].

use axum::extract::{Path, RawQuery, State};
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_ENCODING, ETAG, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

use super::bundle::{searchset, PageAt, PageFaults};
use super::compress::uncompressed;
use super::foreign;
use super::log::accepts_gzip;
use super::respond::{fhir, invalid_token, outcome};
use super::search::{self, Filters, Refusal};
use crate::auth::store::{Access, BadToken};
use crate::data::Data;
use crate::state::{lock, Ctx};

/// `GET {base}/{Type}`
pub(crate) async fn search(
    State(ctx): State<Ctx>,
    Path(type_name): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let (access, r4_type) = match gate(&ctx, &type_name, &headers, true) {
        Ok(ok) => ok,
        Err(response) => return *response,
    };
    let lenient = headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("handling=lenient"));
    let faults = lock(&ctx.shared.faults).faults.clone();
    let is = |t: &Option<String>| t.as_deref().is_some_and(|t| t == type_name || t == r4_type);
    if is(&faults.gzip_bomb) && accepts_gzip(&headers) {
        return gzip_bomb(ctx.flavor).await;
    }
    let data = ctx.shared.data();
    let (q, matches) = match find(
        &ctx,
        &data,
        access.user,
        &type_name,
        r4_type,
        query.as_deref(),
        lenient,
    ) {
        Ok(ok) => ok,
        Err(refusal) => return refused(&ctx, refusal),
    };
    let page_faults = PageFaults {
        malformed: is(&faults.malformed_page),
        next_loop: is(&faults.next_link_loop),
        huge: faults
            .huge_page
            .as_ref()
            .filter(|h| h.resource_type == type_name || h.resource_type == r4_type)
            .map(|h| h.bytes),
        extra: if is(&faults.foreign_entries) {
            foreign::entries(
                &data,
                access.user,
                ctx.flavor,
                &type_name,
                r4_type,
                &matches,
            )
        } else {
            Vec::new()
        },
        next_elsewhere: faults
            .next_link_elsewhere
            .as_ref()
            .filter(|n| n.resource_type == type_name || n.resource_type == r4_type)
            .map(|n| n.to),
        stall: faults
            .stall_after_headers
            .as_ref()
            .filter(|(t, _)| *t == type_name || t == r4_type)
            .map(|(_, d)| *d),
    };
    let base = ctx.shared.base(ctx.flavor);
    let at = PageAt {
        flavor: ctx.flavor,
        base: &base,
        type_name: &type_name,
        raw_query: query.as_deref(),
    };
    searchset(&at, &matches, &q, &page_faults)
}

/// The gzip bomb: a small gzip body that inflates to more than a gibibyte.
async fn gzip_bomb(flavor: crate::flavor::Flavor) -> Response {
    let made = tokio::task::spawn_blocking(super::bomb::body).await;
    let Ok(Some(bytes)) = made else {
        return super::respond::internal_error();
    };
    let mut r = fhir(flavor, StatusCode::OK, bytes);
    r.headers_mut()
        .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    uncompressed(r)
}

/// The page a search asks for and all its matches.
fn find<'d>(
    ctx: &Ctx,
    data: &'d Data,
    user: usize,
    type_name: &str,
    r4_type: &str,
    query: Option<&str>,
    lenient: bool,
) -> Result<(search::Query, Vec<&'d crate::data::Stored>), Refusal> {
    let q = search::parse(type_name, query)?;
    // A page link's parameters were checked when its first page was asked for.
    let filters = Filters::parse(r4_type, &q.params, lenient || q.from_page_link)?;
    let matches = search::run(data, user, ctx.flavor, r4_type, &filters)?;
    Ok((q, matches))
}

/// `GET {base}/{Type}/{id}`
pub(crate) async fn read(
    State(ctx): State<Ctx>,
    Path((type_name, id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let format = url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "_format")
        .map(|(_, v)| v.into_owned());
    if type_name == "Binary" {
        return super::binary::read(&ctx, &id, &headers, format.as_deref());
    }
    let (access, r4_type) = match gate(&ctx, &type_name, &headers, false) {
        Ok(ok) => ok,
        Err(response) => return *response,
    };
    if format.is_some_and(|f| !search::is_json_format(&f)) {
        return refused(&ctx, Refusal::NotAcceptable);
    }
    let data = ctx.shared.data();
    let found = data.find(r4_type, &id);
    let Some((user, stored)) = found else {
        return outcome(
            ctx.flavor,
            StatusCode::NOT_FOUND,
            "not-found",
            &format!("There is no {type_name} with this id."),
        );
    };
    if user != access.user {
        return refused(
            &ctx,
            Refusal::Forbidden("This access does not cover another patient's records.".into()),
        );
    }
    let Some(json) = stored.json(ctx.flavor) else {
        return outcome(
            ctx.flavor,
            StatusCode::NOT_FOUND,
            "not-found",
            &format!("There is no {type_name} with this id."),
        );
    };
    let mut r = fhir(ctx.flavor, StatusCode::OK, json.get().to_owned());
    if let Some(v) = stored
        .version_id
        .as_ref()
        .and_then(|v| HeaderValue::from_str(&format!("W/\"{v}\"")).ok())
    {
        r.headers_mut().insert(ETAG, v);
    }
    r
}

pub(super) fn refused(ctx: &Ctx, refusal: Refusal) -> Response {
    match refusal {
        Refusal::Bad(m) => outcome(ctx.flavor, StatusCode::BAD_REQUEST, "invalid", &m),
        Refusal::Forbidden(m) => outcome(ctx.flavor, StatusCode::FORBIDDEN, "forbidden", &m),
        Refusal::NotAcceptable => outcome(
            ctx.flavor,
            StatusCode::NOT_ACCEPTABLE,
            "not-supported",
            "This server only sends FHIR JSON.",
        ),
    }
}

/// Whether the `Accept` header allows JSON (a missing header does).
fn accepts_json(headers: &HeaderMap) -> bool {
    let values: Vec<&str> = headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    values.is_empty()
        || values.iter().flat_map(|v| v.split(',')).any(|range| {
            let media = range
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            matches!(
                media.as_str(),
                "*/*"
                    | "application/*"
                    | "application/fhir+json"
                    | "application/json"
                    | "application/json+fhir"
            )
        })
}

/// Everything a FHIR request must pass before it is answered: faults that come first, the
/// Accept header, the bearer token, the type, and the scopes.
fn gate(
    ctx: &Ctx,
    type_name: &str,
    headers: &HeaderMap,
    search: bool,
) -> Result<(Access, &'static str), Box<Response>> {
    let flavor = ctx.flavor;
    let (access, forbidden) = admit(ctx, type_name, headers, true)?;
    let Some(r4_type) = flavor.r4_type_of(type_name) else {
        return Err(Box::new(outcome(
            flavor,
            StatusCode::NOT_FOUND,
            "not-supported",
            &format!("This server has no resource type \"{type_name}\"."),
        )));
    };
    allowed(
        ctx,
        &access,
        type_name,
        r4_type,
        forbidden.as_deref(),
        search,
    )?;
    Ok((access, r4_type))
}

/// The forbidden-type fault and the scopes.
pub(super) fn allowed(
    ctx: &Ctx,
    access: &Access,
    type_name: &str,
    r4_type: &str,
    forbidden: Option<&str>,
    search: bool,
) -> Result<(), Box<Response>> {
    if forbidden.is_some_and(|t| t == type_name || t == r4_type) {
        return Err(Box::new(outcome(
            ctx.flavor,
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!("Access to {type_name} is not allowed."),
        )));
    }
    if !access.scopes.allows(type_name, search) {
        return Err(Box::new(outcome(
            ctx.flavor,
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!("The app was not given access to {type_name}."),
        )));
    }
    Ok(())
}

/// What every FHIR request passes first: the counted faults, the Accept header (when
/// `json_only`), the bearer token and the grant-revocation fault. Returns the access and
/// the type the forbidden-type fault names, if any.
pub(super) fn admit(
    ctx: &Ctx,
    type_name: &str,
    headers: &HeaderMap,
    json_only: bool,
) -> Result<(Access, Option<String>), Box<Response>> {
    let flavor = ctx.flavor;
    ctx.shared.count(|s| {
        s.fhir_requests += 1;
        *s.fhir_requests_by_type
            .entry(type_name.to_owned())
            .or_default() += 1;
    });
    let (max_uses, epoch, forbidden) = {
        let mut f = lock(&ctx.shared.faults);
        if f.rate_limited_left > 0 {
            f.rate_limited_left -= 1;
            let retry_after = f
                .faults
                .too_many_requests
                .as_ref()
                .map(|t| t.retry_after.clone())
                .unwrap_or_default();
            drop(f);
            let mut r = outcome(
                flavor,
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                "Too many requests; try again later.",
            );
            if let Ok(v) = HeaderValue::from_str(&retry_after) {
                r.headers_mut().insert(RETRY_AFTER, v);
            }
            return Err(Box::new(r));
        }
        if f.server_errors_left > 0 {
            f.server_errors_left -= 1;
            let status = f
                .faults
                .server_errors
                .as_ref()
                .and_then(|s| StatusCode::from_u16(s.status).ok())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let retry_after = f.faults.server_errors_retry_after.clone();
            drop(f);
            let mut r = outcome(
                flavor,
                status,
                "transient",
                "The server had a temporary problem.",
            );
            if let Some(v) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                r.headers_mut().insert(RETRY_AFTER, v);
            }
            return Err(Box::new(r));
        }
        (
            f.faults.access_token_max_uses,
            f.epoch,
            f.faults.forbidden_type.clone(),
        )
    };
    if json_only && !accepts_json(headers) {
        return Err(Box::new(refused(ctx, Refusal::NotAcceptable)));
    }
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let Some(token) = bearer else {
        ctx.shared.count(|s| s.fhir_without_bearer += 1);
        return Err(Box::new(invalid_token(
            flavor,
            "An access token is required.",
        )));
    };
    let checked = lock(&ctx.shared.auth).use_access_token(&token, flavor, max_uses, epoch);
    let access = match checked {
        Ok(a) => a,
        Err(bad) => {
            ctx.shared.count(|s| s.fhir_with_bad_bearer += 1);
            let why = match bad {
                BadToken::Unknown => "The access token is not valid.",
                BadToken::Expired => "The access token has expired.",
                BadToken::Revoked => "The access token has been revoked.",
                BadToken::OtherBase => "The access token was issued for another FHIR server.",
            };
            return Err(Box::new(invalid_token(flavor, why)));
        }
    };
    if revoke_now(ctx) {
        lock(&ctx.shared.auth).revoke_grant(access.grant);
        return Err(Box::new(invalid_token(
            flavor,
            "The access token has been revoked.",
        )));
    }
    Ok((access, forbidden))
}

/// Counts an authorised request and says whether the grant-revocation fault fires on it.
fn revoke_now(ctx: &Ctx) -> bool {
    let mut f = lock(&ctx.shared.faults);
    f.authorised_requests += 1;
    match f.faults.revoke_grant_after_requests {
        Some(n) if !f.grant_revoked && f.authorised_requests > u64::from(n) => {
            f.grant_revoked = true;
            true
        }
        _ => false,
    }
}
