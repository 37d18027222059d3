//! Creating and opening a data folder's vault and ledger, with keys from the OS
//! keyring or wrapped by the patient's passphrase.
//!
//! Creation writes the header last (atomically), so a folder is only ever
//! "present" once both databases exist; a failure part-way removes what this
//! attempt created and nothing else. Opening never writes before the key has
//! opened the file.

use crate::datadir::DataDir;
use crate::error::{Result, VaultError};
use crate::header::{Header, Protection, FORMAT};
use crate::kept::{forget_ledger_header, ledger_key_name, vault_key_name, KeptLedger};
use crate::keyring_store::KeyringStore;
use crate::keys::{Key, Passphrase};
use crate::ledger::{now_utc, Ledger, NewLedgerEntry};
use crate::vault::Vault;

/// An unlocked data folder.
pub struct Opened {
    pub vault: Vault,
    pub ledger: Ledger,
    pub protection: Protection,
    pub(crate) ledger_key: Key,
}

impl Opened {
    /// Splits off the ledger with its key, to keep it when the vault goes.
    pub fn into_kept(self) -> (Vault, KeptLedger) {
        (
            self.vault,
            KeptLedger {
                ledger: self.ledger,
                key: self.ledger_key,
            },
        )
    }
}

pub fn create_with_keyring(dir: &DataDir, keyring: &KeyringStore) -> Result<Opened> {
    create_keyring(dir, keyring, None)
}

/// Creates a vault in a folder whose erased vault left its ledger, which the
/// new vault takes over (same key, same chain).
pub fn create_with_keyring_keeping(
    dir: &DataDir,
    keyring: &KeyringStore,
    kept: KeptLedger,
) -> Result<Opened> {
    create_keyring(dir, keyring, Some(kept))
}

fn create_keyring(
    dir: &DataDir,
    keyring: &KeyringStore,
    kept: Option<KeptLedger>,
) -> Result<Opened> {
    ensure_empty(dir, kept.is_some())?;
    let namespace = dir.namespace();
    let vault_key = Key::random()?;
    let (ledger_key, kept) = split(kept)?;
    keyring.set(&vault_key_name(&namespace), &vault_key)?;
    if let Err(e) = keyring.set(&ledger_key_name(&namespace), &ledger_key) {
        let _ = keyring.delete(&vault_key_name(&namespace));
        return Err(e);
    }
    // Read back before any file exists: a store that accepts but forgets is no store.
    if keyring.get(&vault_key_name(&namespace))?.as_ref() != Some(&vault_key) {
        return Err(VaultError::KeyringUnavailable(
            "the keyring did not keep the key it was given".to_owned(),
        ));
    }
    let header = Header {
        format: FORMAT,
        protection: Protection::Keyring,
        namespace,
        created_at: now_utc(),
        passphrase: None,
    };
    create(
        dir,
        header,
        &vault_key,
        kept.ok_or(&ledger_key),
        "protected by the operating system's keyring",
    )
}

pub fn create_with_passphrase(dir: &DataDir, passphrase: &Passphrase) -> Result<Opened> {
    create_passphrase(dir, passphrase, None)
}

/// [`create_with_passphrase`] taking over the ledger an erased vault left.
pub fn create_with_passphrase_keeping(
    dir: &DataDir,
    passphrase: &Passphrase,
    kept: KeptLedger,
) -> Result<Opened> {
    create_passphrase(dir, passphrase, Some(kept))
}

fn split(kept: Option<KeptLedger>) -> Result<(Key, Option<(Ledger, Key)>)> {
    Ok(match kept {
        Some(k) => (k.key.clone(), Some((k.ledger, k.key))),
        None => (Key::random()?, None),
    })
}

fn create_passphrase(
    dir: &DataDir,
    passphrase: &Passphrase,
    kept: Option<KeptLedger>,
) -> Result<Opened> {
    ensure_empty(dir, kept.is_some())?;
    let vault_key = Key::random()?;
    let (ledger_key, kept) = split(kept)?;
    let mut header = Header {
        format: FORMAT,
        protection: Protection::Passphrase,
        namespace: dir.namespace(),
        created_at: now_utc(),
        passphrase: None,
    };
    header.wrap_keys(passphrase, &vault_key, &ledger_key)?;
    create(
        dir,
        header,
        &vault_key,
        kept.ok_or(&ledger_key),
        "protected by a passphrase",
    )
}

pub fn open_with_keyring(dir: &DataDir, keyring: &KeyringStore) -> Result<Opened> {
    let header = read_header(dir)?;
    if header.protection != Protection::Keyring {
        return Err(VaultError::Header(
            "this vault is protected by a passphrase".to_owned(),
        ));
    }
    let missing = || {
        VaultError::KeyUnavailable(
            "it is not in this computer's keyring (was the keyring reset, or the folder copied from another computer?)"
                .to_owned(),
        )
    };
    let vault_key = keyring
        .get(&vault_key_name(&header.namespace))?
        .ok_or_else(missing)?;
    let ledger_key = keyring
        .get(&ledger_key_name(&header.namespace))?
        .ok_or_else(missing)?;
    open(dir, &vault_key, &ledger_key, Protection::Keyring)
}

