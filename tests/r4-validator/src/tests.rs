//! The check on single resources: R4 passes, DSTU2 shapes and broken input fail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};

use super::{check, diff::first_difference, inputs::Item, Failure};

fn item(bytes: &[u8]) -> Item {
    Item {
        place: "here".into(),
        bytes: bytes.to_vec(),
    }
}

fn check_json(value: &Value) -> Option<Failure> {
    check(&item(&serde_json::to_vec(value).unwrap()))
}

#[test]
fn a_valid_r4_observation_passes() {
    // Read from the file, so the decimal `72.50` keeps its written precision.
    let bytes = include_bytes!("../tests/fixtures/valid/observation.json");
    assert_eq!(check(&item(bytes)), None);
}

#[test]
fn a_dstu2_medication_order_fails() {
    let failure = check(&item(include_bytes!(
        "../tests/fixtures/invalid/dstu2-medication-order.json"
    )))
    .unwrap();
    assert_eq!(failure.place, "here");
    assert_eq!(failure.resource, "MedicationOrder/mo1");
    assert!(failure.reason.starts_with("not R4"), "{failure}");
}

#[test]
fn an_observation_with_a_single_category_object_fails() {
    let failure = check(&item(include_bytes!(
        "../tests/fixtures/invalid/observation-single-category.json"
    )))
    .unwrap();
    assert_eq!(failure.resource, "Observation/o1");
    assert!(failure.reason.contains("category"), "{failure}");
    // The same resource with the R4 list passes.
    let mut fixed: Value = serde_json::from_slice(include_bytes!(
        "../tests/fixtures/invalid/observation-single-category.json"
    ))
    .unwrap();
    fixed["category"] = json!([fixed["category"].take()]);
    assert_eq!(check_json(&fixed), None);
}

#[test]
fn a_condition_with_a_string_clinical_status_fails() {
    let failure = check(&item(include_bytes!(
        "../tests/fixtures/invalid/condition-string-status.json"
    )))
    .unwrap();
    assert_eq!(failure.resource, "Condition/c1");
    let fixed = json!({"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]}});
    assert_eq!(check_json(&fixed), None);
}

#[test]
fn missing_required_unknown_elements_and_broken_input_fail() {
    let no_code = json!({"resourceType": "Observation", "id": "o2", "status": "final"});
    assert!(check_json(&no_code).is_some());
    let extra = json!({"resourceType": "Patient", "id": "p", "madeUp": 1});
    assert!(check_json(&extra).is_some());
    let not_a_resource = json!({"id": "x"});
    assert_eq!(check_json(&not_a_resource).unwrap().resource, "?/x");
    let broken = check(&item(b"{\"resourceType\": \n")).unwrap();
    assert_eq!(broken.resource, "?");
    assert!(broken.reason.starts_with("not JSON"));
    assert!(!broken.reason.contains('\n'));
}

#[test]
fn differences_name_the_first_differing_element() {
    let ours = json!({"a": {"b": [1, {"c": "x"}]}, "d": 1});
    assert_eq!(first_difference(&ours, &ours.clone()), None);
    let theirs = json!({"a": {"b": [1, {"c": "y"}]}, "d": 1});
    assert_eq!(
        first_difference(&ours, &theirs).unwrap(),
        r#"a.b[1].c is "x" but comes back as "y""#
    );
    let dropped = json!({"a": {"b": [1, {"c": "x"}]}});
    assert_eq!(
        first_difference(&ours, &dropped).unwrap(),
        "d is dropped (1)"
    );
    assert_eq!(first_difference(&dropped, &ours).unwrap(), "d is added (1)");
    let long = json!("é".repeat(200));
    let shown = first_difference(&long, &json!(1)).unwrap();
    assert!(shown.starts_with("the resource is \"é"));
    assert!(shown.contains('…'));
}
