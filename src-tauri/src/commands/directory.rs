//! The portal directory: search, and the public directory sources the patient
//! adds (downloaded by Rust, indexed locally).

use ownchart_core::directory::{DirectoryQuery, DirectorySearchResult, DirectorySourceView};
use tauri::State;

use crate::error::IpcResult;
use crate::state::Services;

#[tauri::command]
pub fn directory_search(
    services: State<'_, Services>,
    query: DirectoryQuery,
) -> DirectorySearchResult {
    services.directory().search(&query)
}

#[tauri::command]
pub fn directory_sources(services: State<'_, Services>) -> Vec<DirectorySourceView> {
    services.directory().sources()
}

#[tauri::command]
pub async fn directory_add_source(
    services: State<'_, Services>,
    url: String,
) -> IpcResult<DirectorySourceView> {
    Ok(ownchart_core::directory::download_source(
        services.connector.http(),
        &services.directory,
        &url,
    )
    .await?)
}

#[tauri::command]
pub fn directory_remove_source(services: State<'_, Services>, id: String) -> IpcResult<()> {
    Ok(services.directory().remove_source(&id)?)
}
