//! The DSTU2 base: the same records in DSTU2 shape, v1 scopes, DSTU2 type names.

use crate::common::*;
use reqwest::StatusCode;

const V1: &str = "launch/patient patient/*.read offline_access";

#[tokio::test]
async fn a_dstu2_app_connects_with_v1_scopes_and_reads_dstu2_resources() {
    let portal = start(config()).await;
    let base = portal.fhir_base_dstu2();
    let t = connect(&base, V1).await;
    assert_eq!(t.scope, V1);
    assert_eq!(t.patient, portal.patient_id("demo"));
    let f = get(&format!("{base}/Condition?_count=50"), Some(&t.access)).await;
    assert_eq!(f.status, StatusCode::OK);
    assert!(f.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json+fhir"));
    let conditions = entries(&f.json());
    assert!(!conditions.is_empty());
    for c in &conditions {
        assert_eq!(
            c["patient"]["reference"],
            format!("Patient/{}", t.patient.as_deref().unwrap())
        );
        assert!(c.get("subject").is_none());
        assert!(c["verificationStatus"].is_string());
    }
    let orders = all_pages(&format!("{base}/MedicationOrder?_count=200"), &t.access).await;
    let orders: Vec<_> = orders.iter().flat_map(entries).collect();
    assert_eq!(
        orders.len(),
        portal.resource_counts("demo").unwrap()["MedicationRequest"]
    );
    assert!(orders
        .iter()
        .all(|o| o["resourceType"] == "MedicationOrder" && o["dateWritten"].is_string()));
    let vitals = get(
        &format!("{base}/Observation?category=vital-signs&_count=5"),
        Some(&t.access),
    )
    .await
    .json();
    for o in entries(&vitals) {
        assert!(
            o["category"].is_object(),
            "DSTU2 Observation.category is a single CodeableConcept"
        );
    }
    let patient = entries(
        &get(&format!("{base}/Patient"), Some(&t.access))
            .await
            .json(),
    )[0]
    .clone();
    assert!(patient["name"][0]["family"].is_array());
}

#[tokio::test]
async fn the_same_ids_are_served_on_both_bases() {
    let portal = start(config()).await;
    let r4 = connect(&portal.fhir_base_r4(), SCOPE).await;
    let d2 = connect(&portal.fhir_base_dstu2(), V1).await;
    let a = get(
        &format!("{}/Immunization?_count=200", portal.fhir_base_r4()),
        Some(&r4.access),
    )
    .await
    .json();
    let b = get(
        &format!("{}/Immunization?_count=200", portal.fhir_base_dstu2()),
        Some(&d2.access),
    )
    .await
    .json();
    let ids = |v: &serde_json::Value| {
        entries(v)
            .iter()
            .map(|r| r["id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a), ids(&b));
    for (x, y) in entries(&a).iter().zip(entries(&b)) {
        assert_eq!(x["occurrenceDateTime"], y["date"]);
        assert!(y["wasNotGiven"].is_boolean());
    }
}

#[tokio::test]
async fn r4_names_and_r4_only_types_are_not_offered_on_dstu2() {
    let portal = start(config()).await;
    let base = portal.fhir_base_dstu2();
    let t = connect(&base, V1).await;
    for t_name in ["MedicationRequest", "CareTeam", "ExplanationOfBenefit"] {
        let f = get(&format!("{base}/{t_name}"), Some(&t.access)).await;
        assert_eq!(f.status, StatusCode::NOT_FOUND, "{t_name}");
    }
    let back = authorize(
        &base,
        &pkce().challenge,
        &[("scope", "launch/patient patient/*.rs")],
    )
    .await;
    assert_eq!(
        param(&back, "error").as_deref(),
        Some("invalid_scope"),
        "v2 scopes mean nothing on DSTU2"
    );
}
