//! Fetching records through the integrator: `POST {integrator}/fhir/resources/{endpoint-id}`
//! answers at once; `POST .../fhir/async/resources/{endpoint-id}` starts a
//! transaction (its id in the body and in `OneRecord-Transaction-ID`) whose
//! result `GET .../fhir/cache/retrieve/{transactionId}` hands out after a few
//! polls, then keeps for the cache's lifetime.
//!
//! The body is `{patientId, oauthToken, resources, params: {fromTime, toTime,
//! excludeUndatedEntries}}` with seed 002's 16 resource names (`Vitals` and
//! `Labs` are Observation categories). The answer is `{errorData, fhirVersion,
//! contentType, payload}`; the payload is a FHIR R4 Bundle of type `collection`
//! from the portal's records, each resource byte-for-byte as the portal serves
//! it. A resource the endpoint fails on becomes an `errorData` item whose
//! `path` is its name.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::{error_data, item, json_response, refuse};
use super::state::Transaction;
use super::{device, Sim, SimEndpoint};
use crate::data::{parse_date, Span, Stored};
use crate::flavor::Flavor;
use crate::secret::random_token;
use crate::state::lock;

/// Seed 002's resource names, in its order.
pub const RESOURCE_NAMES: [&str; 16] = [
    "Patient",
    "Immunization",
    "AllergyIntolerance",
    "MedicationRequest",
    "MedicationStatement",
    "Vitals",
    "Labs",
    "DiagnosticReport",
    "Condition",
    "Procedure",
    "FamilyMemberHistory",
    "DocumentReference",
    "CareTeam",
    "CarePlan",
    "ExplanationOfBenefit",
    "Coverage",
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Query {
    patient_id: Option<String>,
    oauth_token: Option<String>,
    resources: Option<Vec<String>>,
    params: Option<Params>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(rename_all = "camelCase")]
struct Params {
    from_time: Option<String>,
    to_time: Option<String>,
    #[serde(default)]
    exclude_undated_entries: bool,
}

/// What a checked query asks for.
struct Checked {
    user: usize,
    endpoint: SimEndpoint,
    names: Vec<String>,
    params: Params,
}

const PATH: &str = "/fhir/resources";

/// Checks the device, the endpoint, the patient token and the patient.
fn check(
    sim: &Sim,
    headers: &HeaderMap,
    endpoint_id: &str,
    body: &[u8],
) -> Result<Checked, Box<Response>> {
    device(sim, headers, PATH)?;
    let endpoint = sim
        .integrator
        .endpoint(endpoint_id)
        .cloned()
        .ok_or_else(|| {
            refuse(
                StatusCode::NOT_FOUND,
                "Not Found",
                "There is no such endpoint.",
                PATH,
            )
        })?;
    let query: Query = serde_json::from_slice(body).map_err(|_| {
        Box::new(refuse(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "The body must be JSON with oauthToken.",
            PATH,
        ))
    })?;
    let token = query.oauth_token.as_deref().unwrap_or("");
    let access = {
        let mut auth = lock(&sim.portal.auth);
        auth.use_access_token(token, Flavor::R4, None, 0)
            .ok()
            .filter(|a| {
                auth.grant(a.grant)
                    .is_some_and(|g| g.client_id == endpoint.client_id())
            })
    };
    let Some(access) = access else {
        return Err(Box::new(refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "The patient access token is not valid for this endpoint (expired, revoked or unknown).",
            "oauthToken",
        )));
    };
    let patient = sim.portal.patient_id(access.user);
    if query
        .patient_id
        .as_deref()
        .is_some_and(|p| !p.is_empty() && p != patient)
    {
        return Err(Box::new(refuse(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "This access token does not cover that patient.",
            "patientId",
        )));
    }
    let names = query
        .resources
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| RESOURCE_NAMES.iter().map(|s| (*s).to_owned()).collect());
    let params = query.params.unwrap_or_default();
    sim.integrator.count(|s| {
        s.last_resources = Some(names.clone());
        s.last_params = Some(format!("{params:?}"));
    });
    Ok(Checked {
        user: access.user,
        endpoint,
        names,
        params,
    })
}

/// The R4 type and Observation category of a resource name.
fn type_of(name: &str) -> Option<(&'static str, Option<&'static str>)> {
    match name {
        "Vitals" => Some(("Observation", Some("vital-signs"))),
        "Labs" => Some(("Observation", Some("laboratory"))),
        other => RESOURCE_NAMES
            .iter()
            .find(|n| **n == other && !matches!(other, "Vitals" | "Labs"))
            .map(|n| (*n, None)),
    }
}

fn in_range(s: &Stored, from: Option<Span>, to: Option<Span>, exclude_undated: bool) -> bool {
    if s.r4_type == "Patient" {
        return true;
    }
    match s.index.clinical {
        None => !exclude_undated,
        Some(span) => {
            from.is_none_or(|f| span.end > f.start) && to.is_none_or(|t| span.start < t.end)
        }
    }
}

