//! The SMART standalone launch: discovery, the authorize URL opened in the
//! system browser, and the callback that finishes it. A callback is acted on only
//! when its `state` takes a pending login out of the registry; everything else is
//! rejected before any request leaves the computer.

use std::sync::Arc;
use std::time::Instant;

use ownchart_fhir::smart::{
    self, AuthorizeRequest, Callback, CallbackOutcome, FhirRelease, ServerInfo, TokenSet,
};
use ownchart_fhir::FhirVersion;
use ownchart_vault::{ConnectionRecord, NewLedgerEntry, TokenRecord};
use time::OffsetDateTime;
use url::Url;
use zeroize::Zeroizing;

use super::access::with_vault;
use super::pending::PendingLogin;
use super::target::PortalTarget;
use super::types::*;
use super::{loopback, random_id, ConnectError, Connector};
use crate::clock::{now_rfc3339, rfc3339};
use crate::{store, CoreError, Result};

impl Connector {
    /// Starts a login: discovers the portal, opens its sign-in page in the system
    /// browser and returns at once; the result arrives through `on_finished`.
    pub async fn start_login(
        self: &Arc<Self>,
        portal: PortalTarget,
        client_id: Option<String>,
        redirect: RedirectKind,
        reconnect_of: Option<String>,
    ) -> Result<LoginStarted> {
        let server = smart::discover(&self.http, &portal.fhir_base)
            .await
            .map_err(ConnectError::from)?;
        let attempt_id = random_id(12)?;
        let expires = Instant::now() + self.config.login_timeout;
        let expires_at = rfc3339(OffsetDateTime::now_utc() + self.config.login_timeout);
        let (redirect_uri, stop_listener) = match redirect {
            RedirectKind::DeepLink => (self.config.deep_link_redirect.clone(), None),
            RedirectKind::HttpsBounce => match &self.config.bounce_redirect {
                Some(url) => (url.clone(), None),
                None => (self.config.deep_link_redirect.clone(), None),
            },
            RedirectKind::Loopback => {
                let (url, stop) = loopback::listen(self.clone()).await?;
                (url, Some(stop))
            }
        };
        let client_id = client_id.unwrap_or_else(|| self.config.client_id.clone());
        let scopes = smart::patient_scopes(&server.smart);
        let request = AuthorizeRequest::build(
            &server.smart,
            &client_id,
            &redirect_uri,
            &portal.fhir_base,
            &scopes,
        )
        .map_err(ConnectError::from)?;
        let authorize_origin = request.url.origin().ascii_serialization();
        let started = LoginStarted {
            attempt_id: attempt_id.clone(),
            portal_name: portal.name.clone(),
            redirect,
            expires_at,
            authorize_origin,
        };
        self.pending().insert(
            &request.state,
            PendingLogin {
                attempt_id: attempt_id.clone(),
                verifier: request.verifier.clone(),
                redirect_uri,
                redirect,
                portal,
                server,
                client_id,
                expires,
                reconnect_of,
                stop_listener,
            },
        );
        if let Err(e) = (self.browser)(&request.url) {
            self.pending().take_by_attempt(&attempt_id);
            return Err(ConnectError::Browser(e).into());
        }
        self.spawn_timeout(attempt_id);
        Ok(started)
    }

    /// Signs in again to a connection whose access ended; on success the same
    /// connection gets the new tokens and its records stay attached to it.
    pub async fn start_reconnect(
        self: &Arc<Self>,
        connection_id: &str,
        redirect: RedirectKind,
    ) -> Result<LoginStarted> {
        let record = with_vault(self.vault.as_ref(), |o| {
            o.vault
                .connection(connection_id)?
                .ok_or_else(|| ConnectError::UnknownConnection.into())
        })?;
        if record.method == ConnectMethod::Integrator.key() {
            return self.reconnect_integrator(&record, redirect).await;
        }
        if record.method == ConnectMethod::ApiCredentials.key() {
            return Err(ConnectError::Refused(
                "connections made with API credentials renew by themselves; if the portal deleted \
                 the credentials, generate new ones and connect with them"
                    .into(),
            )
            .into());
        }
        let portal = PortalTarget {
            name: record.portal_name.clone(),
            fhir_base: super::parse_base(&record.fhir_base)?,
            directory_id: record.directory_id.clone(),
        };
        self.start_login(portal, Some(record.client_id), redirect, Some(record.id))
            .await
    }

