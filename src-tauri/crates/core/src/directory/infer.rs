//! What an address tells: whether it is usable as a FHIR base, and which vendor
//! and FHIR version it most likely is when a list does not say.
//!
//! The rules, checked against the public lists in `shared/directory`:
//! - **Usable base**: `https` with a host, or `http` on a loopback address only
//!   (the demo portal, tests); no user name or password in the URL.
//! - **FHIR version**: first the Endpoint's `endpoint-fhir-version` extension
//!   (`4.0.x` → R4, `1.0.x` → DSTU2, ...); else a path segment naming it
//!   (Epic `/api/FHIR/R4/`, Oracle Health `fhir-myrecord.cerner.com/r4/<tenant>/`,
//!   healow `/fhir/r4/<practice>`); else a token of the source file's name
//!   (`veradigm-DSTU2.json`), since Veradigm paths carry no version.
//! - **Vendor**: the host (`*.cerner.com` → Oracle Health, Millennium and
//!   Soarian alike; `*.epichosted.com`, `fhir.epic.com` → Epic; `*.healow.com`,
//!   `*.eclinicalworks.com` → eClinicalWorks (healow); `*.allscripts.com`,
//!   `*.allscriptscloud.com`, `*.veradigm.com` → Veradigm); else a base ending in
//!   `/api/FHIR/<version>` → Epic (its URL scheme, used by Epic customers on
//!   their own hosts); else a token of the source file's name (`epic-R4.json`).

use std::net::IpAddr;

use url::{Host, Url};

pub const EPIC: &str = "Epic";
pub const ORACLE_HEALTH: &str = "Oracle Health";
pub const HEALOW: &str = "eClinicalWorks (healow)";
pub const VERADIGM: &str = "Veradigm";

/// The address as a FHIR base, if it is one the app may connect to.
pub fn usable_base(raw: &str) -> Option<Url> {
    let mut url = Url::parse(raw.trim()).ok()?;
    if !url.username().is_empty() || url.password().is_some() || url.cannot_be_a_base() {
        return None;
    }
    let ok = match url.scheme() {
        "https" => url.host().is_some(),
        "http" => is_loopback(&url),
        _ => false,
    };
    if !ok {
        return None;
    }
    url.set_fragment(None);
    Some(url)
}

pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(a)) => IpAddr::V4(a).is_loopback(),
        Some(Host::Ipv6(a)) => IpAddr::V6(a).is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Two bases with the same key are the same server: the host is already
/// lowercased by parsing; the path keeps its case (tenant ids are
/// case-sensitive) and loses a trailing slash.
pub fn base_key(url: &Url) -> String {
    if url.query().is_some() {
        url.as_str().to_owned()
    } else {
        url.as_str().trim_end_matches('/').to_owned()
    }
}

/// A FHIR version from an `endpoint-fhir-version` code such as `4.0.1`.
pub fn version_from_code(code: &str) -> Option<&'static str> {
    let mut parts = code.trim().split('.');
    match (parts.next(), parts.next()) {
        (Some("1"), Some("0")) => Some("DSTU2"),
        (Some("3"), Some("0")) => Some("STU3"),
        (Some("4"), Some("0")) => Some("R4"),
        (Some("4"), Some("3")) => Some("R4B"),
        (Some("5"), Some("0")) => Some("R5"),
        _ => None,
    }
}

fn version_from_token(token: &str) -> Option<&'static str> {
    match token.to_ascii_lowercase().as_str() {
        "r4" => Some("R4"),
        "r4b" => Some("R4B"),
        "r5" => Some("R5"),
        "dstu2" => Some("DSTU2"),
        "stu3" | "dstu3" => Some("STU3"),
        _ => None,
    }
}

pub fn version_from_url(url: &Url) -> Option<&'static str> {
    url.path_segments()?.find_map(version_from_token)
}

fn host_is(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

pub fn vendor_from_url(url: &Url) -> Option<&'static str> {
    let host = url.host_str().unwrap_or_default();
    if host_is(host, "cerner.com") {
        return Some(ORACLE_HEALTH);
    }
    if host_is(host, "epichosted.com") || host == "fhir.epic.com" {
        return Some(EPIC);
    }
    if host_is(host, "healow.com") || host_is(host, "eclinicalworks.com") {
        return Some(HEALOW);
    }
    if ["allscripts.com", "allscriptscloud.com", "veradigm.com"]
        .iter()
        .any(|d| host_is(host, d))
    {
        return Some(VERADIGM);
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    if let [.., api, fhir, version] = segments.as_slice() {
        if api.eq_ignore_ascii_case("api")
            && fhir.eq_ignore_ascii_case("fhir")
            && version_from_token(version).is_some()
        {
            return Some(EPIC);
        }
    }
    None
}

/// What a source's own address suggests for the entries that say nothing
/// themselves, from the tokens of its file name (`epic-R4.json`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SourceHints {
    pub vendor: Option<&'static str>,
    pub version: Option<&'static str>,
}

