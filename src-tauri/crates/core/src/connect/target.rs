//! What a login connects to: a directory entry or a pasted FHIR base URL,
//! resolved to a name and a base before any network traffic.

use url::Url;

use super::error::ConnectError;
use super::types::ConnectTarget;
use crate::directory::Directory;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalTarget {
    pub name: String,
    pub fhir_base: Url,
    pub directory_id: Option<String>,
}

impl PortalTarget {
    pub fn resolve(directory: &Directory, target: &ConnectTarget) -> Result<Self, ConnectError> {
        match target {
            ConnectTarget::Directory { id } => {
                let entry = directory.get(id).ok_or(ConnectError::UnknownPortal)?;
                Ok(PortalTarget {
                    name: entry.name.clone(),
                    fhir_base: parse_base(&entry.fhir_base)?,
                    directory_id: Some(entry.id.clone()),
                })
            }
            ConnectTarget::FhirBase { url } => {
                let fhir_base = parse_base(url)?;
                Ok(PortalTarget {
                    name: fhir_base.host_str().unwrap_or("FHIR server").to_owned(),
                    fhir_base,
                    directory_id: None,
                })
            }
        }
    }
}

/// A FHIR base as typed or listed: trimmed, without query or fragment, and
/// allowed by the transport rules (https, or http to this computer only).
pub fn parse_base(text: &str) -> Result<Url, ConnectError> {
    let mut url = Url::parse(text.trim()).map_err(|_| {
        ConnectError::Insecure("That is not a web address (it should start with https://).".into())
    })?;
    url.set_query(None);
    url.set_fragment(None);
    ownchart_fhir::http::check_url_allowed(&url)?;
    Ok(url)
}
