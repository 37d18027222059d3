//! Which addresses we are willing to talk to, and when a bearer token may go
//! along. Plain http would expose tokens and records to anyone on the network,
//! so only https is allowed, except to this machine itself (the built-in demo
//! portal and tests run on loopback).

use url::{Host, Url};

use super::HttpError;

/// `https` anywhere; plain `http` only to a loopback host (127.0.0.0/8, ::1,
/// `localhost`). Addresses carrying a user name or password are refused too:
/// credentials in a URL end up in logs and browser histories.
pub fn check_url_allowed(url: &Url) -> Result<(), HttpError> {
    let insecure = || HttpError::InsecureUrl {
        origin: origin_of(url),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(insecure());
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        _ => Err(insecure()),
    }
}

/// True when the URL names this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Scheme, host and port only: what error messages may name. Paths and query
/// strings can carry codes, states or patient ids and never go into a message.
pub fn origin_of(url: &Url) -> String {
    let origin = url.origin();
    if origin.is_tuple() {
        origin.ascii_serialization()
    } else {
        "an unusual address".to_owned()
    }
}

/// A bearer token may only go to the origin it was issued for (the FHIR base
/// the patient connected), never to another host a server pointed us at.
pub(crate) fn check_same_origin(url: &Url, expected: Option<&Url>) -> Result<(), HttpError> {
    match expected {
        Some(expected) if expected.origin().is_tuple() && expected.origin() == url.origin() => {
            Ok(())
        }
        _ => Err(HttpError::OriginMismatch {
            expected: expected.map(origin_of),
            actual: origin_of(url),
        }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn https_is_allowed_everywhere() {
        assert!(check_url_allowed(&url("https://fhir.example.org/r4")).is_ok());
        assert!(check_url_allowed(&url("https://10.0.0.1/r4")).is_ok());
    }

    #[test]
    fn http_is_allowed_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:8080/fhir",
            "http://127.3.4.5/",
            "http://[::1]:9000/",
            "http://localhost:3000/",
            "http://LOCALHOST/",
        ] {
            assert!(check_url_allowed(&url(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "http://fhir.example.org/r4",
            "http://10.0.0.1/",
            "http://192.168.1.1/",
            "http://[2001:db8::1]/",
            "http://localhost.example.org/",
            "http://128.0.0.1/",
            "ftp://127.0.0.1/",
            "file:///etc/passwd",
        ] {
            assert!(
                matches!(
                    check_url_allowed(&url(bad)),
                    Err(HttpError::InsecureUrl { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn credentials_in_the_address_are_refused() {
        assert!(check_url_allowed(&url("https://user:pw@fhir.example.org/")).is_err());
        assert!(check_url_allowed(&url("https://user@fhir.example.org/")).is_err());
    }

    #[test]
    fn errors_name_the_origin_only() {
        let e = check_url_allowed(&url("http://portal.example.org/cb?code=SECRET&state=S2"))
            .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("portal.example.org"), "{text}");
        assert!(!text.contains("SECRET") && !text.contains("S2") && !text.contains("/cb"));
    }

    #[test]
    fn same_origin_means_scheme_host_and_port() {
        let base = url("https://fhir.example.org/r4/");
        assert!(
            check_same_origin(&url("https://fhir.example.org/r4/Patient/1"), Some(&base)).is_ok()
        );
        assert!(check_same_origin(&url("https://fhir.example.org:443/other"), Some(&base)).is_ok());
        for other in [
            "http://fhir.example.org/r4/Patient",
            "https://fhir.example.org:8443/r4/Patient",
            "https://evil.example/r4/Patient",
            "https://sub.fhir.example.org/r4/Patient",
        ] {
            assert!(
                check_same_origin(&url(other), Some(&base)).is_err(),
                "{other}"
            );
        }
        assert!(check_same_origin(&url("https://fhir.example.org/"), None).is_err());
    }
}
