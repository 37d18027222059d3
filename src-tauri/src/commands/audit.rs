//! The audit & disclosure log, read-only.

use ownchart_core::audit::{LedgerEntryView, LedgerStatus};
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

#[tauri::command]
pub async fn ledger_entries(state: State<'_, AppState>) -> IpcResult<Vec<LedgerEntryView>> {
    state.blocking(|s| Ok(s.ledger_entries()?)).await
}

#[tauri::command]
pub async fn verify_ledger(state: State<'_, AppState>) -> IpcResult<LedgerStatus> {
    state.blocking(|s| Ok(s.verify_ledger()?)).await
}