    fn spawn_timeout(self: &Arc<Self>, attempt_id: String) {
        let this = self.clone();
        let wait = self.config.login_timeout;
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            if let Some(login) = this.pending().take_by_attempt(&attempt_id) {
                this.finish(login.attempt_id, Err(ConnectError::TimedOut.into()));
            }
        });
    }

    /// The patient gave up waiting: forget the attempt (a late callback is then
    /// rejected) and close its listener.
    pub fn cancel_login(&self, attempt_id: &str) -> bool {
        if let Some(login) = self.pending().take_by_attempt(attempt_id) {
            self.finish(login.attempt_id, Err(ConnectError::Cancelled.into()));
            return true;
        }
        if let Some(login) = self.take_integrator_attempt(attempt_id) {
            self.finish(login.attempt_id, Err(ConnectError::Cancelled.into()));
            return true;
        }
        false
    }

    /// A callback arrived (deep link or loopback). `Err(NoPendingLogin)` means it
    /// matched no login and nothing happened; any other outcome ended a login and
    /// was also reported through `on_finished`.
    pub async fn complete_login(
        self: &Arc<Self>,
        callback: &Url,
        arrived_by: RedirectKind,
    ) -> Result<LoginFinished> {
        // An integrator sign-in comes back to its own return location (its
        // nonce, not `state`, names the attempt: seed 002 allows no state).
        if let Some(nonce) = crate::integrator::return_nonce(callback) {
            return self
                .complete_integrator_login(callback, &nonce, arrived_by)
                .await;
        }
        let parsed = Callback::parse(callback).map_err(|_| ConnectError::NoPendingLogin)?;
        let state = &parsed.state;
        let mut login = self
            .pending()
            .take_by_state(state.expose())
            .ok_or(ConnectError::NoPendingLogin)?;
        if let Some(stop) = login.stop_listener.take() {
            let _ = stop.send(());
        }
        let attempt_id = login.attempt_id.clone();
        let result = self.finish_login(login, parsed, arrived_by).await;
        Ok(self.finish(attempt_id, result))
    }

    /// Reports how a login ended (to `on_finished`) and returns it.
    pub(crate) fn report_finished(
        &self,
        attempt_id: String,
        result: Result<ConnectionView>,
    ) -> LoginFinished {
        self.finish(attempt_id, result)
    }

    fn finish(&self, attempt_id: String, result: Result<ConnectionView>) -> LoginFinished {
        let result = match result {
            Ok(connection) => LoginOutcome::Connected {
                connection: Box::new(connection),
            },
            Err(CoreError::Connect(ConnectError::Cancelled)) => LoginOutcome::Cancelled,
            Err(e) => LoginOutcome::Failed {
                code: e.code().to_owned(),
                message: e.to_string(),
            },
        };
        let finished = LoginFinished { attempt_id, result };
        (self.on_finished)(&finished);
        finished
    }

    async fn finish_login(
        &self,
        login: PendingLogin,
        callback: Callback,
        arrived_by: RedirectKind,
    ) -> Result<ConnectionView> {
        // A deep link cannot finish a loopback login or the reverse: the portal
        // was told one redirect, and an answer by the other is not from it.
        let by_link = matches!(
            arrived_by,
            RedirectKind::DeepLink | RedirectKind::HttpsBounce
        );
        let expected_link = matches!(
            login.redirect,
            RedirectKind::DeepLink | RedirectKind::HttpsBounce
        );
        if by_link != expected_link {
            return Err(ConnectError::NoPendingLogin.into());
        }
        if Instant::now() > login.expires {
            return Err(ConnectError::TimedOut.into());
        }
        let smart_config = &login.server.smart;
        let issuer = smart_config
            .issuer
            .clone()
            .unwrap_or_else(|| login.portal.fhir_base.to_string());
        smart::check_issuer(
            &issuer,
            callback.iss.as_deref(),
            smart_config.authorization_response_iss_parameter_supported,
        )
        .map_err(|_| ConnectError::IssuerMismatch)?;
        let code = match &callback.outcome {
            CallbackOutcome::Code(code) => code,
            CallbackOutcome::Refused { error, .. } if error == "access_denied" => {
                return Err(ConnectError::Cancelled.into())
            }
            CallbackOutcome::Refused { error, description } => {
                return Err(
                    ConnectError::Refused(portal_error_text(error, description.as_deref())).into(),
                )
            }
        };
        let tokens = smart::exchange_code(
            &self.http,
            &smart_config.token_endpoint,
            &login.client_id,
            code,
            &login.verifier,
            &login.redirect_uri,
        )
        .await
        .map_err(|e| ConnectError::Refused(e.to_string()))?;
        let patient_id = tokens.patient.clone().ok_or(ConnectError::NoPatient)?;
        let patient = ownchart_fhir::read::read_patient(
            &self.http,
            &login.portal.fhir_base,
            &patient_id,
            &tokens.access_token,
        )
        .await
        .map_err(ConnectError::from)?;

        let id = match &login.reconnect_of {
            Some(id) => id.clone(),
            None => random_id(8)?,
        };
        let saved = SavedConnection {
            id,
            method: ConnectMethod::SmartLogin,
            portal: &login.portal,
            server: &login.server,
            client_id: &login.client_id,
            client_secret: None,
            patient_id,
            tokens: &tokens,
            requested_scopes: None,
        };
        let event = if login.reconnect_of.is_some() {
            "RECONNECT"
        } else {
            "CONNECT"
        };
        with_vault(self.vault.as_ref(), |o| saved.store(o, &patient, event))
    }
}

