//! `ownchart erase --yes`: revokes every connection at its portal, then deletes
//! the vault, its key and the app's other files, keeping the audit log.

use std::sync::{Arc, Mutex};

use ownchart_core::connect::{ConnectConfig, Connector};
use ownchart_core::erase::{self, EraseReport};
use ownchart_core::session::Session;

use crate::error::IpcError;

pub fn erase(session: Session, yes: bool) -> Result<EraseReport, IpcError> {
    if !yes {
        return Err(IpcError::new(
            "confirmation_mismatch",
            "This deletes your vault, its key and every portal connection (the audit log is kept). Run `ownchart erase --yes` to confirm.",
        ));
    }
    let shared = Arc::new(Mutex::new(session));
    let connector = Connector::new(
        ConnectConfig::default(),
        shared.clone(),
        Arc::new(|_: &url::Url| Err("no browser needed".to_owned())),
        Arc::new(|_: &ownchart_core::connect::LoginFinished| {}),
    )?;
    let revocations = super::connect::runtime()?.block_on(erase::revoke_all(&connector))?;
    drop(connector);
    let mut session = shared.lock().unwrap_or_else(|p| p.into_inner());
    Ok(session.erase_everything(erase::CONFIRMATION, revocations)?)
}

pub fn describe(r: &EraseReport) -> String {
    let mut s = String::from("Everything was deleted; the audit log was kept.\n");
    for rev in &r.revocations {
        s += &format!("  {}: {}\n", rev.connection, rev.outcome);
    }
    s += &format!(
        "{} files removed; audit log entry {} (DELETE_ALL).",
        r.files_removed, r.ledger_seq
    );
    s
}
