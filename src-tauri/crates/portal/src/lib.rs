//! Ownchart's demo and test portal: a strict SMART on FHIR patient portal on 127.0.0.1,
//! serving synthetic records from `ownchart-synth` as FHIR R4 (`/fhir/r4`) and DSTU2
//! (`/fhir/dstu2`).
//!
//! The app's tests run against it, and the app starts it in-process as the built-in demo
//! portal, so it behaves like a careful real portal: SMART App Launch v2 discovery, a real
//! sign-in form and consent page, authorization codes bound to PKCE S256 and used once,
//! rotating refresh tokens with reuse detection, RFC 7009 revocation, patient-generated API
//! credentials (client credentials), FHIR search with paging, `Binary` attachments and
//! gzip. Records can also come from DSTU2 Bundle files ([`PortalUser::from_dstu2_bundle`])
//! and change at run time ([`RunningPortal::revise`]). Fault injection
//! ([`Faults`]) reproduces what goes wrong with real portals, and [`PortalStats`] lets
//! tests see what an app did. With [`PortalConfig::integrator`] it also simulates a
//! OneRecord-style integrator in front of it (directory, redirector, integrator
//! tokens, sync and asynchronous queries, optional mutual TLS: [`Integrator`]). [`person`] is the scripted "person at the browser".
//!
//! ```no_run
//! # fn main() -> ownchart_portal::Result<()> {
//! use ownchart_portal::{PortalConfig, RunningPortal};
//! let portal = RunningPortal::start_background(PortalConfig::default())?;
//! println!("Connect to {} and sign in as demo / demo", portal.fhir_base_r4());
//! # Ok(())
//! # }
//! ```

mod auth;
mod config;
mod data;
mod error;
mod faults;
mod flavor;
mod http;
mod integrator;
pub mod person;
mod running;
mod secret;
mod state;
mod stats;

pub use auth::credentials::ApiCredentials;
pub use config::{ClientRegistration, Lifetimes, PortalConfig, PortalUser, FEWER_SCOPE_TYPES};
pub use error::{PortalError, Result};
pub use faults::{Elsewhere, Faults, HugePage, NextElsewhere, ServerErrors, TooManyRequests};
pub use integrator::{
    Integrator, IntegratorConfig, IntegratorStats, PemPair, ServerTls, SimEndpoint, TestPki,
    RESOURCE_NAMES,
};
pub use running::{Portal, RunningPortal};
pub use secret::Secret;
pub use stats::{FhirRequest, PortalStats, QueryParams, Revocation, TokenKind, TokenRequestCounts};