impl SourceHints {
    pub fn from_source_url(url: &Url) -> SourceHints {
        let file = url
            .path_segments()
            .and_then(|mut s| s.rfind(|seg| !seg.is_empty()))
            .unwrap_or_default();
        let mut hints = SourceHints::default();
        for token in file
            .split(|c: char| !c.is_ascii_alphanumeric())
            .map(str::to_ascii_lowercase)
        {
            hints.version = hints.version.or(version_from_token(&token));
            hints.vendor = hints.vendor.or(match token.as_str() {
                "epic" => Some(EPIC),
                "cerner" | "oracle" | "millennium" | "soarian" => Some(ORACLE_HEALTH),
                "healow" | "eclinicalworks" => Some(HEALOW),
                "veradigm" | "allscripts" => Some(VERADIGM),
                _ => None,
            });
        }
        hints
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn only_https_or_loopback_http_is_usable() {
        assert!(usable_base("https://fhir.example.org/r4").is_some());
        assert!(usable_base(" https://fhir.example.org/r4#x ").is_some());
        assert!(usable_base("http://127.0.0.1:8080/fhir").is_some());
        assert!(usable_base("http://[::1]:8080/fhir").is_some());
        assert!(usable_base("http://localhost:8080/fhir").is_some());
        assert!(usable_base("http://fhir.example.org/r4").is_none());
        assert!(usable_base("http://10.0.0.1/r4").is_none());
        assert!(usable_base("https://user:pw@fhir.example.org/r4").is_none());
        assert!(usable_base("ftp://fhir.example.org").is_none());
        assert!(usable_base("not a url").is_none());
        assert!(usable_base("").is_none());
    }

    #[test]
    fn base_keys_ignore_host_case_and_trailing_slash_but_not_path_case() {
        let a = usable_base("https://FHIR.KP.ORG/api/FHIR/R4/").unwrap();
        let b = usable_base("https://fhir.kp.org/api/FHIR/R4").unwrap();
        let c = usable_base("https://fhir.kp.org/api/fhir/r4").unwrap();
        assert_eq!(base_key(&a), base_key(&b));
        assert_ne!(base_key(&a), base_key(&c));
    }

    #[test]
    fn versions() {
        assert_eq!(version_from_code("4.0.1"), Some("R4"));
        assert_eq!(version_from_code("1.0.2"), Some("DSTU2"));
        assert_eq!(version_from_code("3.0.2"), Some("STU3"));
        assert_eq!(version_from_code("banana"), None);
        let epic = u("https://epicproxy.hosp.wisc.edu/FhirProxy/api/FHIR/R4/");
        assert_eq!(version_from_url(&epic), Some("R4"));
        let cerner = u("https://fhir-myrecord.cerner.com/dstu2/-KzIo/");
        assert_eq!(version_from_url(&cerner), Some("DSTU2"));
        let veradigm = u("https://fhir.fhirpoint.open.allscripts.com/fhirroute/fhir/10044205/");
        assert_eq!(version_from_url(&veradigm), None);
    }

    #[test]
    fn vendors() {
        let v = |s: &str| vendor_from_url(&u(s));
        assert_eq!(
            v("https://fhir-myrecord.cerner.com/r4/x/"),
            Some(ORACLE_HEALTH)
        );
        assert_eq!(
            v("https://fhir-myrecord-sc.cerner.com/r4/x/"),
            Some(ORACLE_HEALTH)
        );
        assert_eq!(
            v("https://webprd.ochin.org/prd-fhir/MyChartAACI/api/FHIR/R4/"),
            Some(EPIC)
        );
        assert_eq!(
            v("https://unified-api.ucsf.edu/clinical/apex/api/fhir/dstu2"),
            Some(EPIC)
        );
        assert_eq!(v("https://fhir4.healow.com/fhir/r4/AACJCD"), Some(HEALOW));
        assert_eq!(
            v("https://tw181unityfhir.open.allscripts.com/x/"),
            Some(VERADIGM)
        );
        assert_eq!(v("https://notcerner.com/r4"), None);
        assert_eq!(v("https://fhir.example.org/api/fhir"), None);
    }

    #[test]
    fn source_file_names_hint() {
        let h = SourceHints::from_source_url(&u("https://x.test/lists/veradigm-DSTU2.json"));
        assert_eq!((h.vendor, h.version), (Some(VERADIGM), Some("DSTU2")));
        let h = SourceHints::from_source_url(&u("https://x.test/brands/"));
        assert_eq!(h, SourceHints::default());
    }
}
