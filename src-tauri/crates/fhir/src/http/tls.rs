//! What a client adds to the system's TLS setup: an optional client identity
//! for mutual TLS (seed 003: an integrator checks the app's certificate on every
//! call), and extra trusted roots (only tests use them: a CA made at test time).
//!
//! The private key is a secret like a token: `Debug` never shows it and its
//! bytes are wiped when dropped.

use std::fmt;

use zeroize::Zeroizing;

use super::HttpError;
use crate::secret::Secret;

/// The certificate and key a client presents when the server asks for one.
#[derive(Clone)]
pub enum ClientIdentity {
    /// A PEM certificate chain (leaf first) and its PKCS#8 PEM private key.
    Pem {
        certificate_chain: Vec<u8>,
        private_key: Zeroizing<Vec<u8>>,
    },
    /// A PKCS#12 (`.p12`, `.pfx`) archive with its password.
    Pkcs12 {
        archive: Zeroizing<Vec<u8>>,
        password: Secret,
    },
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientIdentity::Pem { .. } => f.write_str("ClientIdentity::Pem([redacted])"),
            ClientIdentity::Pkcs12 { .. } => f.write_str("ClientIdentity::Pkcs12([redacted])"),
        }
    }
}

impl ClientIdentity {
    /// Checks that the system's TLS library can use this identity, so a bad
    /// certificate is refused when it is saved rather than at the first call.
    pub fn check(&self) -> Result<(), HttpError> {
        self.to_reqwest().map(|_| ())
    }

    pub(crate) fn to_reqwest(&self) -> Result<reqwest::Identity, HttpError> {
        let identity = match self {
            ClientIdentity::Pem {
                certificate_chain,
                private_key,
            } => reqwest::Identity::from_pkcs8_pem(certificate_chain, private_key),
            ClientIdentity::Pkcs12 { archive, password } => {
                reqwest::Identity::from_pkcs12_der(archive, password.expose())
            }
        };
        identity.map_err(|_| HttpError::Setup {
            detail: "the client certificate or its key could not be read; it must be a PEM \
                     certificate with a PKCS#8 PEM key, or a PKCS#12 file with its password"
                .to_owned(),
        })
    }
}

/// TLS additions for one [`super::HttpClient`].
#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    /// Presented to servers that ask for a client certificate.
    pub identity: Option<ClientIdentity>,
    /// PEM certificates trusted besides the system's roots (tests only: the
    /// product trusts the system's roots and nothing else).
    pub extra_roots_pem: Vec<Vec<u8>>,
}

impl TlsOptions {
    pub(crate) fn roots(&self) -> Result<Vec<reqwest::Certificate>, HttpError> {
        let mut out = Vec::new();
        for pem in &self.extra_roots_pem {
            let certs =
                reqwest::Certificate::from_pem_bundle(pem).map_err(|_| HttpError::Setup {
                    detail: "a trusted certificate could not be read".to_owned(),
                })?;
            out.extend(certs);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn unreadable_identities_are_refused_without_quoting_them() {
        let pem = ClientIdentity::Pem {
            certificate_chain: b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
                .to_vec(),
            private_key: Zeroizing::new(b"canary-private-key".to_vec()),
        };
        let e = pem.check().unwrap_err();
        assert!(matches!(e, HttpError::Setup { .. }));
        assert!(!e.to_string().contains("canary"));
        let p12 = ClientIdentity::Pkcs12 {
            archive: Zeroizing::new(vec![0x30, 0x82, 0x00, 0x01]),
            password: Secret::new("canary-password"),
        };
        assert!(p12.check().is_err());
        assert!(!format!("{p12:?}{pem:?}").contains("canary"));
    }
}
