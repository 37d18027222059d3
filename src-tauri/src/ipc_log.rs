//! A debug aid for the end-to-end tests: when `OWNCHART_IPC_LOG` names a file,
//! the name of every command the webview invokes is appended to it, one per
//! line. The test that opens a hostile record reads it to prove the record's
//! content made no IPC call. Only command names are written, never arguments
//! (they can hold record keys, paths or a passphrase).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::sync::Mutex;

pub const ENV: &str = "OWNCHART_IPC_LOG";

pub struct IpcLog {
    file: Mutex<File>,
}

impl IpcLog {
    /// The log the environment asks for, if any; a file that cannot be opened
    /// is reported once and the app runs without the log.
    pub fn from_env() -> Option<IpcLog> {
        let path = std::env::var_os(ENV).filter(|p| !p.is_empty())?;
        match OpenOptions::new().create(true).append(true).open(&path) {
            Ok(file) => Some(IpcLog {
                file: Mutex::new(file),
            }),
            Err(e) => {
                eprintln!("ownchart: {ENV} is set but the file cannot be opened: {e}");
                None
            }
        }
    }

    pub fn record(&self, command: &str) {
        // A poisoned lock only means another write panicked: keep logging.
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        // One write per line, flushed at once, so a reader never sees half a name.
        let _ = file.write_all(format!("{command}\n").as_bytes());
        let _ = file.flush();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn appends_one_command_name_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ipc.log");
        let log = IpcLog {
            file: Mutex::new(
                OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .unwrap(),
            ),
        };
        log.record("record_detail");
        log.record("record_attachment");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "record_detail\nrecord_attachment\n"
        );
    }
}
