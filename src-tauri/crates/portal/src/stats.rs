//! What happened at the portal, for tests to check what an app really did: how many
//! requests of each kind, refresh-token reuse, revocations, the last authorize request and
//! whether FHIR requests came without a valid bearer token.

use std::collections::BTreeMap;
use std::fmt;

/// A snapshot of the portal's counters ([`crate::RunningPortal::stats`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PortalStats {
    pub authorize_requests: u64,
    /// Sign-in form submissions, and those with a wrong username or password.
    pub login_attempts: u64,
    pub login_failures: u64,
    pub consents_allowed: u64,
    pub consents_denied: u64,
    pub token_requests: TokenRequestCounts,
    /// Token requests answered with an OAuth error.
    pub token_errors: u64,
    /// A refresh token that had already been rotated was presented again.
    pub refresh_token_reuse_detections: u64,
    /// An authorization code was presented a second time.
    pub code_reuse_detections: u64,
    pub revoke_requests: u64,
    /// Every revocation request, in order.
    pub revocations: Vec<Revocation>,
    pub discovery_requests: u64,
    pub metadata_requests: u64,
    /// Reads and searches on either FHIR base.
    pub fhir_requests: u64,
    pub fhir_requests_by_type: BTreeMap<String, u64>,
    /// FHIR requests without an `Authorization: Bearer` header.
    pub fhir_without_bearer: u64,
    /// FHIR requests whose bearer token was unknown, expired (also by the
    /// `access_token_max_uses` fault), revoked or for another base.
    pub fhir_with_bad_bearer: u64,
    /// The query parameters of the last authorize request, as received.
    pub last_authorize: Option<QueryParams>,
    /// Successful reads of `Binary/{id}` attachments.
    pub binary_reads: u64,
    /// Every FHIR read and search on either base, in order, as answered.
    pub fhir_log: Vec<FhirRequest>,
}

/// One FHIR read or search as the portal saw and answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FhirRequest {
    pub method: String,
    /// The path without the query, e.g. `/fhir/r4/Observation`.
    pub path: String,
    /// The query parameters, in order (a page link has only `_page`).
    pub query: QueryParams,
    /// The type in the path, e.g. `Observation` or `Binary`.
    pub resource_type: String,
    pub status: u16,
    /// Whether the request said `Accept-Encoding: gzip`.
    pub accepts_gzip: bool,
}

impl FhirRequest {
    /// Whether this was a search (not a read of one resource).
    pub fn is_search(&self) -> bool {
        self.path.rsplit('/').next() == Some(self.resource_type.as_str())
    }
}

/// Token requests by `grant_type`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenRequestCounts {
    pub authorization_code: u64,
    pub refresh_token: u64,
    pub client_credentials: u64,
    /// Missing or unsupported grant types.
    pub other: u64,
}

/// One request to the revocation endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revocation {
    pub token_type_hint: Option<String>,
    /// What the token turned out to be, if the portal knew it.
    pub revoked: Option<TokenKind>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

/// Query parameters in the order received. `Debug` hides the values of `state` and
/// `code_challenge`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct QueryParams(pub Vec<(String, String)>);

impl QueryParams {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for QueryParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (k, v) in &self.0 {
            let shown = if matches!(k.as_str(), "state" | "code_challenge") {
                "[redacted]"
            } else {
                v.as_str()
            };
            list.entry(&format_args!("{k}={shown}"));
        }
        list.finish()
    }
}
