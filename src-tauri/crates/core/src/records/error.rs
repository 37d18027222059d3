//! Why a records request failed, in words a patient can read. Messages never
//! quote record contents; a failed save names the folder problem, not the file.

#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    #[error("That record is not in the vault.")]
    NotFound,
    #[error("That attachment's data is not in the vault (it was never downloaded).")]
    AttachmentUnavailable,
    #[error("That earlier version of the record is not in the vault.")]
    VersionNotFound,
    #[error("The list could not be continued; please start it again.")]
    BadCursor,
    #[error("Unknown record category.")]
    UnknownCategory,
    #[error("The attachment could not be saved: {0}")]
    Save(String),
}

impl RecordsError {
    pub fn code(&self) -> &'static str {
        match self {
            RecordsError::NotFound | RecordsError::VersionNotFound => "record_not_found",
            RecordsError::AttachmentUnavailable => "attachment_unavailable",
            RecordsError::BadCursor => "invalid_cursor",
            RecordsError::UnknownCategory => "unknown_category",
            RecordsError::Save(_) => "attachment_save_failed",
        }
    }
}
