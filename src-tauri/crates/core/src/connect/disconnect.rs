//! Disconnecting: RFC 7009 revocation of the refresh token, then the access
//! token, when the portal offers it; the local tokens and connection are deleted
//! whatever the portal answers (TM-13, O-10). The records already downloaded stay.

use ownchart_fhir::http::ClientAuth;
use ownchart_fhir::secret::Secret;
use ownchart_fhir::smart::{self, TokenHint};
use ownchart_vault::NewLedgerEntry;
use url::Url;

use super::access::with_vault;
use super::types::*;
use super::{ConnectError, Connector};
use crate::Result;

impl Connector {
    pub async fn disconnect(&self, id: &str) -> Result<DisconnectReport> {
        let lock = self.refresh_lock_for_disconnect(id);
        let _no_refresh_meanwhile = lock.lock().await;
        let (connection, tokens) = with_vault(self.vault.as_ref(), |o| {
            let c = o
                .vault
                .connection(id)?
                .ok_or(ConnectError::UnknownConnection)?;
            Ok((c, o.vault.connection_tokens(id)?))
        })?;
        let endpoint = connection
            .revocation_endpoint
            .as_deref()
            .and_then(|u| Url::parse(u).ok());
        let outcome = match (&endpoint, &tokens) {
            (None, _) | (_, None) => RevocationOutcome::Unsupported,
            (Some(endpoint), Some(tokens)) => {
                let auth = match &tokens.client_secret {
                    Some(secret) => ClientAuth::Basic {
                        id: connection.client_id.clone(),
                        secret: Secret::new(secret.to_string()),
                    },
                    None => ClientAuth::None {
                        client_id: connection.client_id.clone(),
                    },
                };
                let mut ok = true;
                if let Some(refresh) = &tokens.refresh_token {
                    ok &= smart::revoke(
                        &self.http,
                        endpoint,
                        &auth,
                        &Secret::new(refresh.to_string()),
                        TokenHint::RefreshToken,
                    )
                    .await
                    .is_ok();
                }
                ok &= smart::revoke(
                    &self.http,
                    endpoint,
                    &auth,
                    &Secret::new(tokens.access_token.to_string()),
                    TokenHint::AccessToken,
                )
                .await
                .is_ok();
                if ok {
                    RevocationOutcome::Revoked
                } else {
                    RevocationOutcome::Failed
                }
            }
        };
        with_vault(self.vault.as_ref(), |o| {
            o.vault.delete_connection(id)?;
            let mut entry = NewLedgerEntry::new(
                "DISCONNECT",
                format!(
                    "Disconnected from {}; remote revocation {}; local tokens deleted",
                    connection.portal_name,
                    outcome.key()
                ),
            );
            entry.recipient = Some(connection.portal_name.clone());
            entry.details = Some(
                serde_json::json!({"connection": id, "remote_revocation": outcome.key()})
                    .to_string(),
            );
            o.ledger.append(entry)?;
            Ok(())
        })?;
        let message = match outcome {
            RevocationOutcome::Revoked => format!(
                "{} confirmed that Ownchart's access has ended. Your downloaded records stay in your vault.",
                connection.portal_name
            ),
            RevocationOutcome::Failed => format!(
                "Ownchart deleted its access on this computer, but {} did not confirm ending it. To be sure, remove Ownchart's access in the portal's settings.",
                connection.portal_name
            ),
            RevocationOutcome::Unsupported => format!(
                "Ownchart deleted its access on this computer. {} offers no way for apps to end access themselves: remove Ownchart's access in the portal's settings.",
                connection.portal_name
            ),
        };
        Ok(DisconnectReport {
            connection_id: id.to_owned(),
            remote_revocation: outcome,
            message,
        })
    }

    fn refresh_lock_for_disconnect(&self, id: &str) -> std::sync::Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.refresh_locks.lock().unwrap_or_else(|p| p.into_inner());
        locks.entry(id.to_owned()).or_default().clone()
    }
}
