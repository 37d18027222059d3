//! Sharing with a clinician: the preview of a selection, the native folder
//! dialog (opened in Rust, so the webview needs no file-system permission), and
//! the share itself, which records the disclosure before releasing the files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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

/// The folders this run of the app wrote a share into: the only ones whose
/// summary `share_open_summary` opens, so the webview cannot name any other
/// file for the browser to open.
#[derive(Default)]
pub struct WrittenShares(Mutex<HashSet<PathBuf>>);

impl WrittenShares {
    fn key(dir: &str) -> Option<PathBuf> {
        std::fs::canonicalize(dir).ok()
    }

    fn remember(&self, dir: &str) {
        if let (Some(key), Ok(mut set)) = (Self::key(dir), self.0.lock()) {
            set.insert(key);
        }
    }

    fn wrote(&self, dir: &str) -> bool {
        match (Self::key(dir), self.0.lock()) {
            (Some(key), Ok(set)) => set.contains(&key),
            _ => false,
        }
    }
}

#[tauri::command]
pub async fn share_create(
    state: State<'_, AppState>,
    written: State<'_, WrittenShares>,
    request: ShareRequest,
) -> IpcResult<ShareReport> {
    let report = state
        .blocking(move |s| Ok(s.share_create(&request)?))
        .await?;
    written.remember(&report.dir);
    Ok(report)
}

/// Opens a share's printable summary in the system browser, where it prints or
/// saves as PDF (a frame inside the webview cannot print on every platform).
/// Only the summary file (its name is fixed here) of a folder this run of the
/// app wrote a share into.
#[tauri::command]
pub async fn share_open_summary(written: State<'_, WrittenShares>, dir: String) -> IpcResult<()> {
    if !written.wrote(&dir) {
        return Err(IpcError::new(
            "summary_unknown",
            "Ownchart opens only the summary of a share it wrote since it started.",
        ));
    }
    let path = Path::new(&dir).join(SUMMARY_FILE);
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_folders_a_share_was_written_into_are_known() {
        let tmp = tempfile::tempdir().unwrap();
        let ours = tmp.path().join("share-1");
        let other = tmp.path().join("share-2");
        std::fs::create_dir_all(&ours).unwrap();
        std::fs::create_dir_all(&other).unwrap();
        let written = WrittenShares::default();
        written.remember(&ours.display().to_string());
        assert!(written.wrote(&ours.display().to_string()));
        // The same folder named another way is the same folder.
        let roundabout = tmp.path().join("share-2/../share-1/");
        assert!(written.wrote(&roundabout.display().to_string()));
        assert!(!written.wrote(&other.display().to_string()));
        assert!(!written.wrote(&tmp.path().join("gone").display().to_string()));
    }
}
