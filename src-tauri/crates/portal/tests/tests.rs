//! The portal's integration tests: a real portal on 127.0.0.1:0 per test, driven over HTTP
//! the way an app (and the person at the browser) would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod account;
mod authorize;
mod background;
mod binary;
mod client_credentials;
mod discovery;
mod dstu2;
mod dstu2_files;
mod faults;
mod fhir_access;
mod person_cli;
mod refresh;
mod revise;
mod revoke;
mod search;
mod sync_faults;
mod sync_support;
mod token;
