#![allow(clippy::unwrap_used, clippy::expect_used)]
use serde_json::{json, Value};

use super::*;

fn s(v: Value, c: Category) -> RecordSummary {
    let direct = summarize(&v, c);
    // The write path's slim parse must give exactly what the full parse gives.
    let raw = summarize_raw(&v.to_string(), c);
    assert_eq!(direct, raw, "slim and full parse disagree for {v}");
    direct
}

#[test]
fn a_lab_reads_name_value_and_flag() {
    let r = s(
        json!({"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4", "display": "Hemoglobin A1c"}]},
            "valueQuantity": {"value": 6.1, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"},
            "interpretation": [{"coding": [{"code": "H"}]}],
            "text": {"status": "generated", "div": "<div>ignored</div>"}}),
        Category::Labs,
    );
    assert_eq!(r.summary, "Hemoglobin A1c 6.1 % (high)");
    assert_eq!(r.flag, Some(Flag::High));
    assert_eq!(r.status.as_deref(), Some("final"));
    assert_eq!(r.codes, "4548-4");
    assert_eq!(r.values.len(), 1);
    assert_eq!(r.values[0].value, 6.1);
}

#[test]
fn a_normal_result_does_not_say_so_and_other_observations_do_not_chart() {
    let obs = json!({"resourceType": "Observation",
        "code": {"text": "Glucose"}, "valueQuantity": {"value": 90, "unit": "mg/dL"},
        "referenceRange": [{"low": {"value": 70}, "high": {"value": 99}}]});
    let r = s(obs.clone(), Category::Labs);
    assert_eq!(r.summary, "Glucose 90 mg/dL");
    assert_eq!(r.flag, Some(Flag::Normal));
    assert_eq!(s(obs, Category::Other).values.len(), 0);
}

#[test]
fn medications_read_like_a_label() {
    let r = s(
        json!({"resourceType": "MedicationRequest", "status": "active",
            "medicationCodeableConcept": {"text": "Amoxicillin 500 mg capsule"},
            "dosageInstruction": [{"timing": {"repeat": {"frequency": 3, "period": 1, "periodUnit": "d"}}}]}),
        Category::MedicationRequest,
    );
    assert_eq!(r.summary, "Amoxicillin 500 mg capsule, 3×/day");
    assert_eq!(r.status.as_deref(), Some("active"));
    let r = s(
        json!({"resourceType": "MedicationStatement", "medicationReference": {"reference": "Medication/1"}}),
        Category::MedicationStatement,
    );
    assert_eq!(r.summary, "Medication");
}

