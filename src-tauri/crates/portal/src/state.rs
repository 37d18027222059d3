//! The state every request handler shares: configuration, records, the authorization
//! store, faults and counters. Locks are held only for short, await-free sections.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::auth::store::AuthStore;
use crate::config::{ClientRegistration, PortalConfig};
use crate::data::Data;
use crate::faults::FaultState;
use crate::flavor::Flavor;
use crate::stats::PortalStats;

pub(crate) struct Shared {
    pub config: PortalConfig,
    /// `http://127.0.0.1:PORT`
    pub origin: String,
    /// The records; written only when a test revises or adds resources.
    data: RwLock<Data>,
    /// Each user's patient id (they never change).
    patient_ids: Vec<String>,
    pub auth: Mutex<AuthStore>,
    pub faults: Mutex<FaultState>,
    pub stats: Mutex<PortalStats>,
    pub accounts: Mutex<crate::http::account::AccountSessions>,
    /// The integrator simulator, when configured.
    pub integrator: Option<Arc<crate::integrator::IntegratorShared>>,
}

/// What a handler under one FHIR base gets: the shared state and which base it is.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub shared: Arc<Shared>,
    pub flavor: Flavor,
}

/// A poisoned lock only means another handler panicked; the data is still usable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(config: PortalConfig, origin: String, data: Data) -> Shared {
        let patient_ids = data.records.iter().map(|r| r.patient_id.clone()).collect();
        Shared {
            config,
            origin,
            data: RwLock::new(data),
            patient_ids,
            auth: Mutex::default(),
            faults: Mutex::default(),
            stats: Mutex::default(),
            accounts: Mutex::default(),
            integrator: None,
        }
    }

    /// The FHIR base URL (and issuer) of `flavor`.
    pub(crate) fn base(&self, flavor: Flavor) -> String {
        format!("{}{}", self.origin, flavor.path())
    }

    pub(crate) fn count(&self, update: impl FnOnce(&mut PortalStats)) {
        update(&mut lock(&self.stats));
    }

    pub(crate) fn client(&self, client_id: &str) -> Option<&ClientRegistration> {
        self.config
            .clients
            .iter()
            .find(|c| c.client_id == client_id)
    }

    pub(crate) fn user_named(&self, username: &str) -> Option<usize> {
        self.config
            .users
            .iter()
            .position(|u| u.username == username)
    }

    /// The user whose password this is, compared by digest so timing says nothing.
    pub(crate) fn check_password(&self, username: &str, password: &str) -> Option<usize> {
        let given = crate::secret::digest(password);
        let u = self.user_named(username)?;
        let expected = crate::secret::digest(&self.config.users.get(u)?.password);
        (given == expected).then_some(u)
    }

    pub(crate) fn patient_id(&self, user: usize) -> String {
        self.patient_ids.get(user).cloned().unwrap_or_default()
    }

    /// The records, to read. Held only for await-free sections.
    pub(crate) fn data(&self) -> RwLockReadGuard<'_, Data> {
        self.data.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn data_mut(&self) -> RwLockWriteGuard<'_, Data> {
        self.data.write().unwrap_or_else(PoisonError::into_inner)
    }
}
