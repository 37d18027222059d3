//! A data folder and the names of its files, its state as seen before unlocking,
//! and its lock: one process writes to a data folder at a time.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Result, VaultError};
use crate::header::{Header, Protection};

#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

/// What is in a data folder, judged without any key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirState {
    /// No vault: first run.
    Empty,
    /// A vault file without its header: its key cannot be found. Left alone.
    HeaderMissing,
    Present(Protection),
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn vault_path(&self) -> PathBuf {
        self.root.join("vault.db")
    }

    pub fn ledger_path(&self) -> PathBuf {
        self.root.join("ledger.db")
    }

    pub fn header_path(&self) -> PathBuf {
        self.root.join("vault-header.json")
    }

    /// The ledger's own header, written when the vault is erased so the ledger
    /// stays readable without `vault-header.json` (see `kept.rs`).
    pub fn ledger_header_path(&self) -> PathBuf {
        self.root.join("ledger-header.json")
    }

    /// The durable mark of an erase under way (written before the first
    /// destructive step, removed after the last).
    pub fn erase_marker_path(&self) -> PathBuf {
        self.root.join("erase-pending.json")
    }

    pub fn lock_path(&self) -> PathBuf {
        self.root.join("ownchart.lock")
    }

    /// The keyring namespace of a vault created in this folder: a digest of the
    /// folder's absolute path, so two folders never share keyring entries. It is
    /// recorded in the header at creation, and opening uses the recorded one.
    pub fn namespace(&self) -> String {
        let path = std::fs::canonicalize(&self.root)
            .or_else(|_| std::path::absolute(&self.root))
            .unwrap_or_else(|_| self.root.clone());
        let digest = Sha256::digest(path.to_string_lossy().as_bytes());
        hex::encode(&digest[..16])
    }

    pub fn inspect(&self) -> Result<DirState> {
        if self.header_path().exists() {
            return Ok(DirState::Present(self.header()?.protection));
        }
        if self.vault_path().exists() {
            return Ok(DirState::HeaderMissing);
        }
        Ok(DirState::Empty)
    }

    pub(crate) fn header(&self) -> Result<Header> {
        Header::read(&self.header_path())
    }

    /// Takes the folder's lock, or fails with `InUse` at once if another process
    /// (or another handle in this one) holds it. Released when dropped.
    pub fn lock(&self) -> Result<DirLock> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.lock_path())?;
        match file.try_lock() {
            Ok(()) => Ok(DirLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(VaultError::InUse),
            Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
        }
    }
}

/// Held while a process uses a data folder.
#[derive(Debug)]
pub struct DirLock {
    _file: std::fs::File,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_is_refused_until_the_first_is_dropped() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::new(tmp.path());
        let first = dir.lock().unwrap();
        assert!(matches!(dir.lock(), Err(VaultError::InUse)));
        drop(first);
        dir.lock().unwrap();
    }

    #[test]
    fn namespaces_differ_between_folders_and_are_stable() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let (da, db) = (DataDir::new(a.path()), DataDir::new(b.path()));
        assert_ne!(da.namespace(), db.namespace());
        assert_eq!(da.namespace(), DataDir::new(a.path()).namespace());
        assert_eq!(da.inspect().unwrap(), DirState::Empty);
    }
}
