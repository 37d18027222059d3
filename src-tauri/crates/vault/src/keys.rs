//! Secrets in memory: the 32-byte database keys and the patient's passphrase. Both
//! are wiped when dropped and print as `[redacted]`, so a stray `{:?}` in a log
//! cannot leak them.

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Result, VaultError};

pub const KEY_LEN: usize = 32;

#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Key([u8; KEY_LEN]);

impl Key {
    /// A fresh key from the operating system's CSPRNG.
    pub fn random() -> Result<Key> {
        let mut bytes = [0u8; KEY_LEN];
        getrandom::getrandom(&mut bytes).map_err(|_| VaultError::Crypto("no system randomness"))?;
        Ok(Key(bytes))
    }

    pub fn from_slice(bytes: &[u8]) -> Option<Key> {
        let array: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(Key(array))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0))
    }

    pub(crate) fn from_hex(text: &str) -> Option<Key> {
        let bytes = Zeroizing::new(hex::decode(text.trim()).ok()?);
        Key::from_slice(&bytes)
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key([redacted])")
    }
}

/// The passphrase a patient typed, wiped from memory when dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Passphrase(String);

impl Passphrase {
    pub fn new(text: String) -> Passphrase {
        Passphrase(text)
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase([redacted])")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn keys_are_random_and_never_printed() {
        let a = Key::random().unwrap();
        let b = Key::random().unwrap();
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "Key([redacted])");
        assert!(!format!("{:?}", Passphrase::new("hunter22".into())).contains("hunter"));
        assert_eq!(Key::from_hex(&a.to_hex()).unwrap(), a);
        assert!(Key::from_slice(&[0u8; 31]).is_none());
    }
}
