//! The OneRecord-style integrator connector (seeds 002 and 003): a second kind
//! of connection beside direct SMART. An integrator account (Settings) names
//! the directory, integrator and redirector services, holds the device API
//! access token and optionally a mutual-TLS client certificate used on every
//! integrator call. Through it the patient finds partner portals (directory
//! search, merged into Ownchart's), signs in at the portal via the redirector
//! (the `redirectUri` prepared with `clientURL` and, when asked, PKCE), and
//! Ownchart gets a patient token from the integrator, refreshes it, and
//! downloads records with synchronous or asynchronous queries that feed the
//! same store path as a direct sync (`sync::integrator`).
//!
//! A connection made this way has `method = integrator` and a row in
//! `integrator_connections` naming its endpoint. Architecture invariant as in
//! `connect`: the device token, patient tokens, codes, verifiers and `state`
//! never leave this module except into the vault or to the integrator.

mod account;
mod authorize;
pub(crate) mod client;
mod directory;
mod error;
mod login;
mod refresh;
mod types;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

pub(crate) use error::clean as clean_text;
pub use error::IntegratorError;
pub use types::*;

use client::{EndpointFull, IntegratorClient};
pub(crate) use login::return_nonce;
use login::PendingIntegratorLogin;

use crate::connect::access::with_vault;
use crate::connect::Connector;

/// What the connector keeps for the integrator between calls.
#[derive(Default)]
pub(crate) struct IntegratorState {
    /// The client of the saved account, rebuilt when the account changes
    /// (keyed by a digest of everything in it).
    client: Mutex<Option<([u8; 32], Arc<IntegratorClient>)>>,
    /// Endpoints the last directory searches returned, by `_id`.
    endpoints: Mutex<HashMap<String, EndpointFull>>,
    /// Sign-ins waiting for the browser, by SHA-256 of their return nonce.
    pending: Mutex<HashMap<[u8; 32], PendingIntegratorLogin>>,
}

fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A digest of the account, so a changed account gets a new client.
fn fingerprint(record: &ownchart_vault::IntegratorAccountRecord) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [
        record.directory_url.as_bytes(),
        record.integrator_url.as_bytes(),
        record.redirector_url.as_bytes(),
        record.device_token.as_bytes(),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    match &record.certificate {
        None => h.update(b"none"),
        Some(ownchart_vault::IntegratorCertificate::Pem {
            certificate_chain,
            private_key,
        }) => {
            h.update(b"pem");
            h.update(certificate_chain);
            h.update(private_key.as_slice());
        }
        Some(ownchart_vault::IntegratorCertificate::Pkcs12 { archive, password }) => {
            h.update(b"pkcs12");
            h.update(archive.as_slice());
            h.update(password.as_bytes());
        }
    }
    h.finalize().into()
}

impl Connector {
    /// The client of the saved integrator account.
    pub(crate) fn integrator_client(&self) -> Result<Arc<IntegratorClient>, IntegratorError> {
        let record = with_vault(self.vault_access(), |o| Ok(o.vault.integrator_account()?))
            .map_err(|e| IntegratorError::BadAccount(e.to_string()))?
            .ok_or(IntegratorError::NotConfigured)?;
        let stamp = fingerprint(&record);
        let state = self.integrator_state();
        let mut cached = guard(&state.client);
        if let Some((saved, client)) = cached.as_ref() {
            if *saved == stamp {
                return Ok(client.clone());
            }
        }
        let client = Arc::new(account::client_for(
            &record,
            self.config().http,
            &self.config().integrator_trusted_roots_pem,
        )?);
        *cached = Some((stamp, client.clone()));
        Ok(client)
    }
}
