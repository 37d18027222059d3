//! The vault's error type. Messages are sentences a patient can read; none carries
//! a key, a passphrase or record contents.

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("There is no vault in this data folder.")]
    NotFound,
    #[error("A vault already exists in this data folder; it was left as it is.")]
    AlreadyExists,
    #[error("The vault file is here but its header (vault-header.json) is missing, so its key cannot be found. Nothing was changed.")]
    HeaderMissing,
    #[error("The vault's header could not be read: {0}. Nothing was changed.")]
    Header(String),
    #[error("The key found for this vault does not open it. Nothing was changed.")]
    WrongKey,
    #[error("That passphrase does not unlock this vault.")]
    WrongPassphrase,
    #[error("The vault's key is not available: {0}. Nothing was changed.")]
    KeyUnavailable(String),
    #[error("The operating system's keyring cannot be used: {0}")]
    KeyringUnavailable(String),
    #[error("Another Ownchart is using this data folder. Close it and try again.")]
    InUse,
    #[error("The vault could not be read or written: {0}")]
    Database(String),
    #[error("The vault's structure could not be brought up to date: {0}")]
    Migration(String),
    #[error("Encryption failed: {0}")]
    Crypto(&'static str),
    #[error("The audit log kept from the erased vault is protected by that vault's passphrase: enter it to read the log.")]
    LedgerLocked,
    #[error("The ledger (audit & disclosure log): {0}")]
    Ledger(String),
    #[error("A file in the data folder could not be used: {0}")]
    Io(#[from] std::io::Error),
}

impl From<rusqlite::Error> for VaultError {
    fn from(e: rusqlite::Error) -> Self {
        // rusqlite's messages name the failing statement or code, never bound values.
        VaultError::Database(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, VaultError>;
