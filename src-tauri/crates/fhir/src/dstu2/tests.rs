//! DSTU2 → R4 tests: hand-written DSTU2 inputs per type and the public Synthea DSTU2
//! bundles. Besides the structural assertions, every output is checked by an
//! independent R4 model: the `r4-validate` binary from `tests/r4-validator` (fhirbolt in
//! strict mode, written back and compared), named by `OWNCHART_R4_VALIDATOR`. It is a
//! separate Cargo workspace so that fhirbolt's serde_json features never reach the app.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use super::{r4_type_name, to_r4, Converted, Dstu2Error};

/// The variable CI sets to the absolute path of the built `r4-validate`.
const VALIDATOR: &str = "OWNCHART_R4_VALIDATOR";

/// What the validator said about some files: its exit code and its report.
struct Verdict {
    code: Option<i32>,
    report: String,
}

/// Runs the validator on `paths`; `None` (with a note) when no validator is named, so
/// that only this check is skipped. A named validator that cannot run is a failure.
fn validate(paths: &[&Path]) -> Option<Verdict> {
    let Some(validator) = std::env::var_os(VALIDATOR).map(PathBuf::from) else {
        println!(
            "note: R4 validation skipped, {VALIDATOR} is not set (build it with \
             cargo build --release --manifest-path tests/r4-validator/Cargo.toml)"
        );
        return None;
    };
    let output = Command::new(&validator)
        .args(paths)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", validator.display()));
    let report = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    Some(Verdict {
        code: output.status.code(),
        report,
    })
}

/// Writes each `(file name, content)` into a fresh temp dir and validates the dir,
/// which must hold exactly `resources` resources, all valid R4.
fn assert_valid_r4(files: &[(String, Vec<u8>)], resources: usize) {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    let Some(verdict) = validate(&[dir.path()]) else {
        return;
    };
    let files: Vec<_> = files
        .iter()
        .map(|(name, content)| format!("{name}: {}", String::from_utf8_lossy(content)))
        .collect();
    assert_eq!(
        verdict.code,
        Some(0),
        "not valid R4:\n{}\n{}",
        verdict.report,
        files.join("\n")
    );
    assert!(
        verdict
            .report
            .ends_with(&format!("checked {resources} resources, 0 invalid\n")),
        "{}",
        verdict.report
    );
}

/// Converts, checks the result is valid R4, and returns it parsed with its notes.
fn convert(dstu2: Value) -> (Value, Converted) {
    let converted = to_r4(&serde_json::to_vec(&dstu2).unwrap()).unwrap();
    let r4: Value = serde_json::from_slice(&converted.r4).unwrap();
    assert_valid_r4(&[("resource.json".to_owned(), converted.r4.clone())], 1);
    assert_eq!(r4["resourceType"], converted.resource_type.as_str());
    assert!(r4["id"].is_string(), "every output has an id");
    (r4, converted)
}

fn has_note(c: &Converted, path: &str) -> bool {
    c.notes.iter().any(|n| n.starts_with(path))
}

/// The validator is only worth running if it tells DSTU2 from R4: these are the
/// shapes the conversion exists to fix, and one R4 resource it must accept.
#[test]
fn the_validator_rejects_dstu2_shapes() {
    let order = json!({"resourceType": "MedicationOrder", "id": "m1", "status": "active",
        "patient": {"reference": "Patient/p"}, "medicationCodeableConcept": {"text": "x"}});
    let observation = json!({"resourceType": "Observation", "id": "o1", "status": "final",
        "code": {"text": "Weight"},
        "category": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}});
    let condition = json!({"resourceType": "Condition", "id": "c1",
        "subject": {"reference": "Patient/p"}, "clinicalStatus": "active"});
    let missing_required = json!({"resourceType": "Observation", "id": "o2", "status": "final"});
    let fixed = json!({"resourceType": "Observation", "id": "ok", "status": "final",
        "code": {"text": "Weight"},
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}]});

    let dir = tempfile::tempdir().unwrap();
    let order_file = dir.path().join("order.json");
    std::fs::write(&order_file, serde_json::to_vec(&order).unwrap()).unwrap();
    let Some(verdict) = validate(&[&order_file]) else {
        return;
    };
    assert_eq!(verdict.code, Some(1), "{}", verdict.report);
    assert!(
        verdict.report.contains("MedicationOrder/m1: "),
        "{}",
        verdict.report
    );
    assert!(verdict.report.ends_with("checked 1 resources, 1 invalid\n"));

    let lines: Vec<String> = [observation, condition, missing_required, fixed]
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect();
    let ndjson = dir.path().join("shapes.ndjson");
    std::fs::write(&ndjson, lines.join("\n")).unwrap();
    let verdict = validate(&[&ndjson]).unwrap();
    assert_eq!(verdict.code, Some(1), "{}", verdict.report);
    for failing in [
        "#1: Observation/o1: ",
        "#2: Condition/c1: ",
        "#3: Observation/o2: ",
    ] {
        assert!(
            verdict.report.contains(failing),
            "{failing}: {}",
            verdict.report
        );
    }
    assert!(
        !verdict.report.contains("Observation/ok"),
        "{}",
        verdict.report
    );
    assert!(verdict.report.ends_with("checked 4 resources, 3 invalid\n"));
}

