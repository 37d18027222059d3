//! Each injected fault, and that it is off by default.

use std::time::{Duration, Instant};

use crate::common::*;
use ownchart_portal::{Faults, HugePage, ServerErrors, TooManyRequests};
use reqwest::StatusCode;

async fn ready() -> (ownchart_portal::RunningPortal, String, Tokens) {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    (portal, base, t)
}

#[tokio::test]
async fn latency_delays_every_request() {
    let (portal, base, t) = ready().await;
    portal.set_faults(Faults {
        latency: Some(Duration::from_millis(150)),
        ..Faults::default()
    });
    let began = Instant::now();
    assert_eq!(
        get(&format!("{base}/Patient"), Some(&t.access))
            .await
            .status,
        StatusCode::OK
    );
    let _ = get(&format!("{base}/metadata"), None).await;
    assert!(began.elapsed() >= Duration::from_millis(300));
    portal.set_faults(Faults::default());
    let began = Instant::now();
    let _ = get(&format!("{base}/metadata"), None).await;
    assert!(began.elapsed() < Duration::from_millis(150));
}

#[tokio::test]
async fn too_many_requests_for_the_next_n_then_normal_service() {
    let (portal, base, t) = ready().await;
    portal.set_faults(Faults {
        too_many_requests: Some(TooManyRequests {
            requests: 2,
            retry_after: "120".into(),
        }),
        ..Faults::default()
    });
    for _ in 0..2 {
        let f = get(&format!("{base}/Observation"), Some(&t.access)).await;
        assert_eq!(f.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(f.headers["retry-after"], "120");
    }
    assert_eq!(
        get(&format!("{base}/Observation"), Some(&t.access))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_burst_of_server_errors() {
    let (portal, base, t) = ready().await;
    portal.set_faults(Faults {
        server_errors: Some(ServerErrors {
            requests: 3,
            status: 502,
        }),
        ..Faults::default()
    });
    for _ in 0..3 {
        assert_eq!(
            get(&format!("{base}/Condition"), Some(&t.access))
                .await
                .status,
            StatusCode::BAD_GATEWAY
        );
    }
    assert_eq!(
        get(&format!("{base}/Condition"), Some(&t.access))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_malformed_page_for_one_type_only() {
    let (portal, base, t) = ready().await;
    portal.set_faults(Faults {
        malformed_page: Some("Procedure".into()),
        ..Faults::default()
    });
    let broken = get(&format!("{base}/Procedure"), Some(&t.access)).await;
    assert_eq!(broken.status, StatusCode::OK);
    assert!(!broken.bytes.is_empty());
    assert!(serde_json::from_slice::<serde_json::Value>(&broken.bytes).is_err());
    let fine = get(&format!("{base}/Condition"), Some(&t.access)).await;
    assert!(serde_json::from_slice::<serde_json::Value>(&fine.bytes).is_ok());
}

#[tokio::test]
async fn next_links_that_loop_back() {
    let (portal, base, t) = ready().await;
    portal.set_faults(Faults {
        next_link_loop: Some("Observation".into()),
        ..Faults::default()
    });
    let a_url = format!("{base}/Observation?_count=5");
    let a = get(&a_url, Some(&t.access)).await.json();
    let b_url = next_link(&a).unwrap();
    let b = get(&b_url, Some(&t.access)).await.json();
    assert_eq!(next_link(&b).as_deref(), Some(a_url.as_str()), "A → B → A");
    assert_ne!(entries(&a), entries(&b));
}

#[tokio::test]
async fn a_huge_page_is_streamed_at_the_asked_size_and_is_still_json() {
    let (portal, base, t) = ready().await;
    let size = 3_000_000;
    portal.set_faults(Faults {
        huge_page: Some(HugePage {
            resource_type: "Condition".into(),
            bytes: size,
        }),
        ..Faults::default()
    });
    let f = get(&format!("{base}/Condition?_count=2"), Some(&t.access)).await;
    assert_eq!(f.status, StatusCode::OK);
    assert!(f.bytes.len() as u64 >= size && (f.bytes.len() as u64) < size + 10_000);
    assert_eq!(
        f.headers["content-length"],
        f.bytes.len().to_string().as_str()
    );
    let page = f.json();
    assert_eq!(page["resourceType"], "Bundle");
    assert!(entries(&page).len() > 100);
    let empty = get(&format!("{base}/Condition?_count=0"), Some(&t.access)).await;
    assert!(empty.bytes.len() as u64 >= size);
    assert!(serde_json::from_slice::<serde_json::Value>(&empty.bytes).is_ok());
}

#[tokio::test]
async fn one_type_can_be_forbidden() {
    let (portal, base, t) = ready().await;
    portal.set_faults(Faults {
        forbidden_type: Some("DocumentReference".into()),
        ..Faults::default()
    });
    assert_eq!(
        get(&format!("{base}/DocumentReference"), Some(&t.access))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&format!("{base}/Condition"), Some(&t.access))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn access_tokens_that_expire_mid_sync() {
    let (portal, base, t) = ready().await;
    portal.set_faults(Faults {
        access_token_max_uses: Some(3),
        ..Faults::default()
    });
    for _ in 0..3 {
        assert_eq!(
            get(&format!("{base}/Observation?_count=1"), Some(&t.access))
                .await
                .status,
            StatusCode::OK
        );
    }
    let expired = get(&format!("{base}/Observation?_count=1"), Some(&t.access)).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert!(expired.headers["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    let (_, v) = refresh(&base, t.refresh.as_deref().unwrap()).await;
    let fresh = Tokens::from(&v);
    assert_eq!(
        get(&format!("{base}/Observation?_count=1"), Some(&fresh.access))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_grant_revoked_after_n_requests() {
    let (portal, base, t) = ready().await;
    portal.set_faults(Faults {
        revoke_grant_after_requests: Some(2),
        ..Faults::default()
    });
    for _ in 0..2 {
        assert_eq!(
            get(&format!("{base}/Condition"), Some(&t.access))
                .await
                .status,
            StatusCode::OK
        );
    }
    assert_eq!(
        get(&format!("{base}/Condition"), Some(&t.access))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let (_, v) = refresh(&base, t.refresh.as_deref().unwrap()).await;
    assert_eq!(v["error"], "invalid_grant");
    let again = connect(&base, SCOPE).await;
    assert_eq!(
        get(&format!("{base}/Condition"), Some(&again.access))
            .await
            .status,
        StatusCode::OK,
        "it fires once"
    );
}

#[tokio::test]
async fn the_revocation_endpoint_can_be_down() {
    let (portal, base, t) = ready().await;
    portal.set_faults(Faults {
        revocation_unavailable: true,
        ..Faults::default()
    });
    let (s, _, _) = post_form(
        &format!("{base}/revoke"),
        &[
            ("token", t.refresh.as_deref().unwrap()),
            ("token_type_hint", "refresh_token"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        get(&format!("{base}/Condition"), Some(&t.access))
            .await
            .status,
        StatusCode::OK,
        "nothing was revoked"
    );
    let stats = portal.stats();
    assert_eq!(stats.revoke_requests, 1);
    assert_eq!(
        stats.revocations[0].token_type_hint.as_deref(),
        Some("refresh_token")
    );
}

#[tokio::test]
async fn faults_are_off_by_default_and_can_be_read_back() {
    let portal = start(config()).await;
    assert_eq!(portal.faults(), Faults::default());
    let f = Faults {
        forbidden_type: Some("Coverage".into()),
        ..Faults::default()
    };
    portal.set_faults(f.clone());
    assert_eq!(portal.faults(), f);
}
