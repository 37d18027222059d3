//! The audit & disclosure log: read it, verify it, save it as CSV or JSON, and
//! unlock the log an erased passphrase vault left. It works with or without a
//! vault (after an erase the log survives with its own key).

use ownchart_core::audit::{LedgerEntryView, LedgerExportFormat, LedgerStatus};
use ownchart_vault::Passphrase;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

#[tauri::command]
pub async fn ledger_entries(state: State<'_, AppState>) -> IpcResult<Vec<LedgerEntryView>> {
    state.blocking(|s| Ok(s.ledger_entries()?)).await
}

#[tauri::command]
pub async fn verify_ledger(state: State<'_, AppState>) -> IpcResult<LedgerStatus> {
    state.blocking(|s| Ok(s.verify_ledger()?)).await
}

/// Opens the log of an erased passphrase vault with that vault's passphrase.
#[tauri::command]
pub async fn ledger_unlock(
    state: State<'_, AppState>,
    passphrase: String,
) -> IpcResult<LedgerStatus> {
    let passphrase = Passphrase::new(passphrase);
    state
        .blocking(move |s| Ok(s.unlock_ledger(passphrase)?))
        .await
}

/// Saves the log through the native save dialog; `None` when cancelled.
#[tauri::command]
pub async fn ledger_export(
    app: AppHandle,
    state: State<'_, AppState>,
    format: LedgerExportFormat,
) -> IpcResult<Option<String>> {
    let path = match e2e_override() {
        Some(p) => Some(std::path::PathBuf::from(p)),
        None => {
            let name = format!("ownchart-audit-log.{}", format.extension());
            tauri::async_runtime::spawn_blocking(move || {
                app.dialog()
                    .file()
                    .set_title("Save the audit log")
                    .set_file_name(name)
                    .add_filter(format.extension().to_uppercase(), &[format.extension()])
                    .blocking_save_file()
            })
            .await
            .map_err(|e| IpcError::internal(e.to_string()))?
            .and_then(|p| p.into_path().ok())
        }
    };
    let Some(path) = path else { return Ok(None) };
    let shown = path.display().to_string();
    state
        .blocking(move |s| Ok(s.export_ledger(format, &path)?))
        .await?;
    Ok(Some(shown))
}

fn e2e_override() -> Option<String> {
    if cfg!(debug_assertions) {
        std::env::var("OWNCHART_E2E_SAVE_PATH").ok()
    } else {
        None
    }
}
