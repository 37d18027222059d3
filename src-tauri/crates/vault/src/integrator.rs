//! The integrator account (base URLs, the device API access token and an
//! optional mutual-TLS client certificate) and, per connection made through
//! the integrator, its partner endpoint. Secrets sit in `Zeroizing` buffers and
//! never appear in `Debug` output.

use std::fmt;

use rusqlite::{params, OptionalExtension};
use zeroize::Zeroizing;

use crate::error::Result;
use crate::ledger::now_utc;
use crate::vault::Vault;

/// The client certificate presented on every integrator call (seed 003).
#[derive(Clone)]
pub enum IntegratorCertificate {
    /// A PEM certificate chain and its PKCS#8 PEM private key.
    Pem {
        certificate_chain: Vec<u8>,
        private_key: Zeroizing<Vec<u8>>,
    },
    /// A PKCS#12 archive and its password.
    Pkcs12 {
        archive: Zeroizing<Vec<u8>>,
        password: Zeroizing<String>,
    },
}

impl fmt::Debug for IntegratorCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntegratorCertificate::Pem { .. } => f.write_str("Pem([redacted])"),
            IntegratorCertificate::Pkcs12 { .. } => f.write_str("Pkcs12([redacted])"),
        }
    }
}

/// The integrator account.
#[derive(Clone)]
pub struct IntegratorAccountRecord {
    pub directory_url: String,
    pub integrator_url: String,
    pub redirector_url: String,
    pub device_token: Zeroizing<String>,
    pub certificate: Option<IntegratorCertificate>,
    pub updated_at: String,
}

impl fmt::Debug for IntegratorAccountRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntegratorAccountRecord")
            .field("directory_url", &self.directory_url)
            .field("integrator_url", &self.integrator_url)
            .field("redirector_url", &self.redirector_url)
            .field("device_token", &"[redacted]")
            .field("certificate", &self.certificate)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// A connection's partner endpoint (public directory data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegratorLink {
    pub connection_id: String,
    pub endpoint_id: String,
    pub data_type: String,
    pub redirect_uri: String,
    pub derived_auth_uri: String,
    /// Whether the integrator named the patient (`patId`) when access was granted.
    pub patient_id_given: bool,
}

/// The certificate's columns: kind, data, key, password.
type CertColumns<'a> = (
    Option<&'a str>,
    Option<&'a [u8]>,
    Option<&'a [u8]>,
    Option<&'a str>,
);

