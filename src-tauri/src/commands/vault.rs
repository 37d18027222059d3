//! Creating, unlocking and describing the vault.

use ownchart_core::overview::{ProtectionMode, VaultStatus};
use ownchart_vault::Passphrase;
use serde::Deserialize;
use tauri::State;

use crate::error::IpcResult;
use crate::state::{AppState, Services};

/// The protection the patient picked on the first-run screen.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProtectionChoice {
    Keyring,
    Passphrase,
}

impl From<ProtectionChoice> for ProtectionMode {
    fn from(c: ProtectionChoice) -> Self {
        match c {
            ProtectionChoice::Keyring => ProtectionMode::Keyring,
            ProtectionChoice::Passphrase => ProtectionMode::Passphrase,
        }
    }
}

#[tauri::command]
pub async fn vault_status(state: State<'_, AppState>) -> IpcResult<VaultStatus> {
    state.with(|s| Ok(s.status()?))
}

#[tauri::command]
pub async fn create_vault(
    state: State<'_, AppState>,
    protection: ProtectionChoice,
    passphrase: Option<String>,
) -> IpcResult<VaultStatus> {
    let passphrase = passphrase.map(Passphrase::new);
    state
        .blocking(move |s| Ok(s.create(protection.into(), passphrase)?))
        .await
}

#[tauri::command]
pub async fn unlock_vault(
    state: State<'_, AppState>,
    services: State<'_, Services>,
    passphrase: Option<String>,
) -> IpcResult<VaultStatus> {
    let passphrase = passphrase.map(Passphrase::new);
    let status = state.blocking(move |s| Ok(s.unlock(passphrase)?)).await?;
    // A sync the app was closed in the middle of continues now the vault is open.
    let _ = services.sync.resume_unfinished();
    Ok(status)
}
