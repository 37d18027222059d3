//! Who is calling the token or revocation endpoint: a public client naming itself with
//! `client_id`, or a client proving a secret with HTTP Basic (`client_secret_basic`) or in
//! the body (`client_secret_post`), never both (RFC 6749 §2.3).

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use url::form_urlencoded;

use super::form::Params;
use crate::secret::Secret;

/// The client's claimed identity and secret, if it sent one.
#[derive(Debug)]
pub(crate) struct ClientAuth {
    pub client_id: Option<String>,
    pub secret: Option<Secret>,
}

/// Reads the client's authentication; `Err` is an `invalid_request` description.
pub(crate) fn read(headers: &HeaderMap, form: &Params) -> Result<ClientAuth, &'static str> {
    let body_id = form.get("client_id");
    let body_secret = form.get("client_secret");
    let Some(header) = headers.get(AUTHORIZATION) else {
        return Ok(ClientAuth {
            client_id: body_id.map(str::to_owned),
            secret: body_secret.map(Secret::new),
        });
    };
    let header = header
        .to_str()
        .map_err(|_| "The Authorization header is not readable.")?;
    let (scheme, value) = header
        .split_once(' ')
        .ok_or("The Authorization header is not HTTP Basic.")?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err("Only HTTP Basic client authentication is supported.");
    }
    if body_secret.is_some() {
        return Err("The client authenticated in more than one way.");
    }
    let decoded = STANDARD
        .decode(value.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or("The HTTP Basic credentials are not valid base64.")?;
    let (id, secret) = decoded
        .split_once(':')
        .ok_or("The HTTP Basic credentials have no secret.")?;
    let id = decode(id);
    if body_id.is_some_and(|b| b != id) {
        return Err("client_id does not match the HTTP Basic credentials.");
    }
    Ok(ClientAuth {
        client_id: Some(id),
        secret: Some(Secret::new(decode(secret))),
    })
}

/// Basic credentials are form-urlencoded before base64 (RFC 6749 §2.3.1).
fn decode(s: &str) -> String {
    form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use axum::http::HeaderValue;

    fn basic(id: &str, secret: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        let v = format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")));
        h.insert(AUTHORIZATION, HeaderValue::from_str(&v).unwrap());
        h
    }

    #[test]
    fn basic_and_post_are_read_and_mixing_them_is_refused() {
        let a = read(&basic("key%3A1", "s+cret"), &Params::default()).unwrap();
        assert_eq!(a.client_id.as_deref(), Some("key:1"));
        assert_eq!(a.secret.unwrap().expose(), "s cret");
        let form = Params(vec![
            ("client_id".into(), "k".into()),
            ("client_secret".into(), "s".into()),
        ]);
        let p = read(&HeaderMap::new(), &form).unwrap();
        assert_eq!(p.secret.unwrap().expose(), "s");
        assert!(read(&basic("k", "s"), &form).is_err());
    }
}
