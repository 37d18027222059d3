//! Why an import was refused. Every message names the file and says that nothing
//! was imported; none quotes the file's contents.

use ownchart_vault::VaultError;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("No files were chosen.")]
    NoFiles,
    #[error("{file} could not be read ({reason}). Nothing was imported.")]
    Unreadable { file: String, reason: String },
    #[error("{file} is empty. Nothing was imported.")]
    Empty { file: String },
    #[error("{file} is too large to import ({size} bytes; the limit is {limit} bytes). Nothing was imported.")]
    TooLarge { file: String, size: u64, limit: u64 },
    #[error("{file} is damaged: {detail}. Nothing was imported.")]
    Malformed { file: String, detail: String },
    #[error("{file} is not a FHIR file: {reason}. Nothing was imported.")]
    NotFhir { file: String, reason: String },
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::NoFiles => "no_files",
            ImportError::Unreadable { .. } => "unreadable_file",
            ImportError::Empty { .. } => "empty_file",
            ImportError::TooLarge { .. } => "file_too_large",
            ImportError::Malformed { .. } => "malformed_file",
            ImportError::NotFhir { .. } => "not_fhir",
            ImportError::Vault(_) => "vault",
        }
    }
}
