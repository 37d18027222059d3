//! The core's error type. Each variant maps to a stable `code` the UI and the
//! command line branch on; the message is a sentence a patient can read and never
//! carries a key, a passphrase or record contents.

use ownchart_vault::VaultError;

use crate::connect::ConnectError;
use crate::directory::DirectoryError;
use crate::export::ExportError;
use crate::import::ImportError;
use crate::records::RecordsError;
use crate::share::ShareError;
use crate::integrator::IntegratorError;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("The vault is locked. Unlock it first.")]
    VaultLocked,
    #[error("A vault already exists in this data folder.")]
    VaultExists,
    #[error("A passphrase is needed for this.")]
    PassphraseRequired,
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Records(#[from] RecordsError),
    Integrator(#[from] IntegratorError),
    #[error("The portal sent something that is not a FHIR resource.")]
    Malformed,
    #[error("{0}")]
    Sync(String),
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Export(ExportError),
    #[error("To delete everything, type {expected} exactly.")]
    ConfirmationMismatch { expected: &'static str },
}

pub type Result<T> = std::result::Result<T, CoreError>;

impl CoreError {
    /// A stable machine-readable code; add one only when a caller branches on it.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::VaultLocked => "vault_locked",
            CoreError::VaultExists => "vault_exists",
            CoreError::PassphraseRequired => "passphrase_required",
            CoreError::Import(ImportError::Vault(e)) | CoreError::Vault(e) => vault_code(e),
            CoreError::Import(e) => e.code(),
            CoreError::Directory(e) => e.code(),
            CoreError::Connect(e) => e.code(),
            CoreError::Records(e) => e.code(),
            CoreError::Integrator(e) => e.code(),
            CoreError::Malformed => "malformed",
            CoreError::Sync(_) => "sync_refused",
            CoreError::Share(ShareError::Vault(e)) => vault_code(e),
            CoreError::Share(e) => e.code(),
            CoreError::Export(e) => e.code(),
            CoreError::ConfirmationMismatch { .. } => "confirmation_mismatch",
        }
    }
}

fn vault_code(e: &VaultError) -> &'static str {
    match e {
        VaultError::WrongKey | VaultError::KeyUnavailable(_) | VaultError::HeaderMissing => {
            "key_unavailable"
        }
        VaultError::WrongPassphrase => "wrong_passphrase",
        VaultError::KeyringUnavailable(_) => "keyring_unavailable",
        VaultError::InUse => "in_use",
        VaultError::AlreadyExists => "vault_exists",
        VaultError::NotFound => "vault_not_found",
        VaultError::LedgerLocked => "ledger_locked",
        VaultError::Io(_) => "io",
        _ => "vault",
    }
}
