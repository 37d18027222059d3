//! Records from DSTU2 Bundle files (Synthea's public exports): ids from the `urn:uuid:`s,
//! references rewritten to `Type/id`, `meta` completed, served and searched on the DSTU2
//! base only, otherwise as in the file.

use std::path::PathBuf;

use crate::common::*;
use ownchart_portal::{PortalConfig, PortalUser};
use reqwest::StatusCode;
use serde_json::Value;

const V1: &str = "launch/patient patient/*.read offline_access";

fn fixture(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/fixtures/dstu2-synthea")
        .join(name);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("skipped: the DSTU2 fixture {} is not here", path.display());
        None
    }
}

/// Connects `username` to `base` as the person at the browser would.
async fn connect_as(base: &str, username: &str, password: &str, scope: &str) -> Tokens {
    let p = pkce();
    let back = ownchart_portal::person::log_in(
        &authorize_url(base, &p.challenge, &[("scope", scope)]),
        username,
        password,
        true,
    )
    .await
    .unwrap();
    let (status, body) = exchange(base, &param(&back, "code").unwrap(), &p.verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    Tokens::from(&body)
}

fn file_entries(path: &PathBuf) -> Vec<Value> {
    let bundle: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    bundle["entry"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_synthea_file_is_served_on_dstu2_with_real_references() {
    let Some(file) = fixture("Bednar_Kimbra_23.json") else {
        return;
    };
    let raw = file_entries(&file);
    let portal = start(PortalConfig::with_users(vec![
        PortalUser::new("demo", "demo-pass", 1, 60),
        PortalUser::from_dstu2_bundle("kimbra", "kimbra-pass", file.clone()),
    ]))
    .await;
    let base = portal.fhir_base_dstu2();
    let patient_id = raw[0]["resource"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        portal.patient_id("kimbra").as_deref(),
        Some(patient_id.as_str())
    );
    let counts = portal.resource_counts("kimbra").unwrap();
    assert_eq!(counts.values().sum::<usize>(), raw.len());
    assert_eq!(counts["MedicationRequest"], 8, "MedicationOrders");
    let t = connect_as(&base, "kimbra", "kimbra-pass", V1).await;
    assert_eq!(t.patient.as_deref(), Some(patient_id.as_str()));
    let me = format!("Patient/{patient_id}");
    let mut seen = 0;
    for ty in [
        "Patient",
        "Encounter",
        "Observation",
        "Immunization",
        "Condition",
        "MedicationOrder",
        "Procedure",
        "CarePlan",
        "Organization",
    ] {
        let found = everything(&format!("{base}/{ty}?_count=10"), &t.access).await;
        let expected = raw
            .iter()
            .filter(|e| e["resource"]["resourceType"] == ty)
            .count();
        assert_eq!(found.len(), expected, "{ty}");
        seen += found.len();
        for r in &found {
            let text = r.to_string();
            assert!(!text.contains("urn:uuid:"), "{text}");
            assert_eq!(r["meta"]["versionId"], "1");
            assert!(r["meta"]["lastUpdated"].is_string());
            assert_eq!(
                r["meta"]["tag"][0]["code"], "synthea-8-2017",
                "meta keeps its tag"
            );
            let who = r.get("patient").or_else(|| r.get("subject"));
            if let Some(who) = who {
                assert_eq!(who["reference"], me.as_str(), "{ty}");
            }
            if let Some(enc) = r["encounter"]["reference"].as_str() {
                assert!(enc.starts_with("Encounter/"));
                let read = get(&format!("{base}/{enc}"), Some(&t.access)).await;
                assert_eq!(read.status, StatusCode::OK, "{enc}");
            }
            let id = r["id"].as_str().unwrap();
            let read = get(&format!("{base}/{ty}/{id}"), Some(&t.access)).await;
            assert_eq!(read.json(), *r);
        }
    }
    assert_eq!(seen, raw.len());
    // Otherwise as in the file: the same elements, in the same order.
    let obs = raw
        .iter()
        .find(|e| e["resource"]["resourceType"] == "Observation")
        .unwrap();
    let id = obs["resource"]["id"].as_str().unwrap();
    let served = get(&format!("{base}/Observation/{id}"), Some(&t.access)).await;
    let text = String::from_utf8(served.bytes.clone()).unwrap();
    let mut expected = obs["resource"].clone();
    expected["subject"]["reference"] = Value::String(me.clone());
    let enc = expected["encounter"]["reference"]
        .as_str()
        .unwrap()
        .replace("urn:uuid:", "Encounter/");
    expected["encounter"]["reference"] = Value::String(enc);
    let mut got = served.json();
    got["meta"].as_object_mut().unwrap().remove("versionId");
    got["meta"].as_object_mut().unwrap().remove("lastUpdated");
    assert_eq!(got, expected);
    let at = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
    assert!(at("id") < at("status") && at("status") < at("category") && at("code") < at("subject"));
    assert!(
        at("effectiveDateTime") < at("valueQuantity") && at("valueQuantity") < at("resourceType")
    );
}

#[tokio::test]
async fn file_records_are_searched_like_synthetic_ones_and_not_served_on_r4() {
    let (Some(a), Some(b)) = (
        fixture("Krajcik_Carey_77.json"),
        fixture("Shields_Maryam_63.json"),
    ) else {
        return;
    };
    let raw = file_entries(&b);
    let portal = start(PortalConfig::with_users(vec![
        PortalUser::new("demo", "demo-pass", 1, 60),
        PortalUser::from_dstu2_bundle("carey", "carey-pass", a),
        PortalUser::from_dstu2_bundle("maryam", "maryam-pass", b),
    ]))
    .await;
    let base = portal.fhir_base_dstu2();
    let t = connect_as(&base, "maryam", "maryam-pass", V1).await;
    let pid = t.patient.clone().unwrap();
    let obs = |e: &&Value| e["resource"]["resourceType"] == "Observation";
    let vitals = raw
        .iter()
        .filter(obs)
        .filter(|e| e["resource"]["category"]["coding"][0]["code"] == "vital-signs")
        .count();
    assert!(vitals > 0);
    let url = format!("{base}/Observation?patient={pid}&category=vital-signs&_count=20");
    let found = everything(&url, &t.access).await;
    assert_eq!(found.len(), vitals);
    assert!(found.iter().all(|o| o["category"].is_object()));
    let since_2015 = raw
        .iter()
        .filter(obs)
        .filter(|e| e["resource"]["effectiveDateTime"].as_str().unwrap() >= "2015")
        .count();
    let found = everything(
        &format!("{base}/Observation?date=ge2015-01-01&_count=50"),
        &t.access,
    )
    .await;
    assert_eq!(found.len(), since_2015);
    let goals = everything(&format!("{base}/Goal?patient={pid}"), &t.access).await;
    assert_eq!(goals.len(), 5);
    let gid = goals[0]["id"].as_str().unwrap();
    let by_id = get(&format!("{base}/Goal?_id={gid}"), Some(&t.access))
        .await
        .json();
    assert_eq!(entries(&by_id).len(), 1);
    assert_eq!(
        entries(
            &get(
                &format!("{base}/Observation?_lastUpdated=ge2018-01-01"),
                Some(&t.access)
            )
            .await
            .json()
        )
        .len(),
        0,
        "file resources were last updated in 2017"
    );
    // Another file patient's resources stay theirs.
    let carey = portal.patient_id("carey").unwrap();
    let f = get(
        &format!("{base}/Condition?patient={carey}"),
        Some(&t.access),
    )
    .await;
    assert_eq!(f.status, StatusCode::FORBIDDEN);
    // The R4 base serves nothing of a DSTU2-only record.
    let r4 = portal.fhir_base_r4();
    let t4 = connect_as(&r4, "maryam", "maryam-pass", SCOPE).await;
    let f = get(&format!("{r4}/Patient"), Some(&t4.access)).await.json();
    assert!(entries(&f).is_empty());
    let f = get(&format!("{r4}/Patient/{pid}"), Some(&t4.access)).await;
    assert_eq!(f.status, StatusCode::NOT_FOUND);
    // Revisions work on file records too.
    let revised = portal.revise("maryam", 3);
    assert_eq!(revised.len(), 3);
    for (ty, id) in revised {
        let name = if ty == "MedicationRequest" {
            "MedicationOrder"
        } else {
            ty.as_str()
        };
        let r = get(&format!("{base}/{name}/{id}"), Some(&t.access))
            .await
            .json();
        assert_eq!(r["meta"]["versionId"], "2");
        assert_eq!(r["meta"]["tag"][0]["code"], "synthea-8-2017");
    }
    assert!(portal.add_resources("maryam", 1).is_err());
}
