//! `POST {integrator}/fhir/auth/{endpoint-id}/token`: the patient access token.
//! With `{state?, authorizationCode, authorizationCodeVerifier?}` the code the
//! redirector saw come back is exchanged at the portal — the verifier checked
//! first against the challenge the redirector saw in `portalURL` —; with
//! `{refreshToken}` the portal's refresh token is used (and rotated). The answer
//! is seed 002's `{patId, token, tokenExpires, refreshToken, endpointId}`,
//! `tokenExpires` a string of seconds and `patId` left out for endpoints whose
//! tokens embed the patient.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::errors::{json_response, refuse};
use super::{device, Sim};
use crate::auth::scopes::Scopes;
use crate::auth::store::Issued;
use crate::flavor::Flavor;
use crate::http::token::{redeem_code, rotate_refresh};
use crate::secret::s256;
use crate::state::Ctx;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenBody {
    state: Option<String>,
    authorization_code: Option<String>,
    authorization_code_verifier: Option<String>,
    refresh_token: Option<String>,
}

const PATH: &str = "/fhir/auth/token";

fn invalid_grant(message: &str) -> Response {
    refuse(StatusCode::BAD_REQUEST, "invalid_grant", message, PATH)
}

pub(crate) async fn token(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Path(endpoint_id): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(refused) = device(&sim, &headers, PATH) {
        return *refused;
    }
    let Some(endpoint) = sim.integrator.endpoint(&endpoint_id).cloned() else {
        return refuse(
            StatusCode::NOT_FOUND,
            "Not Found",
            "There is no such endpoint.",
            PATH,
        );
    };
    let Ok(request) = serde_json::from_slice::<TokenBody>(&body) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "The body must be JSON with authorizationCode or refreshToken.",
            PATH,
        );
    };
    let ctx = Ctx {
        shared: sim.portal.clone(),
        flavor: Flavor::R4,
    };
    let client_id = endpoint.client_id();
    let outcome = match (&request.refresh_token, &request.authorization_code) {
        (Some(refresh), None) => {
            sim.integrator.count(|s| s.refreshes += 1);
            rotate_refresh(&ctx, Some(&client_id), refresh, None)
        }
        (None, Some(code)) => {
            sim.integrator.count(|s| {
                s.code_exchanges += 1;
                s.last_exchange_had_state = Some(request.state.is_some());
            });
            let Some(flight) = sim
                .integrator
                .take_flight_by_code(code, request.state.as_deref())
                .filter(|f| f.endpoint_id == endpoint.id)
            else {
                sim.integrator.count(|s| s.token_errors += 1);
                return invalid_grant(
                    "The authorization code (and state) match no sign-in through the redirector.",
                );
            };
            let verifier = match (&flight.app_challenge, &flight.own_verifier) {
                (Some((method, challenge)), _) => {
                    let Some(v) = request.authorization_code_verifier.as_deref() else {
                        sim.integrator.count(|s| s.token_errors += 1);
                        return invalid_grant(
                            "This portal uses PKCE: authorizationCodeVerifier is required.",
                        );
                    };
                    let computed = match method.as_str() {
                        "S256" => s256(v),
                        _ => v.to_owned(),
                    };
                    sim.integrator.count(|s| s.pkce_checked += 1);
                    if computed != *challenge {
                        sim.integrator.count(|s| s.token_errors += 1);
                        return invalid_grant(
                            "authorizationCodeVerifier does not match the code_challenge.",
                        );
                    }
                    v.to_owned()
                }
                (None, Some(own)) => own.clone(),
                (None, None) => String::new(),
            };
            let inbound = sim.integrator.inbound_uri();
            redeem_code(&ctx, &client_id, code, &inbound, &verifier)
        }
        _ => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "Bad Request",
                "Send either authorizationCode or refreshToken.",
                PATH,
            )
        }
    };
    match outcome {
        Ok((issued, scopes, user)) => answer(&sim, &endpoint, &issued, &scopes, user),
        Err((error, description)) => {
            sim.integrator.count(|s| s.token_errors += 1);
            refuse(StatusCode::BAD_REQUEST, error, &description, PATH)
        }
    }
}

fn answer(
    sim: &Sim,
    endpoint: &super::SimEndpoint,
    issued: &Issued,
    _scopes: &Scopes,
    user: usize,
) -> Response {
    let mut body = Map::new();
    if endpoint.includes_patient_id {
        body.insert("patId".into(), json!(sim.portal.patient_id(user)));
    }
    body.insert("token".into(), json!(issued.access_token.expose()));
    body.insert(
        "tokenExpires".into(),
        json!(sim
            .portal
            .config
            .lifetimes
            .access_token
            .as_secs()
            .to_string()),
    );
    if let Some(r) = &issued.refresh_token {
        body.insert("refreshToken".into(), json!(r.expose()));
    }
    body.insert("endpointId".into(), json!(endpoint.id));
    json_response(StatusCode::OK, Value::Object(body).to_string().into_bytes())
}
