//! Finding a portal's sign-in endpoints from its FHIR base: the SMART
//! `.well-known/smart-configuration` document, or, for servers that predate it,
//! the `oauth-uris` extension in the CapabilityStatement at `/metadata`. The
//! CapabilityStatement also tells the FHIR version and server software, which are
//! nice to know but never block a connection.

use serde::Deserialize;
use url::Url;

use super::configuration::SmartConfiguration;
use crate::base_url::under;
use crate::http::{check_url_allowed, origin_of, HttpClient, HttpError};

const OAUTH_URIS: &str = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoveryError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("{origin} does not offer SMART on FHIR sign-in, so Ownchart cannot connect to it.")]
    NotSmart { origin: String },
    #[error("The sign-in settings of {origin} could not be read: {detail}.")]
    Malformed { origin: String, detail: String },
    #[error(
        "The sign-in settings of {origin} point to an address that is not secure ({endpoint}), so Ownchart will not use them."
    )]
    InsecureEndpoint {
        origin: String,
        field: &'static str,
        endpoint: String,
    },
    #[error(
        "{origin} does not support the secure sign-in method Ownchart requires (PKCE with S256)."
    )]
    NoS256 { origin: String },
}

/// FHIR releases as a CapabilityStatement names them (`fhirVersion`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FhirRelease {
    Dstu2,
    Stu3,
    R4,
    Other(String),
}

impl FhirRelease {
    pub fn from_version(version: &str) -> FhirRelease {
        let version = version.trim();
        let major_minor: Vec<&str> = version.split('.').take(2).collect();
        match major_minor.as_slice() {
            ["1", "0"] => FhirRelease::Dstu2,
            ["3", "0"] => FhirRelease::Stu3,
            ["4", "0"] => FhirRelease::R4,
            _ => FhirRelease::Other(version.to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    pub fhir_base: Url,
    pub smart: SmartConfiguration,
    pub fhir_version: Option<FhirRelease>,
    /// `software.name` from the CapabilityStatement.
    pub software: Option<String>,
}

pub async fn discover(http: &HttpClient, fhir_base: &Url) -> Result<ServerInfo, DiscoveryError> {
    check_url_allowed(fhir_base)?;
    let origin = origin_of(fhir_base);
    let well_known = http
        .get_json(
            &under(fhir_base, &[".well-known", "smart-configuration"]),
            None,
            None,
        )
        .await;
    let metadata = fetch_capability(http, fhir_base).await;

    let smart = match well_known {
        Ok(response) => SmartConfiguration::from_json(&response.body, &origin)?,
        Err(HttpError::Status {
            status: 404 | 410, ..
        }) => match &metadata {
            Ok(capability) => capability.smart_configuration(&origin)?,
            Err(DiscoveryError::Http(HttpError::Status {
                status: 404 | 410, ..
            })) => return Err(DiscoveryError::NotSmart { origin }),
            Err(e) => return Err(e.clone()),
        },
        Err(e) => return Err(e.into()),
    };
    let (fhir_version, software) = match metadata {
        Ok(capability) => (
            capability
                .fhir_version
                .as_deref()
                .map(FhirRelease::from_version),
            capability.software.and_then(|s| s.name),
        ),
        Err(_) => (None, None),
    };
    Ok(ServerInfo {
        fhir_base: fhir_base.clone(),
        smart,
        fhir_version,
        software,
    })
}

async fn fetch_capability(
    http: &HttpClient,
    fhir_base: &Url,
) -> Result<Capability, DiscoveryError> {
    let response = http
        .get_json(&under(fhir_base, &["metadata"]), None, None)
        .await?;
    Ok(response.json()?)
}

/// Only the parts of a CapabilityStatement (DSTU2: Conformance) we read.
#[derive(Deserialize)]
struct Capability {
    #[serde(rename = "fhirVersion")]
    fhir_version: Option<String>,
    software: Option<Software>,
    #[serde(default)]
    rest: Vec<Rest>,
}

#[derive(Deserialize)]
struct Software {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Rest {
    security: Option<Security>,
}

#[derive(Deserialize)]
struct Security {
    #[serde(default)]
    extension: Vec<Extension>,
}

#[derive(Deserialize)]
struct Extension {
    url: Option<String>,
    #[serde(rename = "valueUri")]
    value_uri: Option<String>,
    #[serde(default)]
    extension: Vec<Extension>,
}

impl Capability {
    fn smart_configuration(&self, origin: &str) -> Result<SmartConfiguration, DiscoveryError> {
        let uris = self
            .rest
            .iter()
            .filter_map(|rest| rest.security.as_ref())
            .flat_map(|security| &security.extension)
            .find(|ext| ext.url.as_deref() == Some(OAUTH_URIS))
            .ok_or_else(|| DiscoveryError::NotSmart {
                origin: origin.to_owned(),
            })?;
        let find = |name: &str| {
            uris.extension
                .iter()
                .find(|ext| ext.url.as_deref() == Some(name))
                .and_then(|ext| ext.value_uri.as_deref())
        };
        let parse = |name: &str, field: &'static str| -> Result<Option<Url>, DiscoveryError> {
            find(name)
                .map(|value| {
                    Url::parse(value.trim()).map_err(|_| DiscoveryError::Malformed {
                        origin: origin.to_owned(),
                        detail: format!("the {field} is not a web address"),
                    })
                })
                .transpose()
        };
        let required = |url: Option<Url>, field: &'static str| {
            url.ok_or_else(|| DiscoveryError::Malformed {
                origin: origin.to_owned(),
                detail: format!("the {field} is missing"),
            })
        };
        let config = SmartConfiguration {
            issuer: None,
            authorization_endpoint: required(
                parse("authorize", "authorization_endpoint")?,
                "authorization_endpoint",
            )?,
            token_endpoint: required(parse("token", "token_endpoint")?, "token_endpoint")?,
            revocation_endpoint: parse("revoke", "revocation_endpoint")?,
            scopes_supported: None,
            capabilities: Vec::new(),
            code_challenge_methods_supported: None,
            grant_types_supported: None,
            token_endpoint_auth_methods_supported: None,
            authorization_response_iss_parameter_supported: false,
        };
        config.check(origin)?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fhir_releases() {
        assert_eq!(FhirRelease::from_version("4.0.1"), FhirRelease::R4);
        assert_eq!(FhirRelease::from_version("1.0.2"), FhirRelease::Dstu2);
        assert_eq!(FhirRelease::from_version("3.0.2"), FhirRelease::Stu3);
        assert_eq!(
            FhirRelease::from_version("5.0.0"),
            FhirRelease::Other("5.0.0".into())
        );
        assert_eq!(
            FhirRelease::from_version("4.3.0"),
            FhirRelease::Other("4.3.0".into())
        );
    }
}
