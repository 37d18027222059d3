//! PKCE (RFC 7636) with S256 only: SMART forbids `plain`, and a fresh verifier per
//! sign-in attempt makes an intercepted authorization code useless to anyone
//! but us.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::random::{random_token, RandomError};
use crate::secret::Secret;

pub const CODE_CHALLENGE_METHOD: &str = "S256";

#[derive(Debug, Clone)]
pub struct Pkce {
    /// Kept until the token exchange; never leaves the app otherwise.
    pub verifier: Secret,
    /// `BASE64URL(SHA-256(verifier))`, sent in the authorize URL.
    pub challenge: String,
}

impl Pkce {
    /// A fresh 32-byte verifier (43 base64url characters, the RFC's recommended
    /// length) and its S256 challenge.
    pub fn generate() -> Result<Pkce, RandomError> {
        Ok(Pkce::from_verifier(random_token()?))
    }

    pub fn from_verifier(verifier: Secret) -> Pkce {
        let digest = Sha256::digest(verifier.expose().as_bytes());
        Pkce {
            challenge: URL_SAFE_NO_PAD.encode(digest),
            verifier,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let pkce = Pkce::from_verifier(Secret::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert_eq!(
            pkce.challenge,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn generated_verifiers_are_long_fresh_and_unreserved() {
        let a = Pkce::generate().unwrap();
        let b = Pkce::generate().unwrap();
        assert_eq!(a.verifier.len(), 43);
        assert_ne!(a.verifier, b.verifier);
        assert_ne!(a.challenge, b.challenge);
        assert!(a
            .verifier
            .expose()
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(
            a.challenge,
            Pkce::from_verifier(a.verifier.clone()).challenge
        );
        assert!(!format!("{a:?}").contains(a.verifier.expose()));
    }
}
