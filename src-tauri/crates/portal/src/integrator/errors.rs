//! Seed 002's `errorData`: `{errors: [{timestamp, code, severity, status, error,
//! message, path}], highestError}`, and the JSON answers that carry it. Messages
//! never quote a token, a code or a verifier.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// One `errors[]` item.
pub(crate) fn item(status: u16, error: &str, message: &str, path: &str) -> Value {
    json!({
        "timestamp": crate::data::now_instant(),
        "code": status,
        "severity": if status >= 400 { "error" } else { "information" },
        "status": status,
        "error": error,
        "message": message,
        "path": path,
    })
}

/// `errorData` for these items (`null` when there are none).
pub(crate) fn error_data(items: Vec<Value>) -> Value {
    if items.is_empty() {
        return Value::Null;
    }
    let highest = if items
        .iter()
        .any(|i| i.get("severity").and_then(Value::as_str) == Some("error"))
    {
        "error"
    } else {
        "information"
    };
    json!({ "errors": items, "highestError": highest })
}

/// A JSON answer that is never cached (it may hold tokens or records).
pub(crate) fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    );
    response
}

/// An error answer: `{errorData}` only.
pub(crate) fn refuse(status: StatusCode, error: &str, message: &str, path: &str) -> Response {
    let body =
        json!({ "errorData": error_data(vec![item(status.as_u16(), error, message, path)]) });
    let mut response = json_response(status, body.to_string().into_bytes());
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            axum::http::header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer"),
        );
    }
    response
}
