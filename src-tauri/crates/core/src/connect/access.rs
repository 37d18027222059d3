//! How the connect use cases reach the open vault without owning it: the shell
//! and the command line each keep their `Session` behind their own lock and lend
//! it for short, synchronous sections (never across a network wait).

use ownchart_vault::Opened;

use crate::Result;

pub trait VaultAccess: Send + Sync {
    /// Runs `f` with the open vault, or fails with `VaultLocked`.
    fn with_opened(&self, f: &mut dyn FnMut(&mut Opened) -> Result<()>) -> Result<()>;
}

/// [`VaultAccess::with_opened`] for closures that return a value.
pub(crate) fn with_vault<T>(
    access: &dyn VaultAccess,
    f: impl FnOnce(&mut Opened) -> Result<T>,
) -> Result<T> {
    let mut f = Some(f);
    let mut out = None;
    access.with_opened(&mut |opened| {
        if let Some(f) = f.take() {
            out = Some(f(opened)?);
        }
        Ok(())
    })?;
    out.ok_or(crate::CoreError::VaultLocked)
}

impl VaultAccess for std::sync::Mutex<crate::session::Session> {
    fn with_opened(&self, f: &mut dyn FnMut(&mut Opened) -> Result<()>) -> Result<()> {
        let mut session = self.lock().unwrap_or_else(|p| p.into_inner());
        f(session.opened_mut()?)
    }
}
