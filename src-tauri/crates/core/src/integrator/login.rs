//! Signing in through the integrator. The browser goes to the prepared
//! redirector URL; the portal's answer comes back — through the redirector — to
//! a return location unique to the attempt: `ownchart://callback/integrator/<nonce>`
//! (or the loopback listener's `/callback/integrator/<nonce>`), the nonce 128
//! random bits kept only as a SHA-256. Seed 002 lets the answer come without
//! `state`, so the nonce in the path is what finds the one pending attempt it
//! belongs to: an answer to another return location, or to one already used,
//! matches nothing and changes nothing. `code` (and `state`, when present) then
//! go to the integrator's token service with the PKCE verifier.
//!
//! After the token, the Patient is fetched through the integrator (the token
//! answer may lack `patId`; the Patient names the patient then) and the
//! connection, its tokens, its endpoint and the Patient are saved.

use std::sync::Arc;
use std::time::Instant;

use ownchart_fhir::secret::Secret;
use ownchart_vault::{ConnectionRecord, IntegratorLink, NewLedgerEntry, TokenRecord};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tokio::sync::oneshot;
use url::Url;
use zeroize::Zeroizing;

use super::authorize::prepare;
use super::client::{EndpointFull, IntegratorTokens, ResourcesQuery};
use super::error::clean;
use super::types::IntegratorEndpoint;
use super::{guard, IntegratorError};
use crate::clock::{now_rfc3339, rfc3339};
use crate::connect::access::with_vault;
use crate::connect::{
    ConnectError, ConnectMethod, ConnectionView, Connector, LoginFinished, LoginStarted,
    RedirectKind,
};
use crate::directory::PortalKind;
use crate::{store, CoreError, Result};

/// The path segment before the nonce.
const SEGMENT: &str = "integrator";

pub(crate) struct PendingIntegratorLogin {
    pub attempt_id: String,
    pub endpoint: EndpointFull,
    pub verifier: Option<Secret>,
    pub redirect: RedirectKind,
    pub expires: Instant,
    pub reconnect_of: Option<String>,
    pub stop_listener: Option<oneshot::Sender<()>>,
}

fn digest(nonce: &str) -> [u8; 32] {
    Sha256::digest(nonce.as_bytes()).into()
}

/// The nonce of an integrator return location, if `url` is one:
/// `ownchart://callback/integrator/<nonce>` or `http://127.0.0.1:P/callback/integrator/<nonce>`.
pub(crate) fn return_nonce(url: &Url) -> Option<String> {
    let path = url.path().trim_end_matches('/');
    let rest = match url.scheme() {
        "ownchart" => path.strip_prefix('/'),
        _ => path.strip_prefix("/callback/"),
    }?;
    let nonce = rest.strip_prefix(SEGMENT)?.strip_prefix('/')?;
    (!nonce.is_empty() && nonce.len() <= 64 && nonce.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| nonce.to_owned())
}

fn endpoint_error(e: IntegratorError) -> CoreError {
    match e {
        IntegratorError::NotConfigured | IntegratorError::BadAccount(_) => e.into(),
        IntegratorError::AccessEnded(m) => ConnectError::Refused(m).into(),
        IntegratorError::Http(h) => ConnectError::from(h).into(),
        other => ConnectError::Portal(other.to_string()).into(),
    }
}

impl Connector {
    /// Starts a sign-in at a partner portal found by [`Connector::integrator_search`]:
    /// prepares the redirector URL, opens it in the system browser and returns
    /// at once; the result arrives through `on_finished`.
    pub async fn start_integrator_login(
        self: &Arc<Self>,
        endpoint_id: &str,
        redirect: RedirectKind,
    ) -> Result<LoginStarted> {
        let endpoint = guard(&self.integrator_state().endpoints)
            .get(endpoint_id)
            .cloned()
            .ok_or(ConnectError::UnknownPortal)?;
        self.begin_integrator_login(endpoint, redirect, None).await
    }

