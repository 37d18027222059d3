//! Why an export or a restore failed. Messages name files, never contents, and
//! never carry a passphrase.

use ownchart_vault::VaultError;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("A plaintext export was not confirmed: anyone who gets the file can read your records. Confirm it, or protect the file with a passphrase.")]
    PlaintextNotAcknowledged,
    #[error("Choose a passphrase to protect the export.")]
    EmptyPassphrase,
    #[error(
        "The export could not be written to {path}: {reason}. No file was left under that name."
    )]
    Write { path: String, reason: String },
    #[error("{file} is an encrypted Ownchart export: enter its passphrase to import it.")]
    PassphraseRequired { file: String },
    #[error("That passphrase does not open {file}. Nothing was imported.")]
    PassphraseWrong { file: String },
    #[error(
        "{file} was changed or damaged after it was exported ({detail}). Nothing was imported."
    )]
    Tampered { file: String, detail: String },
    #[error("{file} could not be read as an Ownchart export ({detail}). Nothing was imported.")]
    Unreadable { file: String, detail: String },
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl ExportError {
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::PlaintextNotAcknowledged => "plaintext_not_acknowledged",
            ExportError::EmptyPassphrase => "passphrase_required",
            ExportError::Write { .. } => "export_failed",
            ExportError::PassphraseRequired { .. } => "export_passphrase_required",
            ExportError::PassphraseWrong { .. } => "export_passphrase_wrong",
            ExportError::Tampered { .. } => "export_tampered",
            ExportError::Unreadable { .. } => "export_unreadable",
            ExportError::Vault(_) => "vault",
        }
    }

    pub(crate) fn write(path: &std::path::Path, e: impl std::fmt::Display) -> ExportError {
        ExportError::Write {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
    }
}