#[test]
fn every_category_has_its_line() {
    let cases = [
        (
            json!({"resourceType": "Immunization", "status": "completed", "vaccineCode": {"text": "Influenza vaccine"}}),
            Category::Immunization,
            "Influenza vaccine",
        ),
        (
            json!({"resourceType": "Immunization", "status": "not-done", "vaccineCode": {"text": "Td"}}),
            Category::Immunization,
            "Td (not given)",
        ),
        (
            json!({"resourceType": "AllergyIntolerance", "criticality": "high", "code": {"text": "Penicillin"},
            "reaction": [{"manifestation": [{"text": "Hives"}, {"text": "Rash"}]}]}),
            Category::AllergyIntolerance,
            "Penicillin — hives, rash (high criticality)",
        ),
        (
            json!({"resourceType": "Condition", "clinicalStatus": {"coding": [{"code": "active"}]}, "code": {"text": "Diabetes"}}),
            Category::Condition,
            "Diabetes",
        ),
        (
            json!({"resourceType": "Procedure", "code": {"coding": [{"display": "Appendectomy"}]}}),
            Category::Procedure,
            "Appendectomy",
        ),
        (
            json!({"resourceType": "DiagnosticReport", "code": {"text": "Lipid panel"}, "result": [{"reference": "Observation/1"}, {"reference": "Observation/2"}]}),
            Category::DiagnosticReport,
            "Lipid panel (2 results)",
        ),
        (
            json!({"resourceType": "FamilyMemberHistory", "relationship": {"text": "Mother"}, "condition": [{"code": {"text": "Breast cancer"}}]}),
            Category::FamilyMemberHistory,
            "Mother: Breast cancer",
        ),
        (
            json!({"resourceType": "DocumentReference", "type": {"text": "Discharge summary"}}),
            Category::DocumentReference,
            "Discharge summary",
        ),
        (
            json!({"resourceType": "CareTeam", "name": "Diabetes team"}),
            Category::CareTeam,
            "Diabetes team",
        ),
        (
            json!({"resourceType": "CarePlan", "category": [{"text": "Assessment and plan"}, {"text": "Diet"}]}),
            Category::CarePlan,
            "Assessment and plan, Diet",
        ),
        (
            json!({"resourceType": "ExplanationOfBenefit", "type": {"text": "Professional"}, "provider": {"display": "Clinic"},
            "total": [{"category": {"coding": [{"code": "submitted"}]}, "amount": {"value": 120, "currency": "USD"}}]}),
            Category::ExplanationOfBenefit,
            "Professional claim — Clinic, billed $120.00",
        ),
        (
            json!({"resourceType": "Coverage", "payor": [{"display": "Acme Health"}], "type": {"text": "PPO"}}),
            Category::Coverage,
            "Acme Health (PPO)",
        ),
        (
            json!({"resourceType": "Patient", "name": [{"given": ["Zoë"], "family": "Ñúñez"}], "birthDate": "1980-02-03"}),
            Category::Patient,
            "Zoë Ñúñez, born 1980-02-03",
        ),
        (
            json!({"resourceType": "Encounter", "class": {"code": "AMB"}, "type": [{"text": "Check up"}]}),
            Category::Other,
            "Visit: Check up",
        ),
        (
            json!({"resourceType": "Organization", "name": "Clinic"}),
            Category::Other,
            "Clinic",
        ),
        (
            json!({"resourceType": "Binary", "contentType": "application/pdf", "data": "JVBERi0="}),
            Category::Other,
            "Attachment (application/pdf)",
        ),
        (
            json!({"resourceType": "Goal", "description": {"text": "Lose weight"}}),
            Category::Other,
            "Goal",
        ),
        (
            json!({"resourceType": "Observation", "code": {"text": "Blood pressure"}, "component": [
            {"code": {"coding": [{"code": "8480-6"}]}, "valueQuantity": {"value": 120, "unit": "mmHg"}},
            {"code": {"coding": [{"code": "8462-4"}]}, "valueQuantity": {"value": 80, "unit": "mmHg"}}]}),
            Category::Vitals,
            "Blood pressure 120/80 mmHg",
        ),
    ];
    for (v, c, want) in cases {
        assert_eq!(s(v, c).summary, want);
    }
}

#[test]
fn missing_fields_still_give_a_line() {
    for (ty, c) in [
        ("Observation", Category::Labs),
        ("Condition", Category::Condition),
        ("MedicationRequest", Category::MedicationRequest),
        ("Patient", Category::Patient),
        ("Immunization", Category::Immunization),
        ("ExplanationOfBenefit", Category::ExplanationOfBenefit),
        ("Basic", Category::Other),
    ] {
        let r = s(json!({"resourceType": ty}), c);
        assert!(!r.summary.is_empty(), "{ty}");
    }
    assert_eq!(
        s(json!({"resourceType": "Observation"}), Category::Labs).summary,
        "Lab result"
    );
    assert_eq!(
        summarize_raw("not json", Category::Other).summary,
        "Unreadable record"
    );
}

#[test]
fn summaries_are_one_line_and_search_words_include_codes_and_other_names() {
    let r = s(
        json!({"resourceType": "Condition", "clinicalStatus": {"coding": [{"code": "active"}]},
            "code": {"text": "Type 2\n diabetes", "coding": [
                {"system": "http://snomed.info/sct", "code": "44054006", "display": "Diabetes mellitus type 2"},
                {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E11.9"}]}}),
        Category::Condition,
    );
    assert_eq!(r.summary, "Type 2 diabetes");
    assert!(r.search_text.contains("Diabetes mellitus type 2"));
    assert_eq!(r.codes, "44054006\nE11.9");
    assert_eq!(r.status.as_deref(), Some("active"));
}
