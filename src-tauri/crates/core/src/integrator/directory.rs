//! The integrator's part of a directory search: the partner portals its
//! directory service lists for the words typed (a name or a zip), clinical,
//! payer or both. The entries are remembered so a Connect click can start the
//! sign-in without another search.

use crate::connect::Connector;
use crate::directory::{DirectoryQuery, PortalKind};

use super::types::IntegratorSearchResult;
use super::{guard, IntegratorError};

/// Kept for the Connect click; a search replaces what an older one left.
const REMEMBERED: usize = 2_000;

impl Connector {
    /// Searches the integrator's directory. Without an account it asks nothing
    /// (`configured: false`); a failure is reported in `error`, not raised, so
    /// the rest of the directory search still shows.
    pub async fn integrator_search(&self, query: &DirectoryQuery) -> IntegratorSearchResult {
        let client = match self.integrator_client() {
            Ok(c) => c,
            Err(IntegratorError::NotConfigured) => {
                return IntegratorSearchResult {
                    configured: false,
                    entries: Vec::new(),
                    error: None,
                }
            }
            Err(e) => {
                return IntegratorSearchResult {
                    configured: true,
                    entries: Vec::new(),
                    error: Some(e.to_string()),
                }
            }
        };
        let kinds = match query.kind {
            Some(k) => vec![k],
            None => vec![PortalKind::Clinical, PortalKind::Payer],
        };
        let mut found = Vec::new();
        let mut error = None;
        for kind in kinds {
            match client.search(kind, &query.text).await {
                Ok(mut entries) => found.append(&mut entries),
                Err(e) => error = Some(e.to_string()),
            }
        }
        let limit = match query.limit {
            0 => crate::directory::DEFAULT_LIMIT,
            n => n.min(crate::directory::MAX_LIMIT),
        } as usize;
        {
            let mut remembered = guard(&self.integrator_state().endpoints);
            if remembered.len() + found.len() > REMEMBERED {
                remembered.clear();
            }
            for e in &found {
                remembered.insert(e.view.id.clone(), e.clone());
            }
        }
        IntegratorSearchResult {
            configured: true,
            entries: found.into_iter().take(limit).map(|e| e.view).collect(),
            error,
        }
    }
}
