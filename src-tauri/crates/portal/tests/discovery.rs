//! Discovery: SMART configuration and metadata on both bases, without a token.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::Value;

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn smart_configuration_advertises_smart_v2_without_openid() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let f = get(&format!("{base}/.well-known/smart-configuration"), None).await;
    assert_eq!(f.status, StatusCode::OK);
    let c = f.json();
    assert_eq!(c["issuer"], base.as_str());
    assert_eq!(c["authorization_endpoint"], format!("{base}/authorize"));
    assert_eq!(c["token_endpoint"], format!("{base}/token"));
    assert_eq!(c["revocation_endpoint"], format!("{base}/revoke"));
    assert_eq!(
        strings(&c["grant_types_supported"]),
        ["authorization_code", "refresh_token", "client_credentials"]
    );
    let auth = strings(&c["token_endpoint_auth_methods_supported"]);
    assert!(
        auth.contains(&"client_secret_basic".into()) && auth.contains(&"client_secret_post".into())
    );
    let scopes = strings(&c["scopes_supported"]);
    for s in [
        "patient/*.rs",
        "patient/Observation.rs",
        "patient/*.read",
        "launch/patient",
        "offline_access",
    ] {
        assert!(scopes.contains(&s.to_owned()), "{s}");
    }
    assert!(!scopes.iter().any(|s| s == "openid" || s == "fhirUser"));
    assert_eq!(strings(&c["response_types_supported"]), ["code"]);
    assert_eq!(strings(&c["code_challenge_methods_supported"]), ["S256"]);
    assert_eq!(c["authorization_response_iss_parameter_supported"], true);
    let caps = strings(&c["capabilities"]);
    for cap in [
        "launch-standalone",
        "client-public",
        "client-confidential-symmetric",
        "context-standalone-patient",
        "permission-offline",
        "permission-patient",
        "permission-v2",
        "permission-v1",
    ] {
        assert!(caps.contains(&cap.to_owned()), "{cap}");
    }
    assert!(!caps
        .iter()
        .any(|c| c.contains("openid") || c.contains("sso")));
    assert!(c.get("jwks_uri").is_none());
    assert_eq!(portal.stats().discovery_requests, 1);
}

#[tokio::test]
async fn dstu2_configuration_offers_v1_scopes_only() {
    let portal = start(config()).await;
    let base = portal.fhir_base_dstu2();
    let c = get(&format!("{base}/.well-known/smart-configuration"), None)
        .await
        .json();
    assert_eq!(c["issuer"], base.as_str());
    let scopes = strings(&c["scopes_supported"]);
    assert!(scopes.contains(&"patient/*.read".to_owned()));
    assert!(scopes.contains(&"patient/MedicationOrder.read".to_owned()));
    assert!(!scopes
        .iter()
        .any(|s| s.ends_with(".rs") || s.contains("MedicationRequest")));
    let caps = strings(&c["capabilities"]);
    assert!(!caps.contains(&"permission-v2".to_owned()));
    assert!(caps.contains(&"permission-v1".to_owned()));
}

#[tokio::test]
async fn metadata_is_a_capability_statement_with_the_oauth_uris() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let f = get(&format!("{base}/metadata"), None).await;
    assert_eq!(f.status, StatusCode::OK);
    assert!(f.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/fhir+json"));
    let m = f.json();
    assert_eq!(m["resourceType"], "CapabilityStatement");
    assert_eq!(m["fhirVersion"], "4.0.1");
    assert_eq!(m["software"]["name"], "Ownchart Demo Portal");
    let rest = &m["rest"][0];
    let oauth = &rest["security"]["extension"][0];
    assert_eq!(
        oauth["url"],
        "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
    );
    let uri = |name: &str| {
        oauth["extension"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["url"] == name)
            .map(|e| e["valueUri"].as_str().unwrap().to_owned())
    };
    assert_eq!(uri("authorize"), Some(format!("{base}/authorize")));
    assert_eq!(uri("token"), Some(format!("{base}/token")));
    let types: Vec<&str> = rest["resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    for t in [
        "Patient",
        "Immunization",
        "AllergyIntolerance",
        "MedicationRequest",
        "MedicationStatement",
        "Observation",
        "DiagnosticReport",
        "Condition",
        "Procedure",
        "FamilyMemberHistory",
        "DocumentReference",
        "CareTeam",
        "CarePlan",
        "ExplanationOfBenefit",
        "Coverage",
        "Encounter",
        "Practitioner",
        "Organization",
        "Medication",
    ] {
        assert!(types.contains(&t), "{t}");
    }
}

#[tokio::test]
async fn dstu2_metadata_is_a_conformance_in_fhir_1_0_2() {
    let portal = start(config()).await;
    let f = get(&format!("{}/metadata", portal.fhir_base_dstu2()), None).await;
    assert!(f.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json+fhir"));
    let m = f.json();
    assert_eq!(m["resourceType"], "Conformance");
    assert_eq!(m["fhirVersion"], "1.0.2");
    let types: Vec<&str> = m["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"MedicationOrder"));
    assert!(!types.contains(&"MedicationRequest") && !types.contains(&"CareTeam"));
}
