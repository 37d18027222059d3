//! Logins waiting for the patient to come back from the browser. Each is found
//! only by its `state` (kept as a SHA-256, so lookups compare digests, not the
//! secret) and taken out on first use: a second callback with the same state
//! finds nothing (TM-09, O-03).

use std::collections::HashMap;
use std::time::Instant;

use ownchart_fhir::secret::Secret;
use ownchart_fhir::smart::ServerInfo;
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;
use url::Url;

use super::target::PortalTarget;
use super::types::RedirectKind;

pub(crate) struct PendingLogin {
    pub attempt_id: String,
    pub verifier: Secret,
    pub redirect_uri: Url,
    pub redirect: RedirectKind,
    pub portal: PortalTarget,
    pub server: ServerInfo,
    pub client_id: String,
    pub expires: Instant,
    /// The connection this login renews, if it is a reconnect.
    pub reconnect_of: Option<String>,
    /// Closes the loopback listener when the attempt ends any other way.
    pub stop_listener: Option<oneshot::Sender<()>>,
}

#[derive(Default)]
pub(crate) struct PendingLogins {
    by_state: HashMap<[u8; 32], PendingLogin>,
}

fn digest(state: &str) -> [u8; 32] {
    Sha256::digest(state.as_bytes()).into()
}

impl PendingLogins {
    pub fn insert(&mut self, state: &Secret, login: PendingLogin) {
        self.by_state.insert(digest(state.expose()), login);
    }

    /// Takes the login this `state` belongs to; it cannot be taken twice.
    pub fn take_by_state(&mut self, state: &str) -> Option<PendingLogin> {
        self.by_state.remove(&digest(state))
    }

    pub fn take_by_attempt(&mut self, attempt_id: &str) -> Option<PendingLogin> {
        let key = self
            .by_state
            .iter()
            .find(|(_, l)| l.attempt_id == attempt_id)
            .map(|(k, _)| *k)?;
        self.by_state.remove(&key)
    }

    pub fn len(&self) -> usize {
        self.by_state.len()
    }
}
