//! The authorization endpoint and its pages: request validation, the sign-in form, the
//! consent page, and what comes back to the app.

use crate::common::*;
use ownchart_portal::{person, ClientRegistration};
use reqwest::StatusCode;
use url::Url;

async fn open(url: &str) -> reqwest::Response {
    http().get(url).send().await.unwrap()
}

fn location(r: &reqwest::Response) -> Url {
    Url::parse(r.headers()["location"].to_str().unwrap()).unwrap()
}

/// The value of a hidden input in a page (the pages are simple, one per line not needed).
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap() + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

async fn post(url: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    http()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_person_signs_in_and_consents_and_the_app_gets_a_code_with_state_and_iss() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let origin = portal.origin().to_owned();
    let p = pkce();
    let r = open(&authorize_url(&base, &p.challenge, &[])).await;
    assert_eq!(r.status(), StatusCode::OK);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'none'"));
    let page = r.text().await.unwrap();
    assert!(page.contains("type=\"password\""));
    assert!(
        !page.contains("<script") && !page.contains("src=\"http") && !page.contains("href=\"http")
    );
    let session = hidden(&page, "session");

    let wrong = post(
        &format!("{base}/login"),
        &[
            ("session", &session),
            ("username", "demo"),
            ("password", "nope"),
        ],
    )
    .await;
    let again = wrong.text().await.unwrap();
    assert!(again.contains("not right") && again.contains("type=\"password\""));
    assert_eq!(portal.stats().login_failures, 1);

    let ok = post(
        &format!("{base}/login"),
        &[
            ("session", &session),
            ("username", "demo"),
            ("password", "demo-pass"),
        ],
    )
    .await;
    let consent = ok.text().await.unwrap();
    assert!(consent.contains("Allow") && consent.contains("Deny"));
    assert!(consent.contains("Read all of your health records"));
    let allowed = post(
        &format!("{base}/consent"),
        &[("session", &session), ("decision", "allow")],
    )
    .await;
    assert_eq!(allowed.status(), StatusCode::FOUND);
    let back = location(&allowed);
    assert_eq!(back.scheme(), "ownchart");
    assert!(param(&back, "code").is_some());
    assert_eq!(param(&back, "state").as_deref(), Some("state-1234567890"));
    assert_eq!(param(&back, "iss"), Some(format!("{origin}/fhir/r4")));
    let again = post(
        &format!("{base}/consent"),
        &[("session", &session), ("decision", "allow")],
    )
    .await;
    assert_eq!(
        again.status(),
        StatusCode::BAD_REQUEST,
        "a sign-in session is used once"
    );
    let stats = portal.stats();
    assert_eq!((stats.login_attempts, stats.consents_allowed), (2, 1));
}

#[tokio::test]
async fn denying_sends_access_denied_back_with_state_and_iss() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let back = person::log_in(
        &authorize_url(&base, &pkce().challenge, &[]),
        "demo",
        "demo-pass",
        false,
    )
    .await
    .unwrap();
    assert_eq!(param(&back, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&back, "state").as_deref(), Some("state-1234567890"));
    assert_eq!(param(&back, "iss"), Some(base));
    assert!(param(&back, "code").is_none());
    assert_eq!(portal.stats().consents_denied, 1);
}

#[tokio::test]
async fn an_unknown_client_or_unregistered_redirect_gets_a_page_never_a_redirect() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let c = pkce().challenge;
    for overrides in [
        vec![("client_id", "stranger")],
        vec![("client_id", "")],
        vec![("redirect_uri", "https://evil.example/callback")],
        vec![("redirect_uri", "ownchart://callback/extra")],
        vec![("redirect_uri", "http://localhost:5000/callback")],
        vec![("redirect_uri", "")],
    ] {
        let r = open(&authorize_url(&base, &c, &overrides)).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{overrides:?}");
        assert!(r.headers().get("location").is_none());
        assert!(r.text().await.unwrap().contains("<h1>"));
    }
}

