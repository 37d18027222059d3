//! Renewing a patient token through the integrator: `{refreshToken}` to the
//! endpoint's token service. A refused refresh token means the portal's access
//! ended, which the connector turns into "reconnect needed" as for direct SMART
//! (seed 000); a portal that does not rotate keeps its refresh token.

use ownchart_fhir::secret::Secret;
use ownchart_vault::{ConnectionRecord, TokenRecord};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::IntegratorError;
use crate::clock::rfc3339;
use crate::connect::{ConnectError, Connector};

impl Connector {
    pub(crate) async fn renew_integrator(
        &self,
        connection: &ConnectionRecord,
        tokens: &TokenRecord,
    ) -> Result<TokenRecord, ConnectError> {
        let refresh = tokens
            .refresh_token
            .as_ref()
            .ok_or(ConnectError::ReconnectNeeded)?;
        let client = self
            .integrator_client()
            .map_err(|e| ConnectError::Portal(e.to_string()))?;
        let set = client
            .refresh(&connection.client_id, &Secret::new(refresh.to_string()))
            .await
            .map_err(|e| match e {
                IntegratorError::AccessEnded(_) | IntegratorError::TokenRejected => {
                    ConnectError::ReconnectNeeded
                }
                other => ConnectError::Portal(other.to_string()),
            })?;
        let expires_at = set.expires_in.map(|s| {
            rfc3339(
                OffsetDateTime::now_utc() + time::Duration::seconds(s.min(i64::MAX as u64) as i64),
            )
        });
        Ok(TokenRecord {
            access_token: Zeroizing::new(set.token.expose().to_owned()),
            access_expires_at: expires_at,
            refresh_token: match set.refresh_token {
                Some(t) => Some(Zeroizing::new(t.expose().to_owned())),
                None => tokens.refresh_token.clone(),
            },
            client_secret: None,
            generation: tokens.generation + 1,
        })
    }
}
