//! Downloading records: start (one connection or all), cancel, the history of
//! runs, the optional schedule. Progress arrives as `sync-progress` events.

use ownchart_core::sync::{SyncReport, SyncRequest, SyncSchedule, SyncStarted};
use tauri::State;

use crate::error::IpcResult;
use crate::state::Services;

#[tauri::command]
pub async fn sync_start(
    services: State<'_, Services>,
    request: SyncRequest,
) -> IpcResult<Vec<SyncStarted>> {
    Ok(services.sync.start(request)?)
}

#[tauri::command]
pub fn sync_cancel(services: State<'_, Services>, run_id: String) -> bool {
    services.sync.cancel(&run_id)
}

/// The runs going on now, as `(connection id, run id)` pairs.
#[tauri::command]
pub fn sync_active(services: State<'_, Services>) -> Vec<(String, String)> {
    services.sync.active_runs()
}

#[tauri::command]
pub async fn sync_history(
    services: State<'_, Services>,
    limit: Option<u32>,
) -> IpcResult<Vec<SyncReport>> {
    Ok(services
        .sync
        .history(limit.unwrap_or(20).min(200) as usize)?)
}

#[tauri::command]
pub async fn sync_schedule(services: State<'_, Services>) -> IpcResult<SyncSchedule> {
    Ok(services.sync.schedule()?)
}

#[tauri::command]
pub async fn sync_set_schedule(
    services: State<'_, Services>,
    schedule: SyncSchedule,
) -> IpcResult<SyncSchedule> {
    Ok(services.sync.set_schedule(schedule)?)
}
