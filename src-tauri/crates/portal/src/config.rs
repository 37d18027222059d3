//! What a portal is made of: its patients (users with a synthetic record each), the apps
//! registered with it, and how long its codes and tokens live. `Default` is the built-in demo.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// The whole configuration of one portal.
#[derive(Clone, Debug)]
pub struct PortalConfig {
    /// The patients who can sign in; each has their own synthetic record.
    pub users: Vec<PortalUser>,
    /// The apps allowed to ask for access, with their redirect URIs.
    pub clients: Vec<ClientRegistration>,
    pub lifetimes: Lifetimes,
    /// The port on 127.0.0.1 to listen on; `None` lets the OS choose a free one.
    pub port: Option<u16>,
    /// Whether a client-credentials token response names the patient (some portals omit it).
    pub include_patient_in_client_credentials: bool,
    /// Grant fewer scopes than asked: only the types in [`FEWER_SCOPE_TYPES`], so an app
    /// can be tested against a portal that narrows what it may read.
    pub grant_fewer_scopes: bool,
    /// Also run the OneRecord-style integrator simulator (seeds 002, 003) in front of
    /// this portal ([`crate::RunningPortal::integrator`]).
    pub integrator: Option<crate::integrator::IntegratorConfig>,
}

/// The only resource types granted when [`PortalConfig::grant_fewer_scopes`] is set (R4
/// names; on the DSTU2 base, MedicationRequest is MedicationOrder).
pub const FEWER_SCOPE_TYPES: &[&str] = &[
    "Patient",
    "AllergyIntolerance",
    "Condition",
    "Immunization",
    "MedicationRequest",
    "Observation",
];

impl Default for PortalConfig {
    fn default() -> Self {
        PortalConfig {
            users: vec![PortalUser::new("demo", "demo", 1, 300)],
            clients: vec![ClientRegistration::public(
                "ownchart",
                &[
                    "ownchart://callback",
                    "http://127.0.0.1/callback",
                    "http://[::1]/callback",
                    "https://ownchart.app/oauth/callback",
                ],
            )],
            lifetimes: Lifetimes::default(),
            port: None,
            include_patient_in_client_credentials: true,
            grant_fewer_scopes: false,
            integrator: None,
        }
    }
}

impl PortalConfig {
    /// The demo configuration with these users instead of the single demo user.
    pub fn with_users(users: Vec<PortalUser>) -> PortalConfig {
        PortalConfig {
            users,
            ..PortalConfig::default()
        }
    }
}

/// A patient's portal account and the record behind it: synthetic, or read from DSTU2
/// Bundle files.
#[derive(Clone)]
pub struct PortalUser {
    pub username: String,
    pub password: String,
    /// The `ownchart-synth` seed of the record; the same seed always gives the same record.
    pub seed: u64,
    /// How many resources the record holds (the first is the Patient).
    pub resources: usize,
    /// When not empty, the record is these FHIR DSTU2 Bundle files instead (served on the
    /// DSTU2 base only); `seed` and `resources` are then not used.
    pub dstu2_bundles: Vec<PathBuf>,
}

impl PortalUser {
    pub fn new(username: &str, password: &str, seed: u64, resources: usize) -> PortalUser {
        PortalUser {
            username: username.to_owned(),
            password: password.to_owned(),
            seed,
            resources,
            dstu2_bundles: Vec::new(),
        }
    }

    /// A user whose record is a FHIR DSTU2 Bundle file (a Synthea export, say).
    pub fn from_dstu2_bundle(username: &str, password: &str, path: PathBuf) -> PortalUser {
        PortalUser::from_dstu2_bundles(username, password, vec![path])
    }

    /// A user whose record is these FHIR DSTU2 Bundle files together.
    pub fn from_dstu2_bundles(username: &str, password: &str, paths: Vec<PathBuf>) -> PortalUser {
        PortalUser {
            username: username.to_owned(),
            password: password.to_owned(),
            seed: 0,
            resources: 0,
            dstu2_bundles: paths,
        }
    }

    /// Whether the record comes from DSTU2 files.
    pub fn is_from_files(&self) -> bool {
        !self.dstu2_bundles.is_empty()
    }
}

impl fmt::Debug for PortalUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PortalUser")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .field("seed", &self.seed)
            .field("resources", &self.resources)
            .field("dstu2_bundles", &self.dstu2_bundles)
            .finish()
    }
}

/// An app registered with the portal.
#[derive(Clone)]
pub struct ClientRegistration {
    pub client_id: String,
    /// Matched exactly, except that a loopback `http://127.0.0.1/...` or `http://[::1]/...`
    /// URI accepts any port (RFC 8252 §7.3).
    pub redirect_uris: Vec<String>,
    /// `None` for a public client (PKCE only), `Some` for a confidential one.
    pub client_secret: Option<String>,
}

impl ClientRegistration {
    /// A public client: no secret, PKCE required.
    pub fn public(client_id: &str, redirect_uris: &[&str]) -> ClientRegistration {
        ClientRegistration {
            client_id: client_id.to_owned(),
            redirect_uris: redirect_uris.iter().map(|u| (*u).to_owned()).collect(),
            client_secret: None,
        }
    }
}

impl fmt::Debug for ClientRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("client_id", &self.client_id)
            .field("redirect_uris", &self.redirect_uris)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// How long what the portal issues stays valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetimes {
    pub access_token: Duration,
    /// Each refresh token lives this long from when it was issued (rotation renews it).
    pub refresh_token: Duration,
    pub authorization_code: Duration,
    /// How long a person has to sign in and consent after the app sent them.
    pub login: Duration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes {
            access_token: Duration::from_secs(3600),
            refresh_token: Duration::from_secs(90 * 24 * 3600),
            authorization_code: Duration::from_secs(60),
            login: Duration::from_secs(15 * 60),
        }
    }
}