#[tokio::test]
async fn loopback_redirects_may_use_any_port() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let back = authorize(
        &base,
        &pkce().challenge,
        &[("redirect_uri", "http://127.0.0.1:53123/callback")],
    )
    .await;
    assert_eq!(back.port(), Some(53123));
    assert_eq!(back.path(), "/callback");
    assert!(param(&back, "code").is_some());
    let v6 = authorize(
        &base,
        &pkce().challenge,
        &[("redirect_uri", "http://[::1]:40001/callback")],
    )
    .await;
    assert_eq!(v6.port(), Some(40001));
    let r = open(&authorize_url(
        &base,
        &pkce().challenge,
        &[("redirect_uri", "http://127.0.0.1:53123/other")],
    ))
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn request_errors_go_back_to_the_app_with_state_and_iss() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let c = pkce().challenge;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("code_challenge_method", "")], "invalid_request"),
        (vec![("code_challenge_method", "plain")], "invalid_request"),
        (vec![("code_challenge", "")], "invalid_request"),
        (vec![("code_challenge", "too-short")], "invalid_request"),
        (vec![("aud", "")], "invalid_request"),
        (
            vec![("aud", "https://other.example/fhir")],
            "invalid_request",
        ),
        (
            vec![("response_type", "token")],
            "unsupported_response_type",
        ),
        (
            vec![("scope", "openid fhirUser user/*.read")],
            "invalid_scope",
        ),
    ];
    for (overrides, error) in cases {
        let r = open(&authorize_url(&base, &c, &overrides)).await;
        assert_eq!(r.status(), StatusCode::FOUND, "{overrides:?}");
        let back = location(&r);
        assert_eq!(
            param(&back, "error").as_deref(),
            Some(error),
            "{overrides:?}"
        );
        assert_eq!(param(&back, "state").as_deref(), Some("state-1234567890"));
        assert_eq!(param(&back, "iss"), Some(base.clone()));
        assert!(param(&back, "code").is_none());
    }
    let no_state = open(&authorize_url(&base, &c, &[("state", "")])).await;
    assert_eq!(
        param(&location(&no_state), "error").as_deref(),
        Some("invalid_request")
    );
}

#[tokio::test]
async fn the_aud_may_end_with_a_slash_but_must_name_this_base() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let ok = authorize(&base, &pkce().challenge, &[("aud", &format!("{base}/"))]).await;
    assert!(param(&ok, "code").is_some());
    let dstu2 = portal.fhir_base_dstu2();
    let r = open(&authorize_url(&base, &pkce().challenge, &[("aud", &dstu2)])).await;
    assert_eq!(
        param(&location(&r), "error").as_deref(),
        Some("invalid_request")
    );
}

#[tokio::test]
async fn unknown_scopes_are_dropped_from_the_grant() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(
        &base,
        "openid fhirUser launch/patient patient/Observation.rs user/*.cruds offline_access",
    )
    .await;
    assert_eq!(
        t.scope,
        "launch/patient patient/Observation.rs offline_access"
    );
}

#[tokio::test]
async fn the_last_authorize_request_is_recorded_with_secrets_hidden_in_debug() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let c = pkce().challenge;
    let _ = open(&authorize_url(&base, &c, &[])).await;
    let stats = portal.stats();
    assert_eq!(stats.authorize_requests, 1);
    let q = stats.last_authorize.unwrap();
    assert_eq!(q.get("code_challenge"), Some(c.as_str()));
    assert_eq!(q.get("state"), Some("state-1234567890"));
    let shown = format!("{q:?}");
    assert!(!shown.contains("state-1234567890") && !shown.contains(&c));
    assert!(shown.contains("client_id=ownchart"));
}

#[tokio::test]
async fn a_confidential_client_must_authenticate_at_the_token_endpoint() {
    let mut cfg = config();
    cfg.clients.push(ClientRegistration {
        client_id: "clinic-app".into(),
        redirect_uris: vec!["https://clinic.example/cb".into()],
        client_secret: Some("s3cret".into()),
    });
    let portal = start(cfg).await;
    let base = portal.fhir_base_r4();
    let p = pkce();
    let back = authorize(
        &base,
        &p.challenge,
        &[
            ("client_id", "clinic-app"),
            ("redirect_uri", "https://clinic.example/cb"),
        ],
    )
    .await;
    let code = param(&back, "code").unwrap();
    let form = |secret: &'static str| {
        vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "https://clinic.example/cb"),
            ("client_id", "clinic-app"),
            ("code_verifier", p.verifier.as_str()),
            ("client_secret", secret),
        ]
    };
    let (s, _, v) = post_form(&format!("{base}/token"), &form("wrong")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["error"], "invalid_client");
    let (s, _, v) = post_form(&format!("{base}/token"), &form("s3cret")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}
