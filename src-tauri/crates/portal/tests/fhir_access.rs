//! Who may read what: 401 for missing or unusable tokens, 403 for another patient's data
//! or a type outside the scopes, reads with ETags, and content negotiation.

use crate::common::*;
use reqwest::StatusCode;

fn challenge(f: &Fetched) -> String {
    f.headers["www-authenticate"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn requests_without_a_good_bearer_token_get_401_invalid_token() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let none = get(&format!("{base}/Observation"), None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert!(
        challenge(&none).starts_with("Bearer ")
            && challenge(&none).contains("error=\"invalid_token\"")
    );
    assert_eq!(none.json()["resourceType"], "OperationOutcome");
    let bad = get(&format!("{base}/Observation"), Some("made-up-token")).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(challenge(&bad).contains("error=\"invalid_token\""));
    let basic = http()
        .get(format!("{base}/Observation"))
        .header("authorization", "Basic ZGVtbzpkZW1v")
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);
    let stats = portal.stats();
    assert_eq!(
        (stats.fhir_without_bearer, stats.fhir_with_bad_bearer),
        (2, 1)
    );
    assert_eq!(stats.fhir_requests, 3);
}

#[tokio::test]
async fn another_patients_data_is_forbidden() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let them = portal.patient_id("other").unwrap();
    for url in [
        format!("{base}/Patient/{them}"),
        format!("{base}/Observation?patient={them}"),
        format!("{base}/Condition?subject=Patient/{them}"),
        format!("{base}/Patient?_id={them}"),
    ] {
        let f = get(&url, Some(&t.access)).await;
        assert_eq!(f.status, StatusCode::FORBIDDEN, "{url}");
        assert_eq!(f.json()["resourceType"], "OperationOutcome");
    }
    let me = portal.patient_id("demo").unwrap();
    let mine = get(&format!("{base}/Patient/{me}"), Some(&t.access)).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.json()["id"], me.as_str());
    assert_eq!(
        get(
            &format!("{base}/Observation?patient=Patient/{me}&_count=1"),
            Some(&t.access)
        )
        .await
        .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_read_returns_the_resource_with_its_version_and_unknown_ids_are_404() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let page = get(&format!("{base}/Condition?_count=1"), Some(&t.access))
        .await
        .json();
    let condition = &entries(&page)[0];
    let id = condition["id"].as_str().unwrap();
    let f = get(&format!("{base}/Condition/{id}"), Some(&t.access)).await;
    assert_eq!(f.status, StatusCode::OK);
    assert_eq!(&f.json(), condition);
    let version = condition["meta"]["versionId"].as_str().unwrap();
    assert_eq!(f.headers["etag"], format!("W/\"{version}\"").as_str());
    assert!(f.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/fhir+json"));
    assert_eq!(
        get(&format!("{base}/Condition/no-such-id"), Some(&t.access))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&format!("{base}/Observation/{id}"), Some(&t.access))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&format!("{base}/Spaceship"), Some(&t.access))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&format!("{base}/MedicationOrder"), Some(&t.access))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn types_outside_the_granted_scopes_are_forbidden() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(
        &base,
        "launch/patient patient/Observation.rs patient/Condition.r",
    )
    .await;
    assert_eq!(
        get(&format!("{base}/Observation"), Some(&t.access))
            .await
            .status,
        StatusCode::OK
    );
    let f = get(&format!("{base}/Procedure"), Some(&t.access)).await;
    assert_eq!(f.status, StatusCode::FORBIDDEN);
    assert_eq!(f.json()["issue"][0]["code"], "forbidden");
    assert_eq!(
        get(&format!("{base}/Condition"), Some(&t.access))
            .await
            .status,
        StatusCode::FORBIDDEN,
        "r without s"
    );
}

#[tokio::test]
async fn a_token_works_only_at_the_base_that_issued_it() {
    let portal = start(config()).await;
    let t = connect(&portal.fhir_base_r4(), SCOPE).await;
    let f = get(
        &format!("{}/Patient", portal.fhir_base_dstu2()),
        Some(&t.access),
    )
    .await;
    assert_eq!(f.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_json_is_served() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let xml = http()
        .get(format!("{base}/Patient"))
        .bearer_auth(&t.access)
        .header("accept", "application/fhir+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(xml.status(), StatusCode::NOT_ACCEPTABLE);
    assert_eq!(
        get(&format!("{base}/Patient?_format=xml"), Some(&t.access))
            .await
            .status,
        StatusCode::NOT_ACCEPTABLE
    );
    let any = http()
        .get(format!("{base}/Patient"))
        .bearer_auth(&t.access)
        .header("accept", "*/*")
        .send()
        .await
        .unwrap();
    assert_eq!(any.status(), StatusCode::OK);
    assert_eq!(
        get(&format!("{base}/Patient?_format=json"), Some(&t.access))
            .await
            .status,
        StatusCode::OK
    );
}
