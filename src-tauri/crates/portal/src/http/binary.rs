//! `GET {base}/Binary/{id}`: the attachments DocumentReferences link to by a relative
//! `Binary/{id}` URL. Asked for as FHIR JSON (`Accept: application/fhir+json`, or
//! `_format=json`) it is a Binary resource with the bytes in base64; otherwise the bytes
//! themselves with the attachment's content type. Bearer rules as for any read.

use axum::http::header::{ACCEPT, CONTENT_TYPE, ETAG};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

use super::fhir::{admit, allowed, refused};
use super::respond::{fhir, outcome};
use super::search::{is_json_format, Refusal};
use crate::data::binary_body;
use crate::flavor::Flavor;
use crate::state::Ctx;

pub(crate) fn read(ctx: &Ctx, id: &str, headers: &HeaderMap, format: Option<&str>) -> Response {
    let (access, forbidden) = match admit(ctx, "Binary", headers, false) {
        Ok(ok) => ok,
        Err(response) => return *response,
    };
    if let Err(response) = allowed(
        ctx,
        &access,
        "Binary",
        "Binary",
        forbidden.as_deref(),
        false,
    ) {
        return *response;
    }
    let found = ctx.shared.data().binary(id).map(|(u, b)| (u, b.clone()));
    let Some((user, attachment)) = found else {
        return outcome(
            ctx.flavor,
            StatusCode::NOT_FOUND,
            "not-found",
            "There is no Binary with this id.",
        );
    };
    if user != access.user {
        return refused(
            ctx,
            Refusal::Forbidden("This access does not cover another patient's records.".into()),
        );
    }
    let as_json = match format {
        Some(f) if is_json_format(f) => true,
        Some(_) => return refused(ctx, Refusal::NotAcceptable),
        None => wants_fhir_json(headers),
    };
    let bytes = binary_body(&attachment.id, &attachment.content_type);
    ctx.shared.count(|s| s.binary_reads += 1);
    let mut r = if as_json {
        let data_key = match ctx.flavor {
            Flavor::R4 => "data",
            Flavor::Dstu2 => "content",
        };
        let mut meta = json!({ "versionId": "1" });
        if let Some(at) = &attachment.last_updated {
            meta["lastUpdated"] = json!(at);
        }
        let mut resource = json!({
            "resourceType": "Binary",
            "id": attachment.id,
            "meta": meta,
            "contentType": attachment.content_type,
        });
        resource[data_key] = json!(STANDARD.encode(&bytes));
        fhir(ctx.flavor, StatusCode::OK, resource.to_string())
    } else {
        let mut r = Response::new(bytes.into());
        let media = HeaderValue::from_str(&attachment.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream"));
        r.headers_mut().insert(CONTENT_TYPE, media);
        r
    };
    r.headers_mut()
        .insert(ETAG, HeaderValue::from_static("W/\"1\""));
    r
}

/// Whether `Accept` names a FHIR JSON media type (plain `*/*` gets the raw bytes).
fn wants_fhir_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|range| {
            let media = range
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            matches!(
                media.as_str(),
                "application/fhir+json" | "application/json+fhir" | "application/json"
            )
        })
}
