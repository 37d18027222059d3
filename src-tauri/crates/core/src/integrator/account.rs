//! The integrator account in Settings: three base URLs, the device API access
//! token and an optional client certificate, saved in the vault (the token is
//! never shown again; the certificate is checked by the TLS library before it
//! is saved). Saving or removing it writes an `INTEGRATOR_ACCOUNT` ledger entry.

use std::path::Path;

use ownchart_fhir::http::{ClientIdentity, HttpClient, HttpLimits, TlsOptions};
use ownchart_fhir::secret::Secret;
use ownchart_vault::{IntegratorAccountRecord, IntegratorCertificate, NewLedgerEntry};
use url::Url;
use zeroize::Zeroizing;

use super::client::IntegratorClient;
use super::error::IntegratorError;
use super::types::*;
use crate::session::Session;
use crate::{CoreError, Result};

/// A certificate file larger than this is not a certificate.
const MAX_CERTIFICATE_FILE: u64 = 1024 * 1024;

fn base(text: &str, what: &str) -> std::result::Result<Url, IntegratorError> {
    let mut url = Url::parse(text.trim()).map_err(|_| {
        IntegratorError::BadAccount(format!("the {what} address is not a web address"))
    })?;
    url.set_query(None);
    url.set_fragment(None);
    ownchart_fhir::http::check_url_allowed(&url).map_err(|_| {
        IntegratorError::BadAccount(format!(
            "the {what} address must start with https:// (plain http only on this computer)"
        ))
    })?;
    Ok(url)
}

pub(crate) fn identity(cert: &IntegratorCertificate) -> ClientIdentity {
    match cert {
        IntegratorCertificate::Pem {
            certificate_chain,
            private_key,
        } => ClientIdentity::Pem {
            certificate_chain: certificate_chain.clone(),
            private_key: private_key.clone(),
        },
        IntegratorCertificate::Pkcs12 { archive, password } => ClientIdentity::Pkcs12 {
            archive: archive.clone(),
            password: Secret::new(password.to_string()),
        },
    }
}

/// The client for a saved account.
pub(crate) fn client_for(
    record: &IntegratorAccountRecord,
    limits: HttpLimits,
    extra_roots_pem: &[Vec<u8>],
) -> std::result::Result<IntegratorClient, IntegratorError> {
    let tls = TlsOptions {
        identity: record.certificate.as_ref().map(identity),
        extra_roots_pem: extra_roots_pem.to_vec(),
    };
    Ok(IntegratorClient {
        http: HttpClient::with_tls(limits, &tls)?,
        directory: base(&record.directory_url, "directory")?,
        integrator: base(&record.integrator_url, "integrator")?,
        redirector: base(&record.redirector_url, "redirector")?,
        device: Secret::new(record.device_token.to_string()),
    })
}

fn view(record: Option<&IntegratorAccountRecord>) -> IntegratorAccountView {
    match record {
        None => IntegratorAccountView {
            configured: false,
            directory_url: String::new(),
            integrator_url: String::new(),
            redirector_url: String::new(),
            device_token_set: false,
            certificate: CertificateKind::None,
            updated_at: None,
        },
        Some(r) => IntegratorAccountView {
            configured: true,
            directory_url: r.directory_url.clone(),
            integrator_url: r.integrator_url.clone(),
            redirector_url: r.redirector_url.clone(),
            device_token_set: !r.device_token.is_empty(),
            certificate: match r.certificate {
                None => CertificateKind::None,
                Some(IntegratorCertificate::Pem { .. }) => CertificateKind::Pem,
                Some(IntegratorCertificate::Pkcs12 { .. }) => CertificateKind::Pkcs12,
            },
            updated_at: Some(r.updated_at.clone()),
        },
    }
}

fn read_file(path: &Path) -> std::result::Result<Zeroizing<Vec<u8>>, IntegratorError> {
    let unreadable =
        || IntegratorError::BadAccount("the certificate file could not be read".to_owned());
    let meta = std::fs::metadata(path).map_err(|_| unreadable())?;
    if meta.len() > MAX_CERTIFICATE_FILE {
        return Err(IntegratorError::BadAccount(
            "the certificate file is too large to be a certificate".to_owned(),
        ));
    }
    Ok(Zeroizing::new(
        std::fs::read(path).map_err(|_| unreadable())?,
    ))
}

/// A PEM file holding both the certificate chain and the private key.
fn split_pem(bytes: &[u8]) -> Option<IntegratorCertificate> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut certs = String::new();
    let mut key = String::new();
    let mut current: Option<&mut String> = None;
    for line in text.lines() {
        if line.starts_with("-----BEGIN ") {
            current = if line.contains("PRIVATE KEY") {
                Some(&mut key)
            } else if line.contains("CERTIFICATE") {
                Some(&mut certs)
            } else {
                None
            };
        }
        if let Some(buf) = current.as_deref_mut() {
            buf.push_str(line);
            buf.push('\n');
        }
        if line.starts_with("-----END ") {
            current = None;
        }
    }
    (!certs.is_empty() && !key.is_empty()).then(|| IntegratorCertificate::Pem {
        certificate_chain: certs.into_bytes(),
        private_key: Zeroizing::new(key.into_bytes()),
    })
}

