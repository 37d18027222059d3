//! Starting and stopping a portal: on the caller's tokio runtime ([`Portal::start`]) or on
//! its own thread with its own runtime ([`RunningPortal::start_background`], for the
//! command line, tests and the desktop app). It listens on 127.0.0.1 only. Dropping the
//! handle stops it.

use std::collections::BTreeMap;
use std::future::IntoFuture;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::auth::credentials::ApiCredentials;
use crate::auth::store::GrantSource;
use crate::config::PortalConfig;
use crate::data::Data;
use crate::error::{PortalError, Result};
use crate::faults::Faults;
use crate::flavor::Flavor;
use crate::integrator::{Integrator, IntegratorShared};
use crate::state::{lock, Shared};
use crate::stats::PortalStats;

/// Starts portals.
pub struct Portal;

impl Portal {
    /// Starts a portal on the current tokio runtime.
    pub async fn start(config: PortalConfig) -> Result<RunningPortal> {
        let (shared, listeners) = prepare(config).await?;
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(serve(listeners, shared.clone(), stopped));
        Ok(RunningPortal {
            shared,
            stop,
            thread: None,
        })
    }
}

/// A portal that is running. Dropping it (or [`RunningPortal::shutdown`]) stops it.
pub struct RunningPortal {
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for RunningPortal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningPortal")
            .field("origin", &self.shared.origin)
            .finish_non_exhaustive()
    }
}

fn check(config: &PortalConfig) -> Result<()> {
    if config.users.is_empty() {
        return Err(PortalError::Config(
            "there must be at least one user".into(),
        ));
    }
    for (i, u) in config.users.iter().enumerate() {
        if u.resources == 0 && !u.is_from_files() {
            return Err(PortalError::Config(format!(
                "user \"{}\" needs at least one resource",
                u.username
            )));
        }
        if config.users[..i].iter().any(|o| o.username == u.username) {
            return Err(PortalError::Config(format!(
                "two users are called \"{}\"",
                u.username
            )));
        }
        if !u.is_from_files()
            && config.users[..i]
                .iter()
                .any(|o| !o.is_from_files() && o.seed == u.seed)
        {
            return Err(PortalError::Config(format!(
                "two users have seed {}",
                u.seed
            )));
        }
    }
    if let Some(sim) = &config.integrator {
        if let Some(tls) = &sim.tls {
            crate::integrator::tls::server_config(tls)?;
        }
        for (i, e) in sim.endpoints.iter().enumerate() {
            if sim.endpoints[..i].iter().any(|o| o.id == e.id) {
                return Err(PortalError::Config(format!(
                    "two integrator endpoints have the id {}",
                    e.id
                )));
            }
        }
    }
    for (i, c) in config.clients.iter().enumerate() {
        if config.clients[..i]
            .iter()
            .any(|o| o.client_id == c.client_id)
        {
            return Err(PortalError::Config(format!(
                "two clients are called \"{}\"",
                c.client_id
            )));
        }
    }
    Ok(())
}

/// The bound ports: the portal's, and the integrator simulator's API and
/// redirector when it is configured.
struct Listeners {
    portal: TcpListener,
    integrator: Option<(TcpListener, TcpListener)>,
}

async fn bind(port: u16) -> Result<TcpListener> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|source| PortalError::Bind { port, source })
}

fn port_of(listener: &TcpListener) -> Result<u16> {
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|source| PortalError::Bind { port: 0, source })
}