#[test]
fn patient_names_links_profiles_and_unicode() {
    let (r4, c) = convert(json!({
        "resourceType": "Patient", "id": "p1",
        "meta": {"versionId": "3", "lastUpdated": "2016-01-02T03:04:05Z",
                 "profile": ["http://fhir.org/guides/argonaut/StructureDefinition/argo-patient"]},
        "text": {"status": "generated", "div": "<div>Zoë Ångström-李</div>"},
        "name": [{"use": "official", "family": ["Ångström", "李"], "given": ["Zoë"]}],
        "gender": "female", "birthDate": "1970-01-01", "deceasedDateTime": "2020-02-02",
        "maritalStatus": {"coding": [{"system": "http://hl7.org/fhir/v3/MaritalStatus", "code": "M"}]},
        "careProvider": [{"reference": "Practitioner/dr"}],
        "contact": [{"name": {"family": ["Müller"], "given": ["Jörg"]}}],
        "link": [{"other": {"reference": "Patient/old"}, "type": "replace"}],
        "animal": {"species": {"text": "dog"}}
    }));
    assert_eq!(r4["name"][0]["family"], "Ångström 李");
    assert_eq!(r4["name"][0]["given"][0], "Zoë");
    assert_eq!(r4["contact"][0]["name"]["family"], "Müller");
    assert_eq!(r4["generalPractitioner"][0]["reference"], "Practitioner/dr");
    assert_eq!(r4["link"][0]["type"], "replaced-by");
    assert_eq!(r4["text"]["div"], "<div>Zoë Ångström-李</div>");
    assert_eq!(r4["meta"]["versionId"], "3");
    assert_eq!(r4["meta"]["lastUpdated"], "2016-01-02T03:04:05Z");
    assert!(r4["meta"].get("profile").is_none());
    assert_eq!(
        r4["maritalStatus"]["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus"
    );
    assert!(has_note(&c, "Patient.meta.profile"));
    assert!(has_note(&c, "Patient.animal"));
    assert_eq!(c.notes.len(), 2, "{:?}", c.notes);
}

#[test]
fn a_minimal_resource_maps_completely() {
    let (r4, c) = convert(json!({"resourceType": "Patient", "id": "only"}));
    assert_eq!(r4, json!({"resourceType": "Patient", "id": "only"}));
    assert!(c.notes.is_empty());
}

#[test]
fn allergy_status_splits_into_clinical_and_verification() {
    let (r4, c) = convert(json!({
        "resourceType": "AllergyIntolerance", "id": "a1",
        "patient": {"reference": "Patient/p1"},
        "substance": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "7980", "display": "Penicillin G"}]},
        "status": "confirmed", "criticality": "CRITH", "type": "allergy",
        "category": "medication", "onset": "2004", "reporter": {"reference": "Patient/p1"},
        "note": {"text": "Rash über den Armen"},
        "reaction": [{"certainty": "likely", "manifestation": [{"text": "Hives"}], "severity": "moderate",
                      "note": {"text": "n"}}]
    }));
    assert_eq!(r4["code"]["coding"][0]["code"], "7980");
    assert_eq!(r4["clinicalStatus"]["coding"][0]["code"], "active");
    assert_eq!(
        r4["clinicalStatus"]["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
    );
    assert_eq!(r4["verificationStatus"]["coding"][0]["code"], "confirmed");
    assert_eq!(r4["criticality"], "high");
    assert_eq!(r4["category"], json!(["medication"]));
    assert_eq!(r4["onsetDateTime"], "2004");
    assert_eq!(r4["asserter"]["reference"], "Patient/p1");
    assert_eq!(r4["note"][0]["text"], "Rash über den Armen");
    assert_eq!(r4["reaction"][0]["note"][0]["text"], "n");
    assert!(has_note(&c, "AllergyIntolerance.reaction[0].certainty"));
    assert!(c.notes.iter().all(|n| !n.contains("likely")));

    let (r4, c) = convert(json!({"resourceType": "AllergyIntolerance", "id": "a2",
        "patient": {"reference": "Patient/p1"}, "substance": {"text": "Peanut"},
        "status": "refuted", "category": "other"}));
    assert_eq!(r4["verificationStatus"]["coding"][0]["code"], "refuted");
    assert_eq!(r4["clinicalStatus"]["coding"][0]["code"], "inactive");
    assert!(r4.get("category").is_none());
    assert!(has_note(&c, "AllergyIntolerance.category"));
    assert!(has_note(&c, "AllergyIntolerance.status"));

    let (r4, _) = convert(json!({"resourceType": "AllergyIntolerance", "id": "a3",
        "patient": {"reference": "Patient/p1"}, "substance": {"text": "Dust"},
        "status": "entered-in-error"}));
    assert!(r4.get("clinicalStatus").is_none());
    assert_eq!(
        r4["verificationStatus"]["coding"][0]["code"],
        "entered-in-error"
    );
}

