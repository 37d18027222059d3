//! Reading the records: overview, timeline, category views, detail, versions,
//! attachments (shown or saved through a native dialog opened here), charts,
//! dashboard, and opening a link from a record in the system browser.

use std::path::PathBuf;

use ownchart_core::overview::RecordOverview;
use ownchart_core::records::{
    AttachmentContent, CategoryTable, ChartSeries, Dashboard, RecordDetail, RecordQuery,
    SeriesSummary, SourceView, TimelinePage,
};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

#[tauri::command]
pub async fn record_overview(state: State<'_, AppState>) -> IpcResult<RecordOverview> {
    state.blocking(|s| Ok(s.overview()?)).await
}

#[tauri::command]
pub async fn records_timeline(
    state: State<'_, AppState>,
    query: RecordQuery,
) -> IpcResult<TimelinePage> {
    state
        .blocking(move |s| Ok(s.records_timeline(&query)?))
        .await
}

#[tauri::command]
pub async fn records_category(
    state: State<'_, AppState>,
    category: String,
    query: RecordQuery,
) -> IpcResult<CategoryTable> {
    state
        .blocking(move |s| Ok(s.records_category(&category, &query)?))
        .await
}

#[tauri::command]
pub async fn records_sources(state: State<'_, AppState>) -> IpcResult<Vec<SourceView>> {
    state.blocking(|s| Ok(s.records_sources()?)).await
}

#[tauri::command]
pub async fn record_detail(state: State<'_, AppState>, key: String) -> IpcResult<RecordDetail> {
    state.blocking(move |s| Ok(s.record_detail(&key)?)).await
}

#[tauri::command]
pub async fn record_version_json(
    state: State<'_, AppState>,
    key: String,
    version_index: u32,
) -> IpcResult<String> {
    state
        .blocking(move |s| Ok(s.record_version_json(&key, version_index)?))
        .await
}

#[tauri::command]
pub async fn record_attachment(
    state: State<'_, AppState>,
    key: String,
    index: u32,
) -> IpcResult<AttachmentContent> {
    state
        .blocking(move |s| Ok(s.record_attachment(&key, index)?))
        .await
}

/// Opens the native save dialog in Rust (the webview has no file-system
/// permission) and writes the attachment where the patient chose; None if
/// they cancelled.
#[tauri::command]
pub async fn record_attachment_save(
    app: AppHandle,
    state: State<'_, AppState>,
    key: String,
    index: u32,
) -> IpcResult<Option<String>> {
    let name_key = key.clone();
    let file_name = state
        .blocking(move |s| Ok(s.record_attachment_file_name(&name_key, index)?))
        .await?;
    let path = match e2e_override() {
        Some(p) => Some(p),
        None => tauri::async_runtime::spawn_blocking(move || {
            app.dialog()
                .file()
                .set_title("Save attachment")
                .set_file_name(file_name)
                .blocking_save_file()
        })
        .await
        .map_err(|e| IpcError::internal(e.to_string()))?
        .and_then(|p| p.into_path().ok()),
    };
    let Some(path) = path else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    state
        .blocking(move |s| Ok(s.record_attachment_save(&key, index, &path)?))
        .await?;
    Ok(Some(shown))
}

#[tauri::command]
pub async fn records_series(state: State<'_, AppState>) -> IpcResult<Vec<SeriesSummary>> {
    state.blocking(|s| Ok(s.records_series()?)).await
}

#[tauri::command]
pub async fn records_chart(state: State<'_, AppState>, code: String) -> IpcResult<ChartSeries> {
    state.blocking(move |s| Ok(s.records_chart(&code)?)).await
}

#[tauri::command]
pub async fn records_dashboard(state: State<'_, AppState>) -> IpcResult<Dashboard> {
    state.blocking(|s| Ok(s.records_dashboard()?)).await
}

/// A link from a record, after the patient confirmed it in the UI: http(s)
/// only (no file:, smb:, javascript:, custom schemes, or addresses carrying
/// a user name), opened in the system browser, never in the app.
#[tauri::command]
pub async fn open_external_link(url: String) -> IpcResult<()> {
    let parsed = web_link(&url)?;
    crate::browser::open(&parsed).map_err(|e| IpcError::new("browser_failed", e))
}

fn web_link(url: &str) -> IpcResult<url::Url> {
    let unsafe_link = || {
        IpcError::new(
            "unsafe_link",
            "Only web addresses (http or https) can be opened.",
        )
    };
    let parsed = url::Url::parse(url.trim()).map_err(|_| unsafe_link())?;
    let web = matches!(parsed.scheme(), "http" | "https");
    if !web
        || parsed.host_str().is_none()
        || !parsed.username().is_empty()
        || parsed.password().is_some()
    {
        return Err(unsafe_link());
    }
    Ok(parsed)
}

/// WebDriver cannot drive a native GTK dialog, so debug builds let the
/// end-to-end test name the file to save to. Release builds never read this.
fn e2e_override() -> Option<PathBuf> {
    if cfg!(debug_assertions) {
        std::env::var_os("OWNCHART_E2E_SAVE_FILE").map(PathBuf::from)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_open() {
        for bad in [
            "file:///etc/passwd",
            "smb://host/share",
            "ms-msdt:/id PCWDiagnostic",
            "javascript:alert(1)",
            "C:\\Windows\\system32\\calc.exe",
            "data:text/html,<script>1</script>",
            "https://user:pass@evil.example/",
            "ownchart://callback",
            "https://",
            "",
        ] {
            assert_eq!(
                web_link(bad).err().map(|e| e.code),
                Some("unsafe_link".to_owned()),
                "{bad}"
            );
        }
        assert!(web_link(" https://portal.example/doc?id=1 ").is_ok());
        assert!(web_link("http://127.0.0.1:8080/x").is_ok());
    }
}
