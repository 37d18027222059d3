#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};

use super::convert;

fn dstu2_of_record(n: usize) -> Vec<(String, Value)> {
    ownchart_synth::Generator::new(7)
        .resources(n)
        .filter_map(|bytes| {
            let r4: Value = serde_json::from_slice(&bytes).unwrap();
            let t = r4["resourceType"].as_str().unwrap().to_owned();
            convert(&t, &r4).map(|d| (t, d))
        })
        .collect()
}

fn is_one_of(v: &Value, allowed: &[&str]) -> bool {
    v.as_str().is_some_and(|s| allowed.contains(&s))
}

#[test]
fn every_converted_resource_has_the_dstu2_shape_of_its_type() {
    let converted = dstu2_of_record(600);
    assert!(converted.len() > 500);
    for (r4_type, d) in &converted {
        assert!(d.get("id").is_some());
        assert!(d["meta"].get("profile").is_none());
        match r4_type.as_str() {
            "Patient" => {
                assert!(d["name"][0]["family"].is_array());
                assert!(d.get("generalPractitioner").is_none());
                assert!(d.get("careProvider").is_some());
            }
            "Practitioner" => assert!(d["name"]["family"].is_array()),
            "Condition" => {
                assert!(d.get("subject").is_none() && d["patient"].is_object());
                assert!(d["category"].is_object());
                assert!(is_one_of(
                    &d["verificationStatus"],
                    &[
                        "provisional",
                        "differential",
                        "confirmed",
                        "refuted",
                        "entered-in-error",
                        "unknown"
                    ]
                ));
                if let Some(c) = d.get("clinicalStatus") {
                    assert!(is_one_of(
                        c,
                        &["active", "relapse", "remission", "resolved"]
                    ));
                }
                assert!(d.get("onsetAge").is_none() && d.get("recordedDate").is_none());
            }
            "AllergyIntolerance" => {
                assert!(d.get("code").is_none() && d["substance"].is_object());
                assert!(d["status"].is_string());
                if let Some(c) = d.get("criticality") {
                    assert!(is_one_of(c, &["CRITL", "CRITH", "CRITU"]));
                }
                assert!(d.get("clinicalStatus").is_none());
            }
            "Observation" => {
                assert!(d["category"].is_object() || d.get("category").is_none());
                assert!(d.get("valueInteger").is_none() && d.get("note").is_none());
                assert!(is_one_of(
                    &d["status"],
                    &[
                        "registered",
                        "preliminary",
                        "final",
                        "amended",
                        "cancelled",
                        "entered-in-error",
                        "unknown"
                    ]
                ));
            }
            "DiagnosticReport" => {
                assert!(d["category"].is_object());
                assert!(d["issued"].is_string());
                assert!(!is_one_of(&d["status"], &["preliminary", "amended"]));
            }
            "Immunization" => {
                assert!(d["wasNotGiven"].is_boolean() && d["reported"].is_boolean());
                assert!(d.get("occurrenceDateTime").is_none());
                assert!(d.get("primarySource").is_none());
            }
            "MedicationRequest" => {
                assert_eq!(d["resourceType"], "MedicationOrder");
                assert!(d["dateWritten"].is_string() && d["patient"].is_object());
                assert!(d["dosageInstruction"][0].get("doseAndRate").is_none());
            }
            "MedicationStatement" => {
                assert!(is_one_of(
                    &d["status"],
                    &["active", "completed", "entered-in-error", "intended"]
                ));
                assert!(d["patient"].is_object());
            }
            "Encounter" => {
                assert!(d["class"].is_string() && d["patient"].is_object());
                assert!(d.get("reasonCode").is_none());
            }
            "Procedure" => assert!(is_one_of(
                &d["status"],
                &["in-progress", "aborted", "completed", "entered-in-error"]
            )),
            "DocumentReference" => {
                assert!(d["indexed"].is_string());
                if let Some(f) = d["content"][0].get("format") {
                    assert!(f.is_array());
                }
            }
            "CarePlan" => {
                assert!(d.get("intent").is_none());
                for a in d["activity"].as_array().into_iter().flatten() {
                    assert!(a["detail"]["prohibited"].is_boolean());
                }
            }
            "FamilyMemberHistory" => assert!(d.get("sex").is_none()),
            "Coverage" => assert!(d.get("beneficiary").is_none() && d["subscriber"].is_object()),
            _ => {}
        }
    }
}

#[test]
fn r4_only_types_have_no_dstu2_form() {
    assert!(convert("CareTeam", &json!({"resourceType": "CareTeam"})).is_none());
    assert!(convert("ExplanationOfBenefit", &json!({})).is_none());
}

#[test]
fn a_not_given_immunization_says_so_in_dstu2_terms() {
    let r4 = json!({"resourceType":"Immunization","id":"i","status":"not-done",
        "statusReason":{"coding":[{"code":"PATOBJ"}]},"primarySource":false,
        "occurrenceDateTime":"2020-01-02","vaccineCode":{"text":"flu"},
        "patient":{"reference":"Patient/p"},"performer":[{"actor":{"reference":"Practitioner/x"}}]});
    let d = convert("Immunization", &r4).unwrap();
    assert_eq!(d["wasNotGiven"], true);
    assert_eq!(d["reported"], true);
    assert_eq!(d["date"], "2020-01-02");
    assert_eq!(d["performer"]["reference"], "Practitioner/x");
    assert_eq!(
        d["explanation"]["reasonNotGiven"][0]["coding"][0]["code"],
        "PATOBJ"
    );
}

#[test]
fn a_medication_request_becomes_a_medication_order() {
    let r4 = json!({"resourceType":"MedicationRequest","id":"m","status":"cancelled",
        "authoredOn":"2019-05-01","subject":{"reference":"Patient/p"},
        "requester":{"reference":"Practitioner/d"},
        "reasonCode":[{"text":"a"},{"text":"b"}],"note":[{"text":"one"},{"text":"two"}],
        "dosageInstruction":[{"text":"daily","timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"d"}},
            "doseAndRate":[{"doseQuantity":{"value":1,"unit":"tablet"}}]}],
        "substitution":{"allowedBoolean":false}});
    let d = convert("MedicationRequest", &r4).unwrap();
    assert_eq!(d["resourceType"], "MedicationOrder");
    assert_eq!(d["status"], "stopped");
    assert_eq!(d["dateWritten"], "2019-05-01");
    assert_eq!(d["prescriber"]["reference"], "Practitioner/d");
    assert_eq!(d["reasonCodeableConcept"]["text"], "a");
    assert_eq!(d["note"], "one\n\ntwo");
    let dose = &d["dosageInstruction"][0];
    assert_eq!(dose["doseQuantity"]["value"], 1);
    assert_eq!(dose["timing"]["repeat"]["periodUnits"], "d");
    assert_eq!(d["substitution"]["type"]["coding"][0]["code"], "N");
}