#[test]
fn condition_statuses_become_codeable_concepts() {
    let (r4, c) = convert(json!({
        "resourceType": "Condition", "id": "c1",
        "patient": {"reference": "Patient/p1"}, "encounter": {"reference": "Encounter/e1"},
        "asserter": {"reference": "Practitioner/dr"}, "dateRecorded": "2015-04-01",
        "code": {"text": "Diabète"},
        "category": {"coding": [{"system": "http://hl7.org/fhir/condition-category", "code": "diagnosis"}]},
        "clinicalStatus": "resolved", "verificationStatus": "confirmed",
        "onsetQuantity": {"value": 40, "unit": "a", "system": "http://unitsofmeasure.org", "code": "a"},
        "abatementBoolean": true,
        "evidence": [{"code": {"text": "e"}, "detail": [{"reference": "Observation/o"}]}],
        "stage": {"summary": {"text": "II"}},
        "notes": "Patient reports improvement"
    }));
    assert_eq!(r4["subject"]["reference"], "Patient/p1");
    assert_eq!(r4["recordedDate"], "2015-04-01");
    assert_eq!(r4["clinicalStatus"]["coding"][0]["code"], "resolved");
    assert_eq!(
        r4["clinicalStatus"]["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/condition-clinical"
    );
    assert_eq!(
        r4["verificationStatus"]["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/condition-ver-status"
    );
    assert_eq!(
        r4["category"][0]["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/condition-category"
    );
    assert_eq!(r4["onsetAge"]["value"], 40);
    assert_eq!(r4["stage"][0]["summary"]["text"], "II");
    assert_eq!(r4["evidence"][0]["code"][0]["text"], "e");
    assert_eq!(r4["note"][0]["text"], "Patient reports improvement");
    assert!(has_note(&c, "Condition.abatementBoolean"));

    let (r4, c) = convert(json!({"resourceType": "Condition", "id": "c2",
        "patient": {"reference": "Patient/p1"}, "code": {"text": "x"},
        "verificationStatus": "unknown", "onsetString": "childhood",
        "abatementDateTime": "2001-01-01"}));
    assert!(r4.get("verificationStatus").is_none());
    assert_eq!(r4["onsetString"], "childhood");
    assert_eq!(r4["abatementDateTime"], "2001-01-01");
    assert!(has_note(&c, "Condition.verificationStatus"));
}

#[test]
fn immunization_not_given_and_dates() {
    let (r4, c) = convert(json!({
        "resourceType": "Immunization", "id": "i1", "status": "completed",
        "date": "2013-01-10", "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "140"}]},
        "patient": {"reference": "Patient/p1"}, "wasNotGiven": true, "reported": true,
        "performer": {"reference": "Practitioner/dr"}, "requester": {"reference": "Practitioner/boss"},
        "explanation": {"reasonNotGiven": [{"text": "refused"}, {"text": "second"}]},
        "vaccinationProtocol": [{"doseSequence": 1, "series": "A", "seriesDoses": 2,
            "targetDisease": [{"text": "flu"}], "doseStatus": {"text": "counts"}}],
        "reaction": [{"date": "2013-01-11", "reported": false}]
    }));
    assert_eq!(r4["status"], "not-done");
    assert_eq!(r4["occurrenceDateTime"], "2013-01-10");
    assert_eq!(r4["primarySource"], false);
    assert_eq!(r4["statusReason"]["text"], "refused");
    assert_eq!(r4["performer"][0]["function"]["coding"][0]["code"], "AP");
    assert_eq!(r4["performer"][0]["actor"]["reference"], "Practitioner/dr");
    assert_eq!(r4["performer"][1]["function"]["coding"][0]["code"], "OP");
    assert_eq!(r4["protocolApplied"][0]["doseNumberPositiveInt"], 1);
    assert_eq!(r4["protocolApplied"][0]["seriesDosesPositiveInt"], 2);
    assert!(has_note(&c, "Immunization.explanation.reasonNotGiven[1..]"));
    assert!(has_note(
        &c,
        "Immunization.vaccinationProtocol[0].doseStatus"
    ));

    let (r4, c) = convert(json!({"resourceType": "Immunization", "id": "i2",
        "status": "in-progress", "vaccineCode": {"text": "MMR"}, "patient": {"reference": "Patient/p1"},
        "wasNotGiven": false, "reported": false,
        "explanation": {"reason": [{"text": "travel"}]}}));
    assert_eq!(r4["status"], "completed");
    assert_eq!(r4["primarySource"], true);
    assert_eq!(r4["reasonCode"][0]["text"], "travel");
    assert!(r4.get("occurrenceDateTime").is_none());
    assert_eq!(
        r4["_occurrenceDateTime"]["extension"][0]["valueCode"],
        "unknown"
    );
    assert!(has_note(&c, "Immunization.occurrenceDateTime"));
    assert!(has_note(&c, "Immunization.status"));
}

#[test]
fn medication_order_becomes_a_request() {
    let (r4, c) = convert(json!({
        "resourceType": "MedicationOrder", "id": "mo1",
        "dateWritten": "2016-05-01", "status": "stopped", "dateEnded": "2016-06-01",
        "reasonEnded": {"text": "side effects"},
        "patient": {"reference": "Patient/p1"}, "prescriber": {"reference": "Practitioner/dr"},
        "encounter": {"reference": "Encounter/e1"},
        "reasonCodeableConcept": {"text": "hypertension"},
        "note": "take with food",
        "medicationReference": {"reference": "#med"},
        "contained": [
            {"resourceType": "Medication", "id": "med", "code": {"text": "Lisinopril 10 mg"},
             "isBrand": false,
             "product": {"form": {"text": "tablet"}, "batch": [{"lotNumber": "L1"}],
                         "ingredient": [{"item": {"reference": "Substance/s"}, "amount": {"numerator": {"value": 10}, "denominator": {"value": 1}}}]}},
            {"resourceType": "Order", "id": "o"}
        ],
        "dosageInstruction": [{
            "text": "1 tablet daily", "asNeededBoolean": false,
            "additionalInstructions": {"text": "with water"},
            "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnits": "d", "when": "HS",
                                  "boundsQuantity": {"value": 30, "unit": "d", "system": "http://unitsofmeasure.org", "code": "d"}}},
            "siteCodeableConcept": {"text": "mouth"}, "route": {"text": "oral"},
            "doseQuantity": {"value": 1, "unit": "tablet"},
            "rateRatio": {"numerator": {"value": 1}, "denominator": {"value": 1}}
        }],
        "dispenseRequest": {"numberOfRepeatsAllowed": 3, "quantity": {"value": 30},
                            "medicationCodeableConcept": {"text": "x"}},
        "substitution": {"type": {"coding": [{"system": "http://hl7.org/fhir/v3/ActCode", "code": "N"}]}},
        "priorPrescription": {"reference": "MedicationOrder/mo0"}
    }));
    assert_eq!(c.resource_type, "MedicationRequest");
    assert_eq!(r4["intent"], "order");
    assert_eq!(r4["status"], "stopped");
    assert_eq!(r4["authoredOn"], "2016-05-01");
    assert_eq!(r4["subject"]["reference"], "Patient/p1");
    assert_eq!(r4["requester"]["reference"], "Practitioner/dr");
    assert_eq!(r4["statusReason"]["text"], "side effects");
    assert_eq!(r4["reasonCode"][0]["text"], "hypertension");
    assert_eq!(r4["note"][0]["text"], "take with food");
    assert_eq!(
        r4["priorPrescription"]["reference"],
        "MedicationRequest/mo0"
    );
    assert_eq!(r4["medicationReference"]["reference"], "#med");
    let d = &r4["dosageInstruction"][0];
    assert_eq!(d["asNeededBoolean"], false);
    assert_eq!(d["additionalInstruction"][0]["text"], "with water");
    assert_eq!(d["timing"]["repeat"]["periodUnit"], "d");
    assert_eq!(d["timing"]["repeat"]["when"], json!(["HS"]));
    assert_eq!(d["timing"]["repeat"]["boundsDuration"]["value"], 30);
    assert_eq!(d["site"]["text"], "mouth");
    assert_eq!(d["doseAndRate"][0]["doseQuantity"]["value"], 1);
    assert_eq!(d["doseAndRate"][0]["rateRatio"]["numerator"]["value"], 1);
    assert_eq!(r4["dispenseRequest"]["numberOfRepeatsAllowed"], 3);
    assert_eq!(r4["substitution"]["allowedBoolean"], false);
    let med = &r4["contained"][0];
    assert_eq!(med["resourceType"], "Medication");
    assert_eq!(med["form"]["text"], "tablet");
    assert_eq!(med["batch"]["lotNumber"], "L1");
    assert_eq!(
        med["ingredient"][0]["itemReference"]["reference"],
        "Substance/s"
    );
    assert_eq!(med["ingredient"][0]["strength"]["numerator"]["value"], 10);
    assert_eq!(r4["contained"].as_array().unwrap().len(), 1);
    assert!(has_note(&c, "MedicationOrder.dateEnded"));
    assert!(has_note(&c, "MedicationOrder.contained[0].isBrand"));
    assert!(has_note(&c, "MedicationOrder.contained[1]"));
    assert!(has_note(
        &c,
        "MedicationOrder.dispenseRequest.medicationCodeableConcept"
    ));
    assert!(c.notes.iter().all(|n| !n.contains("2016-06-01")));
}

#[test]
fn medication_order_without_status_gets_one_and_a_note() {
    let (r4, c) = convert(json!({"resourceType": "MedicationOrder", "id": "mo2",
        "patient": {"reference": "urn:uuid:8c0e4a32-0000-4000-8000-000000000001"},
        "medicationCodeableConcept": {"text": "Ibuprofen"},
        "dosageInstruction": [{"asNeededCodeableConcept": {"text": "pain"}, "doseRange": {"low": {"value": 1}, "high": {"value": 2}}}]}));
    assert_eq!(r4["status"], "unknown");
    assert!(has_note(&c, "MedicationOrder.status"));
    assert_eq!(
        r4["subject"]["reference"],
        "urn:uuid:8c0e4a32-0000-4000-8000-000000000001"
    );
    assert_eq!(
        r4["dosageInstruction"][0]["doseAndRate"][0]["doseRange"]["high"]["value"],
        2
    );
    assert_eq!(
        r4["dosageInstruction"][0]["asNeededCodeableConcept"]["text"],
        "pain"
    );
}

#[test]
fn medication_statement_not_taken_and_dosage_quantity() {
    let (r4, c) = convert(json!({
        "resourceType": "MedicationStatement", "id": "ms1", "status": "completed",
        "patient": {"reference": "Patient/p1"}, "wasNotTaken": true,
        "reasonNotTaken": [{"text": "forgot"}],
        "reasonForUseReference": {"reference": "Condition/c1"},
        "effectivePeriod": {"start": "2015-01-01"},
        "note": "self-reported",
        "supportingInformation": [{"reference": "Observation/o1"}],
        "medicationReference": {"reference": "Medication/m1"},
        "dosage": [{"quantityQuantity": {"value": 5, "unit": "mL"}, "rateRange": {"low": {"value": 1}},
                    "siteReference": {"reference": "BodySite/b"},
                    "timing": {"repeat": {"duration": 1, "durationUnits": "h"}}}]
    }));
    assert_eq!(r4["status"], "not-taken");
    assert_eq!(r4["statusReason"][0]["text"], "forgot");
    assert_eq!(r4["reasonReference"][0]["reference"], "Condition/c1");
    assert_eq!(r4["derivedFrom"][0]["reference"], "Observation/o1");
    assert_eq!(r4["note"][0]["text"], "self-reported");
    let d = &r4["dosage"][0];
    assert_eq!(d["doseAndRate"][0]["doseQuantity"]["value"], 5);
    assert_eq!(d["doseAndRate"][0]["rateRange"]["low"]["value"], 1);
    assert_eq!(d["timing"]["repeat"]["durationUnit"], "h");
    assert!(has_note(&c, "MedicationStatement.dosage[0].siteReference"));
}

#[test]
fn medication_dispense_maps() {
    let (r4, c) = convert(json!({
        "resourceType": "MedicationDispense", "id": "md1", "status": "completed",
        "identifier": {"value": "rx-1"},
        "patient": {"reference": "Patient/p1"}, "dispenser": {"reference": "Practitioner/ph"},
        "authorizingPrescription": [{"reference": "MedicationOrder/mo1"}],
        "quantity": {"value": 30}, "daysSupply": {"value": 30},
        "medicationCodeableConcept": {"text": "Metformin"}, "whenHandedOver": "2016-02-01T10:00:00Z",
        "note": "n",
        "dosageInstruction": [{"doseQuantity": {"value": 1}}],
        "substitution": {"type": {"text": "generic"}, "reason": [{"text": "cost"}]}
    }));
    assert_eq!(r4["identifier"][0]["value"], "rx-1");
    assert_eq!(r4["subject"]["reference"], "Patient/p1");
    assert_eq!(r4["performer"][0]["actor"]["reference"], "Practitioner/ph");
    assert_eq!(
        r4["authorizingPrescription"][0]["reference"],
        "MedicationRequest/mo1"
    );
    assert_eq!(r4["substitution"]["wasSubstituted"], true);
    assert_eq!(r4["note"][0]["text"], "n");
    assert!(c.notes.is_empty(), "{:?}", c.notes);
}

#[test]
fn observation_category_value_and_related() {
    let (r4, c) = convert(json!({
        "resourceType": "Observation", "id": "o1", "status": "final",
        "category": {"coding": [{"system": "http://hl7.org/fhir/observation-category", "code": "laboratory"}]},
        "code": {"coding": [{"system": "http://loinc.org", "code": "2345-7"}]},
        "subject": {"reference": "Patient/p1"},
        "effectivePeriod": {"start": "2016-01-01T08:00:00Z"},
        "valueQuantity": {"value": 5.4, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
        "interpretation": {"coding": [{"system": "http://hl7.org/fhir/v2/0078", "code": "H"}]},
        "comments": "fasting",
        "referenceRange": [{"low": {"value": 3.9}, "high": {"value": 5.5}, "meaning": {"text": "normal"}}],
        "related": [{"type": "derived-from", "target": {"reference": "Observation/o0"}},
                    {"type": "sequel-to", "target": {"reference": "Observation/o9"}}]
    }));
    assert_eq!(
        r4["category"][0]["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/observation-category"
    );
    assert_eq!(r4["valueQuantity"]["value"], 5.4);
    assert_eq!(r4["effectivePeriod"]["start"], "2016-01-01T08:00:00Z");
    assert_eq!(
        r4["interpretation"][0]["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/v2-0078"
    );
    assert_eq!(r4["note"][0]["text"], "fasting");
    assert_eq!(r4["referenceRange"][0]["type"]["text"], "normal");
    assert_eq!(r4["derivedFrom"][0]["reference"], "Observation/o0");
    assert!(has_note(&c, "Observation.related[1]"));
    assert_eq!(c.notes.len(), 1);

    let (r4, c) = convert(
        json!({"resourceType": "Observation", "id": "o2", "status": "final",
        "code": {"text": "Smoking"}, "valueCodeableConcept": {"text": "Never"},
        "effectiveDateTime": "2016"}),
    );
    assert_eq!(r4["valueCodeableConcept"]["text"], "Never");
    assert!(c.notes.is_empty());

    let (r4, c) = convert(
        json!({"resourceType": "Observation", "id": "o3", "status": "final",
        "code": {"text": "Scan"}, "valueAttachment": {"url": "http://example.org/x.pdf"},
        "component": [{"code": {"text": "a"}, "valueString": "ß"}]}),
    );
    assert!(r4.get("valueAttachment").is_none());
    assert_eq!(r4["component"][0]["valueString"], "ß");
    assert!(has_note(&c, "Observation.valueAttachment"));
}

#[test]
fn diagnostic_report_lists_and_renamed_references() {
    let (r4, c) = convert(json!({
        "resourceType": "DiagnosticReport", "id": "d1", "status": "final",
        "category": {"coding": [{"system": "http://hl7.org/fhir/v2/0074", "code": "LAB"}]},
        "code": {"text": "CBC"}, "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2016-01-01", "issued": "2016-01-02T00:00:00Z",
        "performer": {"reference": "Organization/lab"},
        "request": [{"reference": "https://ehr.example.org/fhir/DiagnosticOrder/do1"}],
        "result": [{"reference": "Observation/o1"}],
        "image": [{"comment": "c", "link": {"reference": "Media/m1"}}],
        "codedDiagnosis": [{"text": "normal"}], "conclusion": "ok"
    }));
    assert_eq!(r4["category"][0]["coding"][0]["code"], "LAB");
    assert_eq!(r4["performer"][0]["reference"], "Organization/lab");
    assert_eq!(
        r4["basedOn"][0]["reference"],
        "https://ehr.example.org/fhir/ServiceRequest/do1"
    );
    assert_eq!(r4["result"][0]["reference"], "Observation/o1");
    assert_eq!(r4["media"][0]["link"]["reference"], "Media/m1");
    assert_eq!(r4["conclusionCode"][0]["text"], "normal");
    assert!(c.notes.is_empty(), "{:?}", c.notes);
}

#[test]
fn procedure_not_performed_and_performers() {
    let (r4, c) = convert(json!({
        "resourceType": "Procedure", "id": "pr1", "subject": {"reference": "Patient/p1"},
        "status": "aborted", "notPerformed": true, "reasonNotPerformed": [{"text": "declined"}],
        "code": {"text": "Appendectomy"},
        "reasonReference": {"reference": "Condition/c1"},
        "performer": [{"actor": {"reference": "Practitioner/dr"}, "role": {"text": "surgeon"}}],
        "performedPeriod": {"start": "2014-01-01", "end": "2014-01-02"},
        "notes": [{"text": "note"}], "request": {"reference": "ProcedureRequest/r1"},
        "used": [{"reference": "Device/d1"}]
    }));
    assert_eq!(r4["status"], "not-done");
    assert_eq!(r4["statusReason"]["text"], "declined");
    assert_eq!(r4["reasonReference"][0]["reference"], "Condition/c1");
    assert_eq!(r4["performer"][0]["function"]["text"], "surgeon");
    assert_eq!(r4["note"][0]["text"], "note");
    assert_eq!(r4["basedOn"][0]["reference"], "ServiceRequest/r1");
    assert_eq!(r4["usedReference"][0]["reference"], "Device/d1");
    assert!(c.notes.is_empty(), "{:?}", c.notes);

    let (r4, _) = convert(json!({"resourceType": "Procedure", "id": "pr2",
        "subject": {"reference": "Patient/p1"}, "status": "aborted", "code": {"text": "x"},
        "reasonCodeableConcept": {"text": "pain"}, "performedDateTime": "2014"}));
    assert_eq!(r4["status"], "stopped");
    assert_eq!(r4["reasonCode"][0]["text"], "pain");
}

#[test]
fn family_member_history_sex_and_ages() {
    let (r4, c) = convert(json!({
        "resourceType": "FamilyMemberHistory", "id": "f1", "patient": {"reference": "Patient/p1"},
        "status": "completed", "relationship": {"coding": [{"system": "http://hl7.org/fhir/familial-relationship", "code": "FTH"}]},
        "gender": "male", "ageQuantity": {"value": 70, "unit": "a"}, "deceasedBoolean": true,
        "note": {"text": "n"},
        "condition": [{"code": {"text": "MI"}, "onsetQuantity": {"value": 60, "unit": "a"}, "note": {"text": "cn"}}]
    }));
    assert_eq!(r4["sex"]["coding"][0]["code"], "male");
    assert_eq!(r4["ageAge"]["value"], 70);
    assert_eq!(r4["note"][0]["text"], "n");
    assert_eq!(r4["condition"][0]["onsetAge"]["value"], 60);
    assert_eq!(r4["condition"][0]["note"][0]["text"], "cn");
    assert!(c.notes.is_empty(), "{:?}", c.notes);
}

#[test]
fn document_reference_content_and_context() {
    let (r4, c) = convert(json!({
        "resourceType": "DocumentReference", "id": "doc1",
        "subject": {"reference": "Patient/p1"},
        "type": {"coding": [{"system": "http://loinc.org", "code": "34133-9"}]},
        "class": {"text": "summary"}, "created": "2016-03-01T10:00:00Z",
        "indexed": "2016-03-02T10:00:00Z", "status": "current",
        "docStatus": {"coding": [{"system": "http://hl7.org/fhir/composition-status", "code": "final"}]},
        "content": [{"attachment": {"contentType": "application/pdf", "url": "Binary/b1", "title": "Bericht für Zoë"},
                     "format": [{"system": "urn:oid:1.3.6.1.4.1.19376.1.2.3", "code": "urn:ihe:pcc:xphr:2007"}]}],
        "context": {"encounter": {"reference": "Encounter/e1"},
                    "related": [{"ref": {"reference": "Observation/o1"}}, {"identifier": {"value": "x"}}]}
    }));
    assert_eq!(r4["date"], "2016-03-02T10:00:00Z");
    assert_eq!(r4["category"][0]["text"], "summary");
    assert_eq!(r4["docStatus"], "final");
    assert_eq!(
        r4["content"][0]["attachment"]["creation"],
        "2016-03-01T10:00:00Z"
    );
    assert_eq!(r4["content"][0]["attachment"]["title"], "Bericht für Zoë");
    assert_eq!(r4["content"][0]["format"]["code"], "urn:ihe:pcc:xphr:2007");
    assert_eq!(r4["context"]["encounter"][0]["reference"], "Encounter/e1");
    assert_eq!(r4["context"]["related"][0]["reference"], "Observation/o1");
    assert_eq!(r4["context"]["related"][1]["identifier"]["value"], "x");
    assert!(c.notes.is_empty(), "{:?}", c.notes);
}

#[test]
fn care_plan_intent_status_and_activities() {
    let (r4, c) = convert(json!({
        "resourceType": "CarePlan", "id": "cp1", "subject": {"reference": "Patient/p1"},
        "status": "proposed", "context": {"reference": "Encounter/e1"},
        "author": [{"reference": "Practitioner/a"}, {"reference": "Practitioner/b"}],
        "modified": "2016-01-01",
        "category": [{"text": "diabetes"}], "addresses": [{"reference": "Condition/c1"}],
        "participant": [{"member": {"reference": "Practitioner/a"}}],
        "relatedPlan": [{"code": "replaces", "plan": {"reference": "CarePlan/old"}}],
        "activity": [{"reference": {"reference": "MedicationOrder/mo1"},
                      "actionResulting": [{"reference": "Procedure/p"}]},
                     {"detail": {"category": {"coding": [{"system": "http://hl7.org/fhir/care-plan-activity-category", "code": "drug"}]},
                                 "code": {"text": "insulin"}, "status": "in-progress", "prohibited": false,
                                 "scheduledTiming": {"repeat": {"frequency": 2, "period": 1, "periodUnits": "d"}}}}],
        "notes": {"text": "n"}
    }));
    assert_eq!(r4["status"], "draft");
    assert_eq!(r4["intent"], "plan");
    assert_eq!(r4["encounter"]["reference"], "Encounter/e1");
    assert_eq!(r4["author"]["reference"], "Practitioner/a");
    assert_eq!(r4["contributor"][0]["reference"], "Practitioner/b");
    assert_eq!(r4["replaces"][0]["reference"], "CarePlan/old");
    assert_eq!(
        r4["activity"][0]["reference"]["reference"],
        "MedicationRequest/mo1"
    );
    assert_eq!(
        r4["activity"][0]["outcomeReference"][0]["reference"],
        "Procedure/p"
    );
    let detail = &r4["activity"][1]["detail"];
    assert_eq!(detail["kind"], "MedicationRequest");
    assert_eq!(detail["doNotPerform"], false);
    assert_eq!(detail["status"], "in-progress");
    assert_eq!(detail["scheduledTiming"]["repeat"]["periodUnit"], "d");
    assert_eq!(r4["note"][0]["text"], "n");
    assert!(has_note(&c, "CarePlan.participant"));
    assert!(has_note(&c, "CarePlan.modified"));
    assert_eq!(c.notes.len(), 2, "{:?}", c.notes);
}

#[test]
fn encounter_class_subject_and_diagnoses() {
    let (r4, c) = convert(json!({
        "resourceType": "Encounter", "id": "e1", "status": "finished", "class": "inpatient",
        "type": [{"text": "admission"}], "patient": {"reference": "Patient/p1"},
        "period": {"start": "2016-01-01", "end": "2016-01-05"},
        "reason": [{"text": "chest pain"}], "indication": [{"reference": "Condition/c1"}],
        "participant": [{"individual": {"reference": "Practitioner/dr"}}],
        "hospitalization": {"admitSource": {"text": "ER"}, "dischargeDiagnosis": [{"reference": "Condition/c2"}]},
        "location": [{"location": {"reference": "Location/l1"}, "status": "completed"}],
        "statusHistory": [{"status": "arrived", "period": {"start": "2016-01-01"}}]
    }));
    assert_eq!(r4["class"]["code"], "IMP");
    assert_eq!(
        r4["class"]["system"],
        "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    );
    assert_eq!(r4["subject"]["reference"], "Patient/p1");
    assert_eq!(r4["reasonCode"][0]["text"], "chest pain");
    assert_eq!(r4["diagnosis"][0]["condition"]["reference"], "Condition/c1");
    assert_eq!(r4["diagnosis"][1]["use"]["coding"][0]["code"], "DD");
    assert_eq!(r4["hospitalization"]["admitSource"]["text"], "ER");
    assert_eq!(r4["statusHistory"][0]["status"], "arrived");
    assert!(c.notes.is_empty(), "{:?}", c.notes);

    let (r4, c) = convert(json!({"resourceType": "Encounter", "id": "e2", "status": "planned"}));
    assert_eq!(r4["class"]["code"], "UNK");
    assert!(has_note(&c, "Encounter.class"));
}

#[test]
fn coverage_payor_beneficiary_and_class() {
    let (r4, c) = convert(json!({
        "resourceType": "Coverage", "id": "cov1",
        "issuer": {"reference": "Organization/ins"}, "bin": {"value": "123"},
        "period": {"start": "2016-01-01"},
        "type": {"system": "http://hl7.org/fhir/v3/ActCode", "code": "EHCPOL"},
        "subscriberId": {"system": "http://ins.example.org", "value": "S-1"},
        "group": "G1", "plan": "P1", "dependent": 1,
        "subscriber": {"reference": "Patient/p1"}
    }));
    assert_eq!(r4["status"], "active");
    assert_eq!(r4["payor"][0]["reference"], "Organization/ins");
    assert_eq!(r4["beneficiary"]["reference"], "Patient/p1");
    assert_eq!(r4["subscriberId"], "S-1");
    assert_eq!(r4["dependent"], "1");
    assert_eq!(r4["class"][0]["value"], "G1");
    assert_eq!(r4["class"][1]["type"]["coding"][0]["code"], "plan");
    assert_eq!(
        r4["type"]["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    );
    assert!(has_note(&c, "Coverage.bin"));
    assert!(has_note(&c, "Coverage.status"));
    assert!(has_note(&c, "Coverage.subscriber"));
}

#[test]
fn practitioner_organization_location() {
    let (r4, c) = convert(json!({"resourceType": "Practitioner", "id": "dr",
        "name": {"family": ["Ng"], "given": ["Hoà"], "prefix": ["Dr."]},
        "practitionerRole": [{"role": {"text": "GP"}}],
        "qualification": [{"code": {"text": "MD"}}]}));
    assert_eq!(r4["name"][0]["family"], "Ng");
    assert_eq!(r4["qualification"][0]["code"]["text"], "MD");
    assert!(has_note(&c, "Practitioner.practitionerRole"));

    let (r4, c) = convert(json!({"resourceType": "Organization", "id": "org",
        "type": {"coding": [{"system": "http://hl7.org/fhir/organization-type", "code": "prov"}]},
        "name": "Clinique Saint-Éloi",
        "contact": [{"name": {"family": ["Roe"]}, "purpose": {"text": "billing"}}]}));
    assert_eq!(
        r4["type"][0]["coding"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/organization-type"
    );
    assert_eq!(r4["contact"][0]["name"]["family"], "Roe");
    assert!(c.notes.is_empty());

    let (r4, c) = convert(
        json!({"resourceType": "Location", "id": "loc", "status": "active",
        "name": "Ward 3", "type": {"text": "ward"}, "mode": "instance",
        "position": {"longitude": 1.5, "latitude": 2.5}}),
    );
    assert_eq!(r4["type"][0]["text"], "ward");
    assert_eq!(r4["position"]["latitude"], 2.5);
    assert!(c.notes.is_empty());
}

#[test]
fn goal_status_description_and_target() {
    let (r4, c) = convert(json!({"resourceType": "Goal", "id": "g1",
        "subject": {"reference": "Patient/p1"}, "description": "Lose weight",
        "status": "achieved", "targetDate": "2017-01-01", "startDate": "2016-01-01",
        "author": {"reference": "Patient/p1"}, "statusReason": {"text": "done"},
        "outcome": [{"resultReference": {"reference": "Observation/w"}}]}));
    assert_eq!(r4["lifecycleStatus"], "completed");
    assert_eq!(r4["achievementStatus"]["coding"][0]["code"], "achieved");
    assert_eq!(r4["description"]["text"], "Lose weight");
    assert_eq!(r4["target"][0]["dueDate"], "2017-01-01");
    assert_eq!(r4["expressedBy"]["reference"], "Patient/p1");
    assert_eq!(r4["statusReason"], "done");
    assert_eq!(r4["outcomeReference"][0]["reference"], "Observation/w");
    assert!(c.notes.is_empty(), "{:?}", c.notes);

    // Synthea's shape: no id, no subject, description as a CodeableConcept.
    let (r4, c) = convert(json!({"resourceType": "Goal", "status": "in-progress",
        "description": {"text": "Improve foot health"},
        "addresses": [{"reference": "urn:uuid:21767cd1-53b6-4bc6-a91c-f4f64ff4a71a"}]}));
    assert_eq!(r4["lifecycleStatus"], "active");
    assert_eq!(r4["achievementStatus"]["coding"][0]["code"], "in-progress");
    assert_eq!(
        r4["addresses"][0]["reference"],
        "urn:uuid:21767cd1-53b6-4bc6-a91c-f4f64ff4a71a"
    );
    assert!(has_note(&c, "Goal.subject"));
    assert!(has_note(&c, "Goal.id"));
}

#[test]
fn a_missing_id_is_derived_from_the_content_and_stable() {
    let input = br#"{"resourceType":"Goal","status":"planned","description":{"text":"a"}}"#;
    let a = to_r4(input).unwrap();
    let b = to_r4(input).unwrap();
    assert_eq!(a, b);
    let other =
        to_r4(br#"{"resourceType":"Goal","status":"planned","description":{"text":"b"}}"#).unwrap();
    let id = |c: &Converted| serde_json::from_slice::<Value>(&c.r4).unwrap()["id"].clone();
    assert_ne!(id(&a), id(&other));
    assert_eq!(id(&a).as_str().unwrap().len(), 32);
    // The note names the DSTU2 path, not the R4 type.
    let (_, c) = convert(
        json!({"resourceType": "MedicationOrder", "status": "active",
        "patient": {"reference": "Patient/p"}, "medicationCodeableConcept": {"text": "x"}}),
    );
    assert!(has_note(&c, "MedicationOrder.id"), "{:?}", c.notes);
}

#[test]
fn unknown_elements_are_noted_not_dropped_silently() {
    let (_, c) = convert(json!({"resourceType": "Condition", "id": "c1",
        "patient": {"reference": "Patient/p1"}, "code": {"text": "x"},
        "madeUpElement": "secret value", "_clinicalStatus": {"id": "x"},
        "clinicalStatus": "active"}));
    assert!(has_note(&c, "Condition.madeUpElement"));
    assert!(has_note(&c, "Condition._clinicalStatus"));
    assert!(c.notes.iter().all(|n| !n.contains("secret value")));
}

#[test]
fn errors() {
    assert_eq!(to_r4(b"{not json").unwrap_err(), Dstu2Error::NotJson);
    assert_eq!(to_r4(b"[1,2]").unwrap_err(), Dstu2Error::NotAResource);
    assert_eq!(
        to_r4(br#"{"id":"x"}"#).unwrap_err(),
        Dstu2Error::NotAResource
    );
    assert_eq!(
        to_r4(br#"{"resourceType":"Appointment","id":"x"}"#).unwrap_err(),
        Dstu2Error::Unsupported {
            resource_type: "Appointment".into()
        }
    );
    let message = Dstu2Error::Unsupported {
        resource_type: "Order".into(),
    }
    .to_string();
    assert!(message.contains("Order"));
}

#[test]
fn r4_type_names() {
    assert_eq!(r4_type_name("MedicationOrder"), Some("MedicationRequest"));
    assert_eq!(r4_type_name("Observation"), Some("Observation"));
    assert_eq!(r4_type_name("DiagnosticOrder"), None);
    assert_eq!(r4_type_name("Bundle"), None);
}

/// The public Synthea DSTU2 bundles: every entry converts (or is a type outside the
/// product's list) and every result is valid R4.
#[test]
fn synthea_dstu2_bundles_convert_to_valid_r4() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/fixtures/dstu2-synthea");
    let Ok(files) = std::fs::read_dir(&dir) else {
        println!("skipped: no Synthea DSTU2 fixtures at {}", dir.display());
        return;
    };
    let mut converted = 0;
    let mut outputs = Vec::new();
    let mut types = std::collections::BTreeMap::<String, usize>::new();
    let mut notes = std::collections::BTreeSet::new();
    for file in files {
        let path = file.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let bundle: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        // One NDJSON file per bundle, so a failure names the bundle and the line.
        let mut ndjson = Vec::new();
        for entry in bundle["entry"].as_array().unwrap() {
            let resource = &entry["resource"];
            let dstu2_type = resource["resourceType"].as_str().unwrap();
            match to_r4(&serde_json::to_vec(resource).unwrap()) {
                Ok(c) => {
                    assert!(!c.r4.contains(&b'\n'), "one line per resource");
                    ndjson.extend_from_slice(&c.r4);
                    ndjson.push(b'\n');
                    assert_eq!(r4_type_name(dstu2_type), Some(c.resource_type.as_str()));
                    *types.entry(c.resource_type).or_default() += 1;
                    for note in c.notes {
                        notes.insert(note.split(':').next().unwrap_or("").to_owned());
                    }
                    converted += 1;
                }
                Err(Dstu2Error::Unsupported { resource_type }) => {
                    assert_eq!(r4_type_name(&resource_type), None);
                }
                Err(e) => panic!("{}: {dstu2_type}: {e}", path.display()),
            }
        }
        let stem = path.file_stem().unwrap().to_string_lossy();
        outputs.push((format!("{stem}.ndjson"), ndjson));
    }
    println!("converted {converted}: {types:?}\nnoted paths: {notes:?}");
    assert!(converted > 0);
    assert!(types.contains_key("MedicationRequest"));
    assert_valid_r4(&outputs, converted);
}
