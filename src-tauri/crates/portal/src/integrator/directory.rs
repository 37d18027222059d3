//! The directory service: `GET {directory}/client/endpoint/{clinical|payer}/search/{name-or-zip}`
//! and the no-filter form (`.../search/` or `.../search`), answered with the
//! fields of seed 002's example (`name`, `city`, `state`, `street`, `zip`,
//! `vendor`, `endpointStatus`, `disposition`, `dataType`, `derivedAuthUri`,
//! `redirectUri`, `latitude`, `longitude`, `location`, `_id`, `parent_org`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};
use url::form_urlencoded::byte_serialize;

use super::config::SimEndpoint;
use super::errors::{json_response, refuse};
use super::{device, Sim};
use crate::flavor::Flavor;

/// What a sign-in at every endpoint asks the portal for.
pub(crate) const SCOPES: &str = "launch/patient patient/*.rs offline_access";

fn enc(s: &str) -> String {
    byte_serialize(s.as_bytes()).collect()
}

/// The portal's authorize URL for `endpoint`, as the integrator derived it.
pub(crate) fn derived_auth_uri(sim: &Sim, endpoint: &SimEndpoint) -> String {
    let base = sim.portal.base(Flavor::R4);
    let mut uri = format!(
        "{base}/authorize?client_id={}&redirect_uri={}&response_type=code&scope={}&aud={}",
        enc(&endpoint.client_id()),
        enc(&sim.integrator.inbound_uri()),
        enc(SCOPES),
        enc(&base),
    );
    if endpoint.pkce {
        uri.push_str("&code_challenge_method=S256");
    }
    uri
}

fn entry(sim: &Sim, e: &SimEndpoint) -> Value {
    let derived = derived_auth_uri(sim, e);
    let redirect = format!(
        "{}/redirector/outbound/?portalURL={}",
        sim.integrator.browser_origin,
        enc(&derived)
    );
    json!({
        "name": e.name,
        "city": e.city,
        "state": e.state,
        "street": e.street,
        "zip": e.zip,
        "vendor": e.vendor,
        "endpointStatus": e.endpoint_status,
        "disposition": "1",
        "dataType": e.data_type,
        "derivedAuthUri": derived,
        "redirectUri": redirect,
        "latitude": e.latitude,
        "longitude": e.longitude,
        "location": {"lat": e.latitude, "lon": e.longitude},
        "_id": e.id,
        "parent_org": e.parent_org,
    })
}

fn matches(e: &SimEndpoint, term: &str) -> bool {
    let term = term.trim().to_lowercase();
    term.is_empty() || e.name.to_lowercase().contains(&term) || e.zip.starts_with(&term)
}

fn answer(sim: &Sim, headers: &HeaderMap, kind: &str, term: &str) -> Response {
    if let Err(refused) = device(sim, headers, "/client/endpoint/search") {
        return *refused;
    }
    if kind != "clinical" && kind != "payer" {
        return refuse(
            StatusCode::NOT_FOUND,
            "Not Found",
            "Endpoints are either clinical or payer.",
            "/client/endpoint",
        );
    }
    sim.integrator.count(|s| s.directory_searches += 1);
    let found: Vec<Value> = sim
        .integrator
        .config
        .endpoints
        .iter()
        .filter(|e| e.data_type == kind && matches(e, term))
        .map(|e| entry(sim, e))
        .collect();
    json_response(StatusCode::OK, Value::Array(found).to_string().into_bytes())
}

/// `.../search/{term}`
pub(crate) async fn search(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path((kind, term)): Path<(String, String)>,
) -> Response {
    answer(&sim, &headers, &kind, &term)
}

/// `.../search` and `.../search/`: every endpoint of the kind.
pub(crate) async fn search_all(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(kind): Path<String>,
) -> Response {
    answer(&sim, &headers, &kind, "")
}