/// Binds the ports and builds the records. The integrator simulator gets a
/// client registration at this portal per partner endpoint, whose redirect URI
/// is its redirector's inbound address.
async fn prepare(mut config: PortalConfig) -> Result<(Arc<Shared>, Listeners)> {
    check(&config)?;
    let port = config.port.unwrap_or(0);
    let listener = bind(port).await?;
    let origin = format!("http://127.0.0.1:{}", port_of(&listener)?);
    let mut integrator = None;
    let mut integrator_listeners = None;
    if let Some(sim) = config.integrator.clone() {
        let api = bind(0).await?;
        let browser = bind(0).await?;
        let scheme = if sim.tls.is_some() { "https" } else { "http" };
        let shared = IntegratorShared::new(
            sim,
            format!("{scheme}://127.0.0.1:{}", port_of(&api)?),
            format!("http://127.0.0.1:{}", port_of(&browser)?),
        );
        for e in &shared.config.endpoints {
            if config.clients.iter().any(|c| c.client_id == e.client_id()) {
                continue;
            }
            config
                .clients
                .push(crate::config::ClientRegistration::public(
                    &e.client_id(),
                    &[shared.inbound_uri().as_str()],
                ));
        }
        integrator = Some(Arc::new(shared));
        integrator_listeners = Some((api, browser));
    }
    let users = config.users.clone();
    let data = tokio::task::spawn_blocking(move || Data::build(&users))
        .await
        .map_err(|e| PortalError::Start(e.to_string()))??;
    let mut shared = Shared::new(config, origin, data);
    shared.integrator = integrator;
    Ok((
        Arc::new(shared),
        Listeners {
            portal: listener,
            integrator: integrator_listeners,
        },
    ))
}

/// Serves until `stopped` says so or its sender is gone.
async fn serve(listeners: Listeners, shared: Arc<Shared>, stopped: watch::Receiver<bool>) {
    let until = |mut stopped: watch::Receiver<bool>| async move {
        let _ = stopped.wait_for(|s| *s).await;
    };
    if let (Some((api, browser)), Some(integrator)) =
        (listeners.integrator, shared.integrator.clone())
    {
        let sim = crate::integrator::Sim {
            portal: shared.clone(),
            integrator: integrator.clone(),
        };
        let browser_app = crate::integrator::browser_router(sim.clone());
        tokio::spawn(
            axum::serve(browser, browser_app)
                .with_graceful_shutdown(until(stopped.clone()))
                .into_future(),
        );
        let api_app = crate::integrator::api_router(sim);
        let tls = integrator
            .config
            .tls
            .as_ref()
            .map(crate::integrator::tls::server_config);
        match tls {
            None => {
                tokio::spawn(
                    axum::serve(api, api_app)
                        .with_graceful_shutdown(until(stopped.clone()))
                        .into_future(),
                );
            }
            Some(Ok(config)) => {
                if let Ok(listener) = crate::integrator::tls::TlsListener::new(api, config) {
                    tokio::spawn(
                        axum::serve(listener, api_app)
                            .with_graceful_shutdown(until(stopped.clone()))
                            .into_future(),
                    );
                }
            }
            // Checked in `prepare`; an API that cannot do TLS does not listen.
            Some(Err(_)) => {}
        }
    }
    let app = crate::http::router(shared);
    let _ = axum::serve(listeners.portal, app)
        .with_graceful_shutdown(until(stopped))
        .await;
}

