//! A simulator of a OneRecord-style integrator (seeds 002 and 003), served by
//! the portal beside its own SMART endpoints so an app can be tested end to end:
//!
//! - the directory service (`{api}/directory/v1/client/endpoint/{clinical|payer}/search/{term}`),
//! - the redirector (`{browser}/redirector/outbound/`, `{browser}/redirector/fhir/inbound`),
//! - the integrator service (`{api}/integrator/v1/fhir/auth/{id}/token`,
//!   `.../fhir/resources/{id}`, `.../fhir/async/resources/{id}`,
//!   `.../fhir/cache/retrieve/{transactionId}`).
//!
//! Every directory and integrator call needs the device token as a Bearer
//! (401 otherwise). With [`IntegratorConfig::tls`], the API listens with rustls
//! and requires a client certificate from the configured CA; the redirector is
//! the browser's side and stays plain http on loopback. The partner portals are
//! this portal's R4 base under one client registration per endpoint; records
//! come from the portal's own data.

mod auth;
mod config;
mod directory;
mod errors;
mod pki;
mod redirector;
mod resources;
mod state;
pub(crate) mod tls;

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

pub use config::{IntegratorConfig, ServerTls, SimEndpoint};
pub use pki::{PemPair, TestPki};
pub use resources::RESOURCE_NAMES;
pub(crate) use state::IntegratorShared;
pub use state::IntegratorStats;

use crate::state::{lock, Shared};

/// What the simulator's handlers share: the portal and the integrator's state.
#[derive(Clone)]
pub(crate) struct Sim {
    pub portal: Arc<Shared>,
    pub integrator: Arc<IntegratorShared>,
}

/// The device token check of every API call.
pub(crate) fn device(sim: &Sim, headers: &HeaderMap, path: &str) -> Result<(), Box<Response>> {
    let presented = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match presented {
        Some(token) if sim.integrator.device_ok(token) => Ok(()),
        _ => {
            sim.integrator.count(|s| s.device_token_refusals += 1);
            Err(Box::new(errors::refuse(
                StatusCode::UNAUTHORIZED,
                "invalid_device_token",
                "The device's API access token is missing or not valid.",
                path,
            )))
        }
    }
}

/// The directory and integrator API.
pub(crate) fn api_router(sim: Sim) -> Router {
    Router::new()
        .route(
            "/directory/v1/client/endpoint/{kind}/search",
            get(directory::search_all),
        )
        .route(
            "/directory/v1/client/endpoint/{kind}/search/",
            get(directory::search_all),
        )
        .route(
            "/directory/v1/client/endpoint/{kind}/search/{term}",
            get(directory::search),
        )
        .route(
            "/integrator/v1/fhir/auth/{endpoint_id}/token",
            post(auth::token),
        )
        .route(
            "/integrator/v1/fhir/resources/{endpoint_id}",
            post(resources::sync),
        )
        .route(
            "/integrator/v1/fhir/async/resources/{endpoint_id}",
            post(resources::start),
        )
        .route(
            "/integrator/v1/fhir/cache/retrieve/{transaction_id}",
            get(resources::retrieve),
        )
        .with_state(sim)
}

/// The redirector, where the browser goes.
pub(crate) fn browser_router(sim: Sim) -> Router {
    Router::new()
        .route("/redirector/outbound/", get(redirector::outbound))
        .route("/redirector/outbound", get(redirector::outbound))
        .route("/redirector/fhir/inbound", get(redirector::inbound))
        .with_state(sim)
}

/// The running simulator, as tests and the command line see it.
#[derive(Clone)]
pub struct Integrator {
    pub(crate) inner: Arc<IntegratorShared>,
}

impl std::fmt::Debug for Integrator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Integrator")
            .field("api", &self.inner.api_origin)
            .field("browser", &self.inner.browser_origin)
            .finish()
    }
}

impl Integrator {
    /// The directory service's base (`{api}/directory/v1`).
    pub fn directory_base(&self) -> String {
        format!("{}/directory/v1", self.inner.api_origin)
    }

    /// The integrator service's base (`{api}/integrator/v1`).
    pub fn integrator_base(&self) -> String {
        format!("{}/integrator/v1", self.inner.api_origin)
    }

    /// The redirector's base (`{browser}/redirector`).
    pub fn redirector_base(&self) -> String {
        format!("{}/redirector", self.inner.browser_origin)
    }

    /// `https://127.0.0.1:PORT` with mutual TLS, else `http://127.0.0.1:PORT`.
    pub fn api_origin(&self) -> &str {
        &self.inner.api_origin
    }

    pub fn device_token(&self) -> &str {
        &self.inner.config.device_token
    }

    pub fn endpoints(&self) -> &[SimEndpoint] {
        &self.inner.config.endpoints
    }

    pub fn stats(&self) -> IntegratorStats {
        lock(&self.inner.stats).clone()
    }

    /// Asynchronous results from now on answer after `n` "not yet" polls.
    pub fn set_polls_before_ready(&self, n: u32) {
        lock(&self.inner.settings).polls_before_ready = n;
    }

    /// How long results stay in the cache from now on.
    pub fn set_cache_ttl(&self, ttl: std::time::Duration) {
        lock(&self.inner.settings).cache_ttl = ttl;
    }
}
