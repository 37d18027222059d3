//! Connecting patient portals: SMART standalone launch in the system browser
//! (PKCE S256, single-use `state` bound to its pending attempt, `aud`, RFC 9207
//! `iss`), the callback by deep link or loopback, tokens kept only in the vault
//! with single-flight refresh, patient-generated API credentials, and disconnect
//! with RFC 7009 revocation. After a login the Patient resource is fetched and
//! stored.
//!
//! Architecture invariant: a token, code, verifier or state never leaves this
//! module except into the vault or to the portal that issued it; none is logged
//! or put into an error, an event or an IPC type.

pub(crate) mod access;
mod credentials;
mod disconnect;
mod error;
mod login;
mod loopback;
mod pending;
mod target;
mod tokens;
mod types;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ownchart_fhir::http::{HttpClient, HttpLimits};

pub use access::VaultAccess;
pub use error::ConnectError;
pub use target::{parse_base, PortalTarget};
pub use tokens::Access;
pub(crate) use types::STATUS_CONNECTED;
pub use types::*;

use pending::PendingLogins;

/// Settings a test or the command line may change.
#[derive(Debug, Clone)]
pub struct ConnectConfig {
    /// The client id registered with portals (`--client-id` overrides it per login).
    pub client_id: String,
    pub deep_link_redirect: url::Url,
    pub bounce_redirect: Option<url::Url>,
    /// How long a login may wait for the browser to come back.
    pub login_timeout: Duration,
    /// Refresh this long before the portal's stated expiry.
    pub refresh_margin: Duration,
    pub http: HttpLimits,
    /// PEM certificates the integrator client trusts besides the system's roots.
    /// Tests only (a CA made at test time); empty in the app.
    pub integrator_trusted_roots_pem: Vec<Vec<u8>>,
}

impl Default for ConnectConfig {
    fn default() -> Self {
        ConnectConfig {
            client_id: "ownchart".to_owned(),
            deep_link_redirect: url::Url::parse("ownchart://callback")
                .unwrap_or_else(|_| unreachable_url()),
            bounce_redirect: None,
            login_timeout: Duration::from_secs(10 * 60),
            refresh_margin: Duration::from_secs(60),
            http: HttpLimits::default(),
            integrator_trusted_roots_pem: Vec::new(),
        }
    }
}

// `Url::parse` of a constant cannot fail; this keeps the default panic-free anyway.
fn unreachable_url() -> url::Url {
    url::Url::from_file_path("/").unwrap_or_else(|_| unreachable_url())
}

/// Opens a URL in the patient's system browser (never the app's webview).
pub type BrowserFn = dyn Fn(&url::Url) -> Result<(), String> + Send + Sync;
/// Told how every login ended (the shell turns it into the `login-finished` event).
pub type FinishedFn = dyn Fn(&LoginFinished) + Send + Sync;

pub struct Connector {
    config: ConnectConfig,
    http: HttpClient,
    vault: Arc<dyn VaultAccess>,
    browser: Arc<BrowserFn>,
    on_finished: Arc<FinishedFn>,
    pending: Mutex<PendingLogins>,
    /// One refresh at a time per connection (TM-12, O-09).
    refresh_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The integrator connector's client, directory entries and pending sign-ins.
    integrator: crate::integrator::IntegratorState,
}

impl Connector {
    pub fn new(
        config: ConnectConfig,
        vault: Arc<dyn VaultAccess>,
        browser: Arc<BrowserFn>,
        on_finished: Arc<FinishedFn>,
    ) -> crate::Result<Arc<Connector>> {
        let http = HttpClient::new(config.http).map_err(|e| ConnectError::Portal(e.to_string()))?;
        Ok(Arc::new(Connector {
            config,
            http,
            vault,
            browser,
            on_finished,
            pending: Mutex::new(PendingLogins::default()),
            refresh_locks: Mutex::new(HashMap::new()),
            integrator: crate::integrator::IntegratorState::default(),
        }))
    }

    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    pub fn config(&self) -> &ConnectConfig {
        &self.config
    }

    /// Every connection with its status.
    pub fn connections(&self) -> crate::Result<Vec<ConnectionView>> {
        access::with_vault(self.vault.as_ref(), |o| {
            let mut views = Vec::new();
            for record in o.vault.connections()? {
                let expires = o
                    .vault
                    .connection_tokens(&record.id)?
                    .and_then(|t| t.access_expires_at.clone());
                views.push(ConnectionView::from_record(&record, expires));
            }
            Ok(views)
        })
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, PendingLogins> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Logins still waiting for the browser (for status displays and tests).
    pub fn pending_logins(&self) -> usize {
        self.pending().len()
    }

    pub(crate) fn vault_access(&self) -> &dyn VaultAccess {
        self.vault.as_ref()
    }

    pub(crate) fn integrator_state(&self) -> &crate::integrator::IntegratorState {
        &self.integrator
    }

    /// Opens `url` in the patient's system browser.
    pub(crate) fn open_browser(&self, url: &url::Url) -> Result<(), String> {
        (self.browser)(url)
    }

    /// A loopback listener for one attempt: its redirect URI and its stop switch.
    pub(crate) async fn loopback_listen(
        self: &Arc<Self>,
    ) -> crate::Result<(url::Url, tokio::sync::oneshot::Sender<()>)> {
        loopback::listen(self.clone()).await
    }
}

pub(crate) fn random_id(bytes: usize) -> crate::Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|_| ConnectError::Portal("no randomness".into()))?;
    Ok(hex::encode(buf))
}
