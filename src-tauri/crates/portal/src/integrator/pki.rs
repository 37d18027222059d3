//! A throw-away public key infrastructure for mutual TLS tests and the demo:
//! a CA, a server certificate for 127.0.0.1 and `localhost`, a client
//! certificate it issued, and a client certificate from another CA (which the
//! simulator must refuse). Made at run time with rcgen; nothing is committed.
//! Keys are PKCS#8 PEM, which the app's TLS library reads.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};

use super::config::ServerTls;
use crate::error::{PortalError, Result};

/// A certificate and its private key, PEM.
#[derive(Clone)]
pub struct PemPair {
    pub certificate_pem: String,
    pub private_key_pem: String,
}

impl fmt::Debug for PemPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PemPair([redacted])")
    }
}

/// Everything a mutual TLS test needs.
#[derive(Clone, Debug)]
pub struct TestPki {
    /// The CA's certificate: clients trust it for the server, and the server
    /// accepts client certificates it issued.
    pub ca_pem: String,
    pub server: PemPair,
    pub client: PemPair,
    /// A client certificate from an unrelated CA.
    pub stranger: PemPair,
}

fn failed(e: rcgen::Error) -> PortalError {
    PortalError::Config(format!("the test certificates could not be made: {e}"))
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn.push(DnType::OrganizationName, "Ownchart tests");
    dn
}

fn ca(common_name: &str) -> Result<(String, Issuer<'static, KeyPair>)> {
    let key = KeyPair::generate().map_err(failed)?;
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
    params.distinguished_name = name(common_name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let certificate = params.self_signed(&key).map_err(failed)?;
    Ok((certificate.pem(), Issuer::new(params, key)))
}

fn leaf(
    issuer: &Issuer<'_, KeyPair>,
    common_name: &str,
    purpose: ExtendedKeyUsagePurpose,
) -> Result<PemPair> {
    let key = KeyPair::generate().map_err(failed)?;
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).map_err(failed)?;
    params
        .subject_alt_names
        .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    params.distinguished_name = name(common_name);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![purpose];
    let certificate = params.signed_by(&key, issuer).map_err(failed)?;
    Ok(PemPair {
        certificate_pem: certificate.pem(),
        private_key_pem: key.serialize_pem(),
    })
}

impl TestPki {
    /// A fresh CA, server and client certificates, and a stranger's.
    pub fn generate() -> Result<TestPki> {
        let (ca_pem, issuer) = ca("Ownchart test CA")?;
        let server = leaf(
            &issuer,
            "integrator.test",
            ExtendedKeyUsagePurpose::ServerAuth,
        )?;
        let client = leaf(
            &issuer,
            "ownchart device",
            ExtendedKeyUsagePurpose::ClientAuth,
        )?;
        let (_, other) = ca("Some other CA")?;
        let stranger = leaf(
            &other,
            "not our device",
            ExtendedKeyUsagePurpose::ClientAuth,
        )?;
        Ok(TestPki {
            ca_pem,
            server,
            client,
            stranger,
        })
    }

    /// The simulator's side: its certificate, and this CA for clients.
    pub fn server_tls(&self) -> ServerTls {
        ServerTls {
            certificate_chain_pem: self.server.certificate_pem.clone(),
            private_key_pem: self.server.private_key_pem.clone(),
            client_ca_pem: self.ca_pem.clone(),
        }
    }
}
