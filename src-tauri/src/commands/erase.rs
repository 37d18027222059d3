//! Delete everything: revocation at every portal, then the vault, its key and
//! the app's other files; the audit log stays. Afterwards `vault_status`
//! reports first run.

use ownchart_core::erase::{self, EraseReport};
use tauri::State;

use crate::error::IpcResult;
use crate::state::{AppState, Services};

#[tauri::command]
pub async fn erase_everything(
    state: State<'_, AppState>,
    services: State<'_, Services>,
    confirmation: String,
) -> IpcResult<EraseReport> {
    erase::check_confirmation(&confirmation)?;
    // Running syncs stop first: nothing may write into a vault being deleted.
    for (_, run_id) in services.sync.active_runs() {
        services.sync.cancel(&run_id);
    }
    let revocations = erase::revoke_all(&services.connector).await?;
    state
        .blocking(move |s| Ok(s.erase_everything(&confirmation, revocations)?))
        .await
}