fn certificate(
    input: &CertificateInput,
    kept: Option<IntegratorCertificate>,
) -> std::result::Result<Option<IntegratorCertificate>, IntegratorError> {
    let cert = match input {
        CertificateInput::Keep => return Ok(kept),
        CertificateInput::Remove => return Ok(None),
        CertificateInput::Pem {
            certificate_pem,
            private_key_pem,
        } => IntegratorCertificate::Pem {
            certificate_chain: certificate_pem.trim().as_bytes().to_vec(),
            private_key: Zeroizing::new(private_key_pem.trim().as_bytes().to_vec()),
        },
        CertificateInput::File { path, password } => {
            let bytes = read_file(Path::new(path))?;
            match split_pem(&bytes) {
                Some(pem) => pem,
                None => IntegratorCertificate::Pkcs12 {
                    archive: bytes,
                    password: Zeroizing::new(password.clone().unwrap_or_default()),
                },
            }
        }
    };
    identity(&cert).check()?;
    Ok(Some(cert))
}

impl Session {
    /// The integrator account as Settings shows it (never its secrets).
    pub fn integrator_account(&self) -> Result<IntegratorAccountView> {
        let record = self.opened()?.vault.integrator_account()?;
        Ok(view(record.as_ref()))
    }

    /// Saves the integrator account. The device token is required the first
    /// time; later an empty one keeps the saved token.
    pub fn save_integrator_account(
        &mut self,
        input: IntegratorAccountInput,
    ) -> Result<IntegratorAccountView> {
        let opened = self.opened_mut()?;
        let saved = opened.vault.integrator_account()?;
        let directory = base(&input.directory_url, "directory").map_err(CoreError::from)?;
        let integrator = base(&input.integrator_url, "integrator").map_err(CoreError::from)?;
        let redirector = base(&input.redirector_url, "redirector").map_err(CoreError::from)?;
        let token = match input.device_token.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => Zeroizing::new(t.to_owned()),
            _ => match &saved {
                Some(s) => s.device_token.clone(),
                None => {
                    return Err(IntegratorError::BadAccount(
                        "the device API access token is needed".to_owned(),
                    )
                    .into())
                }
            },
        };
        let certificate = certificate(
            &input.certificate,
            saved.as_ref().and_then(|s| s.certificate.clone()),
        )
        .map_err(CoreError::from)?;
        let record = IntegratorAccountRecord {
            directory_url: directory.to_string(),
            integrator_url: integrator.to_string(),
            redirector_url: redirector.to_string(),
            device_token: token,
            certificate,
            updated_at: String::new(),
        };
        opened.vault.save_integrator_account(&record)?;
        let mut entry = NewLedgerEntry::new(
            "INTEGRATOR_ACCOUNT",
            format!(
                "Integrator account saved (directory {}, integrator {}, client certificate {})",
                directory.origin().ascii_serialization(),
                integrator.origin().ascii_serialization(),
                if record.certificate.is_some() {
                    "set"
                } else {
                    "none"
                }
            ),
        );
        entry.recipient = Some(integrator.origin().ascii_serialization());
        opened.ledger.append(entry)?;
        self.integrator_account()
    }

    /// Forgets the integrator account (connections made through it stay, and
    /// ask to reconnect once it is set up again).
    pub fn remove_integrator_account(&mut self) -> Result<IntegratorAccountView> {
        let opened = self.opened_mut()?;
        if opened.vault.delete_integrator_account()? {
            opened.ledger.append(NewLedgerEntry::new(
                "INTEGRATOR_ACCOUNT",
                "Integrator account removed".to_owned(),
            ))?;
        }
        Ok(view(None))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn a_combined_pem_file_is_split_into_certificate_and_key() {
        let text = "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n\
                    -----BEGIN PRIVATE KEY-----\nBBB\n-----END PRIVATE KEY-----\n";
        match split_pem(text.as_bytes()) {
            Some(IntegratorCertificate::Pem {
                certificate_chain,
                private_key,
            }) => {
                let c = String::from_utf8(certificate_chain).unwrap();
                let k = String::from_utf8(private_key.to_vec()).unwrap();
                assert!(c.contains("AAA") && !c.contains("BBB"));
                assert!(k.contains("BBB") && !k.contains("AAA"));
            }
            other => panic!("{other:?}"),
        }
        assert!(split_pem(&[0x30, 0x82, 0x01]).is_none());
        assert!(
            split_pem(b"-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n").is_none()
        );
    }

    #[test]
    fn addresses_must_be_secure() {
        assert!(base("https://integrator.example/v1", "x").is_ok());
        assert!(base("http://127.0.0.1:8080/v1", "x").is_ok());
        assert!(base("http://integrator.example/v1", "x").is_err());
        assert!(base("not an address", "x").is_err());
    }
}
