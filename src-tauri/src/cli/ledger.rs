//! `ownchart ledger [show | verify | export --format csv|json --out FILE]`: the
//! audit & disclosure log, also after an erase (then `--passphrase-stdin`
//! takes the erased vault's passphrase when it was passphrase-protected).

use std::path::Path;

use ownchart_core::audit::{LedgerEntryView, LedgerExportFormat, LedgerStatus};
use ownchart_core::overview::VaultState;
use ownchart_core::session::Session;
use ownchart_vault::Passphrase;

use crate::error::IpcError;

/// Makes the log readable: unlocks a passphrase vault, or the kept log.
pub fn open(session: &mut Session, passphrase: Option<Passphrase>) -> Result<(), IpcError> {
    match (session.status()?.state, passphrase) {
        (VaultState::Locked { .. }, p) => {
            session.unlock(p)?;
        }
        (VaultState::NotCreated { .. }, Some(p)) => {
            session.unlock_ledger(p)?;
        }
        _ => {}
    }
    Ok(())
}

pub fn show(session: &Session) -> Result<Vec<LedgerEntryView>, IpcError> {
    Ok(session.ledger_entries()?)
}

pub fn verify(session: &Session) -> Result<LedgerStatus, IpcError> {
    Ok(session.verify_ledger()?)
}

pub fn export(session: &Session, format: &str, out: &Path) -> Result<(), IpcError> {
    let format = match format {
        "csv" => LedgerExportFormat::Csv,
        "json" => LedgerExportFormat::Json,
        other => {
            return Err(IpcError::new(
                "usage",
                format!("Unknown format '{other}': use csv or json."),
            ))
        }
    };
    Ok(session.export_ledger(format, out)?)
}

pub fn describe_entries(entries: &[LedgerEntryView]) -> String {
    if entries.is_empty() {
        return "The audit log is empty.".to_owned();
    }
    entries
        .iter()
        .map(|e| {
            let mut line = format!(
                "{:>5}  {}  {:<14} {}",
                e.seq, e.ts_utc, e.event, e.description
            );
            if let Some(r) = &e.recipient {
                line += &format!("  [recipient: {r}]");
            }
            if let Some(p) = &e.purpose {
                line += &format!("  [purpose: {p}]");
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn describe_status(s: &LedgerStatus) -> String {
    if s.intact {
        format!(
            "The audit log is intact: {} entries, head {}.",
            s.entries,
            s.head.as_deref().unwrap_or("(none)")
        )
    } else {
        format!(
            "The audit log's integrity is broken at entry {}: {}.",
            s.broken_at.unwrap_or(0),
            s.reason.as_deref().unwrap_or("unknown")
        )
    }
}
