//! The FHIR request log in the stats: every read and search on either base, with its
//! status and whether it asked for gzip, so tests can check exactly what an app fetched.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::ACCEPT_ENCODING;
use axum::middleware::Next;
use axum::response::Response;

use crate::flavor::Flavor;
use crate::state::Shared;
use crate::stats::{FhirRequest, QueryParams};

/// Logs the request if it is a FHIR read or search (a type name follows the base).
pub(crate) async fn fhir_log(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(resource_type) = resource_type(request.uri().path()) else {
        return next.run(request).await;
    };
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = QueryParams(
        url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect(),
    );
    let accepts_gzip = accepts_gzip(request.headers());
    let response = next.run(request).await;
    let entry = FhirRequest {
        method,
        path,
        query,
        resource_type,
        status: response.status().as_u16(),
        accepts_gzip,
    };
    shared.count(|s| s.fhir_log.push(entry));
    response
}

/// The type of a FHIR read or search path; OAuth and discovery paths are lower case.
fn resource_type(path: &str) -> Option<String> {
    let rest = Flavor::ALL
        .iter()
        .find_map(|f| path.strip_prefix(f.path())?.strip_prefix('/'))?;
    let name = rest.split('/').next()?;
    name.starts_with(|c: char| c.is_ascii_uppercase())
        .then(|| name.to_owned())
}

/// Whether `Accept-Encoding` lists gzip (and does not refuse it with `q=0`).
pub(crate) fn accepts_gzip(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reads_and_searches_are_logged() {
        assert_eq!(
            resource_type("/fhir/r4/Observation").as_deref(),
            Some("Observation")
        );
        assert_eq!(
            resource_type("/fhir/dstu2/Binary/abc").as_deref(),
            Some("Binary")
        );
        assert_eq!(resource_type("/fhir/r4/metadata"), None);
        assert_eq!(resource_type("/fhir/r4/token"), None);
        assert_eq!(
            resource_type("/fhir/r4/.well-known/smart-configuration"),
            None
        );
        assert_eq!(resource_type("/account"), None);
    }
}
