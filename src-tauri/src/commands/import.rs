//! Importing FHIR files the patient chose in the native file dialog.

use std::path::PathBuf;

use ownchart_core::import::{ImportOptions, ImportProgress, ImportReport};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// Opens the native file dialog in Rust, so the webview needs no dialog or
/// file-system permission at all. An empty list means the patient cancelled.
#[tauri::command]
pub async fn choose_import_files(app: AppHandle) -> IpcResult<Vec<String>> {
    if let Some(paths) = e2e_override() {
        return Ok(paths);
    }
    let picked = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .set_title("Import health records")
            .add_filter(
                "FHIR records or an Ownchart export",
                &["json", "ndjson", "jsonl", "zip", "age"],
            )
            .blocking_pick_files()
    })
    .await
    .map_err(|e| IpcError::internal(e.to_string()))?;
    Ok(picked
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.into_path().ok())
        .map(|p| p.display().to_string())
        .collect())
}

#[tauri::command]
pub async fn import_files(
    state: State<'_, AppState>,
    paths: Vec<String>,
    options: Option<ImportOptions>,
    on_progress: Channel<ImportProgress>,
) -> IpcResult<ImportReport> {
    // `options.passphrase` opens an encrypted Ownchart export among the files.
    let options = options.unwrap_or_default();
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    state
        .blocking(move |s| {
            let mut report = |p: &ImportProgress| {
                // A closed channel only means the window went away; the import goes on.
                let _ = on_progress.send(p.clone());
            };
            Ok(s.import(&paths, &options, &mut report)?)
        })
        .await
}

/// WebDriver cannot drive a native GTK dialog, so debug builds let the end-to-end
/// test name the files instead. Release builds never read this variable.
fn e2e_override() -> Option<Vec<String>> {
    if cfg!(debug_assertions) {
        let v = std::env::var("OWNCHART_E2E_PICK_FILES").ok()?;
        Some(
            std::env::split_paths(&v)
                .map(|p| p.display().to_string())
                .collect(),
        )
    } else {
        None
    }
}
