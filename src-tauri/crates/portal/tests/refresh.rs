//! Refresh tokens: rotation on every use, reuse detection that ends the grant, scope
//! narrowing, and expiry of access and refresh tokens.

use std::time::Duration;

use crate::common::*;
use reqwest::StatusCode;

#[tokio::test]
async fn every_refresh_rotates_the_refresh_token() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let mut current = t.refresh.clone().unwrap();
    let mut seen = vec![current.clone()];
    for _ in 0..5 {
        let (s, v) = refresh(&base, &current).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let next = Tokens::from(&v);
        assert_eq!(
            next.patient.as_deref(),
            portal.patient_id("demo").as_deref()
        );
        assert_eq!(next.scope, SCOPE);
        let r = next.refresh.unwrap();
        assert!(!seen.contains(&r));
        assert_eq!(
            get(&format!("{base}/Patient"), Some(&next.access))
                .await
                .status,
            StatusCode::OK
        );
        seen.push(r.clone());
        current = r;
    }
    let stats = portal.stats();
    assert_eq!(stats.token_requests.refresh_token, 5);
    assert_eq!(stats.refresh_token_reuse_detections, 0);
}

#[tokio::test]
async fn reusing_a_rotated_refresh_token_revokes_the_whole_grant() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let old = t.refresh.clone().unwrap();
    let (_, v) = refresh(&base, &old).await;
    let newer = Tokens::from(&v);
    let (s, v) = refresh(&base, &old).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert_eq!(portal.stats().refresh_token_reuse_detections, 1);
    let (s, _) = refresh(&base, newer.refresh.as_deref().unwrap()).await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "the newest refresh token died with the grant"
    );
    for access in [&t.access, &newer.access] {
        assert_eq!(
            get(&format!("{base}/Patient"), Some(access)).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn a_refresh_may_narrow_the_scope_but_not_widen_it() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(
        &base,
        "launch/patient patient/Observation.rs patient/Condition.rs offline_access",
    )
    .await;
    let token = format!("{base}/token");
    let (s, _, v) = post_form(
        &token,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", t.refresh.as_deref().unwrap()),
            ("scope", "patient/Observation.rs"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let narrow = Tokens::from(&v);
    assert_eq!(narrow.scope, "patient/Observation.rs");
    assert_eq!(
        get(&format!("{base}/Observation"), Some(&narrow.access))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        get(&format!("{base}/Condition"), Some(&narrow.access))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let (s, _, v) = post_form(
        &token,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", narrow.refresh.as_deref().unwrap()),
            ("scope", "patient/Procedure.rs"),
        ],
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_scope"))
    );
}

#[tokio::test]
async fn expired_access_tokens_get_401_and_a_refresh_brings_access_back() {
    let mut cfg = config();
    cfg.lifetimes.access_token = Duration::from_millis(200);
    let portal = start(cfg).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    assert_eq!(
        get(&format!("{base}/Patient"), Some(&t.access))
            .await
            .status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let f = get(&format!("{base}/Patient"), Some(&t.access)).await;
    assert_eq!(f.status, StatusCode::UNAUTHORIZED);
    assert!(f.headers["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("error=\"invalid_token\""));
    let (_, v) = refresh(&base, t.refresh.as_deref().unwrap()).await;
    let fresh = Tokens::from(&v);
    assert_eq!(
        get(&format!("{base}/Patient"), Some(&fresh.access))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_expired_refresh_token_is_refused() {
    let mut cfg = config();
    cfg.lifetimes.refresh_token = Duration::from_millis(150);
    let portal = start(cfg).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    tokio::time::sleep(Duration::from_millis(250)).await;
    let (s, v) = refresh(&base, t.refresh.as_deref().unwrap()).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn a_refresh_token_belongs_to_its_client() {
    let mut cfg = config();
    cfg.clients
        .push(ownchart_portal::ClientRegistration::public(
            "second-app",
            &[REDIRECT],
        ));
    let portal = start(cfg).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let (_, _, v) = post_form(
        &format!("{base}/token"),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", t.refresh.as_deref().unwrap()),
            ("client_id", "second-app"),
        ],
    )
    .await;
    assert_eq!(v["error"], "invalid_grant");
}
