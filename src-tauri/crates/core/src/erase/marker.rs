//! `erase-pending.json`: written (atomically, fsynced) before the first
//! destructive step of an erase and removed after the last. It names the erase
//! so a resumed erase can tell whether its DELETE_ALL entry was written. It
//! holds no record, name, token or key.

use ownchart_vault::{DataDir, Ledger, NewLedgerEntry};
use serde::{Deserialize, Serialize};

use crate::Result;

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    erase_id: String,
    started_at: String,
}

pub fn write(dir: &DataDir) -> Result<String> {
    let mut id = [0u8; 16];
    getrandom::fill(&mut id).map_err(|_| crate::CoreError::Sync("no system randomness".into()))?;
    let marker = Marker {
        erase_id: hex::encode(id),
        started_at: crate::clock::now_rfc3339(),
    };
    let path = dir.erase_marker_path();
    let tmp = path.with_extension("json.tmp");
    let bytes = serde_json::to_vec(&marker).map_err(|e| crate::CoreError::Sync(e.to_string()))?;
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp).map_err(ownchart_vault::VaultError::from)?;
        f.write_all(&bytes)
            .map_err(ownchart_vault::VaultError::from)?;
        f.sync_all().map_err(ownchart_vault::VaultError::from)?;
    }
    std::fs::rename(&tmp, &path).map_err(ownchart_vault::VaultError::from)?;
    crate::export::sync_dir(dir.root());
    Ok(marker.erase_id)
}

pub fn remove(dir: &DataDir) -> Result<()> {
    match std::fs::remove_file(dir.erase_marker_path()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(ownchart_vault::VaultError::from(e).into()),
    }
    crate::export::sync_dir(dir.root());
    Ok(())
}

/// With the kept ledger open: makes sure the pending erase's DELETE_ALL entry
/// is there (appending it if the process died before it), then removes the mark.
pub fn settle(dir: &DataDir, ledger: &mut Ledger) -> Result<()> {
    let Ok(bytes) = std::fs::read(dir.erase_marker_path()) else {
        return Ok(());
    };
    let Ok(marker) = serde_json::from_slice::<Marker>(&bytes) else {
        return remove(dir);
    };
    let logged = ledger.entries()?.iter().rev().any(|e| {
        e.event == "DELETE_ALL"
            && e.details
                .as_deref()
                .is_some_and(|d| d.contains(&marker.erase_id))
    });
    if !logged {
        let mut entry = NewLedgerEntry::new(
            "DELETE_ALL",
            "Deleted everything: the vault and its key, caches and unfinished exports (finished after an interruption). This audit log was kept.",
        );
        entry.details = serde_json::to_string(
            &serde_json::json!({"erase_id": marker.erase_id, "resumed": true}),
        )
        .ok();
        ledger.append(entry)?;
    }
    remove(dir)
}
