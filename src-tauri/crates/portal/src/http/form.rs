//! Request parameters from a query string or an `application/x-www-form-urlencoded`
//! body, kept in order with repeats, so handlers can refuse repeated OAuth parameters
//! (RFC 6749 §3.1) and read empty ones as absent.

use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use url::form_urlencoded;

#[derive(Clone, Debug, Default)]
pub(crate) struct Params(pub Vec<(String, String)>);

impl Params {
    pub(crate) fn from_query(query: Option<&str>) -> Params {
        Params(
            form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// A form body; `None` when the request is not form-encoded.
    pub(crate) fn from_form(headers: &HeaderMap, body: &[u8]) -> Option<Params> {
        let content_type = headers.get(CONTENT_TYPE)?.to_str().ok()?;
        let media = content_type.split(';').next()?.trim();
        if !media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return None;
        }
        Some(Params(form_urlencoded::parse(body).into_owned().collect()))
    }

    /// The value of `name`; an empty value counts as absent.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// The name of a parameter given more than once, if any.
    pub(crate) fn repeated(&self) -> Option<&str> {
        self.0.iter().enumerate().find_map(|(i, (k, v))| {
            (!v.is_empty() && self.0[..i].iter().any(|(k2, v2)| k2 == k && !v2.is_empty()))
                .then_some(k.as_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_and_empty_values_are_noticed() {
        let p = Params::from_query(Some("a=1&b=&a=2&c=x%20y"));
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), None);
        assert_eq!(p.get("c"), Some("x y"));
        assert_eq!(p.repeated(), Some("a"));
        assert_eq!(Params::from_query(Some("a=1&b=2&b=")).repeated(), None);
    }
}
