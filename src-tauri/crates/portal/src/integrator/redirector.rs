//! The redirector, the browser's side of the integrator: `outbound` sends the
//! browser to the portal's sign-in page named in `portalURL` and remembers
//! `clientURL`; the portal comes back to `fhir/inbound` with `code` (or an
//! error) and `state`, which are forwarded to that `clientURL` — `state` only
//! for endpoints that return it (seed 002 allows its absence).
//!
//! The portal itself always wants `state` and PKCE: when `portalURL` has no
//! `state` the redirector adds its own, and for endpoints without PKCE it adds
//! its own challenge and keeps the verifier for the token exchange.

use std::time::Instant;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use url::Url;

use super::state::{Flight, IntegratorShared};
use super::Sim;
use crate::flavor::Flavor;
use crate::http::{html_page, redirect_to};
use crate::secret::{random_token, s256};

fn params(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn page(title: &str, message: &str) -> Response {
    html_page(StatusCode::BAD_REQUEST, title, message)
}

/// Where the browser may be sent back to: the app's link, or a web address.
fn acceptable_client_url(url: &Url) -> bool {
    matches!(url.scheme(), "ownchart" | "https" | "http") && url.fragment().is_none()
}

/// `GET {redirector}/outbound/?portalURL=…&clientURL=…`
pub(crate) async fn outbound(State(sim): State<Sim>, RawQuery(query): RawQuery) -> Response {
    let pairs = params(query.as_deref());
    let (Some(portal), Some(client)) = (get(&pairs, "portalURL"), get(&pairs, "clientURL")) else {
        return page(
            "Incomplete request",
            "The app must give both portalURL and clientURL.",
        );
    };
    sim.integrator.count(|s| {
        s.outbound += 1;
        s.last_client_url = Some(client.to_owned());
        s.last_portal_url = Some(portal.to_owned());
    });
    let (Ok(mut portal_url), Ok(client_url)) = (Url::parse(portal), Url::parse(client)) else {
        return page(
            "Bad address",
            "portalURL and clientURL must be full addresses.",
        );
    };
    if !acceptable_client_url(&client_url) {
        return page(
            "Bad address",
            "clientURL cannot be used as a return address.",
        );
    }
    // Never an open redirect: only this portal's sign-in page.
    let authorize = format!("{}/authorize", sim.portal.base(Flavor::R4));
    let without_query = {
        let mut u = portal_url.clone();
        u.set_query(None);
        u.to_string()
    };
    if without_query != authorize {
        return page(
            "Unknown portal",
            "portalURL is not a partner portal's sign-in page.",
        );
    }
    let portal_pairs: Vec<(String, String)> = portal_url.query_pairs().into_owned().collect();
    let Some(endpoint) = get(&portal_pairs, "client_id")
        .and_then(|c| sim.integrator.endpoint_of_client(c))
        .cloned()
    else {
        return page("Unknown portal", "portalURL names no partner registration.");
    };
    let app_challenge = match (
        get(&portal_pairs, "code_challenge_method"),
        get(&portal_pairs, "code_challenge"),
    ) {
        (Some(m), Some(c)) => Some((m.to_owned(), c.to_owned())),
        _ => None,
    };
    let mut added: Vec<(String, String)> = Vec::new();
    let own_verifier = if app_challenge.is_none() && !endpoint.pkce {
        let Ok(verifier) = random_token(32) else {
            return page(
                "Server error",
                "The redirector could not start the sign-in.",
            );
        };
        added.push(("code_challenge".into(), s256(verifier.expose())));
        added.push(("code_challenge_method".into(), "S256".into()));
        Some(verifier.expose().to_owned())
    } else {
        None
    };
    let state = match get(&portal_pairs, "state") {
        Some(s) => s.to_owned(),
        None => {
            let Ok(s) = random_token(24) else {
                return page(
                    "Server error",
                    "The redirector could not start the sign-in.",
                );
            };
            added.push(("state".into(), s.expose().to_owned()));
            s.expose().to_owned()
        }
    };
    if !added.is_empty() {
        portal_url.query_pairs_mut().extend_pairs(added);
    }
    sim.integrator.start_flight(
        &state,
        Flight {
            endpoint_id: endpoint.id.clone(),
            client_url: client_url.to_string(),
            app_challenge,
            own_verifier,
            code: None,
            expires: Instant::now() + IntegratorShared::flight_life(),
        },
    );
    redirect_to(portal_url.as_str())
}

/// `GET {redirector}/fhir/inbound?code=…&state=…` (or `error=…`), from the portal.
pub(crate) async fn inbound(State(sim): State<Sim>, RawQuery(query): RawQuery) -> Response {
    let pairs = params(query.as_deref());
    sim.integrator.count(|s| s.inbound += 1);
    let Some(state) = get(&pairs, "state") else {
        return page("Unknown sign-in", "The portal's answer names no sign-in.");
    };
    let code = get(&pairs, "code");
    let found = sim.integrator.with_flight(state, |f| {
        if let Some(code) = code {
            f.code = Some(crate::secret::digest(code));
        }
        (f.client_url.clone(), f.endpoint_id.clone())
    });
    let Some((client_url, endpoint_id)) = found else {
        return page(
            "Unknown sign-in",
            "This sign-in is not known here (it took too long, or it was already used).",
        );
    };
    let returns_state = sim
        .integrator
        .endpoint(&endpoint_id)
        .is_some_and(|e| e.returns_state);
    let Ok(mut back) = Url::parse(&client_url) else {
        return page("Bad address", "The app's return address is not valid.");
    };
    {
        let mut q = back.query_pairs_mut();
        match code {
            Some(code) => {
                q.append_pair("code", code);
            }
            None => {
                q.append_pair("error", get(&pairs, "error").unwrap_or("server_error"));
                if let Some(d) = get(&pairs, "error_description") {
                    q.append_pair("error_description", d);
                }
            }
        }
        if returns_state {
            q.append_pair("state", state);
        }
    }
    if code.is_none() {
        sim.integrator.forget_flight(state);
    }
    redirect_to(back.as_str())
}