/// The whole answer of a query: status and JSON body.
fn run(sim: &Sim, q: &Checked) -> (StatusCode, Vec<u8>) {
    let mut errors = Vec::new();
    let from = q.params.from_time.as_deref().map(parse_date);
    let to = q.params.to_time.as_deref().map(parse_date);
    if matches!(from, Some(None)) || matches!(to, Some(None)) {
        let body = json!({"errorData": error_data(vec![item(400, "Bad Request", "fromTime and toTime must be FHIR dates or instants.", "params")])});
        return (StatusCode::BAD_REQUEST, body.to_string().into_bytes());
    }
    let (from, to) = (from.flatten(), to.flatten());
    let base = sim.portal.base(Flavor::R4);
    let data = sim.portal.data();
    let Some(record) = data.records.get(q.user) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, Vec::new());
    };
    let mut entries: Vec<String> = Vec::new();
    for name in &q.names {
        let Some((ty, category)) = type_of(name) else {
            errors.push(item(
                400,
                "Bad Request",
                &format!("{name} is not a resource this service can fetch."),
                name,
            ));
            continue;
        };
        if q.endpoint.failing.iter().any(|f| f == name) {
            errors.push(item(
                502,
                "Bad Gateway",
                &format!("The partner portal failed to return {name}."),
                name,
            ));
            continue;
        }
        for s in record.resources.iter().filter(|s| s.r4_type == ty) {
            if category.is_some_and(|c| !s.index.categories.iter().any(|t| t.code == c)) {
                continue;
            }
            if !in_range(s, from, to, q.params.exclude_undated_entries) {
                continue;
            }
            let Some(raw) = s.json(Flavor::R4) else {
                continue;
            };
            let full_url = json!(format!("{base}/{ty}/{}", s.id));
            entries.push(format!(
                "{{\"fullUrl\":{full_url},\"resource\":{}}}",
                raw.get()
            ));
        }
    }
    drop(data);
    let payload = format!(
        "{{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"total\":{},\"entry\":[{}]}}",
        entries.len(),
        entries.join(",")
    );
    let body = format!(
        "{{\"errorData\":{},\"fhirVersion\":\"4.0.1\",\"contentType\":\"application/fhir+json\",\"payload\":{payload}}}",
        error_data(errors)
    );
    (StatusCode::OK, body.into_bytes())
}

/// `POST {integrator}/fhir/resources/{endpoint-id}`
pub(crate) async fn sync(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(endpoint_id): Path<String>,
    body: Bytes,
) -> Response {
    let checked = match check(&sim, &headers, &endpoint_id, &body) {
        Ok(c) => c,
        Err(refused) => return *refused,
    };
    sim.integrator.count(|s| s.sync_queries += 1);
    let (status, body) = run(&sim, &checked);
    json_response(status, body)
}

/// `POST {integrator}/fhir/async/resources/{endpoint-id}`
pub(crate) async fn start(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(endpoint_id): Path<String>,
    body: Bytes,
) -> Response {
    let checked = match check(&sim, &headers, &endpoint_id, &body) {
        Ok(c) => c,
        Err(refused) => return *refused,
    };
    sim.integrator.count(|s| s.async_queries += 1);
    let Ok(id) = random_token(24).map(|t| uuid_like(t.expose())) else {
        return refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
            "The query could not be started.",
            PATH,
        );
    };
    let (status, result) = run(&sim, &checked);
    let ready_after = lock(&sim.integrator.settings).polls_before_ready;
    sim.integrator.add_transaction(
        &id,
        Transaction {
            device: sim.integrator.config.device_id.clone(),
            polls: 0,
            ready_after,
            ready_at: (ready_after == 0).then(std::time::Instant::now),
            status: status.as_u16(),
            body: result,
        },
    );
    let answer = json!({
        "errorData": Value::Null,
        "transactionId": id,
        "deviceId": sim.integrator.config.device_id,
    });
    let mut response = json_response(StatusCode::OK, answer.to_string().into_bytes());
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert("OneRecord-Transaction-ID", value);
    }
    response
}

/// `GET {integrator}/fhir/cache/retrieve/{transactionId}`
pub(crate) async fn retrieve(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(transaction_id): Path<String>,
) -> Response {
    const RETRIEVE: &str = "/fhir/cache/retrieve";
    if let Err(refused) = device(&sim, &headers, RETRIEVE) {
        return *refused;
    }
    sim.integrator.count(|s| s.polls += 1);
    match sim
        .integrator
        .poll(&transaction_id, &sim.integrator.config.device_id)
    {
        None => refuse(
            StatusCode::NOT_FOUND,
            "Not Found",
            "No result for this transaction: it is unknown, or its result expired (results are kept for two hours).",
            RETRIEVE,
        ),
        Some(None) => {
            let body = json!({
                "errorData": error_data(vec![item(202, "Accepted", "The result is not available yet; ask again later.", RETRIEVE)]),
                "fhirVersion": Value::Null,
                "contentType": Value::Null,
                "payload": Value::Null,
            });
            json_response(StatusCode::ACCEPTED, body.to_string().into_bytes())
        }
        Some(Some((status, body))) => json_response(
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            body,
        ),
    }
}

/// 32 of 32 random base64url characters, as hex digits shaped like a UUID (8-4-4-4-12), as the
/// seed's ids look.
fn uuid_like(random: &str) -> String {
    let hex: String = random
        .bytes()
        .map(|b| format!("{:x}", b % 16))
        .take(32)
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
