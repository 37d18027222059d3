//! Fault injection: the ways real portals misbehave, switched on at run time so the app's
//! sync engine can be tested against each. All are off by default. The counted faults
//! (429s, 5xx bursts, token expiry, grant revocation) count from the moment
//! [`crate::RunningPortal::set_faults`] is called.

use std::time::Duration;

/// What the portal does wrong, set with [`crate::RunningPortal::set_faults`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// Every request (all endpoints) waits this long before it is handled.
    pub latency: Option<Duration>,
    /// The next FHIR API requests are answered `429 Too Many Requests`.
    pub too_many_requests: Option<TooManyRequests>,
    /// The next FHIR API requests are answered with a server error.
    pub server_errors: Option<ServerErrors>,
    /// Search pages of this resource type are cut off halfway (invalid JSON, status 200).
    pub malformed_page: Option<String>,
    /// Search pages of this resource type link to each other in a loop: the first page's
    /// `next` is a second page whose `next` is the first page again.
    pub next_link_loop: Option<String>,
    /// Search pages of this resource type are padded to at least this many bytes.
    pub huge_page: Option<HugePage>,
    /// Reads and searches of this resource type are refused with 403.
    pub forbidden_type: Option<String>,
    /// Each access token stops working (401) after this many FHIR requests, as if it had
    /// expired in the middle of a sync.
    pub access_token_max_uses: Option<u32>,
    /// After this many authorised FHIR requests the grant behind the next one is revoked
    /// (once): that request and every later use of the grant's tokens fail.
    pub revoke_grant_after_requests: Option<u32>,
    /// The revocation endpoint answers 503.
    pub revocation_unavailable: bool,
}

/// `429` for the next `requests` FHIR requests, each with this `Retry-After` value
/// (seconds such as `"120"`, or an HTTP date).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooManyRequests {
    pub requests: u32,
    pub retry_after: String,
}

/// A burst of `requests` server errors with this status (500, 502, 503, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerErrors {
    pub requests: u32,
    pub status: u16,
}

/// A search page of `resource_type` that is at least `bytes` long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HugePage {
    pub resource_type: String,
    pub bytes: u64,
}

/// The faults and how much of the counted ones is used up.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    pub faults: Faults,
    pub rate_limited_left: u32,
    pub server_errors_left: u32,
    pub authorised_requests: u64,
    pub grant_revoked: bool,
    /// Bumped on every `set_faults`, so token use counts start again from zero.
    pub epoch: u64,
}

impl FaultState {
    pub(crate) fn set(&mut self, faults: Faults) {
        self.rate_limited_left = faults.too_many_requests.as_ref().map_or(0, |t| t.requests);
        self.server_errors_left = faults.server_errors.as_ref().map_or(0, |s| s.requests);
        self.authorised_requests = 0;
        self.grant_revoked = false;
        self.epoch += 1;
        self.faults = faults;
    }
}
