//! Why a share was refused or failed. Messages are sentences for the patient;
//! none quotes a record, and none carries the link's key.

use ownchart_vault::VaultError;

#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error("Say who will receive this share.")]
    RecipientRequired,
    #[error("Say why you are sharing (the purpose).")]
    PurposeRequired,
    #[error("Choose at least one thing to create: the summary file, the printable page or the SMART Health Link.")]
    NoOutput,
    #[error("\"{0}\" is not a record category Ownchart knows.")]
    UnknownCategory(String),
    #[error("\"{0}\" is not a record of this vault.")]
    UnknownItem(String),
    #[error("\"{0}\" is not a date; use YYYY-MM-DD.")]
    InvalidDate(String),
    #[error("The start date is after the end date.")]
    InvalidRange,
    #[error("Nothing matches this selection, so there is nothing to share.")]
    NothingSelected,
    #[error("The link's label is {0} characters long; at most 80 are allowed.")]
    LabelTooLong(usize),
    #[error("The link's expiry must be between 1 and 3650 days.")]
    InvalidExpiry,
    #[error("The address the link points to must be an https:// address: {0}")]
    InvalidUrl(String),
    #[error("The folder {0} does not exist or is not a folder.")]
    OutDirMissing(String),
    #[error("The share could not be written in {dir}: {reason}. Nothing was shared.")]
    Write { dir: String, reason: String },
    #[error("The share was recorded, but its files could not be put in place in {dir}: {reason}.")]
    Release { dir: String, reason: String },
    #[error("A stored record could not be read as FHIR JSON.")]
    Malformed,
    #[error("Encrypting the SMART Health Link failed.")]
    Encrypt,
    #[error("The QR code could not be made: the link is too long.")]
    QrTooLong,
    #[error("The computer's random number generator is not available.")]
    Randomness,
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl ShareError {
    pub fn code(&self) -> &'static str {
        match self {
            ShareError::RecipientRequired => "share_recipient_required",
            ShareError::PurposeRequired => "share_purpose_required",
            ShareError::NoOutput => "share_no_output",
            ShareError::UnknownCategory(_) => "share_unknown_category",
            ShareError::UnknownItem(_) => "share_unknown_item",
            ShareError::InvalidDate(_) => "share_invalid_date",
            ShareError::InvalidRange => "share_invalid_range",
            ShareError::NothingSelected => "share_nothing_selected",
            ShareError::LabelTooLong(_) => "share_label_too_long",
            ShareError::InvalidExpiry => "share_invalid_expiry",
            ShareError::InvalidUrl(_) => "share_invalid_url",
            ShareError::OutDirMissing(_) => "share_out_dir_missing",
            ShareError::Write { .. } => "share_write_failed",
            ShareError::Release { .. } => "share_release_failed",
            ShareError::Malformed => "malformed",
            ShareError::Encrypt => "share_encrypt_failed",
            ShareError::QrTooLong => "share_qr_too_long",
            ShareError::Randomness => "share_randomness",
            ShareError::Vault(_) => "vault",
        }
    }
}
