//! The first reads: the token's Patient, or the single Patient a search shows.

use ownchart_fhir::{read_patient, search_patient, ReadError, Secret};
use serde_json::json;

use crate::server::{client, Reply, TestServer};

const PATIENT: &str = "{ \"resourceType\" : \"Patient\",\n  \"id\": \"pat-1\", \"name\":[{\"text\":\"Zoë Ödegård\"}] }";

#[tokio::test]
async fn reads_the_patient_byte_for_byte_with_the_token() {
    let server = TestServer::start().await;
    server.on(
        "/r4/Patient/pat-1",
        Reply::bytes(200, "application/fhir+json", PATIENT),
    );
    let bytes = read_patient(&client(), &server.url("/r4"), "pat-1", &Secret::new("tok"))
        .await
        .unwrap();
    assert_eq!(bytes, PATIENT.as_bytes());
    assert_eq!(
        server.only_request().header("authorization"),
        Some("Bearer tok")
    );
}

#[tokio::test]
async fn a_wrong_resource_or_another_patient_is_refused() {
    let server = TestServer::start().await;
    server.on(
        "/r4/Patient/pat-1",
        Reply::json(200, json!({"resourceType": "Patient", "id": "pat-2"})),
    );
    server.on(
        "/r4/Patient/pat-3",
        Reply::json(200, json!({"resourceType": "OperationOutcome"})),
    );
    let http = client();
    let base = server.url("/r4");
    let token = Secret::new("tok");
    let e = read_patient(&http, &base, "pat-1", &token)
        .await
        .unwrap_err();
    assert!(matches!(e, ReadError::WrongPatient { .. }), "{e:?}");
    let e = read_patient(&http, &base, "pat-3", &token)
        .await
        .unwrap_err();
    assert!(matches!(e, ReadError::NotAPatient { .. }), "{e:?}");
    let e = read_patient(&http, &base, "missing", &token)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ReadError::Http(h) if h.status() == Some(404)),
        "{e:?}"
    );

    let before = server.requests().len();
    let e = read_patient(&http, &base, "../Observation", &token)
        .await
        .unwrap_err();
    assert_eq!(e, ReadError::InvalidPatientId);
    assert_eq!(
        server.requests().len(),
        before,
        "no request for an invalid id"
    );
}

fn bundle(entries: Vec<serde_json::Value>, next: bool) -> String {
    let mut b = json!({"resourceType": "Bundle", "type": "searchset", "entry": entries});
    if next {
        b["link"] = json!([{"relation": "next", "url": "http://x/next"}]);
    }
    b.to_string()
}

#[tokio::test]
async fn a_search_must_show_exactly_one_patient() {
    let one = format!(
        r#"{{"resourceType":"Bundle","entry":[{{"resource": {PATIENT} }},{{"resource":{{"resourceType":"OperationOutcome"}},"search":{{"mode":"outcome"}}}}]}}"#
    );
    let p = |id: &str| json!({"resource": {"resourceType": "Patient", "id": id}});
    let cases: Vec<(&str, String)> = vec![
        ("/one/Patient", one),
        ("/two/Patient", bundle(vec![p("a"), p("b")], false)),
        ("/none/Patient", bundle(vec![], false)),
        ("/paged/Patient", bundle(vec![p("a")], true)),
    ];
    let server = TestServer::start().await;
    for (path, body) in &cases {
        server.on(
            path,
            Reply::bytes(200, "application/fhir+json", body.clone()),
        );
    }
    let http = client();
    let token = Secret::new("tok");
    let bytes = search_patient(&http, &server.url("/one"), &token)
        .await
        .unwrap();
    assert_eq!(bytes, PATIENT.as_bytes());
    let e = search_patient(&http, &server.url("/two"), &token)
        .await
        .unwrap_err();
    assert!(matches!(e, ReadError::SeveralPatients { .. }), "{e:?}");
    let e = search_patient(&http, &server.url("/none"), &token)
        .await
        .unwrap_err();
    assert!(matches!(e, ReadError::NoPatient { .. }), "{e:?}");
    let e = search_patient(&http, &server.url("/paged"), &token)
        .await
        .unwrap_err();
    assert!(matches!(e, ReadError::SeveralPatients { .. }), "{e:?}");
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer tok")));
}
