//! How long to wait before trying a request again: exponential backoff with
//! full jitter for server errors and timeouts, the server's own `Retry-After`
//! for 429/503 (up to a ceiling, beyond which the sync gives up rather than
//! hang for days), and a cap on attempts so a broken portal can never loop.

use std::time::Duration;

use ownchart_fhir::HttpError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries per request, the first included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; a longer one ends the query.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    RetryAfter(Duration),
    /// The server asked for a wait longer than `max_retry_after` (seconds asked).
    WaitTooLong(u64),
    GiveUp,
}

impl RetryPolicy {
    /// Decides after attempt number `attempt` (1-based) failed with `error`.
    /// `jitter` is a uniform sample in [0, 1).
    pub fn next(&self, attempt: u32, error: &HttpError, jitter: f64) -> Next {
        if !error.is_retryable() || attempt >= self.max_attempts {
            return Next::GiveUp;
        }
        if let Some(asked) = error.retry_after() {
            if asked > self.max_retry_after {
                return Next::WaitTooLong(asked.as_secs());
            }
            return Next::RetryAfter(asked);
        }
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_delay);
        // Full jitter: spread retries of many clients (and our own queries) apart.
        Next::RetryAfter(
            exp.mul_f64(jitter.clamp(0.0, 1.0))
                .max(Duration::from_millis(10)),
        )
    }
}

/// A uniform sample in [0, 1) from the OS generator (no extra dependency).
pub fn jitter() -> f64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return 0.5;
    }
    (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn status(code: u16, retry_after: Option<&str>) -> HttpError {
        HttpError::Status {
            origin: "https://p.example".into(),
            status: code,
            retry_after: retry_after.map(str::to_owned),
            www_authenticate: None,
        }
    }

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let p = RetryPolicy::default();
        let e = status(503, None);
        assert_eq!(
            p.next(1, &e, 0.5),
            Next::RetryAfter(Duration::from_millis(250))
        );
        assert_eq!(
            p.next(3, &e, 0.5),
            Next::RetryAfter(Duration::from_millis(1000))
        );
        let Next::RetryAfter(late) = p.next(4, &e, 0.999) else {
            panic!()
        };
        assert!(late <= Duration::from_secs(4));
        let long = RetryPolicy {
            max_attempts: 50,
            ..p
        };
        let Next::RetryAfter(capped) = long.next(40, &e, 0.999) else {
            panic!()
        };
        assert!(capped <= Duration::from_secs(30));
        assert_eq!(p.next(5, &e, 0.5), Next::GiveUp);
        assert_eq!(p.next(1, &status(404, None), 0.5), Next::GiveUp);
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_ceiling() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.next(1, &status(429, Some("120")), 0.1),
            Next::RetryAfter(Duration::from_secs(120))
        );
        assert_eq!(
            p.next(1, &status(429, Some("999999")), 0.1),
            Next::WaitTooLong(999_999)
        );
        let j = jitter();
        assert!((0.0..1.0).contains(&j));
    }
}