    /// A reconnect of an integrator connection: the endpoint comes from the vault.
    pub(crate) async fn reconnect_integrator(
        self: &Arc<Self>,
        connection: &ConnectionRecord,
        redirect: RedirectKind,
    ) -> Result<LoginStarted> {
        let link = with_vault(self.vault_access(), |o| {
            o.vault
                .integrator_link(&connection.id)?
                .ok_or_else(|| ConnectError::UnknownConnection.into())
        })?;
        let endpoint = EndpointFull {
            view: IntegratorEndpoint {
                id: link.endpoint_id.clone(),
                name: connection.portal_name.clone(),
                street: None,
                city: None,
                state: None,
                zip: None,
                vendor: None,
                endpoint_status: None,
                data_type: if link.data_type == "payer" {
                    PortalKind::Payer
                } else {
                    PortalKind::Clinical
                },
                parent_org: None,
                pkce: false,
            },
            redirect_uri: link.redirect_uri,
            derived_auth_uri: link.derived_auth_uri,
        };
        self.begin_integrator_login(endpoint, redirect, Some(connection.id.clone()))
            .await
    }

    async fn begin_integrator_login(
        self: &Arc<Self>,
        endpoint: EndpointFull,
        redirect: RedirectKind,
        reconnect_of: Option<String>,
    ) -> Result<LoginStarted> {
        let client = self.integrator_client().map_err(CoreError::from)?;
        let nonce = crate::connect::random_id(16)?;
        let (base, stop_listener) = match redirect {
            RedirectKind::Loopback => {
                let (url, stop) = self.loopback_listen().await?;
                (url, Some(stop))
            }
            RedirectKind::DeepLink | RedirectKind::HttpsBounce => {
                (self.config().deep_link_redirect.clone(), None)
            }
        };
        let client_url = Url::parse(&format!(
            "{}/{SEGMENT}/{nonce}",
            base.as_str().trim_end_matches('/')
        ))
        .map_err(|_| ConnectError::Portal("the return address could not be made".into()))?;
        let prepared = prepare(
            &endpoint.redirect_uri,
            &endpoint.derived_auth_uri,
            &client_url,
            &client.redirector,
        )
        .map_err(CoreError::from)?;
        let attempt_id = crate::connect::random_id(12)?;
        let wait = self.config().login_timeout;
        let started = LoginStarted {
            attempt_id: attempt_id.clone(),
            portal_name: endpoint.view.name.clone(),
            redirect: match redirect {
                RedirectKind::Loopback => RedirectKind::Loopback,
                _ => RedirectKind::DeepLink,
            },
            expires_at: rfc3339(OffsetDateTime::now_utc() + wait),
            authorize_origin: prepared.url.origin().ascii_serialization(),
        };
        guard(&self.integrator_state().pending).insert(
            digest(&nonce),
            PendingIntegratorLogin {
                attempt_id: attempt_id.clone(),
                endpoint,
                verifier: prepared.verifier,
                redirect: started.redirect,
                expires: Instant::now() + wait,
                reconnect_of,
                stop_listener,
            },
        );
        if let Err(e) = self.open_browser(&prepared.url) {
            self.take_integrator_attempt(&attempt_id);
            return Err(ConnectError::Browser(e).into());
        }
        let this = self.clone();
        let id = attempt_id.clone();
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            if this.take_integrator_attempt(&id).is_some() {
                this.report_finished(id, Err(ConnectError::TimedOut.into()));
            }
        });
        Ok(started)
    }

    pub(crate) fn take_integrator_attempt(
        &self,
        attempt_id: &str,
    ) -> Option<PendingIntegratorLogin> {
        let mut pending = guard(&self.integrator_state().pending);
        let key = pending
            .iter()
            .find(|(_, p)| p.attempt_id == attempt_id)
            .map(|(k, _)| *k)?;
        let mut login = pending.remove(&key)?;
        if let Some(stop) = login.stop_listener.take() {
            let _ = stop.send(());
        }
        Some(login)
    }

    /// The browser came back to an integrator return location.
    pub(crate) async fn complete_integrator_login(
        self: &Arc<Self>,
        callback: &Url,
        nonce: &str,
        arrived_by: RedirectKind,
    ) -> Result<LoginFinished> {
        let mut login = guard(&self.integrator_state().pending)
            .remove(&digest(nonce))
            .ok_or(ConnectError::NoPendingLogin)?;
        if let Some(stop) = login.stop_listener.take() {
            let _ = stop.send(());
        }
        let attempt_id = login.attempt_id.clone();
        let result = self.finish_integrator(login, callback, arrived_by).await;
        Ok(self.report_finished(attempt_id, result))
    }

    async fn finish_integrator(
        &self,
        login: PendingIntegratorLogin,
        callback: &Url,
        arrived_by: RedirectKind,
    ) -> Result<ConnectionView> {
        let by_link = !matches!(arrived_by, RedirectKind::Loopback);
        let expected_link = !matches!(login.redirect, RedirectKind::Loopback);
        if by_link != expected_link {
            return Err(ConnectError::NoPendingLogin.into());
        }
        if Instant::now() > login.expires {
            return Err(ConnectError::TimedOut.into());
        }
        let get = |name: &str| {
            callback
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let code = match (get("code"), get("error")) {
            (Some(code), _) if !code.is_empty() => Secret::new(code),
            (_, Some(e)) if e == "access_denied" => return Err(ConnectError::Cancelled.into()),
            (_, Some(e)) => {
                let text = match get("error_description") {
                    Some(d) => format!("{} ({})", clean(&d), clean(&e)),
                    None => clean(&e),
                };
                return Err(ConnectError::Refused(text).into());
            }
            _ => {
                return Err(
                    ConnectError::Refused("the portal sent no authorization code".into()).into(),
                )
            }
        };
        let state = get("state").filter(|s| !s.is_empty()).map(Secret::new);
        let client = self.integrator_client().map_err(CoreError::from)?;
        let endpoint_id = login.endpoint.view.id.clone();
        let tokens = client
            .exchange_code(&endpoint_id, &code, state.as_ref(), login.verifier.as_ref())
            .await
            .map_err(endpoint_error)?;
        let patient = self
            .integrator_patient(&client, &endpoint_id, &tokens)
            .await?;
        let patient_id = match (&tokens.patient_id, &patient) {
            (Some(id), _) => id.clone(),
            (None, Some((id, _))) => id.clone(),
            (None, None) => return Err(ConnectError::NoPatient.into()),
        };
        let id = match &login.reconnect_of {
            Some(id) => id.clone(),
            None => crate::connect::random_id(8)?,
        };
        let record = ConnectionRecord {
            id: id.clone(),
            method: ConnectMethod::Integrator.key().to_owned(),
            portal_name: login.endpoint.view.name.clone(),
            directory_id: Some(format!("integrator:{endpoint_id}")),
            fhir_base: client
                .resources_url(&endpoint_id)
                .map_err(CoreError::from)?
                .to_string(),
            fhir_version: Some("R4".to_owned()),
            issuer: None,
            token_endpoint: client
                .token_endpoint(&endpoint_id)
                .map_err(CoreError::from)?
                .to_string(),
            revocation_endpoint: None,
            client_id: endpoint_id.clone(),
            patient_id: Some(patient_id),
            patient_name: None,
            granted_scopes: String::new(),
            status: crate::connect::STATUS_CONNECTED.to_owned(),
            status_reason: None,
            connected_at: String::new(),
            updated_at: now_rfc3339(),
        };
        let link = IntegratorLink {
            connection_id: id,
            endpoint_id,
            data_type: match login.endpoint.view.data_type {
                PortalKind::Payer => "payer",
                PortalKind::Clinical => "clinical",
            }
            .to_owned(),
            redirect_uri: login.endpoint.redirect_uri.clone(),
            derived_auth_uri: login.endpoint.derived_auth_uri.clone(),
            patient_id_given: tokens.patient_id.is_some(),
        };
        let event = if login.reconnect_of.is_some() {
            "RECONNECT"
        } else {
            "CONNECT"
        };
        let patient_bytes = patient.map(|(_, bytes)| bytes);
        with_vault(self.vault_access(), |o| {
            save(o, record, &tokens, &link, patient_bytes.as_deref(), event)
        })
    }

    /// The Patient, fetched through the integrator: `(id, bytes)` of the
    /// token's patient (`patId`), or of the one Patient the answer holds. A
    /// failure is not fatal when `patId` names the patient anyway.
    async fn integrator_patient(
        &self,
        client: &super::client::IntegratorClient,
        endpoint_id: &str,
        tokens: &IntegratorTokens,
    ) -> Result<Option<(String, Vec<u8>)>> {
        let query = ResourcesQuery {
            patient_id: tokens.patient_id.clone(),
            resources: vec!["Patient".to_owned()],
            ..ResourcesQuery::default()
        };
        let answer = match client.resources(endpoint_id, &tokens.token, &query).await {
            Ok(a) => a,
            Err(_) if tokens.patient_id.is_some() => return Ok(None),
            Err(e) => return Err(endpoint_error(e)),
        };
        let patients = patients_in(&answer.body);
        let chosen = match &tokens.patient_id {
            Some(id) => patients.into_iter().find(|(pid, _)| pid == id),
            None if patients.len() == 1 => patients.into_iter().next(),
            None => None,
        };
        Ok(chosen)
    }
}

