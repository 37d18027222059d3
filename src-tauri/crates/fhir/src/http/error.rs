//! What can go wrong talking to a portal, in words a patient can read.
//!
//! Messages name a server by its origin (scheme, host, port) only: paths and query
//! strings can carry authorization codes, `state` values or patient ids, and the
//! underlying library errors (which quote full URLs) are deliberately not kept.

use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    #[error(
        "Ownchart only connects to portals over a secure (https) connection, and {origin} is not one."
    )]
    InsecureUrl { origin: String },

    #[error(
        "Ownchart refused to send your portal sign-in to {actual}, because it is not the portal you connected{}.",
        expected.as_ref().map(|e| format!(" ({e})")).unwrap_or_default()
    )]
    OriginMismatch {
        expected: Option<String>,
        actual: String,
    },

    #[error(
        "Ownchart could not reach {origin}, or the connection was cut off. Check your internet connection; if it works, the portal may be down or its secure connection could not be verified."
    )]
    Connect { origin: String },

    #[error("{origin} did not answer in time. The portal may be busy; try again later.")]
    Timeout { origin: String },

    #[error(
        "{origin} sent more data than Ownchart accepts in one answer ({} MiB), so the download was stopped.",
        limit / (1024 * 1024)
    )]
    TooLarge { origin: String, limit: usize },

    #[error(
        "{origin} tried to send Ownchart to another address (HTTP {status}). Ownchart does not follow such redirects, to keep your sign-in safe."
    )]
    Redirect { origin: String, status: u16 },

    #[error("{origin} answered with an error (HTTP {status}{}).", status_hint(*status))]
    Status {
        origin: String,
        status: u16,
        /// The raw `Retry-After` header, if any (see [`HttpError::retry_after`]).
        retry_after: Option<String>,
        /// The raw `WWW-Authenticate` header, if any (e.g. `error="invalid_token"`).
        www_authenticate: Option<String>,
    },

    #[error("{origin} sent an answer Ownchart could not read ({detail}).")]
    Decode { origin: String, detail: String },

    #[error("Ownchart could not set up secure connections on this computer ({detail}).")]
    Setup { detail: String },
}

fn status_hint(status: u16) -> &'static str {
    match status {
        401 => ": your sign-in was not accepted",
        403 => ": access was refused",
        404 => ": not found",
        429 => ": too many requests, try again later",
        500..=599 => ": a problem on the portal's side",
        _ => "",
    }
}

impl HttpError {
    /// Worth trying again later: the network, a timeout, rate limiting or a
    /// server-side failure. Everything else will fail the same way again.
    pub fn is_retryable(&self) -> bool {
        match self {
            HttpError::Connect { .. } | HttpError::Timeout { .. } => true,
            HttpError::Status { status, .. } => matches!(status, 408 | 429 | 500 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// The HTTP status of a `Status` or `Redirect` error.
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. } | HttpError::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// How long the server asked us to wait, from `Retry-After` in either of its
    /// forms (seconds or an HTTP date; a date in the past means "now").
    pub fn retry_after(&self) -> Option<Duration> {
        let HttpError::Status {
            retry_after: Some(value),
            ..
        } = self
        else {
            return None;
        };
        let value = value.trim();
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        let when = httpdate::parse_http_date(value).ok()?;
        Some(
            when.duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO),
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn status(code: u16, retry_after: Option<&str>) -> HttpError {
        HttpError::Status {
            origin: "https://fhir.example.org".into(),
            status: code,
            retry_after: retry_after.map(str::to_owned),
            www_authenticate: None,
        }
    }

    #[test]
    fn retryable_errors() {
        assert!(status(503, None).is_retryable());
        assert!(status(429, None).is_retryable());
        assert!(!status(404, None).is_retryable());
        assert!(!status(401, None).is_retryable());
        assert!(HttpError::Timeout { origin: "x".into() }.is_retryable());
        assert!(!HttpError::InsecureUrl { origin: "x".into() }.is_retryable());
        assert!(!HttpError::TooLarge {
            origin: "x".into(),
            limit: 1
        }
        .is_retryable());
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        assert_eq!(
            status(429, Some("120")).retry_after(),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            status(429, Some("Wed, 21 Oct 2015 07:28:00 GMT")).retry_after(),
            Some(Duration::ZERO)
        );
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
        let wait = status(503, Some(&later)).retry_after().unwrap();
        assert!(
            wait > Duration::from_secs(3500) && wait <= Duration::from_secs(3600),
            "{wait:?}"
        );
        assert_eq!(status(503, Some("soon")).retry_after(), None);
        assert_eq!(status(503, None).retry_after(), None);
    }

    #[test]
    fn messages_are_sentences() {
        let text = HttpError::TooLarge {
            origin: "https://p.example".into(),
            limit: 64 * 1024 * 1024,
        }
        .to_string();
        assert!(text.contains("64 MiB"), "{text}");
        assert!(status(503, None).to_string().contains("HTTP 503"));
    }
}
