//! The faults a sync engine meets on real portals beyond errors: foreign entries in a
//! page, `next` links to another origin, a page that stalls, a gzip bomb, 503 with
//! Retry-After, and plain gzip when the app accepts it.

use std::io::Read;
use std::time::{Duration, Instant};

use crate::common::*;
use ownchart_portal::{Elsewhere, Faults, NextElsewhere, ServerErrors};
use reqwest::StatusCode;
use serde_json::Value;

async fn ready() -> (ownchart_portal::RunningPortal, String, Tokens) {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    (portal, base, t)
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn foreign_entries_are_mixed_into_pages_of_one_type() {
    let (portal, base, t) = ready().await;
    let me = format!("Patient/{}", t.patient.clone().unwrap());
    portal.set_faults(Faults {
        foreign_entries: Some("Observation".into()),
        ..Faults::default()
    });
    let page = get(&format!("{base}/Observation?_count=5"), Some(&t.access))
        .await
        .json();
    let all = page["entry"].as_array().unwrap().clone();
    let resource = |e: &Value| e["resource"].clone();
    let observations: Vec<Value> = all
        .iter()
        .map(resource)
        .filter(|r| r["resourceType"] == "Observation")
        .collect();
    assert_eq!(observations.len(), 6, "five matches and one more");
    assert_eq!(
        observations
            .iter()
            .filter(|o| o["subject"]["reference"] != me.as_str())
            .count(),
        1,
        "one Observation is about another patient"
    );
    assert!(all
        .iter()
        .map(resource)
        .any(|r| r["resourceType"] == "Patient"));
    assert!(all
        .iter()
        .any(|e| e["search"]["mode"] == "outcome"
            && e["resource"]["resourceType"] == "OperationOutcome"));
    let known = ["Observation", "Patient", "OperationOutcome"];
    assert!(all
        .iter()
        .map(resource)
        .any(|r| !known.contains(&r["resourceType"].as_str().unwrap())));
    assert_eq!(
        page["total"],
        portal.resource_counts("demo").unwrap()["Observation"]
    );
    let clean = get(&format!("{base}/Condition?_count=5"), Some(&t.access))
        .await
        .json();
    assert!(entries(&clean)
        .iter()
        .all(|r| r["resourceType"] == "Condition" && r["subject"]["reference"] == me.as_str()));
}

#[tokio::test]
async fn the_first_next_link_can_point_to_another_origin() {
    let (portal, base, t) = ready().await;
    let port = portal.port();
    for (to, prefix) in [
        (
            Elsewhere::OtherHost,
            format!("http://127.0.0.2:{port}/fhir/r4/Observation?_page="),
        ),
        (
            Elsewhere::OtherDomain,
            "https://elsewhere.example/fhir/r4/Observation?_page=".to_owned(),
        ),
        (
            Elsewhere::OtherScheme,
            format!("https://127.0.0.1:{port}/fhir/r4/Observation?_page="),
        ),
    ] {
        portal.set_faults(Faults {
            next_link_elsewhere: Some(NextElsewhere {
                resource_type: "Observation".into(),
                to,
            }),
            ..Faults::default()
        });
        let first = get(&format!("{base}/Observation?_count=2"), Some(&t.access))
            .await
            .json();
        let next = next_link(&first).unwrap();
        assert!(next.starts_with(&prefix), "{to:?}: {next}");
        // The same link on the portal's own origin is a real next page.
        let own = format!("{base}/Observation?{}", next.split_once('?').unwrap().1);
        let second = get(&own, Some(&t.access)).await;
        assert_eq!(second.status, StatusCode::OK);
        assert!(
            next_link(&second.json()).unwrap().starts_with(&base),
            "only the first page"
        );
    }
    let conditions = get(&format!("{base}/Condition?_count=1"), Some(&t.access))
        .await
        .json();
    assert!(next_link(&conditions).unwrap().starts_with(&base));
}

#[tokio::test]
async fn a_page_can_stall_after_its_first_bytes() {
    let (portal, base, t) = ready().await;
    portal.set_faults(Faults {
        stall_after_headers: Some(("Observation".into(), Duration::from_millis(1500))),
        ..Faults::default()
    });
    let began = Instant::now();
    let mut r = http()
        .get(format!("{base}/Observation?_count=5"))
        .bearer_auth(&t.access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        began.elapsed() < Duration::from_millis(1000),
        "headers come at once"
    );
    let first = r.chunk().await.unwrap().unwrap();
    assert!(first.starts_with(b"{\"resourceType\":\"Bundle\""));
    assert!(
        began.elapsed() < Duration::from_millis(1000),
        "and so do the first bytes"
    );
    let mut rest = Vec::new();
    while let Some(c) = r.chunk().await.unwrap() {
        rest.extend_from_slice(&c);
    }
    assert!(
        began.elapsed() >= Duration::from_millis(1500),
        "then the page stalls"
    );
    let whole = [first.to_vec(), rest].concat();
    let page: Value = serde_json::from_slice(&whole).unwrap();
    assert_eq!(entries(&page).len(), 5);
    let began = Instant::now();
    let _ = get(&format!("{base}/Condition"), Some(&t.access)).await;
    assert!(began.elapsed() < Duration::from_millis(1000));
}

#[tokio::test]
async fn responses_are_gzipped_when_the_app_accepts_gzip() {
    let (portal, base, t) = ready().await;
    let url = format!("{base}/Observation?_count=20");
    let plain = get(&url, Some(&t.access)).await;
    assert!(plain.headers.get("content-encoding").is_none());
    let zipped = get_with(
        &url,
        Some(&t.access),
        &[
            ("accept", "application/fhir+json"),
            ("accept-encoding", "gzip"),
        ],
    )
    .await;
    assert_eq!(zipped.status, StatusCode::OK);
    assert_eq!(zipped.headers["content-encoding"], "gzip");
    assert!(zipped.bytes.len() < plain.bytes.len());
    let page: Value = serde_json::from_slice(&gunzip(&zipped.bytes)).unwrap();
    assert_eq!(entries(&page), entries(&plain.json()));
    let log = portal.stats().fhir_log;
    assert_eq!(log.len(), 2);
    assert!(!log[0].accepts_gzip && log[1].accepts_gzip);
}

#[tokio::test]
async fn a_gzip_bomb_for_apps_that_accept_gzip() {
    let (portal, base, t) = ready().await;
    portal.set_faults(Faults {
        gzip_bomb: Some("Observation".into()),
        ..Faults::default()
    });
    let url = format!("{base}/Observation");
    let bomb = get_with(&url, Some(&t.access), &[("accept-encoding", "gzip")]).await;
    assert_eq!(bomb.status, StatusCode::OK);
    assert_eq!(bomb.headers["content-encoding"], "gzip");
    assert!(bomb.bytes.len() < 2_000_000, "{}", bomb.bytes.len());
    let mut decoder = flate2::read::GzDecoder::new(&bomb.bytes[..]);
    let mut buf = vec![0u8; 1 << 20];
    let mut inflated = 0u64;
    while inflated <= 1 << 30 {
        let n = decoder.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        inflated += n as u64;
    }
    assert!(
        inflated >= 1 << 30,
        "inflates to at least 1 GiB, not {inflated}"
    );
    // Without gzip the page is an ordinary page.
    let fine = get(&url, Some(&t.access)).await;
    assert!(fine.headers.get("content-encoding").is_none());
    assert_eq!(fine.json()["resourceType"], "Bundle");
}

#[tokio::test]
async fn server_error_bursts_can_say_when_to_retry() {
    let (portal, base, t) = ready().await;
    portal.set_faults(Faults {
        server_errors: Some(ServerErrors {
            requests: 2,
            status: 503,
        }),
        server_errors_retry_after: Some("7".into()),
        ..Faults::default()
    });
    for _ in 0..2 {
        let f = get(&format!("{base}/Condition"), Some(&t.access)).await;
        assert_eq!(f.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(f.headers["retry-after"], "7");
    }
    let f = get(&format!("{base}/Condition"), Some(&t.access)).await;
    assert_eq!(f.status, StatusCode::OK);
    assert!(f.headers.get("retry-after").is_none());
}
