//! Sharing with a clinician: the preview of a selection, the native folder
//! dialog (opened in Rust, so the webview needs no file-system permission), and
//! the share itself, which records the disclosure before releasing the files.

use ownchart_core::share::{SharePreview, ShareReport, ShareRequest, ShareSelection};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

#[tauri::command]
pub async fn share_preview(
    state: State<'_, AppState>,
    selection: ShareSelection,
) -> IpcResult<SharePreview> {
    state
        .blocking(move |s| Ok(s.share_preview(&selection)?))
        .await
}

/// The folder the share goes into; `None` when the patient cancelled.
#[tauri::command]
pub async fn share_choose_dir(app: AppHandle) -> IpcResult<Option<String>> {
    if let Some(dir) = e2e_override() {
        return Ok(Some(dir));
    }
    let picked = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .set_title("Where should the shared files go?")
            .blocking_pick_folder()
    })
    .await
    .map_err(|e| IpcError::internal(e.to_string()))?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}

#[tauri::command]
pub async fn share_create(
    state: State<'_, AppState>,
    request: ShareRequest,
) -> IpcResult<ShareReport> {
    state.blocking(move |s| Ok(s.share_create(&request)?)).await
}

/// Opens a share's printable summary in the system browser, where it prints or
/// saves as PDF (a frame inside the webview cannot print on every platform).
/// Only the summary file of a folder the app wrote: the name is fixed here.
#[tauri::command]
pub async fn share_open_summary(dir: String) -> IpcResult<()> {
    let path = std::path::Path::new(&dir).join(SUMMARY_FILE);
    if !path.is_file() {
        return Err(IpcError::new(
            "summary_missing",
            "The printable summary is no longer in that folder.",
        ));
    }
    tauri_plugin_opener::open_path(&path, None::<&str>).map_err(|e| {
        IpcError::new(
            "browser_unavailable",
            format!("Could not open the summary in your browser: {e}"),
        )
    })
}

const SUMMARY_FILE: &str = "patient-summary.html";

/// WebDriver cannot drive a native GTK dialog, so debug builds let the
/// end-to-end test name the folder. Release builds never read this variable.
fn e2e_override() -> Option<String> {
    if cfg!(debug_assertions) {
        std::env::var("OWNCHART_E2E_PICK_DIR").ok()
    } else {
        None
    }
}