pub fn open_with_passphrase(dir: &DataDir, passphrase: &Passphrase) -> Result<Opened> {
    let header = read_header(dir)?;
    let (vault_key, ledger_key) = header.unwrap_keys(passphrase)?;
    open(dir, &vault_key, &ledger_key, Protection::Passphrase)
}

fn read_header(dir: &DataDir) -> Result<Header> {
    if !dir.header_path().exists() {
        return Err(if dir.vault_path().exists() {
            VaultError::HeaderMissing
        } else {
            VaultError::NotFound
        });
    }
    dir.header()
}

fn ensure_empty(dir: &DataDir, keeping_ledger: bool) -> Result<()> {
    if dir.header_path().exists()
        || dir.vault_path().exists()
        || (!keeping_ledger && dir.ledger_path().exists())
    {
        return Err(VaultError::AlreadyExists);
    }
    Ok(())
}

/// `ledger`: the kept ledger to take over, or the key of a new one.
fn create(
    dir: &DataDir,
    header: Header,
    vault_key: &Key,
    ledger: std::result::Result<(Ledger, Key), &Key>,
    how: &str,
) -> Result<Opened> {
    let keeping = ledger.is_ok();
    let attempt = || -> Result<Opened> {
        let vault = Vault::create(&dir.vault_path(), vault_key)?;
        let (mut ledger, ledger_key) = match ledger {
            Ok(kept) => kept,
            Err(key) => (Ledger::create(&dir.ledger_path(), key)?, key.clone()),
        };
        ledger.append(NewLedgerEntry::new(
            "VAULT_CREATED",
            format!("Vault created, {how}."),
        ))?;
        header.write_new(&dir.header_path())?;
        if keeping {
            forget_ledger_header(dir)?;
        }
        Ok(Opened {
            vault,
            ledger,
            protection: header.protection,
            ledger_key,
        })
    };
    attempt().inspect_err(|_| {
        // A kept ledger is never removed: it holds the history of an erased vault.
        let created: &[_] = if keeping {
            &[dir.vault_path()]
        } else {
            &[dir.vault_path(), dir.ledger_path()]
        };
        for path in created {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
    })
}

fn open(
    dir: &DataDir,
    vault_key: &Key,
    ledger_key: &Key,
    protection: Protection,
) -> Result<Opened> {
    let vault = Vault::open(&dir.vault_path(), vault_key)?;
    let ledger = Ledger::open(&dir.ledger_path(), ledger_key)?;
    Ok(Opened {
        vault,
        ledger,
        protection,
        ledger_key: ledger_key.clone(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::datadir::DirState;
    use crate::ledger::LedgerVerification;

    #[test]
    fn passphrase_vault_round_trip_and_wrong_passphrase_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::new(tmp.path());
        let pass = Passphrase::new("correct horse battery staple".into());
        let opened = create_with_passphrase(&dir, &pass).unwrap();
        assert_eq!(opened.ledger.entries().unwrap()[0].event, "VAULT_CREATED");
        drop(opened);
        assert_eq!(
            dir.inspect().unwrap(),
            DirState::Present(Protection::Passphrase)
        );

        let snapshot = |p: &std::path::Path| {
            let mut v: Vec<_> = std::fs::read_dir(p)
                .unwrap()
                .flatten()
                .map(|e| (e.path(), std::fs::read(e.path()).unwrap()))
                .collect();
            v.sort();
            v
        };
        let before = snapshot(tmp.path());
        assert!(matches!(
            open_with_passphrase(&dir, &Passphrase::new("wrong".into())),
            Err(VaultError::WrongPassphrase)
        ));
        assert_eq!(before, snapshot(tmp.path()));

        let opened = open_with_passphrase(&dir, &pass).unwrap();
        assert!(matches!(
            opened.ledger.verify().unwrap(),
            LedgerVerification::Intact { entries: 1, .. }
        ));
        assert!(matches!(
            create_with_passphrase(&dir, &pass),
            Err(VaultError::AlreadyExists)
        ));
    }

    #[test]
    fn a_vault_without_its_header_is_reported_not_recreated() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::new(tmp.path());
        drop(create_with_passphrase(&dir, &Passphrase::new("pass phrase".into())).unwrap());
        std::fs::remove_file(dir.header_path()).unwrap();
        assert_eq!(dir.inspect().unwrap(), DirState::HeaderMissing);
        assert!(matches!(
            open_with_passphrase(&dir, &Passphrase::new("pass phrase".into())),
            Err(VaultError::HeaderMissing)
        ));
        assert!(matches!(
            create_with_passphrase(&dir, &Passphrase::new("x".into())),
            Err(VaultError::AlreadyExists)
        ));
    }
}
