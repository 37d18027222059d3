//! Delete everything (keeping the audit log). A confirmed erase revokes every
//! connection at its portal (RFC 7009 where offered, each outcome logged by
//! the disconnect), then, locally and in this order:
//!
//! 1. `ledger-header.json` is written, so the ledger opens without the vault;
//! 2. the durable mark `erase-pending.json` is written (fsync, rename);
//! 3. the DELETE_ALL entry is appended to the ledger;
//! 4. the vault is closed, its key destroyed (keyring entry; in passphrase mode
//!    the header that wraps it), then the vault file with its WAL, shared-memory
//!    and journal files, the directory cache, and what unfinished exports left;
//! 5. the mark is removed.
//!
//! A process killed after step 2 leaves the mark: the next start finishes the
//! deletion before anything else (`resume`), and appends DELETE_ALL if step 3
//! had not happened (when the ledger's key is at hand: in passphrase mode, at
//! the next unlock of the ledger). The folder then holds only the ledger, its
//! header and the lock; the app is back at first run and the log stays readable.

mod files;
mod marker;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use ownchart_vault::{self as vault, DirState, KeptLedger, Ledger, NewLedgerEntry, Passphrase};

use crate::audit::LedgerStatus;
use crate::connect::{Connector, RevocationOutcome};
use crate::overview::ProtectionMode;
use crate::session::Session;
use crate::{CoreError, Result};

