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
    /// A `Retry-After` value (seconds, or an HTTP date) sent with each `server_errors`
    /// response, as portals do with 503 Service Unavailable.
    pub server_errors_retry_after: Option<String>,
    /// Search pages of this resource type are cut off halfway (invalid JSON, status 200).
    pub malformed_page: Option<String>,
    /// Search pages of this resource type link to each other in a loop: the first page's
    /// `next` is a second page whose `next` is the first page again.
    pub next_link_loop: Option<String>,
    /// Search pages of this resource type are padded to at least this many bytes.
    pub huge_page: Option<HugePage>,
    /// Search pages of this resource type also carry entries that do not belong: a
    /// resource of the type about another patient, a resource of another type (a Patient
    /// in an Observation search; an Observation in a Patient search), an OperationOutcome
    /// with `search.mode = "outcome"` and a resource of a type FHIR does not have.
    pub foreign_entries: Option<String>,
    /// The first search page of a resource type has a `next` link to another origin.
    pub next_link_elsewhere: Option<NextElsewhere>,
    /// Search pages of this resource type send their headers and first bytes, then stall
    /// for this long before the rest (a slowloris page), to test read timeouts.
    pub stall_after_headers: Option<(String, Duration)>,
    /// Search pages of this resource type, when the request accepts gzip, are a gzip bomb:
    /// about 1 MB (`Content-Encoding: gzip`) that inflates to more than 1 GiB of zeros.
    pub gzip_bomb: Option<String>,
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

/// Where the `next` link of the first search page of `resource_type` points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextElsewhere {
    pub resource_type: String,
    pub to: Elsewhere,
}

/// Another origin than the portal's `http://127.0.0.1:PORT`; path and query stay as a
/// real next link's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elsewhere {
    /// `http://127.0.0.2:PORT`: another loopback host, same port (nothing listens there).
    OtherHost,
    /// `https://elsewhere.example`: another domain altogether.
    OtherDomain,
    /// `https://127.0.0.1:PORT`: the same host and port with the scheme changed.
    OtherScheme,
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
