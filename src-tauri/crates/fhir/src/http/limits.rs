//! The limits every request runs under. A hostile or broken server can stall,
//! trickle or flood; these numbers bound how long and how much we accept.

use std::time::Duration;

/// 64 MiB: far above any real FHIR page or token response, far below what would
/// hurt a laptop.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Time to open the TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Longest silence between two reads, headers included.
    pub read_timeout: Duration,
    /// Whole request, from connecting to the last body byte.
    pub deadline: Duration,
    /// Largest body accepted; reading stops as soon as it is passed.
    pub max_body_bytes: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}