/// The word the patient types to confirm.
pub const CONFIRMATION: &str = "DELETE";

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EraseRevocation {
    /// The portal's name.
    pub connection: String,
    /// "revoked" | "not supported" | "failed: <reason>"
    pub outcome: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct EraseReport {
    pub revocations: Vec<EraseRevocation>,
    #[ts(type = "number")]
    pub files_removed: u64,
    /// The DELETE_ALL entry.
    #[ts(type = "number")]
    pub ledger_seq: u64,
}

pub fn check_confirmation(text: &str) -> Result<()> {
    if text == CONFIRMATION {
        Ok(())
    } else {
        Err(CoreError::ConfirmationMismatch {
            expected: CONFIRMATION,
        })
    }
}

/// Ends every connection: revocation at the portal where it offers it, and
/// the connection and its tokens deleted here whatever the answer.
pub async fn revoke_all(connector: &Connector) -> Result<Vec<EraseRevocation>> {
    let mut out = Vec::new();
    for c in connector.connections()? {
        let outcome = match connector.disconnect(&c.id).await {
            Ok(r) => match r.remote_revocation {
                RevocationOutcome::Revoked => "revoked".to_owned(),
                RevocationOutcome::Unsupported => "not supported".to_owned(),
                RevocationOutcome::Failed => {
                    "failed: the portal did not confirm the revocation".to_owned()
                }
            },
            Err(e) => format!("failed: {e}"),
        };
        out.push(EraseRevocation {
            connection: c.portal_name.clone(),
            outcome,
        });
    }
    Ok(out)
}

impl Session {
    /// Deletes the vault and everything of the patient's in the data folder,
    /// keeping the ledger (see the module documentation). `revocations` are the
    /// outcomes of [`revoke_all`], run first.
    pub fn erase_everything(
        &mut self,
        confirmation: &str,
        revocations: Vec<EraseRevocation>,
    ) -> Result<EraseReport> {
        check_confirmation(confirmation)?;
        let opened = self.opened.take().ok_or(CoreError::VaultLocked)?;
        let resources = opened.vault.resource_count().unwrap_or(0);
        let connections = opened.vault.connections().map(|c| c.len()).unwrap_or(0);
        let (vault_db, mut kept) = opened.into_kept();
        let result = self.erase_local(&mut kept, vault_db, resources, connections, &revocations);
        self.kept = Some(kept);
        let (files_removed, ledger_seq) = result?;
        Ok(EraseReport {
            revocations,
            files_removed,
            ledger_seq,
        })
    }

    fn erase_local(
        &mut self,
        kept: &mut KeptLedger,
        vault_db: vault::Vault,
        resources: u64,
        connections: usize,
        revocations: &[EraseRevocation],
    ) -> Result<(u64, u64)> {
        vault::keep_ledger_alone(&self.dir)?;
        let erase_id = marker::write(&self.dir)?;
        test_pause("after_marker");
        let mut entry = NewLedgerEntry::new(
            "DELETE_ALL",
            format!(
                "Deleted everything: {resources} records, {connections} portal connection{} ({}), the vault and its key, caches and unfinished exports. This audit log was kept.",
                if connections == 1 { "" } else { "s" },
                describe(revocations)
            ),
        );
        entry.details = serde_json::to_string(&serde_json::json!({
            "erase_id": erase_id,
            "resources": resources,
            "connections": connections,
            "revocations": revocations,
        }))
        .ok();
        let appended = kept.ledger.append(entry)?;
        test_pause("after_entry");
        drop(vault_db);
        let removed = files::destroy(&self.dir, &self.keyring)?;
        marker::remove(&self.dir)?;
        self.unlock_failure = None;
        Ok((removed, appended.seq))
    }

    /// Opens the audit log an erased vault left, with that vault's passphrase
    /// (keyring-protected logs open by themselves).
    pub fn unlock_ledger(&mut self, passphrase: Passphrase) -> Result<LedgerStatus> {
        if self.opened.is_none() && self.kept.is_none() {
            let kept = vault::open_kept_ledger(&self.dir, &self.keyring, Some(&passphrase))?;
            self.kept = Some(kept);
            if let Some(kept) = self.kept.as_mut() {
                marker::settle(&self.dir, &mut kept.ledger)?;
            }
        }
        self.verify_ledger()
    }

    /// The ledger in use: the vault's, or the one an erase kept.
    /// `Ok(None)`: there is no ledger at all (a first run).
    pub(crate) fn current_ledger(&self) -> Result<Option<&Ledger>> {
        if let Some(o) = self.opened.as_ref() {
            return Ok(Some(&o.ledger));
        }
        if let Some(k) = self.kept.as_ref() {
            return Ok(Some(&k.ledger));
        }
        match (
            self.dir.inspect()?,
            vault::kept_ledger_protection(&self.dir)?,
        ) {
            (DirState::Empty, None) => Ok(None),
            (DirState::Empty, Some(_)) => Err(vault::VaultError::LedgerLocked.into()),
            _ => Err(CoreError::VaultLocked),
        }
    }

    /// Creates the vault, taking over the ledger an erase kept: opened by the
    /// keyring, by this session, or by the new passphrase when it is the old
    /// one; a kept ledger nobody can open is set aside under a dated name.
    pub(crate) fn create_opened(
        &mut self,
        mode: ProtectionMode,
        passphrase: Option<Passphrase>,
    ) -> Result<vault::Opened> {
        if self.kept.is_none() && vault::kept_ledger_protection(&self.dir)?.is_some() {
            self.kept = vault::open_kept_ledger(&self.dir, &self.keyring, passphrase.as_ref()).ok();
            if self.kept.is_none() {
                vault::set_kept_ledger_aside(&self.dir)?;
            }
        }
        let kept = self.kept.take();
        Ok(match (mode, passphrase, kept) {
            (ProtectionMode::Keyring, _, None) => {
                vault::create_with_keyring(&self.dir, &self.keyring)?
            }
            (ProtectionMode::Keyring, _, Some(k)) => {
                vault::create_with_keyring_keeping(&self.dir, &self.keyring, k)?
            }
            (ProtectionMode::Passphrase, Some(p), None) => {
                vault::create_with_passphrase(&self.dir, &p)?
            }
            (ProtectionMode::Passphrase, Some(p), Some(k)) => {
                vault::create_with_passphrase_keeping(&self.dir, &p, k)?
            }
            (ProtectionMode::Passphrase, None, kept) => {
                self.kept = kept;
                return Err(CoreError::PassphraseRequired);
            }
        })
    }
}

/// At start, before anything else: finishes an erase a killed process left,
/// and opens a keyring-protected kept ledger so the log is readable.
pub(crate) fn resume(session: &mut Session) -> Result<()> {
    if session.dir.erase_marker_path().exists() {
        files::destroy(&session.dir, &session.keyring)?;
    }
    let keyring_ledger = matches!(session.dir.inspect()?, DirState::Empty)
        && vault::kept_ledger_protection(&session.dir)? == Some(vault::Protection::Keyring);
    if keyring_ledger {
        let mut kept = vault::open_kept_ledger(&session.dir, &session.keyring, None)?;
        marker::settle(&session.dir, &mut kept.ledger)?;
        session.kept = Some(kept);
    }
    Ok(())
}

fn describe(revocations: &[EraseRevocation]) -> String {
    if revocations.is_empty() {
        return "none connected".to_owned();
    }
    revocations
        .iter()
        .map(|r| format!("{}: {}", r.connection, r.outcome))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Debug builds only: lets the crash test stop an erase at a named step (the
/// test then kills the process). Release builds never read the variable.
fn test_pause(step: &str) {
    if cfg!(debug_assertions) && std::env::var("OWNCHART_TEST_ERASE_PAUSE").is_ok_and(|v| v == step)
    {
        eprintln!("erase paused at {step}");
        std::thread::sleep(std::time::Duration::from_secs(600));
    }
}
