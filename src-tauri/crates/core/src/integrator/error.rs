//! What goes wrong talking to an integrator, in words a patient can read. An
//! integrator's own messages (`errorData`) are shown bounded and without control
//! characters; no token, code or verifier is ever part of a message.

use ownchart_fhir::http::HttpError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntegratorError {
    #[error("No integrator account is set up. Add it in Settings first.")]
    NotConfigured,
    #[error("The integrator account is not usable: {0}")]
    BadAccount(String),
    #[error("The integrator did not accept this device's API access token. Check the integrator account in Settings.")]
    DeviceRejected,
    /// The patient's access token was refused (expired or revoked).
    #[error("The integrator did not accept the portal's access for this connection.")]
    TokenRejected,
    /// The refresh token or code was refused: the patient must sign in again.
    #[error("The portal's access through the integrator has ended: {0}")]
    AccessEnded(String),
    #[error(
        "The integrator no longer has the result of this query (results are kept for two hours)."
    )]
    Expired,
    #[error("The integrator refused the request (HTTP {status}): {message}")]
    Refused { status: u16, message: String },
    #[error("The integrator sent an answer Ownchart could not read ({0}).")]
    Malformed(String),
    #[error("The integrator's result did not arrive in time; try again later.")]
    TimedOut,
    #[error("{0}")]
    Http(HttpError),
}

impl IntegratorError {
    /// The stable code the UI and the command line branch on.
    pub fn code(&self) -> &'static str {
        match self {
            IntegratorError::NotConfigured => "integrator_not_configured",
            IntegratorError::BadAccount(_) => "integrator_account",
            IntegratorError::DeviceRejected => "integrator_device_rejected",
            IntegratorError::TokenRejected | IntegratorError::AccessEnded(_) => "reconnect_needed",
            IntegratorError::Expired => "integrator_result_expired",
            IntegratorError::Http(HttpError::InsecureUrl { .. }) => "insecure_url",
            IntegratorError::Refused { .. }
            | IntegratorError::Malformed(_)
            | IntegratorError::TimedOut
            | IntegratorError::Http(_) => "integrator_unreachable",
        }
    }
}

impl From<HttpError> for IntegratorError {
    fn from(e: HttpError) -> Self {
        IntegratorError::Http(e)
    }
}

/// An integrator's words, safe to show: bounded, no control characters.
pub(crate) fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(300).collect()
}
