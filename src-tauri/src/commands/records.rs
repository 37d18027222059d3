//! Reading the records: for now the overview of counts by category.

use ownchart_core::overview::RecordOverview;
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

#[tauri::command]
pub async fn record_overview(state: State<'_, AppState>) -> IpcResult<RecordOverview> {
    state.blocking(|s| Ok(s.overview()?)).await
}
