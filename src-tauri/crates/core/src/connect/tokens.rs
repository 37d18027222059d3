//! Access tokens for the sync engine, refreshed single-flight: one refresh per
//! connection at a time, and the rotated refresh token is stored (atomically,
//! with the new access token) before the new access token is handed out, so an
//! old refresh token is never sent twice (TM-12, O-09). `invalid_grant` marks the
//! connection "reconnect needed" and keeps every record (seed 000).

use std::sync::Arc;

use ownchart_fhir::http::ClientAuth;
use ownchart_fhir::secret::Secret;
use ownchart_fhir::smart;
use ownchart_vault::{ConnectionRecord, NewLedgerEntry, TokenRecord};
use time::OffsetDateTime;
use url::Url;
use zeroize::Zeroizing;

use super::access::with_vault;
use super::types::*;
use super::{ConnectError, Connector};
use crate::clock::{parse_rfc3339, rfc3339};
use crate::Result;

/// A usable access token and the connection it is for.
pub struct Access {
    pub token: Secret,
    pub connection: ConnectionRecord,
}

impl Connector {
    fn refresh_lock(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.refresh_locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(id.to_owned()).or_default().clone()
    }

    /// The connection's current access token, refreshed first when it is about to
    /// expire, or when `rejected` (a token the portal just answered 401 to) is
    /// still the stored one.
    pub async fn access_token(&self, id: &str, rejected: Option<&Secret>) -> Result<Access> {
        let lock = self.refresh_lock(id);
        let _one_at_a_time = lock.lock().await;
        let (connection, tokens) = with_vault(self.vault.as_ref(), |o| {
            let c = o
                .vault
                .connection(id)?
                .ok_or(ConnectError::UnknownConnection)?;
            let t = o
                .vault
                .connection_tokens(id)?
                .ok_or(ConnectError::ReconnectNeeded)?;
            Ok((c, t))
        })?;
        if connection.status == STATUS_RECONNECT {
            return Err(ConnectError::ReconnectNeeded.into());
        }
        let was_rejected = rejected.is_some_and(|r| r.expose() == tokens.access_token.as_str());
        if !was_rejected && !self.expiring(&tokens) {
            return Ok(Access {
                token: Secret::new(tokens.access_token.to_string()),
                connection,
            });
        }
        let renewed = self.renew(&connection, &tokens).await;
        match renewed {
            Ok(new_tokens) => {
                let token = Secret::new(new_tokens.access_token.to_string());
                let stored = with_vault(self.vault.as_ref(), |o| {
                    Ok(o.vault.replace_tokens(id, tokens.generation, &new_tokens)?)
                })?;
                if !stored {
                    // Cannot happen under the lock unless another process wrote;
                    // never use tokens that are not the stored ones.
                    return Err(ConnectError::ReconnectNeeded.into());
                }
                let connection = with_vault(self.vault.as_ref(), |o| {
                    o.vault
                        .connection(id)?
                        .ok_or_else(|| ConnectError::UnknownConnection.into())
                })?;
                Ok(Access { token, connection })
            }
            Err(ConnectError::ReconnectNeeded) => {
                self.mark_reconnect_needed(&connection)?;
                Err(ConnectError::ReconnectNeeded.into())
            }
            Err(e) => Err(e.into()),
        }
    }

    fn expiring(&self, tokens: &TokenRecord) -> bool {
        let Some(expires) = tokens.access_expires_at.as_deref().and_then(parse_rfc3339) else {
            return false;
        };
        let margin =
            time::Duration::try_from(self.config.refresh_margin).unwrap_or(time::Duration::ZERO);
        OffsetDateTime::now_utc() + margin >= expires
    }

    async fn renew(
        &self,
        connection: &ConnectionRecord,
        tokens: &TokenRecord,
    ) -> std::result::Result<TokenRecord, ConnectError> {
        if connection.method == ConnectMethod::Integrator.key() {
            return self.renew_integrator(connection, tokens).await;
        }
        let endpoint = Url::parse(&connection.token_endpoint)
            .map_err(|_| ConnectError::Portal("the stored token address is not valid".into()))?;
        let set = if connection.method == ConnectMethod::ApiCredentials.key() {
            let secret = tokens
                .client_secret
                .as_ref()
                .ok_or(ConnectError::ReconnectNeeded)?;
            smart::client_credentials(
                &self.http,
                &endpoint,
                &connection.client_id,
                &Secret::new(secret.to_string()),
                None,
                None,
            )
            .await
        } else {
            let refresh = tokens
                .refresh_token
                .as_ref()
                .ok_or(ConnectError::ReconnectNeeded)?;
            smart::refresh(
                &self.http,
                &endpoint,
                &ClientAuth::None {
                    client_id: connection.client_id.clone(),
                },
                &Secret::new(refresh.to_string()),
            )
            .await
        };
        let set = set.map_err(ConnectError::from)?;
        let expires_at = set.expires_in.map(|s| {
            rfc3339(
                OffsetDateTime::now_utc() + time::Duration::seconds(s.min(i64::MAX as u64) as i64),
            )
        });
        Ok(TokenRecord {
            access_token: Zeroizing::new(set.access_token.expose().to_owned()),
            access_expires_at: expires_at,
            // A portal that does not rotate keeps the refresh token it gave before.
            refresh_token: match set.refresh_token {
                Some(t) => Some(Zeroizing::new(t.expose().to_owned())),
                None => tokens.refresh_token.clone(),
            },
            client_secret: None,
            generation: tokens.generation + 1,
        })
    }

    fn mark_reconnect_needed(&self, connection: &ConnectionRecord) -> Result<()> {
        with_vault(self.vault.as_ref(), |o| {
            o.vault.set_connection_status(
                &connection.id,
                STATUS_RECONNECT,
                Some("The portal's permission ended. Reconnect to download new records."),
            )?;
            let mut entry = NewLedgerEntry::new(
                "ACCESS_ENDED",
                format!(
                    "{} ended Ownchart's access; reconnect needed",
                    connection.portal_name
                ),
            );
            entry.recipient = Some(connection.portal_name.clone());
            o.ledger.append(entry)?;
            Ok(())
        })
    }
}
