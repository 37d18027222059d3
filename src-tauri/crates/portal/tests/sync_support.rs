//! What a sync engine leans on: `meta` on every resource, the per-type patient search
//! parameters (Coverage `beneficiary`, ExplanationOfBenefit `patient`), and the request
//! log that shows exactly what an app fetched.

use crate::common::*;
use reqwest::StatusCode;

#[tokio::test]
async fn every_resource_has_a_version_and_a_last_update_on_both_bases() {
    let portal = start(config()).await;
    let r4 = portal.fhir_base_r4();
    let t = connect(&r4, SCOPE).await;
    let d2 = portal.fhir_base_dstu2();
    let t2 = connect(&d2, "launch/patient patient/*.read").await;
    let mut served = 0;
    for ty in portal.resource_counts("demo").unwrap().keys() {
        for r in everything(&format!("{r4}/{ty}?_count=200"), &t.access).await {
            assert!(r["meta"]["versionId"].is_string(), "{r}");
            assert!(r["meta"]["lastUpdated"].is_string(), "{r}");
            served += 1;
        }
        if ty == "CareTeam" || ty == "ExplanationOfBenefit" {
            continue;
        }
        let name = if ty == "MedicationRequest" {
            "MedicationOrder"
        } else {
            ty
        };
        for r in everything(&format!("{d2}/{name}?_count=200"), &t2.access).await {
            assert!(r["meta"]["versionId"].is_string() && r["meta"]["lastUpdated"].is_string());
        }
    }
    assert_eq!(served, 120);
}

#[tokio::test]
async fn coverage_by_beneficiary_and_claims_by_patient() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let me = t.patient.clone().unwrap();
    let counts = portal.resource_counts("demo").unwrap();
    for (query, ty) in [
        (format!("Coverage?beneficiary=Patient/{me}"), "Coverage"),
        (format!("Coverage?beneficiary={me}"), "Coverage"),
        (format!("Coverage?patient={me}"), "Coverage"),
        (
            format!("ExplanationOfBenefit?patient={me}&_count=200"),
            "ExplanationOfBenefit",
        ),
    ] {
        let found = everything(&format!("{base}/{query}"), &t.access).await;
        assert_eq!(found.len(), counts[ty], "{query}");
    }
    let other = portal.patient_id("other").unwrap();
    let f = get(
        &format!("{base}/Coverage?beneficiary={other}"),
        Some(&t.access),
    )
    .await;
    assert_eq!(f.status, StatusCode::FORBIDDEN);
    let f = get(
        &format!("{base}/Condition?beneficiary={me}"),
        Some(&t.access),
    )
    .await;
    assert_eq!(
        f.status,
        StatusCode::BAD_REQUEST,
        "beneficiary is Coverage's alone"
    );
    let meta = get(&format!("{base}/metadata"), None).await.json();
    let params = |ty: &str| -> Vec<String> {
        meta["rest"][0]["resource"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == ty)
            .unwrap()["searchParam"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(params("Coverage").contains(&"beneficiary".to_owned()));
    assert!(params("Coverage").contains(&"patient".to_owned()));
    assert!(params("ExplanationOfBenefit").contains(&"patient".to_owned()));
    assert!(!params("Condition").contains(&"beneficiary".to_owned()));
}

#[tokio::test]
async fn the_request_log_shows_each_read_and_search_as_answered() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    portal.reset_stats();
    let _ = get(&format!("{base}/metadata"), None).await;
    let first = get(
        &format!("{base}/Observation?_lastUpdated=ge2000-01-01&_count=3"),
        Some(&t.access),
    )
    .await
    .json();
    let next = next_link(&first).unwrap();
    let _ = get(&next, Some(&t.access)).await;
    let id = entries(&first)[0]["id"].as_str().unwrap().to_owned();
    let _ = get(&format!("{base}/Observation/{id}"), Some(&t.access)).await;
    let _ = get(&format!("{base}/Condition"), None).await;
    let log = portal.stats().fhir_log;
    assert_eq!(log.len(), 4, "{log:?}");
    assert!(log.iter().all(|r| r.method == "GET" && !r.accepts_gzip));
    assert_eq!(log[0].path, "/fhir/r4/Observation");
    assert_eq!(log[0].resource_type, "Observation");
    assert_eq!(log[0].query.get("_lastUpdated"), Some("ge2000-01-01"));
    assert!(log[0].is_search() && log[1].is_search());
    assert!(log[1].query.get("_page").is_some());
    assert_eq!(log[2].path, format!("/fhir/r4/Observation/{id}"));
    assert!(!log[2].is_search());
    assert_eq!(
        (log[3].resource_type.as_str(), log[3].status),
        ("Condition", 401)
    );
    assert_eq!(
        log[..3].iter().map(|r| r.status).collect::<Vec<_>>(),
        [200, 200, 200]
    );
}
