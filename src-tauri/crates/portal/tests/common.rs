//! What the portal tests share: small configurations, a plain HTTP client, PKCE pairs,
//! authorize URLs, and the whole connect flow (the person signs in, the code is exchanged).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ownchart_portal::{person, Portal, PortalConfig, PortalUser, RunningPortal};
use reqwest::header::HeaderMap;
use reqwest::{Client, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};
use url::Url;

pub const SCOPE: &str = "launch/patient patient/*.rs offline_access";
pub const REDIRECT: &str = "ownchart://callback";

/// The demo client with two small records: `demo` (seed 1) and `other` (seed 2).
pub fn config() -> PortalConfig {
    PortalConfig::with_users(vec![
        PortalUser::new("demo", "demo-pass", 1, 120),
        PortalUser::new("other", "other-pass", 2, 40),
    ])
}

pub async fn start(config: PortalConfig) -> RunningPortal {
    Portal::start(config).await.expect("the portal starts")
}

pub fn http() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("a client")
}

pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

pub fn pkce() -> Pkce {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("random");
    let verifier = URL_SAFE_NO_PAD.encode(bytes);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    Pkce {
        verifier,
        challenge,
    }
}

/// An authorize URL; `overrides` replace (or, with an empty value, remove) parameters.
pub fn authorize_url(base: &str, challenge: &str, overrides: &[(&str, &str)]) -> String {
    let mut params: Vec<(String, String)> = [
        ("response_type", "code"),
        ("client_id", "ownchart"),
        ("redirect_uri", REDIRECT),
        ("scope", SCOPE),
        ("state", "state-1234567890"),
        ("aud", base),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (k, v) in overrides {
        params.retain(|(pk, _)| pk != k);
        if !v.is_empty() {
            params.push(((*k).to_owned(), (*v).to_owned()));
        }
    }
    let mut url = Url::parse(&format!("{base}/authorize")).expect("url");
    url.query_pairs_mut().extend_pairs(params);
    url.into()
}

pub fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The redirect after the person signs in as `demo` and allows.
pub async fn authorize(base: &str, challenge: &str, overrides: &[(&str, &str)]) -> Url {
    person::log_in(
        &authorize_url(base, challenge, overrides),
        "demo",
        "demo-pass",
        true,
    )
    .await
    .expect("the person gets through")
}

pub async fn post_form(url: &str, form: &[(&str, &str)]) -> (StatusCode, HeaderMap, Value) {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let r = http()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("the portal answers");
    let (status, headers) = (r.status(), r.headers().clone());
    let bytes = r.bytes().await.expect("a body");
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A token response's fields.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub refresh: Option<String>,
    pub patient: Option<String>,
    pub scope: String,
}

impl Tokens {
    pub fn from(v: &Value) -> Tokens {
        Tokens {
            access: v["access_token"]
                .as_str()
                .expect("an access token")
                .to_owned(),
            refresh: v["refresh_token"].as_str().map(str::to_owned),
            patient: v["patient"].as_str().map(str::to_owned),
            scope: v["scope"].as_str().unwrap_or("").to_owned(),
        }
    }
}

pub async fn exchange(base: &str, code: &str, verifier: &str) -> (StatusCode, Value) {
    let (s, _, v) = post_form(
        &format!("{base}/token"),
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("client_id", "ownchart"),
            ("code_verifier", verifier),
        ],
    )
    .await;
    (s, v)
}

/// Connects the `demo` user to `base` with `scope`: the whole standalone launch.
pub async fn connect(base: &str, scope: &str) -> Tokens {
    let p = pkce();
    let back = authorize(base, &p.challenge, &[("scope", scope)]).await;
    let code = param(&back, "code").expect("a code");
    let (status, body) = exchange(base, &code, &p.verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    Tokens::from(&body)
}

pub async fn refresh(base: &str, refresh_token: &str) -> (StatusCode, Value) {
    let (s, _, v) = post_form(
        &format!("{base}/token"),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", "ownchart"),
        ],
    )
    .await;
    (s, v)
}

pub struct Fetched {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Fetched {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).expect("JSON")
    }
}

pub async fn get(url: &str, token: Option<&str>) -> Fetched {
    let mut request = http().get(url).header("accept", "application/fhir+json");
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let r = request.send().await.expect("the portal answers");
    Fetched {
        status: r.status(),
        headers: r.headers().clone(),
        bytes: r.bytes().await.expect("a body").to_vec(),
    }
}

/// Follows `next` links from `url`, returning every page.
pub async fn all_pages(url: &str, token: &str) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut next = Some(url.to_owned());
    while let Some(u) = next {
        let f = get(&u, Some(token)).await;
        assert_eq!(
            f.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&f.bytes)
        );
        let page = f.json();
        next = next_link(&page);
        pages.push(page);
        assert!(pages.len() < 100, "paging does not end");
    }
    pages
}

pub fn next_link(bundle: &Value) -> Option<String> {
    bundle["link"]
        .as_array()?
        .iter()
        .find(|l| l["relation"] == "next")
        .and_then(|l| l["url"].as_str())
        .map(str::to_owned)
}

pub fn entries(bundle: &Value) -> Vec<Value> {
    bundle["entry"]
        .as_array()
        .map(|e| e.iter().map(|x| x["resource"].clone()).collect())
        .unwrap_or_default()
}

/// A FHIR date or dateTime as UTC milliseconds `[start, end)`: a date is its whole UTC
/// day, a dateTime its second (or millisecond, with a fraction).
pub fn utc_span(s: &str) -> (i64, i64) {
    use time::format_description::well_known::Rfc3339;
    if s.len() == 10 {
        let d = time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .unwrap();
        let start = d.midnight().assume_utc().unix_timestamp() * 1000;
        return (start, start + 86_400_000);
    }
    let t = time::OffsetDateTime::parse(s, &Rfc3339).unwrap();
    let start = (t.unix_timestamp_nanos() / 1_000_000) as i64;
    (start, start + if s.contains('.') { 1 } else { 1000 })
}

/// The `[start, end)` of an element that is a dateTime or a Period (open end: `i64::MAX`).
pub fn element_span(v: &Value) -> Option<(i64, i64)> {
    if let Some(s) = v.as_str() {
        return Some(utc_span(s));
    }
    let start = utc_span(v["start"].as_str()?).0;
    let end = v["end"].as_str().map_or(i64::MAX, |e| utc_span(e).1);
    Some((start, end))
}

/// A GET with the bearer token and these extra headers (no `Accept` unless given).
pub async fn get_with(url: &str, token: Option<&str>, headers: &[(&str, &str)]) -> Fetched {
    let mut request = http().get(url);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let r = request.send().await.expect("the portal answers");
    Fetched {
        status: r.status(),
        headers: r.headers().clone(),
        bytes: r.bytes().await.expect("a body").to_vec(),
    }
}

/// Every resource of a search, following `next` links.
pub async fn everything(url: &str, token: &str) -> Vec<Value> {
    all_pages(url, token)
        .await
        .iter()
        .flat_map(entries)
        .collect()
}
