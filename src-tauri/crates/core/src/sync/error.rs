//! Why a query or a run stopped, and how each reason reads in seed 002's
//! `errorData`: a stable numeric code, a severity, the portal's HTTP status, a
//! short name and a sentence for the patient. Messages name categories and
//! portals, never a URL's query, a token or a clinical value.

use ownchart_fhir::HttpError;

use super::types::SyncErrorItem;

/// What went wrong with one query (or the whole run).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Http(HttpError),
    #[error("The portal does not share these records with Ownchart (access refused).")]
    Forbidden { status: u16 },
    #[error("The portal's permission ended. Reconnect, then sync again.")]
    ReconnectNeeded,
    #[error("The portal asked Ownchart to wait {} minutes before trying again, which is longer than Ownchart waits; try again later.", .seconds / 60)]
    WaitTooLong { seconds: u64 },
    #[error("The portal kept failing after {attempts} tries ({last}).")]
    GaveUp { attempts: u32, last: HttpError },
    #[error("A page of results could not be read ({0}); the pages before it were kept.")]
    BadPage(String),
    #[error("The portal's link to the next page points to another address ({0}); it was not followed, to keep your sign-in safe.")]
    ForeignNextLink(String),
    #[error("The portal's pages link back to a page already read; the download stopped there.")]
    PagingLoop,
    #[error("The portal sent more than {0} pages for one category; the download stopped there.")]
    TooManyPages(usize),
    #[error("This sync reached its limit of {0} records; the rest was not downloaded.")]
    TooManyResources(u64),
    #[error(
        "This sync ran longer than Ownchart allows and was stopped; run it again to continue."
    )]
    OutOfTime,
    #[error("The sync was cancelled.")]
    Cancelled,
    #[error("Ownchart could not save what it downloaded ({0}).")]
    Storage(String),
    #[error("Ownchart could not renew its access to the portal: {0}")]
    Access(String),
    #[error("{0}")]
    Integrator(crate::integrator::IntegratorError),
}

impl SyncError {
    /// `(code, name, severity)` for `errorData`.
    fn classify(&self) -> (u32, &'static str, &'static str) {
        match self {
            SyncError::Http(e) => match e {
                HttpError::Timeout { .. } => (1001, "timeout", "error"),
                HttpError::Connect { .. } => (1002, "unreachable", "error"),
                HttpError::TooLarge { .. } => (1003, "response_too_large", "error"),
                HttpError::Redirect { .. } => (1004, "redirect_refused", "error"),
                HttpError::InsecureUrl { .. } | HttpError::OriginMismatch { .. } => {
                    (1005, "insecure_address", "error")
                }
                HttpError::Decode { .. } => (1006, "unreadable_answer", "error"),
                HttpError::Status { .. } => (1007, "server_error", "error"),
                HttpError::Setup { .. } => (1008, "tls_setup", "error"),
            },
            SyncError::Forbidden { .. } => (1010, "forbidden", "error"),
            SyncError::ReconnectNeeded => (1011, "reconnect_needed", "error"),
            SyncError::WaitTooLong { .. } => (1012, "rate_limited", "error"),
            SyncError::GaveUp { .. } => (1013, "server_unavailable", "error"),
            SyncError::BadPage(_) => (1014, "malformed_page", "error"),
            SyncError::ForeignNextLink(_) => (1015, "foreign_next_link", "warning"),
            SyncError::PagingLoop => (1016, "paging_loop", "warning"),
            SyncError::TooManyPages(_) => (1017, "too_many_pages", "warning"),
            SyncError::TooManyResources(_) => (1018, "too_many_resources", "warning"),
            SyncError::OutOfTime => (1019, "out_of_time", "warning"),
            SyncError::Cancelled => (1020, "cancelled", "information"),
            SyncError::Storage(_) => (1021, "storage", "error"),
            SyncError::Access(_) => (1022, "access_renewal_failed", "error"),
            SyncError::Integrator(e) => match e {
                crate::integrator::IntegratorError::Expired => {
                    (1024, "integrator_result_expired", "error")
                }
                crate::integrator::IntegratorError::DeviceRejected => {
                    (1025, "integrator_device_rejected", "error")
                }
                crate::integrator::IntegratorError::NotConfigured
                | crate::integrator::IntegratorError::BadAccount(_) => {
                    (1026, "integrator_account", "error")
                }
                _ => (1023, "integrator_error", "error"),
            },
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            SyncError::Http(e) | SyncError::GaveUp { last: e, .. } => e.status().unwrap_or(0),
            SyncError::Forbidden { status } => *status,
            SyncError::ReconnectNeeded => 401,
            SyncError::WaitTooLong { .. } => 429,
            SyncError::Integrator(crate::integrator::IntegratorError::Refused {
                status, ..
            }) => *status,
            SyncError::Integrator(crate::integrator::IntegratorError::Expired) => 404,
            SyncError::Integrator(crate::integrator::IntegratorError::DeviceRejected) => 401,
            _ => 0,
        }
    }

    /// The `errorData` item for this error on `path` (a category key or type).
    pub fn item(&self, path: &str, message: Option<String>) -> SyncErrorItem {
        let (code, error, severity) = self.classify();
        SyncErrorItem {
            timestamp: crate::clock::now_rfc3339(),
            code,
            severity: severity.to_owned(),
            status: self.status(),
            error: error.to_owned(),
            message: message.unwrap_or_else(|| self.to_string()),
            path: path.to_owned(),
        }
    }
}

/// An `errorData` item that is not an error of a request: entries set aside,
/// a portal message, a category skipped.
pub fn notice(
    path: &str,
    code: u32,
    error: &str,
    severity: &str,
    message: String,
) -> SyncErrorItem {
    SyncErrorItem {
        timestamp: crate::clock::now_rfc3339(),
        code,
        severity: severity.to_owned(),
        status: 0,
        error: error.to_owned(),
        message,
        path: path.to_owned(),
    }
}

/// Stable codes of the notices.
pub mod codes {
    pub const SET_ASIDE_OTHER_PATIENT: u32 = 1101;
    pub const SET_ASIDE_WRONG_TYPE: u32 = 1102;
    pub const SET_ASIDE_UNREADABLE: u32 = 1103;
    pub const PORTAL_MESSAGE: u32 = 1104;
    pub const NOT_SUPPORTED: u32 = 1105;
    pub const NOT_PERMITTED: u32 = 1106;
    pub const NOT_CONVERTED: u32 = 1107;
    pub const FOREIGN_ATTACHMENT: u32 = 1108;
}

/// The most severe severity of `items`.
pub fn highest(items: &[SyncErrorItem]) -> Option<String> {
    let rank = |s: &str| match s {
        "fatal" => 4,
        "error" => 3,
        "warning" => 2,
        "information" => 1,
        _ => 0,
    };
    items
        .iter()
        .max_by_key(|i| rank(&i.severity))
        .map(|i| i.severity.clone())
}
