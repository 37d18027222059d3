//! The portal's HTTP surface: one router per FHIR base (R4 and DSTU2) with discovery,
//! OAuth and the FHIR API, plus the home and account pages at the origin, all behind the
//! latency fault, the FHIR request log and gzip compression.

pub(crate) mod account;
mod authorize;
mod binary;
mod bomb;
mod bundle;
mod client_auth;
mod compress;
mod discovery;
mod fhir;
mod foreign;
mod form;
mod log;
mod pages;
mod respond;
mod revoke;
mod search;
pub(crate) mod token;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::flavor::Flavor;
use crate::state::{lock, Ctx, Shared};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut app = Router::new()
        .route("/", get(home))
        .route("/account", get(account::show).post(account::act));
    for flavor in Flavor::ALL {
        let base = Router::new()
            .route(
                "/.well-known/smart-configuration",
                get(discovery::smart_configuration),
            )
            .route("/metadata", get(discovery::metadata))
            .route("/authorize", get(authorize::start))
            .route("/login", post(authorize::login))
            .route("/consent", post(authorize::consent))
            .route("/token", post(token::token))
            .route("/revoke", post(revoke::revoke))
            .route("/{resource_type}", get(fhir::search))
            .route("/{resource_type}/{id}", get(fhir::read))
            .with_state(Ctx {
                shared: shared.clone(),
                flavor,
            });
        app = app.nest(flavor.path(), base);
    }
    app.fallback(not_found)
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            log::fhir_log,
        ))
        .layer(compress::layer())
        .layer(middleware::from_fn_with_state(shared.clone(), latency))
        .with_state(shared)
}

/// An error page (the redirector's, for requests it cannot act on).
pub(crate) fn html_page(status: StatusCode, title: &str, message: &str) -> Response {
    respond::html(status, pages::error(title, message))
}

/// A `302` to `location`.
pub(crate) fn redirect_to(location: &str) -> Response {
    respond::redirect(location)
}

async fn home(State(shared): State<Arc<Shared>>) -> Response {
    respond::html(
        StatusCode::OK,
        pages::home(&shared.base(Flavor::R4), &shared.base(Flavor::Dstu2)),
    )
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not found.").into_response()
}

/// The latency fault: every request waits before it is handled.
async fn latency(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let delay = lock(&shared.faults).faults.latency;
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    next.run(request).await
}
