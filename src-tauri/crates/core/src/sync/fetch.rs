//! One authenticated GET of a run, with everything a real portal needs: the
//! token from the connector (refreshed once on a 401, then "reconnect needed"),
//! 403 as "not shared", retries with backoff and `Retry-After` for 429/5xx and
//! timeouts, a bound on concurrent requests, and a prompt stop on cancel.

use ownchart_fhir::{HttpResponse, Secret};
use url::Url;

use super::error::SyncError;
use super::retry::{jitter, Next};
use super::run::RunCtx;
use crate::connect::ConnectError;
use crate::CoreError;

const MAX_RENEWALS_PER_REQUEST: u32 = 3;

impl RunCtx {
    /// GETs `url` (on the connection's origin) with at most `max` body bytes.
    pub(crate) async fn get(&self, url: &Url, max: usize) -> Result<HttpResponse, SyncError> {
        let mut attempt = 0u32;
        // Each 401 gets one renewal and one retry. Queries share the token, so a
        // retry can meet a token another query's renewal already replaced; a
        // few rounds are allowed for that, never an unbounded loop.
        let mut renewals = 0u32;
        let mut token = self.token(None).await?;
        loop {
            self.check_halt()?;
            attempt += 1;
            let result = {
                let _permit = tokio::select! {
                    p = self.permits.acquire() => p.map_err(|_| SyncError::Cancelled)?,
                    _ = self.halt.cancelled() => return Err(self.halt_error()),
                };
                tokio::select! {
                    r = self.inner.http.get_fhir(url, Some(&token), Some(&self.base), max) => r,
                    _ = self.halt.cancelled() => return Err(self.halt_error()),
                }
            };
            let error = match result {
                Ok(response) => return Ok(response),
                Err(e) => e,
            };
            match error.status() {
                Some(401) if renewals < MAX_RENEWALS_PER_REQUEST => {
                    renewals += 1;
                    token = self.token(Some(&token)).await?;
                    attempt -= 1;
                    continue;
                }
                Some(401) => return Err(SyncError::ReconnectNeeded),
                Some(403) => return Err(SyncError::Forbidden { status: 403 }),
                _ => {}
            }
            match self.inner.config.retry.next(attempt, &error, jitter()) {
                Next::RetryAfter(wait) => {
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = self.halt.cancelled() => return Err(self.halt_error()),
                    }
                }
                Next::WaitTooLong(seconds) => return Err(SyncError::WaitTooLong { seconds }),
                Next::GiveUp if attempt > 1 => {
                    return Err(SyncError::GaveUp {
                        attempts: attempt,
                        last: error,
                    })
                }
                Next::GiveUp => return Err(SyncError::Http(error)),
            }
        }
    }

    /// The connection's access token; with `rejected`, a fresh one (the
    /// connector refreshes once for all queries that saw the same 401).
    async fn token(&self, rejected: Option<&Secret>) -> Result<Secret, SyncError> {
        match self
            .inner
            .connector
            .access_token(&self.connection.id, rejected)
            .await
        {
            Ok(access) => Ok(access.token),
            Err(CoreError::Connect(ConnectError::ReconnectNeeded)) => {
                Err(SyncError::ReconnectNeeded)
            }
            Err(e) => Err(SyncError::Access(e.to_string())),
        }
    }
}
