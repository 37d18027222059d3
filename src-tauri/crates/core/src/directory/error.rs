//! Why a directory action failed. Messages are sentences a patient can read; they
//! may name a source's address (public) or a cache file, never a list's contents.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error(
        "Only secure (https) addresses can be used for a portal list or a portal; \
         this one is not, so it was not used."
    )]
    InsecureUrl,
    #[error("The portal list is larger than {limit_mib} MiB, so it was not read.")]
    TooLarge { limit_mib: usize },
    #[error(
        "This file is not a portal list this app can read. It should be a SMART \
         User-access Brands Bundle or a JSON list of endpoints."
    )]
    Unrecognized,
    #[error(
        "The portal list has no portal with a usable secure address \
         ({skipped} entries were skipped), so nothing was added."
    )]
    NoUsableEntries { skipped: u32 },
    #[error("That portal list is not in the directory (it may have been removed already).")]
    SourceNotFound,
    #[error("The portal directory at {path} could not be {action} ({source}).")]
    Cache {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("The built-in portal list is damaged ({0}). Please reinstall the app.")]
    Builtin(String),
}

impl DirectoryError {
    /// A stable machine-readable code; the UI branches on `insecure_url`.
    pub fn code(&self) -> &'static str {
        match self {
            DirectoryError::InsecureUrl => "insecure_url",
            DirectoryError::TooLarge { .. } => "directory_too_large",
            DirectoryError::Unrecognized => "directory_unrecognized",
            DirectoryError::NoUsableEntries { .. } => "directory_empty",
            DirectoryError::SourceNotFound => "directory_source_not_found",
            DirectoryError::Cache { .. } => "io",
            DirectoryError::Builtin(_) => "directory_builtin",
        }
    }
}

pub type Result<T> = std::result::Result<T, DirectoryError>;
