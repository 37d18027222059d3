//! The operating system's keyring (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows) through the `keyring` crate with only the real
//! platform stores compiled in. Entries live under one service name per build
//! kind; the account name carries the data folder's namespace.

use keyring::Entry;

use crate::error::{Result, VaultError};
use crate::keys::Key;

#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    pub fn new(service: &str) -> KeyringStore {
        KeyringStore {
            service: service.to_owned(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// The key stored under `name`, or `None` when there is no such entry.
    pub fn get(&self, name: &str) -> Result<Option<Key>> {
        match self.entry(name)?.get_password() {
            Ok(text) => {
                let text = zeroize::Zeroizing::new(text);
                Key::from_hex(&text).map(Some).ok_or_else(|| {
                    VaultError::KeyUnavailable("the keyring entry is damaged".to_owned())
                })
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    pub fn set(&self, name: &str, key: &Key) -> Result<()> {
        // Hex text rather than raw bytes: every platform store accepts text.
        self.entry(name)?
            .set_password(&key.to_hex())
            .map_err(unavailable)
    }

    pub fn delete(&self, name: &str) -> Result<()> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Whether the keyring answers at all (a missing entry is an answer).
    pub fn probe(&self) -> Result<()> {
        match self.entry("probe")?.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn entry(&self, name: &str) -> Result<Entry> {
        Entry::new(&self.service, name).map_err(unavailable)
    }
}

fn unavailable(e: keyring::Error) -> VaultError {
    // keyring's messages describe the platform failure, never the secret.
    VaultError::KeyringUnavailable(e.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn keyring_or_skip() -> bool {
        let required = std::env::var("OWNCHART_REQUIRE_KEYRING").is_ok_and(|v| v == "1");
        if !required && std::env::var("DBUS_SESSION_BUS_ADDRESS").is_err() {
            eprintln!("keyring test skipped: no D-Bus session");
            return false;
        }
        true
    }

    /// Reads the entry back with libsecret's own command-line tool in another
    /// process: an in-memory mock store would make this fail.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_stored_key_is_in_the_real_secret_service() {
        if !keyring_or_skip() {
            return;
        }
        let service = format!("org.ownchart.test.{}", std::process::id());
        let store = KeyringStore::new(&service);
        let key = Key::random().unwrap();
        store.set("vault-key:roundtrip", &key).unwrap();
        let out = std::process::Command::new("secret-tool")
            .args([
                "lookup",
                "service",
                &service,
                "username",
                "vault-key:roundtrip",
            ])
            .output()
            .expect("secret-tool (libsecret-tools) is installed");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            key.to_hex().as_str()
        );
        assert_eq!(store.get("vault-key:roundtrip").unwrap(), Some(key));
        store.delete("vault-key:roundtrip").unwrap();
        assert_eq!(store.get("vault-key:roundtrip").unwrap(), None);
        store.probe().unwrap();
    }
}