fn portal_error_text(error: &str, description: Option<&str>) -> String {
    // The portal's words are shown, bounded and without control characters.
    let clean = |s: &str| -> String { s.chars().filter(|c| !c.is_control()).take(200).collect() };
    match description {
        Some(d) => format!("{} ({})", clean(d), clean(error)),
        None => clean(error),
    }
}

/// A successful login or credentials exchange, ready to be written.
pub(crate) struct SavedConnection<'a> {
    pub id: String,
    pub method: ConnectMethod,
    pub portal: &'a PortalTarget,
    pub server: &'a ServerInfo,
    pub client_id: &'a str,
    pub client_secret: Option<&'a str>,
    pub patient_id: String,
    pub tokens: &'a TokenSet,
    pub requested_scopes: Option<&'a str>,
}

impl SavedConnection<'_> {
    /// Writes the connection, its tokens, the Patient and the ledger entry. The
    /// connection and its tokens go in one transaction, the Patient in another;
    /// the ledger entry follows the data it describes.
    pub fn store(
        &self,
        opened: &mut ownchart_vault::Opened,
        patient: &[u8],
        event: &str,
    ) -> Result<ConnectionView> {
        let version = match self.server.fhir_version {
            Some(FhirRelease::Dstu2) => FhirVersion::Dstu2,
            _ => FhirVersion::R4,
        };
        let patient_name = patient_display(patient);
        let now = now_rfc3339();
        let connected_at = opened
            .vault
            .connection(&self.id)?
            .map(|c| c.connected_at)
            .unwrap_or_else(|| now.clone());
        let expires_at = self.tokens.expires_in.map(|secs| {
            rfc3339(
                OffsetDateTime::now_utc()
                    + time::Duration::seconds(secs.min(i64::MAX as u64) as i64),
            )
        });
        let granted = self
            .tokens
            .scope
            .clone()
            .or_else(|| self.requested_scopes.map(str::to_owned))
            .unwrap_or_default();
        let record = ConnectionRecord {
            id: self.id.clone(),
            method: self.method.key().to_owned(),
            portal_name: self.portal.name.clone(),
            directory_id: self.portal.directory_id.clone(),
            fhir_base: self.portal.fhir_base.to_string(),
            fhir_version: Some(version.as_str().to_owned()),
            issuer: self.server.smart.issuer.clone(),
            token_endpoint: self.server.smart.token_endpoint.to_string(),
            revocation_endpoint: self
                .server
                .smart
                .revocation_endpoint
                .as_ref()
                .map(|u| u.to_string()),
            client_id: self.client_id.to_owned(),
            patient_id: Some(self.patient_id.clone()),
            patient_name,
            granted_scopes: granted,
            status: STATUS_CONNECTED.to_owned(),
            status_reason: None,
            connected_at,
            updated_at: now,
        };
        let tokens = TokenRecord {
            access_token: Zeroizing::new(self.tokens.access_token.expose().to_owned()),
            access_expires_at: expires_at.clone(),
            refresh_token: self
                .tokens
                .refresh_token
                .as_ref()
                .map(|t| Zeroizing::new(t.expose().to_owned())),
            client_secret: self.client_secret.map(|s| Zeroizing::new(s.to_owned())),
            generation: 0,
        };
        opened.vault.save_connection(&record, &tokens)?;
        store::store_fetched(
            &mut opened.vault,
            &store::connection_source(&self.id),
            record.fhir_base.as_str(),
            version,
            &[patient],
        )?;
        let mut entry = NewLedgerEntry::new(
            event,
            format!(
                "{} {} ({}); scopes granted: {}",
                match event {
                    "RECONNECT" => "Reconnected to",
                    _ => "Connected to",
                },
                record.portal_name,
                record.fhir_base,
                if record.granted_scopes.is_empty() {
                    "not stated"
                } else {
                    record.granted_scopes.as_str()
                }
            ),
        );
        entry.recipient = Some(record.portal_name.clone());
        entry.details = Some(
            serde_json::json!({
                "connection": record.id,
                "method": record.method,
                "fhir_base": record.fhir_base,
            })
            .to_string(),
        );
        opened.ledger.append(entry)?;
        Ok(ConnectionView::from_record(&record, expires_at))
    }
}

fn patient_display(raw: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?;
    let value: &serde_json::value::RawValue = serde_json::from_str(text).ok()?;
    ownchart_fhir::extract(value).ok()?.display
}