impl RunningPortal {
    /// Starts a portal on a thread of its own, with its own tokio runtime, and returns once
    /// it is listening.
    pub fn start_background(config: PortalConfig) -> Result<RunningPortal> {
        type Ready = Result<(Arc<Shared>, watch::Sender<bool>)>;
        let (ready, wait) = std::sync::mpsc::channel::<Ready>();
        let thread = std::thread::Builder::new()
            .name("ownchart-portal".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready.send(Err(PortalError::Start(e.to_string())));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let (shared, listener) = match prepare(config).await {
                        Ok(ok) => ok,
                        Err(e) => {
                            let _ = ready.send(Err(e));
                            return;
                        }
                    };
                    let (stop, stopped) = watch::channel(false);
                    let mut until = stopped.clone();
                    let server = tokio::spawn(serve(listener, shared.clone(), stopped));
                    if ready.send(Ok((shared, stop))).is_err() {
                        return;
                    }
                    let _ = until.wait_for(|s| *s).await;
                    // Open connections get a moment to finish, then the runtime drops them.
                    let _ = tokio::time::timeout(Duration::from_secs(2), server).await;
                });
                runtime.shutdown_timeout(Duration::from_millis(200));
            })
            .map_err(|e| PortalError::Start(e.to_string()))?;
        match wait.recv() {
            Ok(Ok((shared, stop))) => Ok(RunningPortal {
                shared,
                stop,
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(PortalError::Start("the portal thread ended early".into()))
            }
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn origin(&self) -> &str {
        &self.shared.origin
    }

    pub fn port(&self) -> u16 {
        self.shared
            .origin
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    /// The R4 FHIR base (and issuer): `{origin}/fhir/r4`.
    pub fn fhir_base_r4(&self) -> String {
        self.shared.base(Flavor::R4)
    }

    /// The DSTU2 FHIR base (and issuer): `{origin}/fhir/dstu2`.
    pub fn fhir_base_dstu2(&self) -> String {
        self.shared.base(Flavor::Dstu2)
    }

    pub fn config(&self) -> &PortalConfig {
        &self.shared.config
    }

    /// Replaces the active faults; counted faults start counting now.
    pub fn set_faults(&self, faults: Faults) {
        lock(&self.shared.faults).set(faults);
    }

    pub fn faults(&self) -> Faults {
        lock(&self.shared.faults).faults.clone()
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> PortalStats {
        lock(&self.shared.stats).clone()
    }

    pub fn reset_stats(&self) {
        *lock(&self.shared.stats) = PortalStats::default();
    }

    /// The integrator simulator, when [`PortalConfig::integrator`] configured one.
    pub fn integrator(&self) -> Option<Integrator> {
        self.shared
            .integrator
            .clone()
            .map(|inner| Integrator { inner })
    }

    /// The patient id of `username`'s record.
    pub fn patient_id(&self, username: &str) -> Option<String> {
        let user = self.shared.user_named(username)?;
        Some(self.shared.patient_id(user))
    }

    /// How many resources of each R4 type `username`'s record holds.
    pub fn resource_counts(&self, username: &str) -> Option<BTreeMap<String, usize>> {
        let user = self.shared.user_named(username)?;
        let mut counts = BTreeMap::new();
        for s in &self.shared.data().records.get(user)?.resources {
            *counts.entry(s.r4_type.clone()).or_insert(0) += 1;
        }
        Some(counts)
    }

    /// Revises `count` resources of `username`'s record: each gets a visible change, the
    /// next `meta.versionId` and `meta.lastUpdated` = now, on both bases. Repeated calls
    /// revise other resources. Returns their (R4 type, id); empty for an unknown user.
    pub fn revise(&self, username: &str, count: usize) -> Vec<(String, String)> {
        let Some(user) = self.shared.user_named(username) else {
            return Vec::new();
        };
        let now = crate::data::now_instant();
        self.shared.data_mut().revise(user, count, &now)
    }

    /// Adds `n` new resources (`meta.lastUpdated` = now) to `username`'s synthetic record,
    /// returning their (R4 type, id). Records read from files cannot grow.
    pub fn add_resources(&self, username: &str, n: usize) -> Result<Vec<(String, String)>> {
        let user = self
            .shared
            .user_named(username)
            .ok_or_else(|| PortalError::UnknownUser(username.to_owned()))?;
        let now = crate::data::now_instant();
        self.shared.data_mut().add(user, n, &now)
    }

    /// API credentials for `username`, as the patient would generate them in the portal.
    pub fn issue_api_credentials(&self, username: &str, label: &str) -> Result<ApiCredentials> {
        let user = self
            .shared
            .user_named(username)
            .ok_or_else(|| PortalError::UnknownUser(username.to_owned()))?;
        lock(&self.shared.auth).issue_credentials(user, label)
    }

    /// Deletes API credentials; apps using them lose access. `false` if the key is unknown.
    pub fn delete_api_credentials(&self, key: &str) -> bool {
        lock(&self.shared.auth).delete_credentials(key)
    }

    /// Revokes every app's access to `username`'s record, as a patient can in the portal.
    /// Returns how many grants were live.
    pub fn revoke_access(&self, username: &str) -> usize {
        let Some(user) = self.shared.user_named(username) else {
            return 0;
        };
        lock(&self.shared.auth)
            .revoke_grants_where(|g| g.user == user && g.source == GrantSource::Consent)
    }

    /// Stops the portal (and waits for its thread, if it has one).
    pub fn shutdown(self) {}
}

impl Drop for RunningPortal {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
