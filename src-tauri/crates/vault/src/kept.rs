//! The ledger without its vault. Erasing everything keeps `ledger.db` and its
//! key: before anything is deleted, `ledger-header.json` is written with what
//! opening the ledger alone needs — the keyring namespace (keyring mode: the
//! `ledger-key:<namespace>` entry stays in the keyring) or, in passphrase mode,
//! the Argon2id parameters and the ledger key wrapped exactly as in the vault's
//! header (copied, not re-wrapped: the old passphrase still opens it). A new
//! vault created in the folder takes that ledger over and keeps appending to it.

use serde::{Deserialize, Serialize};

use crate::datadir::DataDir;
use crate::error::{Result, VaultError};
use crate::header::{self, Header, Protection, WrappedKey, FORMAT};
use crate::keyring_store::KeyringStore;
use crate::keys::{Key, Passphrase};
use crate::ledger::Ledger;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LedgerHeader {
    pub format: u32,
    pub protection: Protection,
    pub namespace: String,
    pub kept_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passphrase: Option<LedgerWrap>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LedgerWrap {
    pub kdf: String,
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub salt: String,
    pub ledger_key: WrappedKey,
}

/// A ledger opened on its own, with its key (so a new vault can adopt it).
pub struct KeptLedger {
    pub ledger: Ledger,
    pub(crate) key: Key,
}

pub(crate) fn ledger_key_name(namespace: &str) -> String {
    format!("ledger-key:{namespace}")
}

pub(crate) fn vault_key_name(namespace: &str) -> String {
    format!("vault-key:{namespace}")
}

/// Writes `ledger-header.json` from the vault's header (idempotent).
pub fn keep_ledger_alone(dir: &DataDir) -> Result<()> {
    let vault = dir.header()?;
    let header = LedgerHeader {
        format: vault.format,
        protection: vault.protection,
        namespace: vault.namespace.clone(),
        kept_at: crate::ledger::now_utc(),
        passphrase: vault.passphrase.map(|w| LedgerWrap {
            kdf: w.kdf,
            m_cost_kib: w.m_cost_kib,
            t_cost: w.t_cost,
            p_cost: w.p_cost,
            salt: w.salt,
            ledger_key: w.ledger_key,
        }),
    };
    let bytes =
        serde_json::to_vec_pretty(&header).map_err(|e| VaultError::Header(e.to_string()))?;
    header::write_atomic(&dir.ledger_header_path(), &bytes)
}

fn read(dir: &DataDir) -> Result<Option<LedgerHeader>> {
    let path = dir.ledger_header_path();
    if !path.exists() {
        return Ok(None);
    }
    let header: LedgerHeader = serde_json::from_slice(&std::fs::read(path)?)
        .map_err(|e| VaultError::Header(format!("the ledger's header is not valid ({e})")))?;
    if header.format != FORMAT {
        return Err(VaultError::Header(
            "the ledger's header has a format this version does not understand".to_owned(),
        ));
    }
    Ok(Some(header))
}

/// How the kept ledger is protected, when the folder holds one without a vault.
pub fn kept_ledger_protection(dir: &DataDir) -> Result<Option<Protection>> {
    Ok(read(dir)?.map(|h| h.protection))
}

/// Opens the kept ledger: with the keyring, or with the erased vault's
/// passphrase. `LedgerLocked` when a passphrase is needed and none was given.
pub fn open_kept_ledger(
    dir: &DataDir,
    keyring: &KeyringStore,
    passphrase: Option<&Passphrase>,
) -> Result<KeptLedger> {
    let header = read(dir)?.ok_or(VaultError::NotFound)?;
    let key = match (&header.passphrase, passphrase) {
        (None, _) => keyring
            .get(&ledger_key_name(&header.namespace))?
            .ok_or_else(|| {
                VaultError::KeyUnavailable(
                    "the audit log's key is not in this computer's keyring".to_owned(),
                )
            })?,
        (Some(_), None) => return Err(VaultError::LedgerLocked),
        (Some(wrap), Some(pass)) => unwrap(&header, wrap, pass)?,
    };
    let ledger = Ledger::open(&dir.ledger_path(), &key)?;
    Ok(KeptLedger { ledger, key })
}

fn unwrap(header: &LedgerHeader, wrap: &LedgerWrap, pass: &Passphrase) -> Result<Key> {
    if wrap.kdf != "argon2id" {
        return Err(VaultError::Header("unknown key derivation".to_owned()));
    }
    let salt = hex::decode(&wrap.salt)
        .map_err(|_| VaultError::Header("the salt is not hex".to_owned()))?;
    let kek = header::derive(pass, &salt, wrap.m_cost_kib, wrap.t_cost, wrap.p_cost)?;
    // The same binding as in the vault's header, so the copied wrap opens.
    let aad = Header {
        format: header.format,
        protection: header.protection,
        namespace: header.namespace.clone(),
        created_at: String::new(),
        passphrase: None,
    }
    .aad("ledger");
    header::open_sealed(&kek, &wrap.ledger_key, &aad)
}

/// Moves a kept ledger nobody can open any more (its passphrase is not known)
/// aside under a dated name, so a new vault starts a new log; nothing is
/// deleted. Returns the new file name.
pub fn set_kept_ledger_aside(dir: &DataDir) -> Result<String> {
    let stamp = crate::ledger::now_utc().replace([':', '-'], "");
    let base = format!("ledger-{stamp}");
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut from = dir.ledger_path().into_os_string();
        from.push(suffix);
        if std::path::Path::new(&from).exists() {
            std::fs::rename(&from, dir.root().join(format!("{base}.db{suffix}")))?;
        }
    }
    for (from, to) in [
        (dir.ledger_header_path(), format!("{base}-header.json")),
        (
            crate::ledger::head_path(&dir.ledger_path()),
            format!("{base}-head.json"),
        ),
    ] {
        if from.exists() {
            std::fs::rename(from, dir.root().join(to))?;
        }
    }
    header::sync_dir(dir.root());
    Ok(format!("{base}.db"))
}

/// Destroys the vault: its key first (the keyring entry; in passphrase mode the
/// header is where the wrapped key lives), then the header, then the database
/// with its WAL, shared-memory and journal files. Idempotent. Returns how many
/// files were removed.
pub fn destroy_vault(dir: &DataDir, keyring: &KeyringStore) -> Result<u64> {
    let found = match dir.header() {
        Ok(h) => Some((h.namespace, h.protection)),
        Err(_) => read(dir)?.map(|h| (h.namespace, h.protection)),
    };
    // A passphrase vault's key lives only in its header, removed below.
    if let Some((namespace, Protection::Keyring)) = found {
        keyring.delete(&vault_key_name(&namespace))?;
    }
    let mut removed = 0;
    let mut paths = vec![
        dir.header_path(),
        dir.header_path().with_extension("json.tmp"),
    ];
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = dir.vault_path().into_os_string();
        p.push(suffix);
        paths.push(p.into());
    }
    for path in paths {
        match std::fs::remove_file(&path) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    header::sync_dir(dir.root());
    Ok(removed)
}

/// The kept ledger's header goes once a new vault's header covers the ledger.
pub(crate) fn forget_ledger_header(dir: &DataDir) -> Result<()> {
    match std::fs::remove_file(dir.ledger_header_path()) {
        Ok(()) => {
            header::sync_dir(dir.root());
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
    }
}
