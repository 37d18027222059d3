//! `vault-header.json`: how the vault's keys are protected. It is plaintext on
//! purpose (it must be readable before anything is unlocked) and holds nothing
//! clinical: the protection mode, the keyring namespace, and in passphrase mode
//! the Argon2id parameters and the two keys wrapped with XChaCha20-Poly1305.

use std::io::Write;
use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Result, VaultError};
use crate::keys::{Key, Passphrase, KEY_LEN};

pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protection {
    Keyring,
    Passphrase,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    pub protection: Protection,
    /// Names this vault's keyring entries, so two data folders never share a key.
    pub namespace: String,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passphrase: Option<PassphraseWrap>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PassphraseWrap {
    pub kdf: String,
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    pub salt: String,
    pub vault_key: WrappedKey,
    pub ledger_key: WrappedKey,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WrappedKey {
    pub nonce: String,
    pub ciphertext: String,
}

/// OWASP's Argon2id recommendation with memory to spare on a desktop: 64 MiB,
/// 3 passes. Unwrapping happens once per session, never per database open.
const M_COST_KIB: u32 = 64 * 1024;
const T_COST: u32 = 3;
const P_COST: u32 = 1;

impl Header {
    pub fn read(path: &Path) -> Result<Header> {
        let bytes = std::fs::read(path)?;
        let header: Header = serde_json::from_slice(&bytes)
            .map_err(|e| VaultError::Header(format!("it is not valid ({e})")))?;
        if header.format != FORMAT {
            return Err(VaultError::Header(format!(
                "format {} is newer than this version of Ownchart understands",
                header.format
            )));
        }
        Ok(header)
    }

    /// Writes atomically: a temporary file, fsync, rename, fsync of the folder.
    pub fn write_new(&self, path: &Path) -> Result<()> {
        let bytes =
            serde_json::to_vec_pretty(self).map_err(|e| VaultError::Header(e.to_string()))?;
        write_atomic(path, &bytes)
    }

    pub fn wrap_keys(
        &mut self,
        passphrase: &Passphrase,
        vault_key: &Key,
        ledger_key: &Key,
    ) -> Result<()> {
        let salt = random_bytes::<16>()?;
        let kek = derive(passphrase, &salt, M_COST_KIB, T_COST, P_COST)?;
        self.passphrase = Some(PassphraseWrap {
            kdf: "argon2id".to_owned(),
            m_cost_kib: M_COST_KIB,
            t_cost: T_COST,
            p_cost: P_COST,
            salt: hex::encode(salt),
            vault_key: seal(&kek, vault_key, &self.aad("vault"))?,
            ledger_key: seal(&kek, ledger_key, &self.aad("ledger"))?,
        });
        Ok(())
    }

    /// Both keys, or `WrongPassphrase` when the passphrase does not open them.
    pub fn unwrap_keys(&self, passphrase: &Passphrase) -> Result<(Key, Key)> {
        let wrap = self
            .passphrase
            .as_ref()
            .ok_or_else(|| VaultError::Header("it holds no passphrase-wrapped keys".to_owned()))?;
        if wrap.kdf != "argon2id" {
            return Err(VaultError::Header(format!(
                "unknown key derivation '{}'",
                wrap.kdf
            )));
        }
        let salt = hex::decode(&wrap.salt)
            .map_err(|_| VaultError::Header("the salt is not hex".to_owned()))?;
        let kek = derive(passphrase, &salt, wrap.m_cost_kib, wrap.t_cost, wrap.p_cost)?;
        Ok((
            open_sealed(&kek, &wrap.vault_key, &self.aad("vault"))?,
            open_sealed(&kek, &wrap.ledger_key, &self.aad("ledger"))?,
        ))
    }

    /// Binds each wrapped key to this vault and to its role, so keys cannot be
    /// swapped between headers or between the vault and the ledger.
    pub(crate) fn aad(&self, role: &str) -> Vec<u8> {
        format!("ownchart-header-v{}:{}:{role}", self.format, self.namespace).into_bytes()
    }
}

pub(crate) fn derive(
    passphrase: &Passphrase,
    salt: &[u8],
    m: u32,
    t: u32,
    p: u32,
) -> Result<Zeroizing<[u8; KEY_LEN]>> {
    let params = Params::new(m, t, p, Some(KEY_LEN))
        .map_err(|_| VaultError::Header("invalid key derivation parameters".to_owned()))?;
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|_| VaultError::Crypto("key derivation failed"))?;
    Ok(out)
}

fn seal(kek: &[u8; KEY_LEN], key: &Key, aad: &[u8]) -> Result<WrappedKey> {
    let nonce = random_bytes::<24>()?;
    let cipher = XChaCha20Poly1305::new(kek.into());
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.as_bytes(),
                aad,
            },
        )
        .map_err(|_| VaultError::Crypto("key wrapping failed"))?;
    Ok(WrappedKey {
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ciphertext),
    })
}

pub(crate) fn open_sealed(kek: &[u8; KEY_LEN], wrapped: &WrappedKey, aad: &[u8]) -> Result<Key> {
    let nonce = hex::decode(&wrapped.nonce).ok().filter(|n| n.len() == 24);
    let ciphertext = hex::decode(&wrapped.ciphertext).ok();
    let (Some(nonce), Some(ciphertext)) = (nonce, ciphertext) else {
        return Err(VaultError::Header("a wrapped key is damaged".to_owned()));
    };
    let cipher = XChaCha20Poly1305::new(kek.into());
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad,
                },
            )
            .map_err(|_| VaultError::WrongPassphrase)?,
    );
    Key::from_slice(&plain)
        .ok_or_else(|| VaultError::Header("a wrapped key has the wrong size".to_owned()))
}

/// Writes a small private file atomically: a temporary file, fsync, rename,
/// fsync of the folder.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| VaultError::Header("no parent folder".to_owned()))?;
    let tmp = path.with_extension("json.tmp");
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    sync_dir(dir);
    Ok(())
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).map_err(|_| VaultError::Crypto("no system randomness"))?;
    Ok(b)
}

pub(crate) fn sync_dir(dir: &Path) {
    // Makes a rename durable on unix; Windows has no directory handles to sync.
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn header() -> Header {
        Header {
            format: FORMAT,
            protection: Protection::Passphrase,
            namespace: "ns".into(),
            created_at: "now".into(),
            passphrase: None,
        }
    }

    #[test]
    fn wrapped_keys_open_only_with_the_right_passphrase_and_header() {
        let (vk, lk) = (Key::random().unwrap(), Key::random().unwrap());
        let mut h = header();
        h.wrap_keys(&Passphrase::new("correct horse".into()), &vk, &lk)
            .unwrap();
        let (v, l) = h
            .unwrap_keys(&Passphrase::new("correct horse".into()))
            .unwrap();
        assert_eq!((v, l), (vk.clone(), lk));
        assert!(matches!(
            h.unwrap_keys(&Passphrase::new("wrong horse".into())),
            Err(VaultError::WrongPassphrase)
        ));
        // The same wrapped keys under another vault's namespace do not open.
        h.namespace = "other".into();
        assert!(h
            .unwrap_keys(&Passphrase::new("correct horse".into()))
            .is_err());
        // Nothing in the header is the key.
        let text = serde_json::to_string(&h).unwrap();
        assert!(!text.contains(&hex::encode(vk.as_bytes())));
    }
}
