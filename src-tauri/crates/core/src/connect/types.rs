//! The connection types that cross IPC (TypeScript bindings are generated from
//! them). None of them carries a token, a code or a secret.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use ownchart_vault::ConnectionRecord;

/// How a connection was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConnectMethod {
    /// The patient signed in at the portal in their browser (SMART standalone launch).
    SmartLogin,
    /// Key and secret the patient generated in their portal (client credentials).
    ApiCredentials,
    /// Through a OneRecord-style integrator (seed 002): its redirector for the
    /// sign-in, its token and resources services for the records.
    Integrator,
}

impl ConnectMethod {
    pub fn key(self) -> &'static str {
        match self {
            ConnectMethod::SmartLogin => "smart_login",
            ConnectMethod::ApiCredentials => "api_credentials",
            ConnectMethod::Integrator => "integrator",
        }
    }

    fn from_key(key: &str) -> ConnectMethod {
        match key {
            "api_credentials" => ConnectMethod::ApiCredentials,
            "integrator" => ConnectMethod::Integrator,
            _ => ConnectMethod::SmartLogin,
        }
    }
}

/// Whether Ownchart can still fetch from the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(export)]
pub enum ConnectionStatus {
    Connected,
    /// The portal's permission ended (expired or revoked); the records already
    /// downloaded stay. Signing in again renews it.
    ReconnectNeeded {
        reason: String,
    },
    /// Something else went wrong the last time Ownchart talked to the portal.
    Error {
        reason: String,
    },
}

pub(crate) const STATUS_CONNECTED: &str = "connected";
pub(crate) const STATUS_RECONNECT: &str = "reconnect_needed";
pub(crate) const STATUS_ERROR: &str = "error";

/// A connection as the Connections screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ConnectionView {
    pub id: String,
    pub portal_name: String,
    pub fhir_base: String,
    pub method: ConnectMethod,
    pub status: ConnectionStatus,
    /// RFC 3339.
    pub connected_at: String,
    /// When the current access ends (RFC 3339), if the portal said.
    pub expires_at: Option<String>,
    pub patient_id: Option<String>,
    pub patient_name: Option<String>,
    /// What the portal actually granted (it may be less than what was asked).
    pub granted_scopes: Vec<String>,
    pub directory_id: Option<String>,
}

impl ConnectionView {
    pub(crate) fn from_record(r: &ConnectionRecord, expires_at: Option<String>) -> Self {
        let reason = || r.status_reason.clone().unwrap_or_default();
        let status = match r.status.as_str() {
            STATUS_RECONNECT => ConnectionStatus::ReconnectNeeded { reason: reason() },
            STATUS_ERROR => ConnectionStatus::Error { reason: reason() },
            _ => ConnectionStatus::Connected,
        };
        ConnectionView {
            id: r.id.clone(),
            portal_name: r.portal_name.clone(),
            fhir_base: r.fhir_base.clone(),
            method: ConnectMethod::from_key(&r.method),
            status,
            connected_at: r.connected_at.clone(),
            expires_at,
            patient_id: r.patient_id.clone(),
            patient_name: r.patient_name.clone(),
            granted_scopes: r
                .granted_scopes
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            directory_id: r.directory_id.clone(),
        }
    }
}

/// What the patient chose to connect to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ConnectTarget {
    /// An entry of the portal directory.
    Directory { id: String },
    /// A FHIR base URL the patient pasted; discovery finds the rest.
    FhirBase { url: String },
}

/// How the portal sends the browser back to Ownchart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RedirectKind {
    /// `ownchart://callback`, handed to the running app by the operating system.
    DeepLink,
    /// `http://127.0.0.1:<port>/callback`, a listener open only while the login is pending.
    Loopback,
    /// An https page the publisher hosts that forwards to the deep link.
    HttpsBounce,
}

/// A login waiting for the patient to finish in their browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LoginStarted {
    pub attempt_id: String,
    pub portal_name: String,
    pub redirect: RedirectKind,
    /// When the attempt gives up (RFC 3339).
    pub expires_at: String,
    /// The sign-in page's origin, so the patient can check where they are sent.
    pub authorize_origin: String,
}

/// How a login ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[ts(export)]
pub enum LoginOutcome {
    Connected { connection: Box<ConnectionView> },
    Failed { code: String, message: String },
    Cancelled,
}

/// The `login-finished` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LoginFinished {
    pub attempt_id: String,
    pub result: LoginOutcome,
}

/// Patient-generated API credentials (seed 004) as the patient pastes them.
#[derive(Clone, Deserialize, TS)]
#[ts(export)]
pub struct ApiCredentialsInput {
    pub fhir_base: String,
    pub key: String,
    pub secret: String,
    pub label: Option<String>,
}

impl std::fmt::Debug for ApiCredentialsInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiCredentialsInput")
            .field("fhir_base", &self.fhir_base)
            .field("key", &self.key)
            .field("secret", &"[redacted]")
            .field("label", &self.label)
            .finish()
    }
}

/// Whether the portal confirmed it ended Ownchart's access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RevocationOutcome {
    Revoked,
    Failed,
    /// The portal offers no revocation endpoint.
    Unsupported,
}

impl RevocationOutcome {
    pub fn key(self) -> &'static str {
        match self {
            RevocationOutcome::Revoked => "ok",
            RevocationOutcome::Failed => "failed",
            RevocationOutcome::Unsupported => "unsupported",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DisconnectReport {
    pub connection_id: String,
    pub remote_revocation: RevocationOutcome,
    /// A sentence for the patient (e.g. to revoke access in the portal themselves).
    pub message: String,
}
