//! Token revocation (RFC 7009).

use crate::common::*;
use ownchart_portal::TokenKind;
use reqwest::StatusCode;

#[tokio::test]
async fn revoking_the_refresh_token_ends_the_grant() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let refresh_token = t.refresh.clone().unwrap();
    let (s, _, _) = post_form(
        &format!("{base}/revoke"),
        &[
            ("token", &refresh_token),
            ("token_type_hint", "refresh_token"),
            ("client_id", "ownchart"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        get(&format!("{base}/Patient"), Some(&t.access))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let (_, v) = refresh(&base, &refresh_token).await;
    assert_eq!(v["error"], "invalid_grant");
    let stats = portal.stats();
    assert_eq!(stats.revoke_requests, 1);
    assert_eq!(
        stats.revocations[0].token_type_hint.as_deref(),
        Some("refresh_token")
    );
    assert_eq!(stats.revocations[0].revoked, Some(TokenKind::Refresh));
}

#[tokio::test]
async fn revoking_an_access_token_ends_only_that_token() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let (s, _, _) = post_form(
        &format!("{base}/revoke"),
        &[("token", &t.access), ("token_type_hint", "access_token")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        get(&format!("{base}/Patient"), Some(&t.access))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let (s, v) = refresh(&base, t.refresh.as_deref().unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        portal.stats().revocations[0].revoked,
        Some(TokenKind::Access)
    );
}

#[tokio::test]
async fn unknown_tokens_are_fine_and_a_missing_token_is_not() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let (s, _, _) = post_form(&format!("{base}/revoke"), &[("token", "never-issued")]).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, v) = post_form(
        &format!("{base}/revoke"),
        &[("token_type_hint", "access_token")],
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let stats = portal.stats();
    assert_eq!(stats.revoke_requests, 2);
    assert_eq!(stats.revocations[0].revoked, None);
}

#[tokio::test]
async fn a_client_cannot_revoke_another_clients_token() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let (s, _, v) = post_form(
        &format!("{base}/revoke"),
        &[
            ("token", t.refresh.as_deref().unwrap()),
            ("client_id", "someone-else"),
        ],
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unauthorized_client"))
    );
    assert_eq!(
        get(&format!("{base}/Patient"), Some(&t.access))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_patient_can_revoke_an_apps_access_in_the_portal() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    assert_eq!(portal.revoke_access("demo"), 1);
    assert_eq!(
        get(&format!("{base}/Patient"), Some(&t.access))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        refresh(&base, t.refresh.as_deref().unwrap()).await.1["error"],
        "invalid_grant"
    );
}
