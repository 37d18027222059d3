//! Connecting portals: start a login (system browser), cancel it, API
//! credentials, list, reconnect, disconnect. Tokens never cross this boundary.

use ownchart_core::connect::{
    ApiCredentialsInput, ConnectTarget, ConnectionView, DisconnectReport, LoginStarted,
    PortalTarget,
};
use tauri::State;

use crate::error::IpcResult;
use crate::state::Services;

#[tauri::command]
pub async fn connect_start(
    services: State<'_, Services>,
    target: ConnectTarget,
    client_id: Option<String>,
) -> IpcResult<LoginStarted> {
    let portal = PortalTarget::resolve(&services.directory(), &target)
        .map_err(ownchart_core::CoreError::from)?;
    Ok(services
        .connector
        .start_login(portal, client_id, crate::login_redirect(), None)
        .await?)
}

#[tauri::command]
pub fn connect_cancel(services: State<'_, Services>, attempt_id: String) {
    services.connector.cancel_login(&attempt_id);
}

#[tauri::command]
pub async fn connect_api_credentials(
    services: State<'_, Services>,
    input: ApiCredentialsInput,
) -> IpcResult<ConnectionView> {
    Ok(services.connector.connect_api_credentials(input).await?)
}

#[tauri::command]
pub fn connections_list(services: State<'_, Services>) -> IpcResult<Vec<ConnectionView>> {
    Ok(services.connector.connections()?)
}

#[tauri::command]
pub async fn connection_reconnect(
    services: State<'_, Services>,
    connection_id: String,
) -> IpcResult<LoginStarted> {
    Ok(services
        .connector
        .start_reconnect(&connection_id, crate::login_redirect())
        .await?)
}

#[tauri::command]
pub async fn connection_disconnect(
    services: State<'_, Services>,
    connection_id: String,
) -> IpcResult<DisconnectReport> {
    Ok(services.connector.disconnect(&connection_id).await?)
}
