//! Delete everything: revocation at every portal, then the vault, its key and
//! the app's other files; the audit log stays. Afterwards `vault_status`
//! reports first run.

use ownchart_core::erase::{self, EraseReport};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

use crate::error::{IpcError, IpcResult};
use crate::state::{AppState, Services};

#[tauri::command]
pub async fn erase_everything(
    app: AppHandle,
    state: State<'_, AppState>,
    services: State<'_, Services>,
    confirmation: String,
) -> IpcResult<EraseReport> {
    erase::check_confirmation(&confirmation)?;
    // The typed word comes from the webview; the last word is the patient's, in a
    // dialog the page cannot draw or click.
    if !confirmed_natively(app).await? {
        return Err(IpcError::new(
            "erase_cancelled",
            "Nothing was deleted: you chose to keep your records.",
        ));
    }
    // Running syncs stop first: nothing may write into a vault being deleted.
    for (_, run_id) in services.sync.active_runs() {
        services.sync.cancel(&run_id);
    }
    let revocations = erase::revoke_all(&services.connector).await?;
    state
        .blocking(move |s| Ok(s.erase_everything(&confirmation, revocations)?))
        .await
}

async fn confirmed_natively(app: AppHandle) -> IpcResult<bool> {
    if let Some(answer) = e2e_answer() {
        return Ok(answer);
    }
    tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .message(
                "Ownchart will ask your portals to revoke its access, then delete every \
                 record, token and key on this computer. Only the audit & disclosure log \
                 stays. This cannot be undone.",
            )
            .title("Delete everything?")
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(
                "Delete everything".into(),
                "Keep my records".into(),
            ))
            .blocking_show()
    })
    .await
    .map_err(|e| IpcError::internal(e.to_string()))
}

/// WebDriver cannot click a native dialog, so debug builds let the end-to-end
/// test answer it (`OWNCHART_E2E_CONFIRM=yes|no`). Release builds never read it.
fn e2e_answer() -> Option<bool> {
    if !cfg!(debug_assertions) {
        return None;
    }
    match std::env::var("OWNCHART_E2E_CONFIRM").ok()?.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}
