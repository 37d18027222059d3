//! What the integrator simulator is made of: the device token it accepts, the
//! partner endpoints its directory lists (each one a registration of the
//! integrator at this portal, with its own behaviour), how asynchronous queries
//! behave, and the optional mutual TLS of its API.

use std::fmt;
use std::time::Duration;

/// The simulator's whole configuration ([`crate::PortalConfig::integrator`]).
#[derive(Clone)]
pub struct IntegratorConfig {
    /// The device's API access token every directory and integrator call must
    /// carry as `Authorization: Bearer` (seed 002).
    pub device_token: String,
    /// The `deviceId` async answers name.
    pub device_id: String,
    pub endpoints: Vec<SimEndpoint>,
    /// An asynchronous query's result is there from this poll on (the first
    /// `polls_before_ready` polls answer "not yet").
    pub polls_before_ready: u32,
    /// How long a result stays in the cache once it is there (the seed's two
    /// hours; tests shorten it).
    pub cache_ttl: Duration,
    /// When set, the directory and integrator API listen with TLS and require a
    /// client certificate issued by `client_ca_pem`.
    pub tls: Option<ServerTls>,
}

impl fmt::Debug for IntegratorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntegratorConfig")
            .field("device_token", &"[redacted]")
            .field("device_id", &self.device_id)
            .field("endpoints", &self.endpoints)
            .field("polls_before_ready", &self.polls_before_ready)
            .field("cache_ttl", &self.cache_ttl)
            .field("tls", &self.tls.is_some())
            .finish()
    }
}

impl Default for IntegratorConfig {
    /// The demo set: a PKCE portal that returns `state`, one without PKCE or
    /// `state` that leaves `patId` out, one whose Coverage and
    /// ExplanationOfBenefit fail, and a payer.
    fn default() -> Self {
        IntegratorConfig {
            device_token: "demo-device-token".to_owned(),
            device_id: "ownchart-demo-device".to_owned(),
            endpoints: vec![
                SimEndpoint::new(
                    "8e9cb0f7-f920-49c3-ad23-b54b8a9ebe9f",
                    "Epic New",
                    "clinical",
                ),
                SimEndpoint {
                    pkce: false,
                    returns_state: false,
                    includes_patient_id: false,
                    vendor: "Cerner".to_owned(),
                    city: "Kansas City".to_owned(),
                    state: "MO".to_owned(),
                    street: "2800 Rockcreek Pkwy".to_owned(),
                    zip: "64117".to_owned(),
                    ..SimEndpoint::new(
                        "1b7d4a2e-55c1-4e0f-9f1a-3c2b6d8e9a01",
                        "Cerner Plain",
                        "clinical",
                    )
                },
                SimEndpoint {
                    failing: vec!["Coverage".to_owned(), "ExplanationOfBenefit".to_owned()],
                    vendor: "athenahealth".to_owned(),
                    city: "Watertown".to_owned(),
                    state: "MA".to_owned(),
                    street: "311 Arsenal St".to_owned(),
                    zip: "02472".to_owned(),
                    ..SimEndpoint::new(
                        "5c0f9e3a-7d2b-4a61-8e4f-0b1c2d3e4f50",
                        "Athena Partial",
                        "clinical",
                    )
                },
                SimEndpoint {
                    vendor: "Humana".to_owned(),
                    city: "Louisville".to_owned(),
                    state: "KY".to_owned(),
                    street: "500 W Main St".to_owned(),
                    zip: "40202".to_owned(),
                    ..SimEndpoint::new(
                        "9a8b7c6d-1e2f-4a3b-8c9d-0e1f2a3b4c5d",
                        "Humana Payer",
                        "payer",
                    )
                },
            ],
            polls_before_ready: 2,
            cache_ttl: Duration::from_secs(2 * 3600),
            tls: None,
        }
    }
}

/// One partner portal the directory lists. They all sign in at this portal's R4
/// base; what differs is how the integrator and the portal behave for them.
#[derive(Clone, Debug)]
pub struct SimEndpoint {
    /// The directory's `_id`.
    pub id: String,
    pub name: String,
    /// `clinical` or `payer`.
    pub data_type: String,
    pub vendor: String,
    pub street: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    /// `active` (the seed's example) or anything else a directory may say.
    pub endpoint_status: String,
    pub parent_org: String,
    pub latitude: f64,
    pub longitude: f64,
    /// The portal asks for PKCE: `code_challenge_method=S256` is in the
    /// endpoint's `derivedAuthUri`, the app must put a challenge in `portalURL`
    /// and send its verifier with the code.
    pub pkce: bool,
    /// The redirector passes `state` back to the app's `clientURL` (some portals
    /// do not: seed 002 says it may be omitted).
    pub returns_state: bool,
    /// The token answer carries `patId` (some FHIR servers embed the patient in
    /// their token, so the integrator leaves it out).
    pub includes_patient_id: bool,
    /// Resource names (seed 002's, e.g. `Coverage`) this endpoint fails to
    /// return: each becomes an error in `errorData`.
    pub failing: Vec<String>,
}

impl SimEndpoint {
    /// An active Epic-like clinical endpoint with PKCE, `state` and `patId`.
    pub fn new(id: &str, name: &str, data_type: &str) -> SimEndpoint {
        SimEndpoint {
            id: id.to_owned(),
            name: name.to_owned(),
            data_type: data_type.to_owned(),
            vendor: "Epic".to_owned(),
            street: "1979 Milky Way".to_owned(),
            city: "Verona".to_owned(),
            state: "WI".to_owned(),
            zip: "53593".to_owned(),
            endpoint_status: "active".to_owned(),
            parent_org: "Sandbox".to_owned(),
            latitude: 42.995075,
            longitude: -89.567826,
            pkce: true,
            returns_state: true,
            includes_patient_id: true,
            failing: Vec::new(),
        }
    }

    /// The client id the integrator is registered under at the portal for this
    /// endpoint (one registration per partner portal).
    pub fn client_id(&self) -> String {
        format!("onerecord-{}", self.id)
    }
}

/// The API's TLS: its certificate and key, and the CA whose client
/// certificates it accepts (all PEM).
#[derive(Clone)]
pub struct ServerTls {
    pub certificate_chain_pem: String,
    pub private_key_pem: String,
    pub client_ca_pem: String,
}

impl fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerTls([redacted])")
    }
}
