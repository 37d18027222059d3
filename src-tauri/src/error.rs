//! The one error shape that crosses IPC: a stable `code` the UI branches on and a
//! sentence for the patient. The UI never matches on the message.

use ownchart_core::CoreError;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IpcError {
    pub code: String,
    pub message: String,
}

impl IpcError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        IpcError {
            code: code.to_owned(),
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        IpcError::new("internal", message)
    }
}

impl From<CoreError> for IpcError {
    fn from(e: CoreError) -> Self {
        IpcError::new(e.code(), e.to_string())
    }
}

impl From<ownchart_core::directory::DirectoryError> for IpcError {
    fn from(e: ownchart_core::directory::DirectoryError) -> Self {
        IpcError::new(e.code(), e.to_string())
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IpcError {}

impl From<tauri::Error> for IpcError {
    fn from(e: tauri::Error) -> Self {
        IpcError::internal(e.to_string())
    }
}

pub type IpcResult<T> = Result<T, IpcError>;
