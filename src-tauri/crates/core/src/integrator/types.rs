//! The integrator types that cross IPC (TypeScript bindings are generated from
//! them). The device token and the certificate's key go in once, with the
//! account input, and never come back: the UI sees "set" or "not set".

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::directory::PortalKind;

/// Which client certificate the account presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CertificateKind {
    None,
    /// A PEM certificate and private key.
    Pem,
    /// A PKCS#12 (`.p12`, `.pfx`) file with its password.
    Pkcs12,
}

/// The integrator account as Settings shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct IntegratorAccountView {
    pub configured: bool,
    pub directory_url: String,
    pub integrator_url: String,
    pub redirector_url: String,
    /// The device API access token is stored (it is never shown again).
    pub device_token_set: bool,
    pub certificate: CertificateKind,
    /// RFC 3339, when the account was last saved.
    #[ts(optional)]
    pub updated_at: Option<String>,
}

/// The certificate part of a save.
#[derive(Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum CertificateInput {
    /// Keep the certificate saved before (if any).
    Keep,
    /// No client certificate.
    Remove,
    /// Pasted PEM text: the certificate (chain, leaf first) and its PKCS#8 key.
    Pem {
        certificate_pem: String,
        private_key_pem: String,
    },
    /// A file the patient chose: PKCS#12 (with its password), or PEM holding
    /// both the certificate and the key.
    File {
        path: String,
        #[ts(optional)]
        password: Option<String>,
    },
}

impl std::fmt::Debug for CertificateInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CertificateInput::Keep => "Keep",
            CertificateInput::Remove => "Remove",
            CertificateInput::Pem { .. } => "Pem([redacted])",
            CertificateInput::File { .. } => "File([redacted])",
        })
    }
}

/// What Settings saves.
#[derive(Clone, Deserialize, TS)]
#[ts(export)]
pub struct IntegratorAccountInput {
    pub directory_url: String,
    pub integrator_url: String,
    pub redirector_url: String,
    /// The device API access token; absent or empty keeps the saved one.
    #[ts(optional)]
    pub device_token: Option<String>,
    pub certificate: CertificateInput,
}

impl std::fmt::Debug for IntegratorAccountInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntegratorAccountInput")
            .field("directory_url", &self.directory_url)
            .field("integrator_url", &self.integrator_url)
            .field("redirector_url", &self.redirector_url)
            .field(
                "device_token",
                &self.device_token.as_ref().map(|_| "[redacted]"),
            )
            .field("certificate", &self.certificate)
            .finish()
    }
}

/// A partner portal the integrator's directory lists (seed 002's fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IntegratorEndpoint {
    /// The directory's `_id`.
    pub id: String,
    pub name: String,
    #[ts(optional)]
    pub street: Option<String>,
    #[ts(optional)]
    pub city: Option<String>,
    #[ts(optional)]
    pub state: Option<String>,
    #[ts(optional)]
    pub zip: Option<String>,
    #[ts(optional)]
    pub vendor: Option<String>,
    /// `active`, or what else the directory says.
    #[ts(optional)]
    pub endpoint_status: Option<String>,
    /// `clinical` or `payer`.
    pub data_type: PortalKind,
    #[ts(optional)]
    pub parent_org: Option<String>,
    /// The portal asks for PKCE (`code_challenge_method` in its `derivedAuthUri`).
    pub pkce: bool,
}

/// The integrator's part of a directory search.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct IntegratorSearchResult {
    /// False when no integrator account is set up (nothing was asked).
    pub configured: bool,
    pub entries: Vec<IntegratorEndpoint>,
    /// Why the integrator could not be searched, for the patient.
    #[ts(optional)]
    pub error: Option<String>,
}
