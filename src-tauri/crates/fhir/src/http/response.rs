//! A response read to the end under a byte cap, with the few headers callers act
//! on. The body is FHIR data or an OAuth answer, so `Debug` shows its size, never
//! its bytes (record contents must not reach a log).

use std::fmt;

use reqwest::header::{HeaderMap, CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use serde::de::DeserializeOwned;

use super::HttpError;

/// Seed 002: an asynchronous integrator query names its transaction here.
const TRANSACTION_ID: &str = "onerecord-transaction-id";

#[derive(Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    pub www_authenticate: Option<String>,
    /// The `OneRecord-Transaction-ID` header: the id of an integrator's
    /// asynchronous query (seed 002), when the answer names one.
    pub transaction_id: Option<String>,
    pub body: Vec<u8>,
    /// Scheme, host and port of the server that answered, for error messages.
    pub origin: String,
}

impl HttpResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Parses the body as JSON. The error says where the JSON broke, never what it
    /// contained.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, HttpError> {
        serde_json::from_slice(&self.body).map_err(|e| HttpError::Decode {
            origin: self.origin.clone(),
            detail: describe_json_error(&e),
        })
    }

    /// The error a caller reports for a status it did not expect.
    pub fn status_error(&self) -> HttpError {
        HttpError::Status {
            origin: self.origin.clone(),
            status: self.status,
            retry_after: self.retry_after.clone(),
            www_authenticate: self.www_authenticate.clone(),
        }
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("origin", &self.origin)
            .field("content_type", &self.content_type)
            .field("retry_after", &self.retry_after)
            .field("www_authenticate", &self.www_authenticate)
            .field("transaction_id", &self.transaction_id)
            .field("body_len", &self.body.len())
            .finish()
    }
}

pub fn describe_json_error(e: &serde_json::Error) -> String {
    let kind = match e.classify() {
        serde_json::error::Category::Eof => "it ends too early",
        serde_json::error::Category::Syntax => "it is not valid JSON",
        serde_json::error::Category::Data => "a field has an unexpected shape",
        serde_json::error::Category::Io => "a read error",
    };
    format!("{kind}, at line {} column {}", e.line(), e.column())
}

fn header(headers: &HeaderMap, name: impl reqwest::header::AsHeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Reads the whole body, stopping as soon as `max` bytes are passed. A declared
/// `Content-Length` over the cap is refused before reading anything; one that
/// lies low cannot help, because the count is of bytes actually received.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    max: usize,
    origin: String,
) -> Result<HttpResponse, HttpError> {
    let too_large = |origin: &str| HttpError::TooLarge {
        origin: origin.to_owned(),
        limit: max,
    };
    let headers = response.headers();
    // Only gzip is ever asked for (FHIR pages); anything else would be bytes we
    // could not check against the cap in their real size.
    let gzip = match header(headers, CONTENT_ENCODING) {
        None => false,
        Some(e) if e.trim().eq_ignore_ascii_case("identity") => false,
        Some(e) if e.trim().eq_ignore_ascii_case("gzip") => true,
        Some(_) => {
            return Err(HttpError::Decode {
                origin,
                detail: "it was compressed in a way Ownchart did not ask for".to_owned(),
            })
        }
    };
    let status = response.status().as_u16();
    let content_type = header(headers, CONTENT_TYPE);
    let retry_after = header(headers, RETRY_AFTER);
    let www_authenticate = header(headers, WWW_AUTHENTICATE);
    let transaction_id = header(headers, TRANSACTION_ID);

    let declared = response.content_length();
    if declared.is_some_and(|len| len > max as u64) {
        return Err(too_large(&origin));
    }
    // Never trust a declared length for an allocation beyond a modest start.
    let start = declared.map_or(0, |len| len.min(1024 * 1024) as usize);
    let mut body = Vec::with_capacity(start);
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| super::client::map_reqwest_error(&e, &origin))?
    {
        if body.len().saturating_add(chunk.len()) > max {
            return Err(too_large(&origin));
        }
        body.extend_from_slice(&chunk);
    }
    if gzip {
        body = inflate_capped(&body, max).map_err(|e| match e {
            InflateError::TooLarge => too_large(&origin),
            InflateError::Corrupt => HttpError::Decode {
                origin: origin.clone(),
                detail: "its compressed data is damaged".to_owned(),
            },
        })?;
    }
    Ok(HttpResponse {
        status,
        content_type,
        retry_after,
        www_authenticate,
        transaction_id,
        body,
        origin,
    })
}

enum InflateError {
    TooLarge,
    Corrupt,
}

/// Inflates a gzip body, stopping as soon as the output passes `max` bytes.
fn inflate_capped(compressed: &[u8], max: usize) -> Result<Vec<u8>, InflateError> {
    use std::io::Read;
    let mut out = Vec::with_capacity(compressed.len().saturating_mul(4).min(max));
    let limit = (max as u64).saturating_add(1);
    flate2::read::MultiGzDecoder::new(compressed)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|_| InflateError::Corrupt)?;
    if out.len() > max {
        return Err(InflateError::TooLarge);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn inflation_stops_at_the_cap() {
        let small = gzip(b"{\"resourceType\":\"Bundle\"}");
        assert_eq!(
            inflate_capped(&small, 1024).ok().unwrap(),
            b"{\"resourceType\":\"Bundle\"}"
        );
        // 64 MiB of zeros compress to ~64 KiB; a 1 MiB cap stops the inflation.
        let bomb = gzip(&vec![0u8; 64 * 1024 * 1024]);
        assert!(bomb.len() < 1024 * 1024);
        assert!(matches!(
            inflate_capped(&bomb, 1024 * 1024),
            Err(InflateError::TooLarge)
        ));
        assert!(matches!(
            inflate_capped(b"not gzip", 1024),
            Err(InflateError::Corrupt)
        ));
    }
}
