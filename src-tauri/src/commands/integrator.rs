//! The integrator connector (seeds 002, 003): the account in Settings (its
//! device token and certificate go in, never come back), the integrator's
//! directory search beside Ownchart's own, and a sign-in through it.

use ownchart_core::connect::LoginStarted;
use ownchart_core::directory::DirectoryQuery;
use ownchart_core::integrator::{
    IntegratorAccountInput, IntegratorAccountView, IntegratorSearchResult,
};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{IpcError, IpcResult};
use crate::state::{AppState, Services};

#[tauri::command]
pub async fn integrator_account(state: State<'_, AppState>) -> IpcResult<IntegratorAccountView> {
    state.blocking(|s| Ok(s.integrator_account()?)).await
}

#[tauri::command]
pub async fn integrator_save_account(
    state: State<'_, AppState>,
    input: IntegratorAccountInput,
) -> IpcResult<IntegratorAccountView> {
    state
        .blocking(move |s| Ok(s.save_integrator_account(input)?))
        .await
}

#[tauri::command]
pub async fn integrator_remove_account(
    state: State<'_, AppState>,
) -> IpcResult<IntegratorAccountView> {
    state.blocking(|s| Ok(s.remove_integrator_account()?)).await
}

/// The native file dialog for a client certificate (PKCS#12 or PEM), opened by
/// Rust so the webview needs no file-system permission. `None`: cancelled.
#[tauri::command]
pub async fn integrator_choose_certificate(app: AppHandle) -> IpcResult<Option<String>> {
    let picked = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .set_title("Client certificate for the integrator")
            .add_filter(
                "Certificates (PKCS#12, PEM)",
                &["p12", "pfx", "pem", "crt", "key"],
            )
            .blocking_pick_file()
    })
    .await
    .map_err(|e| IpcError::internal(e.to_string()))?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}

#[tauri::command]
pub async fn integrator_directory_search(
    services: State<'_, Services>,
    query: DirectoryQuery,
) -> IpcResult<IntegratorSearchResult> {
    Ok(services.connector.integrator_search(&query).await)
}

#[tauri::command]
pub async fn integrator_connect_start(
    services: State<'_, Services>,
    endpoint_id: String,
) -> IpcResult<LoginStarted> {
    Ok(services
        .connector
        .start_integrator_login(&endpoint_id, crate::login_redirect())
        .await?)
}
