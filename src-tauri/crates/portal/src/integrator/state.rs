//! What the simulator remembers: sign-ins passing through the redirector
//! ("flights", found by the `state` the portal saw and, after the portal
//! answered, by the code), asynchronous transactions and their cached results,
//! settings tests change at run time, and counters for tests. Secrets are kept
//! as SHA-256 digests.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::config::{IntegratorConfig, SimEndpoint};
use crate::secret::digest;
use crate::state::lock;

/// A sign-in the redirector sent to the portal.
pub(crate) struct Flight {
    pub endpoint_id: String,
    pub client_url: String,
    /// The app's PKCE challenge found in `portalURL` (method, challenge).
    pub app_challenge: Option<(String, String)>,
    /// For portals without PKCE, the redirector's own verifier (the portal
    /// itself always wants PKCE; the app never sees this one).
    pub own_verifier: Option<String>,
    /// Digest of the code the portal sent back, once it did.
    pub code: Option<String>,
    pub expires: Instant,
}

/// An asynchronous query.
pub(crate) struct Transaction {
    pub device: String,
    pub polls: u32,
    pub ready_after: u32,
    /// When the result first became available (the cache lifetime starts then).
    pub ready_at: Option<Instant>,
    /// The answer's HTTP status and body.
    pub status: u16,
    pub body: Vec<u8>,
}

/// What tests read to see what the app did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntegratorStats {
    pub directory_searches: u64,
    /// Calls refused for a missing or wrong device token.
    pub device_token_refusals: u64,
    pub outbound: u64,
    pub inbound: u64,
    /// The last `clientURL` the redirector was given.
    pub last_client_url: Option<String>,
    /// The last `portalURL` the redirector was given.
    pub last_portal_url: Option<String>,
    pub code_exchanges: u64,
    pub refreshes: u64,
    pub token_errors: u64,
    /// Code exchanges whose PKCE verifier was checked against the challenge
    /// the redirector saw.
    pub pkce_checked: u64,
    /// Whether the last code exchange carried `state`.
    pub last_exchange_had_state: Option<bool>,
    pub sync_queries: u64,
    pub async_queries: u64,
    pub polls: u64,
    /// `resources` of the last query, as sent (absent: all).
    pub last_resources: Option<Vec<String>>,
    /// `params` of the last query, as sent.
    pub last_params: Option<String>,
}

/// Run-time settings.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    pub polls_before_ready: u32,
    pub cache_ttl: Duration,
}

pub(crate) struct IntegratorShared {
    pub config: IntegratorConfig,
    /// Where the directory and integrator API listen (`https://` with mutual TLS).
    pub api_origin: String,
    /// Where the redirector listens (plain http on loopback: the browser's side).
    pub browser_origin: String,
    flights: Mutex<HashMap<String, Flight>>,
    transactions: Mutex<HashMap<String, Transaction>>,
    pub stats: Mutex<IntegratorStats>,
    pub settings: Mutex<Settings>,
}

/// How long a sign-in may take between the redirector and the portal's answer.
const FLIGHT_LIFE: Duration = Duration::from_secs(15 * 60);

impl IntegratorShared {
    pub(crate) fn new(
        config: IntegratorConfig,
        api_origin: String,
        browser_origin: String,
    ) -> IntegratorShared {
        let settings = Settings {
            polls_before_ready: config.polls_before_ready,
            cache_ttl: config.cache_ttl,
        };
        IntegratorShared {
            config,
            api_origin,
            browser_origin,
            flights: Mutex::default(),
            transactions: Mutex::default(),
            stats: Mutex::default(),
            settings: Mutex::new(settings),
        }
    }

    pub(crate) fn count(&self, update: impl FnOnce(&mut IntegratorStats)) {
        update(&mut lock(&self.stats));
    }

    pub(crate) fn endpoint(&self, id: &str) -> Option<&SimEndpoint> {
        self.config.endpoints.iter().find(|e| e.id == id)
    }

    pub(crate) fn endpoint_of_client(&self, client_id: &str) -> Option<&SimEndpoint> {
        self.config
            .endpoints
            .iter()
            .find(|e| e.client_id() == client_id)
    }

    /// The redirector's inbound address, registered at the portal for every
    /// endpoint.
    pub(crate) fn inbound_uri(&self) -> String {
        format!("{}/redirector/fhir/inbound", self.browser_origin)
    }

    pub(crate) fn device_ok(&self, presented: &str) -> bool {
        digest(presented) == digest(&self.config.device_token)
    }

    pub(crate) fn start_flight(&self, state: &str, flight: Flight) {
        let now = Instant::now();
        let mut flights = lock(&self.flights);
        flights.retain(|_, f| f.expires > now);
        flights.insert(digest(state), flight);
    }

    /// Runs `f` on the live flight whose portal `state` this is.
    pub(crate) fn with_flight<T>(
        &self,
        state: &str,
        f: impl FnOnce(&mut Flight) -> T,
    ) -> Option<T> {
        let now = Instant::now();
        let mut flights = lock(&self.flights);
        flights
            .get_mut(&digest(state))
            .filter(|fl| fl.expires > now)
            .map(f)
    }

    /// Takes the flight that received `code` (and, when given, has this `state`).
    pub(crate) fn take_flight_by_code(&self, code: &str, state: Option<&str>) -> Option<Flight> {
        let now = Instant::now();
        let code = digest(code);
        let mut flights = lock(&self.flights);
        let key = match state {
            Some(s) => Some(digest(s)).filter(|k| {
                flights
                    .get(k)
                    .is_some_and(|f| f.code.as_deref() == Some(code.as_str()))
            }),
            None => flights
                .iter()
                .find(|(_, f)| f.code.as_deref() == Some(code.as_str()))
                .map(|(k, _)| k.clone()),
        }?;
        flights.remove(&key).filter(|f| f.expires > now)
    }

    pub(crate) fn forget_flight(&self, state: &str) {
        lock(&self.flights).remove(&digest(state));
    }

    pub(crate) fn add_transaction(&self, id: &str, t: Transaction) {
        let ttl = lock(&self.settings).cache_ttl;
        let now = Instant::now();
        let mut all = lock(&self.transactions);
        all.retain(|_, t| t.ready_at.is_none_or(|r| r + ttl > now));
        all.insert(id.to_owned(), t);
    }

    /// One poll of a transaction: `None` when it is unknown, another device's,
    /// or its result expired; `Some(None)` while it is not there yet; else its
    /// answer. The result becomes available at the `ready_after`-th poll (at
    /// once when that is 0), answers from the next poll on, and stays
    /// `cache_ttl` from when it became available.
    pub(crate) fn poll(&self, id: &str, device: &str) -> Option<Option<(u16, Vec<u8>)>> {
        let ttl = lock(&self.settings).cache_ttl;
        let now = Instant::now();
        let mut all = lock(&self.transactions);
        let t = all.get_mut(id).filter(|t| t.device == device)?;
        if t.ready_at.is_some_and(|r| r + ttl <= now) {
            all.remove(id);
            return None;
        }
        if t.ready_at.is_none() {
            t.polls += 1;
            if t.polls >= t.ready_after {
                t.ready_at = Some(now);
            }
            return Some(None);
        }
        Some(Some((t.status, t.body.clone())))
    }

    pub(crate) fn flight_life() -> Duration {
        FLIGHT_LIFE
    }
}
