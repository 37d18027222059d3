//! Patient-generated API credentials (seed 004): a key and a secret a patient creates in
//! the portal and gives to an app, which trades them for an access token with the
//! client-credentials grant. The secret is shown once; the portal keeps only its digest.

use crate::secret::Secret;

/// A key and secret, as the patient copies them from the portal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiCredentials {
    /// The client id of the credentials (not secret).
    pub key: String,
    pub secret: Secret,
}

/// What the portal remembers of issued credentials.
#[derive(Clone, Debug)]
pub(crate) struct CredentialRecord {
    pub key: String,
    pub secret_digest: String,
    pub label: String,
    pub user: usize,
    /// RFC 3339, for the account page.
    pub created: String,
}
