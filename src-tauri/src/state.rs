//! What the shell keeps between commands: the one `Session` of this process, or
//! the reason it could not start (e.g. another Ownchart holds the data folder).

use std::sync::{Arc, Mutex, MutexGuard};

use ownchart_core::connect::{Connector, VaultAccess};
use ownchart_core::directory::Directory;
use ownchart_core::session::Session;
use ownchart_core::CoreError;
use ownchart_vault::Opened;

use crate::error::{IpcError, IpcResult};

#[derive(Clone)]
pub struct AppState {
    session: Arc<Mutex<Result<Session, IpcError>>>,
}

impl AppState {
    pub fn new(session: Result<Session, IpcError>) -> Self {
        AppState {
            session: Arc::new(Mutex::new(session)),
        }
    }

    /// Runs `f` with the session on the calling thread. Long work goes through
    /// [`AppState::blocking`] so the webview's event loop never waits on it.
    pub fn with<T>(&self, f: impl FnOnce(&mut Session) -> IpcResult<T>) -> IpcResult<T> {
        let mut guard = self.lock()?;
        match guard.as_mut() {
            Ok(session) => f(session),
            Err(e) => Err(e.clone()),
        }
    }

    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Session) -> IpcResult<T> + Send + 'static,
    ) -> IpcResult<T> {
        let state = self.clone();
        tauri::async_runtime::spawn_blocking(move || state.with(f))
            .await
            .map_err(|e| IpcError::internal(e.to_string()))?
    }

    fn lock(&self) -> IpcResult<MutexGuard<'_, Result<Session, IpcError>>> {
        // A panic while holding the lock would poison it; the session itself is
        // still consistent (every write is transactional), so keep serving it.
        Ok(self.session.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// The open vault, lent to the connect use cases for short sections.
impl VaultAccess for AppState {
    fn with_opened(
        &self,
        f: &mut dyn FnMut(&mut Opened) -> ownchart_core::Result<()>,
    ) -> ownchart_core::Result<()> {
        let mut guard = self.session.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_mut() {
            Ok(session) => f(session.opened_mut()?),
            Err(_) => Err(CoreError::VaultLocked),
        }
    }
}

/// Everything besides the session: the portal connector, the directory, and the
/// built-in demo portal (kept here so it lives as long as the app).
pub struct Services {
    pub connector: Arc<Connector>,
    pub sync: Arc<ownchart_core::sync::SyncEngine>,
    pub directory: Arc<Mutex<Directory>>,
    pub demo: Option<ownchart_portal::RunningPortal>,
}

impl Services {
    pub fn directory(&self) -> MutexGuard<'_, Directory> {
        self.directory.lock().unwrap_or_else(|p| p.into_inner())
    }
}
