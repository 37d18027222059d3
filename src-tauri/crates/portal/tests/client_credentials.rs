//! Patient-generated API credentials and the client-credentials grant.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::common::*;
use ownchart_portal::PortalConfig;
use reqwest::StatusCode;
use serde_json::Value;

async fn with_basic(url: &str, key: &str, secret: &str, form: &str) -> (StatusCode, Value) {
    let r = http()
        .post(url)
        .header(
            "authorization",
            format!("Basic {}", STANDARD.encode(format!("{key}:{secret}"))),
        )
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .unwrap();
    let s = r.status();
    (
        s,
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn api_credentials_give_read_access_to_their_patient_only() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let creds = portal.issue_api_credentials("demo", "my laptop").unwrap();
    assert_eq!(format!("{:?}", creds.secret), "[redacted]");
    let (s, v) = with_basic(
        &format!("{base}/token"),
        &creds.key,
        creds.secret.expose(),
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["patient"].as_str(), portal.patient_id("demo").as_deref());
    assert_eq!(v["scope"], "patient/*.rs");
    assert!(v.get("refresh_token").is_none());
    let access = v["access_token"].as_str().unwrap();
    let obs = get(&format!("{base}/Observation?_count=5"), Some(access)).await;
    assert_eq!(obs.status, StatusCode::OK);
    let other = portal.patient_id("other").unwrap();
    let f = get(&format!("{base}/Observation?patient={other}"), Some(access)).await;
    assert_eq!(f.status, StatusCode::FORBIDDEN);
    assert_eq!(portal.stats().token_requests.client_credentials, 1);
}

#[tokio::test]
async fn client_secret_post_works_too_and_mixing_methods_is_refused() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let c = portal.issue_api_credentials("other", "phone").unwrap();
    let token = format!("{base}/token");
    let (s, _, v) = post_form(
        &token,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &c.key),
            ("client_secret", c.secret.expose()),
            ("scope", "patient/Observation.rs"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["scope"], "patient/Observation.rs");
    assert_eq!(v["patient"].as_str(), portal.patient_id("other").as_deref());
    let body = format!(
        "grant_type=client_credentials&client_secret={}",
        c.secret.expose()
    );
    let (s, v) = with_basic(&token, &c.key, c.secret.expose(), &body).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
}

#[tokio::test]
async fn wrong_or_deleted_credentials_are_invalid_clients() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let token = format!("{base}/token");
    let c = portal.issue_api_credentials("demo", "app").unwrap();
    let (s, v) = with_basic(
        &token,
        &c.key,
        "not-the-secret",
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    let (_, v) = with_basic(
        &token,
        &c.key,
        c.secret.expose(),
        "grant_type=client_credentials",
    )
    .await;
    let access = v["access_token"].as_str().unwrap().to_owned();
    assert!(portal.delete_api_credentials(&c.key));
    assert!(!portal.delete_api_credentials(&c.key));
    let (s, v) = with_basic(
        &token,
        &c.key,
        c.secret.expose(),
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    assert_eq!(
        get(&format!("{base}/Patient"), Some(&access)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let (s, _, v) = post_form(
        &token,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "ownchart"),
        ],
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unauthorized_client"))
    );
    assert!(portal.issue_api_credentials("nobody", "x").is_err());
}

#[tokio::test]
async fn the_patient_can_be_left_out_of_the_token_response() {
    let portal = start(PortalConfig {
        include_patient_in_client_credentials: false,
        ..config()
    })
    .await;
    let base = portal.fhir_base_r4();
    let c = portal.issue_api_credentials("demo", "app").unwrap();
    let (s, v) = with_basic(
        &format!("{base}/token"),
        &c.key,
        c.secret.expose(),
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(v.get("patient").is_none());
    let patient = get(&format!("{base}/Patient"), v["access_token"].as_str())
        .await
        .json();
    assert_eq!(patient["total"], 1);
    assert_eq!(
        entries(&patient)[0]["id"].as_str(),
        portal.patient_id("demo").as_deref()
    );
}