impl Vault {
    pub fn integrator_account(&self) -> Result<Option<IntegratorAccountRecord>> {
        type Row = (
            String,
            String,
            String,
            String,
            Option<String>,
            Option<Vec<u8>>,
            Option<Vec<u8>>,
            Option<String>,
            String,
        );
        let row: Option<Row> = self
            .conn_ref()
            .query_row(
                "SELECT directory_url, integrator_url, redirector_url, device_token, cert_kind,
                   cert_data, cert_key, cert_password, updated_at
                 FROM integrator_account WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                    ))
                },
            )
            .optional()?;
        Ok(row.map(
            |(directory, integrator, redirector, token, kind, data, key, password, updated)| {
                let certificate = match (kind.as_deref(), data) {
                    (Some("pem"), Some(data)) => Some(IntegratorCertificate::Pem {
                        certificate_chain: data,
                        private_key: Zeroizing::new(key.unwrap_or_default()),
                    }),
                    (Some("pkcs12"), Some(data)) => Some(IntegratorCertificate::Pkcs12 {
                        archive: Zeroizing::new(data),
                        password: Zeroizing::new(password.unwrap_or_default()),
                    }),
                    _ => None,
                };
                IntegratorAccountRecord {
                    directory_url: directory,
                    integrator_url: integrator,
                    redirector_url: redirector,
                    device_token: Zeroizing::new(token),
                    certificate,
                    updated_at: updated,
                }
            },
        ))
    }

    /// Saves the account, replacing the one there was. `updated_at` is set now.
    pub fn save_integrator_account(&mut self, a: &IntegratorAccountRecord) -> Result<()> {
        let (kind, data, key, password): CertColumns<'_> = match &a.certificate {
            None => (None, None, None, None),
            Some(IntegratorCertificate::Pem {
                certificate_chain,
                private_key,
            }) => (
                Some("pem"),
                Some(certificate_chain.as_slice()),
                Some(private_key.as_slice()),
                None,
            ),
            Some(IntegratorCertificate::Pkcs12 { archive, password }) => (
                Some("pkcs12"),
                Some(archive.as_slice()),
                None,
                Some(password.as_str()),
            ),
        };
        self.conn_ref().execute(
            "INSERT OR REPLACE INTO integrator_account (id, directory_url, integrator_url,
               redirector_url, device_token, cert_kind, cert_data, cert_key, cert_password,
               updated_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                a.directory_url,
                a.integrator_url,
                a.redirector_url,
                a.device_token.as_str(),
                kind,
                data,
                key,
                password,
                now_utc(),
            ],
        )?;
        Ok(())
    }

    /// Forgets the account (its token and certificate with it; `secure_delete`
    /// overwrites the bytes). Connections made through it stay.
    pub fn delete_integrator_account(&mut self) -> Result<bool> {
        Ok(self
            .conn_ref()
            .execute("DELETE FROM integrator_account WHERE id = 1", [])?
            == 1)
    }

    pub fn save_integrator_link(&mut self, link: &IntegratorLink) -> Result<()> {
        self.conn_ref().execute(
            "INSERT OR REPLACE INTO integrator_connections (connection_id, endpoint_id, data_type,
               redirect_uri, derived_auth_uri, patient_id_given)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                link.connection_id,
                link.endpoint_id,
                link.data_type,
                link.redirect_uri,
                link.derived_auth_uri,
                link.patient_id_given,
            ],
        )?;
        Ok(())
    }

    pub fn integrator_link(&self, connection_id: &str) -> Result<Option<IntegratorLink>> {
        Ok(self
            .conn_ref()
            .query_row(
                "SELECT connection_id, endpoint_id, data_type, redirect_uri, derived_auth_uri,
                   patient_id_given
                 FROM integrator_connections WHERE connection_id = ?1",
                [connection_id],
                |r| {
                    Ok(IntegratorLink {
                        connection_id: r.get(0)?,
                        endpoint_id: r.get(1)?,
                        data_type: r.get(2)?,
                        redirect_uri: r.get(3)?,
                        derived_auth_uri: r.get(4)?,
                        patient_id_given: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::connections::{ConnectionRecord, TokenRecord};
    use crate::keys::Key;

    fn account(cert: Option<IntegratorCertificate>) -> IntegratorAccountRecord {
        IntegratorAccountRecord {
            directory_url: "https://directory.example/directory/v1".into(),
            integrator_url: "https://integrator.example/integrator/v1".into(),
            redirector_url: "https://redirector.example".into(),
            device_token: Zeroizing::new("canary-device-token".into()),
            certificate: cert,
            updated_at: String::new(),
        }
    }

    #[test]
    fn the_account_round_trips_and_hides_its_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let key = Key::random().unwrap();
        let path = dir.path().join("v.db");
        {
            let mut v = Vault::create(&path, &key).unwrap();
            assert!(v.integrator_account().unwrap().is_none());
            v.save_integrator_account(&account(Some(IntegratorCertificate::Pkcs12 {
                archive: Zeroizing::new(vec![1, 2, 3]),
                password: Zeroizing::new("canary-p12-pass".into()),
            })))
            .unwrap();
        }
        let mut v = Vault::open(&path, &key).unwrap();
        let a = v.integrator_account().unwrap().unwrap();
        assert_eq!(a.device_token.as_str(), "canary-device-token");
        match &a.certificate {
            Some(IntegratorCertificate::Pkcs12 { archive, password }) => {
                assert_eq!(archive.as_slice(), &[1, 2, 3]);
                assert_eq!(password.as_str(), "canary-p12-pass");
            }
            other => panic!("{other:?}"),
        }
        let shown = format!("{a:?}");
        assert!(!shown.contains("canary"), "{shown}");
        v.save_integrator_account(&account(None)).unwrap();
        assert!(v
            .integrator_account()
            .unwrap()
            .unwrap()
            .certificate
            .is_none());
        assert!(v.delete_integrator_account().unwrap());
        assert!(v.integrator_account().unwrap().is_none());
    }

    #[test]
    fn a_link_goes_with_its_connection() {
        let dir = tempfile::tempdir().unwrap();
        let key = Key::random().unwrap();
        let mut v = Vault::create(&dir.path().join("v.db"), &key).unwrap();
        let c = ConnectionRecord {
            id: "c1".into(),
            method: "integrator".into(),
            portal_name: "Epic New".into(),
            directory_id: None,
            fhir_base: "https://integrator.example/integrator/v1/fhir/resources/e1".into(),
            fhir_version: Some("R4".into()),
            issuer: None,
            token_endpoint: "https://integrator.example/integrator/v1/fhir/auth/e1/token".into(),
            revocation_endpoint: None,
            client_id: "e1".into(),
            patient_id: Some("p1".into()),
            patient_name: None,
            granted_scopes: String::new(),
            status: "connected".into(),
            status_reason: None,
            connected_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
        };
        let t = TokenRecord {
            access_token: Zeroizing::new("a".into()),
            access_expires_at: None,
            refresh_token: None,
            client_secret: None,
            generation: 0,
        };
        v.save_connection(&c, &t).unwrap();
        let link = IntegratorLink {
            connection_id: "c1".into(),
            endpoint_id: "e1".into(),
            data_type: "clinical".into(),
            redirect_uri: "https://redirector.example/outbound/?portalURL=x".into(),
            derived_auth_uri: "https://portal.example/authorize".into(),
            patient_id_given: false,
        };
        v.save_integrator_link(&link).unwrap();
        assert_eq!(v.integrator_link("c1").unwrap(), Some(link));
        v.delete_connection("c1").unwrap();
        assert_eq!(v.integrator_link("c1").unwrap(), None);
    }
}
