//! Why connecting, refreshing or disconnecting failed. Messages are sentences a
//! patient can read; none carries a token, a code, a state value or a URL query.

use ownchart_fhir::http::HttpError;
use ownchart_fhir::smart::{AuthorizeError, DiscoveryError, TokenError};
use ownchart_fhir::ReadError;

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("{0}")]
    Insecure(String),
    #[error("The portal could not be reached or did not answer as a SMART on FHIR portal: {0}")]
    Portal(String),
    #[error("This sign-in answer does not belong to a sign-in Ownchart is waiting for, so it was ignored.")]
    NoPendingLogin,
    #[error("The sign-in took too long and was stopped. Start it again when you are ready.")]
    TimedOut,
    #[error("The sign-in was cancelled.")]
    Cancelled,
    #[error("The portal did not give access: {0}")]
    Refused(String),
    #[error("The sign-in answer came from a different server than the one you signed in to, so it was refused.")]
    IssuerMismatch,
    #[error("The portal did not say which patient's records this access is for, so nothing was downloaded. Try again, and choose your own record if the portal asks.")]
    NoPatient,
    #[error("The portal's access for this connection has ended. Reconnect to keep your records up to date; the records already downloaded stay.")]
    ReconnectNeeded,
    #[error("There is no such connection.")]
    UnknownConnection,
    #[error("There is no such portal in the directory.")]
    UnknownPortal,
    #[error("The system browser could not be opened: {0}")]
    Browser(String),
    #[error("A local sign-in listener could not be opened: {0}")]
    Loopback(String),
}

impl ConnectError {
    pub fn code(&self) -> &'static str {
        match self {
            ConnectError::Insecure(_) => "insecure_url",
            ConnectError::Portal(_) => "portal_unreachable",
            ConnectError::NoPendingLogin | ConnectError::IssuerMismatch => "login_rejected",
            ConnectError::TimedOut => "login_timeout",
            ConnectError::Cancelled => "login_cancelled",
            ConnectError::Refused(_) => "login_failed",
            ConnectError::NoPatient => "no_patient_context",
            ConnectError::ReconnectNeeded => "reconnect_needed",
            ConnectError::UnknownConnection | ConnectError::UnknownPortal => "not_found",
            ConnectError::Browser(_) => "browser_unavailable",
            ConnectError::Loopback(_) => "loopback_unavailable",
        }
    }
}

impl From<HttpError> for ConnectError {
    fn from(e: HttpError) -> Self {
        match e {
            HttpError::InsecureUrl { .. } => ConnectError::Insecure(e.to_string()),
            other => ConnectError::Portal(other.to_string()),
        }
    }
}

impl From<DiscoveryError> for ConnectError {
    fn from(e: DiscoveryError) -> Self {
        match e {
            DiscoveryError::Http(h) => h.into(),
            DiscoveryError::InsecureEndpoint { .. } => ConnectError::Insecure(e.to_string()),
            other => ConnectError::Portal(other.to_string()),
        }
    }
}

impl From<AuthorizeError> for ConnectError {
    fn from(e: AuthorizeError) -> Self {
        ConnectError::Portal(e.to_string())
    }
}

impl From<ReadError> for ConnectError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Http(h) => h.into(),
            ReadError::NoPatient { .. } | ReadError::SeveralPatients { .. } => {
                ConnectError::NoPatient
            }
            other => ConnectError::Portal(other.to_string()),
        }
    }
}

impl From<TokenError> for ConnectError {
    fn from(e: TokenError) -> Self {
        if e.is_invalid_grant() {
            ConnectError::ReconnectNeeded
        } else {
            ConnectError::Refused(e.to_string())
        }
    }
}
