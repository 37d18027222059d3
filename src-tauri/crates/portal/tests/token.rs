//! The authorization-code grant: PKCE, single use, binding to client and redirect URI,
//! expiry, and RFC 6749 error responses.

use std::time::Duration;

use crate::common::*;
use ownchart_portal::{ClientRegistration, PortalConfig};
use reqwest::StatusCode;

async fn code_for(base: &str) -> (String, Pkce) {
    let p = pkce();
    let back = authorize(base, &p.challenge, &[]).await;
    (param(&back, "code").unwrap(), p)
}

#[tokio::test]
async fn a_code_gives_bearer_tokens_the_granted_scope_and_the_patient() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let (code, p) = code_for(&base).await;
    let (s, headers, v) = post_form(
        &format!("{base}/token"),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", "ownchart"),
            ("code_verifier", &p.verifier),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 3600);
    assert_eq!(v["scope"], SCOPE);
    assert_eq!(v["patient"].as_str(), portal.patient_id("demo").as_deref());
    assert!(v["access_token"].as_str().unwrap().len() >= 43);
    assert!(v["refresh_token"].is_string());
    assert!(v.get("id_token").is_none());
    assert_eq!(portal.stats().token_requests.authorization_code, 1);
}

#[tokio::test]
async fn without_offline_access_or_launch_patient_there_is_no_refresh_token_or_patient() {
    let portal = start(config()).await;
    let t = connect(&portal.fhir_base_r4(), "patient/*.rs").await;
    assert!(t.refresh.is_none());
    assert!(t.patient.is_none());
    assert_eq!(t.scope, "patient/*.rs");
}

#[tokio::test]
async fn a_code_works_once_and_a_second_use_revokes_what_it_gave() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let (code, p) = code_for(&base).await;
    let (s, first) = exchange(&base, &code, &p.verifier).await;
    assert_eq!(s, StatusCode::OK);
    let tokens = Tokens::from(&first);
    assert_eq!(
        get(&format!("{base}/Patient"), Some(&tokens.access))
            .await
            .status,
        StatusCode::OK
    );
    let (s, second) = exchange(&base, &code, &p.verifier).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(second["error"], "invalid_grant");
    assert_eq!(
        get(&format!("{base}/Patient"), Some(&tokens.access))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let (s, r) = refresh(&base, tokens.refresh.as_deref().unwrap()).await;
    assert_eq!(
        (s, r["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert_eq!(portal.stats().code_reuse_detections, 1);
}

#[tokio::test]
async fn pkce_is_required_and_checked() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let (code, _) = code_for(&base).await;
    let (s, v) = exchange(&base, &code, &pkce().verifier).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (code, p) = code_for(&base).await;
    let (s, _, v) = post_form(
        &format!("{base}/token"),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", "ownchart"),
        ],
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let (s, _) = exchange(&base, &code, &p.verifier).await;
    assert_eq!(
        s,
        StatusCode::OK,
        "a request missing the verifier does not burn the code"
    );
}

#[tokio::test]
async fn the_redirect_uri_and_client_must_match_the_authorization() {
    let mut cfg = config();
    cfg.clients
        .push(ClientRegistration::public("second-app", &[REDIRECT]));
    let portal = start(cfg).await;
    let base = portal.fhir_base_r4();
    let (code, p) = code_for(&base).await;
    let token = format!("{base}/token");
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", "http://127.0.0.1:9/callback"),
        ("client_id", "ownchart"),
        ("code_verifier", p.verifier.as_str()),
    ];
    let (_, _, v) = post_form(&token, &form).await;
    assert_eq!(v["error"], "invalid_grant");
    form[2].1 = REDIRECT;
    form[3].1 = "second-app";
    let (_, _, v) = post_form(&token, &form).await;
    assert_eq!(v["error"], "invalid_grant");
    form[3].1 = "nobody";
    let (s, h, v) = post_form(&token, &form).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    assert!(h.contains_key("www-authenticate"));
    form[3].1 = "ownchart";
    let (s, _, _) = post_form(&token, &form).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let mut cfg = config();
    cfg.lifetimes.authorization_code = Duration::from_millis(150);
    let portal = start(cfg).await;
    let base = portal.fhir_base_r4();
    let (code, p) = code_for(&base).await;
    tokio::time::sleep(Duration::from_millis(250)).await;
    let (s, v) = exchange(&base, &code, &p.verifier).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn malformed_requests_get_rfc_6749_errors() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let token = format!("{base}/token");
    let (s, _, v) = post_form(
        &token,
        &[
            ("grant_type", "password"),
            ("username", "demo"),
            ("password", "demo-pass"),
        ],
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unsupported_grant_type"))
    );
    let (_, _, v) = post_form(&token, &[("code", "x")]).await;
    assert_eq!(v["error"], "invalid_request");
    let (_, _, v) = post_form(
        &token,
        &[
            ("grant_type", "authorization_code"),
            ("grant_type", "refresh_token"),
        ],
    )
    .await;
    assert_eq!(v["error"], "invalid_request");
    let (_, _, v) = post_form(
        &token,
        &[
            ("grant_type", "authorization_code"),
            ("code", "made-up"),
            ("redirect_uri", REDIRECT),
            ("client_id", "ownchart"),
            ("code_verifier", &pkce().verifier),
        ],
    )
    .await;
    assert_eq!(v["error"], "invalid_grant");
    let r = http()
        .post(&token)
        .header("content-type", "application/json")
        .body(r#"{"grant_type":"authorization_code"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(v["error"], "invalid_request");
    let stats = portal.stats();
    assert_eq!(stats.token_errors, 5);
    assert_eq!(stats.token_requests.other, 3);
}

#[tokio::test]
async fn a_portal_that_grants_fewer_scopes_says_so_and_enforces_it() {
    let portal = start(PortalConfig {
        grant_fewer_scopes: true,
        ..config()
    })
    .await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    assert_ne!(t.scope, SCOPE);
    assert!(t.scope.contains("patient/Observation.rs") && !t.scope.contains("patient/*"));
    assert_eq!(
        get(&format!("{base}/Observation"), Some(&t.access))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        get(&format!("{base}/Procedure"), Some(&t.access))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn codes_from_one_base_do_not_work_at_the_other() {
    let portal = start(config()).await;
    let (code, p) = code_for(&portal.fhir_base_r4()).await;
    let (s, v) = exchange(&portal.fhir_base_dstu2(), &code, &p.verifier).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}