/// The Patient resources of an answer's payload (a Bundle or a list).
fn patients_in(body: &[u8]) -> Vec<(String, Vec<u8>)> {
    let Ok(resources) = crate::sync::integrator_payload(body) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for raw in resources.resources {
        let Ok(f) = ownchart_fhir::extract(raw) else {
            continue;
        };
        if f.resource_type == "Patient" {
            if let Some(id) = f.id {
                out.push((id.into_owned(), raw.get().as_bytes().to_vec()));
            }
        }
    }
    out
}

fn patient_name(raw: &[u8]) -> Option<String> {
    let value: &RawValue = serde_json::from_slice(raw).ok()?;
    ownchart_fhir::extract(value).ok()?.display
}

/// Writes the connection with its tokens, its endpoint, the Patient and the
/// ledger entry.
fn save(
    opened: &mut ownchart_vault::Opened,
    mut record: ConnectionRecord,
    tokens: &IntegratorTokens,
    link: &IntegratorLink,
    patient: Option<&[u8]>,
    event: &str,
) -> Result<ConnectionView> {
    let now = now_rfc3339();
    record.connected_at = opened
        .vault
        .connection(&record.id)?
        .map(|c| c.connected_at)
        .unwrap_or_else(|| now.clone());
    record.patient_name = patient.and_then(patient_name);
    let expires_at = tokens.expires_in.map(|secs| {
        rfc3339(
            OffsetDateTime::now_utc() + time::Duration::seconds(secs.min(i64::MAX as u64) as i64),
        )
    });
    let secrets = TokenRecord {
        access_token: Zeroizing::new(tokens.token.expose().to_owned()),
        access_expires_at: expires_at.clone(),
        refresh_token: tokens
            .refresh_token
            .as_ref()
            .map(|t| Zeroizing::new(t.expose().to_owned())),
        client_secret: None,
        generation: 0,
    };
    opened.vault.save_connection(&record, &secrets)?;
    opened.vault.save_integrator_link(link)?;
    if let Some(patient) = patient {
        store::store_fetched(
            &mut opened.vault,
            &store::connection_source(&record.id),
            &record.fhir_base,
            ownchart_fhir::FhirVersion::R4,
            &[patient],
        )?;
    }
    let mut entry = NewLedgerEntry::new(
        event,
        format!(
            "{} {} through the integrator (endpoint {})",
            if event == "RECONNECT" {
                "Reconnected to"
            } else {
                "Connected to"
            },
            record.portal_name,
            link.endpoint_id
        ),
    );
    entry.recipient = Some(record.portal_name.clone());
    entry.details = Some(
        serde_json::json!({
            "connection": record.id,
            "method": record.method,
            "endpoint": link.endpoint_id,
            "integrator": record.token_endpoint.split("/fhir/").next().unwrap_or_default(),
        })
        .to_string(),
    );
    opened.ledger.append(entry)?;
    Ok(ConnectionView::from_record(&record, expires_at))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn only_integrator_return_locations_have_a_nonce() {
        let n = |s: &str| return_nonce(&Url::parse(s).unwrap());
        assert_eq!(
            n("ownchart://callback/integrator/abc123?code=x"),
            Some("abc123".into())
        );
        assert_eq!(
            n("http://127.0.0.1:5000/callback/integrator/abc123?code=x"),
            Some("abc123".into())
        );
        assert_eq!(n("ownchart://callback?code=x&state=y"), None);
        assert_eq!(n("http://127.0.0.1:5000/callback?code=x"), None);
        assert_eq!(n("ownchart://callback/integrator/"), None);
        assert_eq!(n("ownchart://callback/integrator/a%2Fb"), None);
        assert_eq!(n("ownchart://callback/other/abc"), None);
    }
}
