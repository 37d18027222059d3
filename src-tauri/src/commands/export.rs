//! The complete record file: the native save dialog (opened by Rust, so the
//! webview needs no file-system permission) and the export itself, with
//! progress over a channel. The passphrase arrives once and is wiped after use.

use ownchart_core::export::{default_file_name, ExportProgress, ExportReport, ExportRequest};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

#[tauri::command]
pub async fn export_choose_path(app: AppHandle, encrypted: bool) -> IpcResult<Option<String>> {
    if let Some(path) = e2e_override() {
        return Ok(Some(path));
    }
    let today = ownchart_core::clock::now_rfc3339()
        .chars()
        .take(10)
        .collect::<String>();
    let name = default_file_name(encrypted, &today);
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let dialog = app
            .dialog()
            .file()
            .set_title("Export your complete record")
            .set_file_name(name);
        let dialog = if encrypted {
            dialog.add_filter("Encrypted export (age)", &["age"])
        } else {
            dialog.add_filter("Zip archive", &["zip"])
        };
        dialog.blocking_save_file()
    })
    .await
    .map_err(|e| IpcError::internal(e.to_string()))?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}

#[tauri::command]
pub async fn export_start(
    state: State<'_, AppState>,
    request: ExportRequest,
    on_progress: Channel<ExportProgress>,
) -> IpcResult<ExportReport> {
    state
        .blocking(move |s| {
            let mut report = |p: &ExportProgress| {
                // A closed channel only means the window went away; the export goes on.
                let _ = on_progress.send(p.clone());
            };
            Ok(s.export(&request, &mut report)?)
        })
        .await
}

/// WebDriver cannot drive a native save dialog, so debug builds let the
/// end-to-end test name the file. Release builds never read this variable.
fn e2e_override() -> Option<String> {
    if cfg!(debug_assertions) {
        std::env::var("OWNCHART_E2E_SAVE_PATH").ok()
    } else {
        None
    }
}
