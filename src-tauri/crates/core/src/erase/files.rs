//! What an erase deletes besides the vault itself: the directory cache, the
//! spools and partial files of unfinished exports, and temporary files of
//! this app. Only names this app writes are touched: the data folder may be
//! one the patient chose.

use ownchart_vault::{DataDir, KeyringStore};

use crate::Result;

/// Destroys the vault (key first) and the app's other files; idempotent.
/// Returns how many files were removed.
pub fn destroy(dir: &DataDir, keyring: &KeyringStore) -> Result<u64> {
    let mut removed = ownchart_vault::destroy_vault(dir, keyring)?;
    removed += crate::export::remove_leftovers(dir.root());
    let cache = dir.root().join("directory");
    if let Ok(entries) = std::fs::read_dir(&cache) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let ours = name.ends_with(".json") || name.contains(".tmp") || name.starts_with(".tmp");
            if ours && e.path().is_file() && std::fs::remove_file(e.path()).is_ok() {
                removed += 1;
            }
        }
        let _ = std::fs::remove_dir(&cache);
    }
    for name in ["erase-pending.json.tmp", "ledger-header.json.tmp"] {
        if std::fs::remove_file(dir.root().join(name)).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}
