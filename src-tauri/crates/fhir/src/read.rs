//! The first FHIR reads after sign-in: the patient record the token is for,
//! kept byte-for-byte as the server sent it, or, for servers whose token does
//! not name a patient, the one and only Patient the token can see. Never a
//! guess: zero or several candidates is an error.

use serde::Deserialize;
use serde_json::value::RawValue;
use url::Url;

use crate::base_url::under;
use crate::http::{describe_json_error, HttpClient, HttpError, HttpResponse};
use crate::secret::Secret;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(
        "The portal gave a patient id that is not a valid FHIR id, so Ownchart did not use it."
    )]
    InvalidPatientId,
    #[error("{origin} did not send a patient record where one was expected.")]
    NotAPatient { origin: String },
    #[error(
        "{origin} sent a different patient's record than the one you signed in as, so it was not used."
    )]
    WrongPatient { origin: String },
    #[error(
        "{origin} did not say which patient you are, and shows no patient record to Ownchart."
    )]
    NoPatient { origin: String },
    #[error(
        "{origin} did not say which patient you are, and shows more than one patient record, so Ownchart cannot tell which is yours."
    )]
    SeveralPatients { origin: String },
    #[error("{origin} sent an answer Ownchart could not read ({detail}).")]
    Malformed { origin: String, detail: String },
}

/// GET `{base}/Patient/{id}` with the bearer token; returns the body exactly as
/// received once it is checked to be that Patient.
pub async fn read_patient(
    http: &HttpClient,
    fhir_base: &Url,
    patient_id: &str,
    bearer: &Secret,
) -> Result<Vec<u8>, ReadError> {
    if !is_fhir_id(patient_id) {
        return Err(ReadError::InvalidPatientId);
    }
    let response = http
        .get_json(
            &under(fhir_base, &["Patient", patient_id]),
            Some(bearer),
            Some(fhir_base),
        )
        .await?;
    let head: Head = parse(&response, &response.body)?;
    if head.resource_type.as_deref() != Some("Patient") {
        return Err(ReadError::NotAPatient {
            origin: response.origin,
        });
    }
    if head.id.as_deref() != Some(patient_id) {
        return Err(ReadError::WrongPatient {
            origin: response.origin,
        });
    }
    Ok(response.body)
}

/// GET `{base}/Patient` with the bearer token, for a token without a `patient`:
/// the search must show exactly one Patient (on one page), whose bytes are
/// returned exactly as they appear in the Bundle.
pub async fn search_patient(
    http: &HttpClient,
    fhir_base: &Url,
    bearer: &Secret,
) -> Result<Vec<u8>, ReadError> {
    let response = http
        .get_json(
            &under(fhir_base, &["Patient"]),
            Some(bearer),
            Some(fhir_base),
        )
        .await?;
    let bundle: Bundle = parse(&response, &response.body)?;
    let origin = || response.origin.clone();
    if bundle.resource_type.as_deref() != Some("Bundle") {
        return Err(ReadError::Malformed {
            origin: origin(),
            detail: "a search did not return a Bundle".to_owned(),
        });
    }
    let mut patients = Vec::new();
    for raw in bundle.entry.iter().filter_map(|e| e.resource) {
        let head: Head = parse(&response, raw.get().as_bytes())?;
        // A search Bundle may also carry an OperationOutcome (search mode
        // "outcome"); only Patients count.
        if head.resource_type.as_deref() == Some("Patient") {
            patients.push(raw);
        }
    }
    let more_pages = bundle
        .link
        .iter()
        .any(|l| l.relation.as_deref() == Some("next"));
    match patients.as_slice() {
        [] if !more_pages => Err(ReadError::NoPatient { origin: origin() }),
        [only] if !more_pages => Ok(only.get().as_bytes().to_vec()),
        _ => Err(ReadError::SeveralPatients { origin: origin() }),
    }
}

fn parse<'a, T: Deserialize<'a>>(response: &HttpResponse, bytes: &'a [u8]) -> Result<T, ReadError> {
    serde_json::from_slice(bytes).map_err(|e| ReadError::Malformed {
        origin: response.origin.clone(),
        detail: describe_json_error(&e),
    })
}

/// FHIR `id`: 1–64 of `A–Z a–z 0–9 - .`.
fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "resourceType")]
    resource_type: Option<String>,
    id: Option<String>,
}

#[derive(Deserialize)]
struct Bundle<'a> {
    #[serde(rename = "resourceType")]
    resource_type: Option<String>,
    #[serde(default, borrow)]
    entry: Vec<Entry<'a>>,
    #[serde(default)]
    link: Vec<Link>,
}

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    resource: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Link {
    relation: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fhir_ids() {
        assert!(is_fhir_id("abc-123.X"));
        assert!(is_fhir_id(&"a".repeat(64)));
        assert!(!is_fhir_id(&"a".repeat(65)));
        assert!(!is_fhir_id(""));
        assert!(!is_fhir_id("../Observation"));
        assert!(!is_fhir_id("a b"));
        assert!(!is_fhir_id("a/b"));
    }
}
