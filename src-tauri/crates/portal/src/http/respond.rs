//! Response shapes the portal uses: HTML pages with strict security headers, redirects,
//! OAuth JSON errors (RFC 6749 §5.2), and FHIR JSON with OperationOutcomes.

use axum::body::Body;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION, PRAGMA, REFERRER_POLICY,
    WWW_AUTHENTICATE, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use maud::Markup;
use serde_json::{json, Value};

use crate::flavor::Flavor;

/// Pages load nothing from anywhere (no scripts at all), cannot be framed and send no
/// Referer onwards. No `form-action`: browsers apply it to the redirect that follows the
/// consent form, which goes to the app.
const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                        base-uri 'none'; frame-ancestors 'none'";

pub(crate) fn html(status: StatusCode, page: Markup) -> Response {
    let mut r = (status, Html(page.into_string())).into_response();
    let h = r.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

/// `302 Found` to `location`.
pub(crate) fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => {
            let mut r = StatusCode::FOUND.into_response();
            let h = r.headers_mut();
            h.insert(LOCATION, v);
            h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
            r
        }
        Err(_) => internal_error(),
    }
}

/// JSON that must not be cached (token responses).
pub(crate) fn json_no_store(status: StatusCode, value: &Value) -> Response {
    let mut r = (status, value.to_string()).into_response();
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(PRAGMA, HeaderValue::from_static("no-cache"));
    r
}

pub(crate) fn json(value: &Value) -> Response {
    let mut r = (StatusCode::OK, value.to_string()).into_response();
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// An OAuth error. `invalid_client` is 401 with a Basic challenge, everything else 400.
pub(crate) fn oauth_error(error: &str, description: &str) -> Response {
    let status = if error == "invalid_client" {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut r = json_no_store(
        status,
        &json!({ "error": error, "error_description": description }),
    );
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"Ownchart Demo Portal\""),
        );
    }
    r
}

/// FHIR JSON in the base's media type.
pub(crate) fn fhir(flavor: Flavor, status: StatusCode, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(flavor.content_type()),
    );
    r
}

/// An OperationOutcome with one error issue.
pub(crate) fn outcome(
    flavor: Flavor,
    status: StatusCode,
    code: &str,
    diagnostics: &str,
) -> Response {
    let body = json!({
        "resourceType": "OperationOutcome",
        "issue": [{ "severity": "error", "code": code, "diagnostics": diagnostics }]
    });
    fhir(flavor, status, body.to_string())
}

/// 401 for a missing or unusable bearer token (RFC 6750 §3).
pub(crate) fn invalid_token(flavor: Flavor, description: &str) -> Response {
    let mut r = outcome(flavor, StatusCode::UNAUTHORIZED, "login", description);
    let challenge = format!(
        "Bearer realm=\"Ownchart Demo Portal\", error=\"invalid_token\", error_description=\"{description}\""
    );
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        r.headers_mut().insert(WWW_AUTHENTICATE, v);
    }
    r
}

pub(crate) fn internal_error() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "The demo portal had an internal problem.",
    )
        .into_response()
}
