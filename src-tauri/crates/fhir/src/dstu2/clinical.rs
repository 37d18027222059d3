//! Condition, AllergyIntolerance, Observation, DiagnosticReport, Immunization, Procedure
//! and FamilyMemberHistory from DSTU2 to R4.

use serde_json::{json, Value};

use super::common::{absent, concept, string, Node};

const CONDITION_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
const CONDITION_VERIFICATION: &str = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
const ALLERGY_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
const ALLERGY_VERIFICATION: &str =
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";

/// Condition: `patient` → `subject`, `dateRecorded` → `recordedDate`, `category` a list,
/// the status codes as CodeableConcepts of the R4 code systems, Quantity onsets and
/// abatements as Ages, `stage` a list, `evidence.code` a list, `notes` → `note`.
pub(super) fn condition(n: &mut Node) {
    n.copy(&[
        "encounter",
        "asserter",
        "code",
        "severity",
        "onsetDateTime",
        "onsetPeriod",
        "onsetRange",
        "onsetString",
        "abatementDateTime",
        "abatementPeriod",
        "abatementRange",
        "abatementString",
    ]);
    n.lists(&["identifier", "bodySite"]);
    n.rename("patient", "subject");
    n.rename("dateRecorded", "recordedDate");
    n.rename("onsetQuantity", "onsetAge");
    n.rename("abatementQuantity", "abatementAge");
    n.repeat("category", "category");
    if let Some(code) = n.take_str("clinicalStatus") {
        let display = match code.as_str() {
            "active" => Some("Active"),
            "relapse" => Some("Relapse"),
            "remission" => Some("Remission"),
            "resolved" => Some("Resolved"),
            _ => None,
        };
        match display {
            Some(d) => n.put("clinicalStatus", concept(CONDITION_CLINICAL, &code, d)),
            None => n.note("clinicalStatus", "the code has no R4 equivalent; left out"),
        }
    }
    if let Some(code) = n.take_str("verificationStatus") {
        let display = match code.as_str() {
            "provisional" => Some("Provisional"),
            "differential" => Some("Differential"),
            "confirmed" => Some("Confirmed"),
            "refuted" => Some("Refuted"),
            "entered-in-error" => Some("Entered in Error"),
            _ => None,
        };
        match display {
            Some(d) => n.put(
                "verificationStatus",
                concept(CONDITION_VERIFICATION, &code, d),
            ),
            // DSTU2 `unknown` says nothing; R4 leaves the element out for that.
            None => n.note(
                "verificationStatus",
                "the code has no R4 equivalent; left out",
            ),
        }
    }
    if let Some(b) = n.take_bool("abatementBoolean") {
        if b {
            n.note(
                "abatementBoolean",
                "R4 has no yes/no abatement; left out (the clinical status carries it)",
            );
        }
    }
    n.each("stage", "stage", |s| {
        s.copy(&["summary", "extension", "modifierExtension"]);
        s.lists(&["assessment"]);
    });
    n.each("evidence", "evidence", |e| {
        e.copy(&["extension", "modifierExtension"]);
        e.lists(&["detail"]);
        e.repeat("code", "code");
    });
    n.string_to_notes("notes", "note");
}

/// AllergyIntolerance: `substance` → `code`, the one DSTU2 `status` split into the R4
/// clinical and verification statuses, criticality `CRITL`/`CRITH`/`CRITU` → `low`/
/// `high`/`unable-to-assess`, `category` a list, `reporter` → `asserter`, reaction notes
/// as lists; reaction `certainty` has no R4 element.
pub(super) fn allergy_intolerance(n: &mut Node) {
    n.copy(&["patient", "recordedDate", "recorder", "type"]);
    n.lists(&["identifier"]);
    n.rename("substance", "code");
    n.rename("onset", "onsetDateTime");
    n.rename("reporter", "asserter");
    n.rename("lastOccurence", "lastOccurrence");
    n.repeat("note", "note");
    let status = n.take_str("status");
    let (clinical, verification) = match status.as_deref() {
        Some("active") => (Some("active"), None),
        Some("unconfirmed") => (Some("active"), Some("unconfirmed")),
        Some("confirmed") => (Some("active"), Some("confirmed")),
        Some("inactive") => (Some("inactive"), None),
        Some("resolved") => (Some("resolved"), None),
        // R4 requires a clinical status unless entered in error; a refuted allergy is not
        // active, and `inactive` says so without claiming it resolved.
        Some("refuted") => {
            n.note(
                "status",
                "R4 requires a clinical status beside 'refuted'; set to 'inactive'",
            );
            (Some("inactive"), Some("refuted"))
        }
        Some("entered-in-error") => (None, Some("entered-in-error")),
        Some(_) => {
            n.note(
                "status",
                "the code has no R4 equivalent; clinical status set to 'active'",
            );
            (Some("active"), None)
        }
        None => {
            n.note(
                "status",
                "none in the source; R4 requires a clinical status, set to 'active'",
            );
            (Some("active"), None)
        }
    };
    if let Some(c) = clinical {
        let display = match c {
            "active" => "Active",
            "inactive" => "Inactive",
            _ => "Resolved",
        };
        n.put("clinicalStatus", concept(ALLERGY_CLINICAL, c, display));
    }
    if let Some(v) = verification {
        let display = match v {
            "unconfirmed" => "Unconfirmed",
            "confirmed" => "Confirmed",
            "refuted" => "Refuted",
            _ => "Entered in Error",
        };
        n.put(
            "verificationStatus",
            concept(ALLERGY_VERIFICATION, v, display),
        );
    }
    n.code("criticality", "criticality", |c| match c {
        "CRITL" => Some("low"),
        "CRITH" => Some("high"),
        "CRITU" => Some("unable-to-assess"),
        _ => None,
    });
    if let Some(category) = n.take_str("category") {
        match category.as_str() {
            "food" | "medication" | "environment" => n.put("category", json!([category])),
            _ => n.note(
                "category",
                "'other' has no R4 category; left out (R4 has food, medication, environment, biologic)",
            ),
        }
    }
    n.each("reaction", "reaction", |r| {
        r.copy(&[
            "substance",
            "description",
            "onset",
            "severity",
            "exposureRoute",
            "extension",
            "modifierExtension",
        ]);
        r.lists(&["manifestation"]);
        r.repeat("note", "note");
        if r.take("certainty").is_some() {
            r.note("certainty", "no R4 element for it; left out");
        }
        if !r.out.contains_key("manifestation") {
            r.put("manifestation", json!([absent()]));
            r.note(
                "manifestation",
                "none in the source; R4 requires one, marked with data-absent-reason 'unknown'",
            );
        }
    });
}

/// Observation: `category` and `interpretation` lists, `comments` → `note`,
/// `referenceRange.meaning` → `type`, `related` → `hasMember`/`derivedFrom`;
/// `valueAttachment` has no R4 form.
pub(super) fn observation(n: &mut Node) {
    n.copy(&[
        "status",
        "code",
        "subject",
        "encounter",
        "effectiveDateTime",
        "effectivePeriod",
        "issued",
        "dataAbsentReason",
        "method",
        "device",
    ]);
    n.lists(&["identifier", "performer"]);
    n.copy(&["bodySite", "specimen"]);
    value_x(n);
    n.repeat("category", "category");
    n.repeat("interpretation", "interpretation");
    n.string_to_notes("comments", "note");
    n.each("referenceRange", "referenceRange", reference_range);
    n.each("component", "component", |c| {
        c.copy(&["code", "dataAbsentReason", "extension", "modifierExtension"]);
        value_x(c);
        c.each("referenceRange", "referenceRange", reference_range);
    });
    let mut has_member = Vec::new();
    let mut derived_from = Vec::new();
    for (i, related) in n.list("related").into_iter().enumerate() {
        let kind = related.get("type").and_then(Value::as_str);
        let target = related.get("target").cloned();
        match (kind, target) {
            (Some("has-member"), Some(t)) => has_member.push(t),
            (Some("derived-from"), Some(t)) => derived_from.push(t),
            _ => n.note(
                &format!("related[{i}]"),
                "no R4 element for this kind of relation; left out",
            ),
        }
    }
    if !has_member.is_empty() {
        n.put("hasMember", Value::Array(has_member));
    }
    if !derived_from.is_empty() {
        n.put("derivedFrom", Value::Array(derived_from));
    }
    n.require_code("status", "unknown", "no status in the source");
    n.require_absent("code", false);
}

/// The DSTU2 `value[x]` choices R4 keeps; `valueAttachment` is left for `finish` to note.
fn value_x(n: &mut Node) {
    n.copy(&[
        "valueQuantity",
        "valueCodeableConcept",
        "valueString",
        "valueRange",
        "valueRatio",
        "valueSampledData",
        "valueTime",
        "valueDateTime",
        "valuePeriod",
    ]);
}

fn reference_range(r: &mut Node) {
    r.copy(&[
        "low",
        "high",
        "age",
        "text",
        "extension",
        "modifierExtension",
    ]);
    r.rename("meaning", "type");
}

/// DiagnosticReport: `category` a list, `performer` (one, required in DSTU2) → the R4
/// list, `request` → `basedOn`, `image` → `media`, `codedDiagnosis` → `conclusionCode`.
pub(super) fn diagnostic_report(n: &mut Node) {
    n.copy(&[
        "status",
        "code",
        "subject",
        "encounter",
        "effectiveDateTime",
        "effectivePeriod",
        "issued",
        "conclusion",
    ]);
    n.lists(&[
        "identifier",
        "specimen",
        "result",
        "imagingStudy",
        "presentedForm",
    ]);
    n.repeat("category", "category");
    n.repeat("performer", "performer");
    n.repeat("request", "basedOn");
    n.repeat("codedDiagnosis", "conclusionCode");
    n.each("image", "media", |m| {
        m.copy(&["comment", "link", "extension", "modifierExtension"]);
    });
    n.require_code("status", "unknown", "no status in the source");
    n.require_absent("code", false);
}

/// Immunization: `wasNotGiven` and `status` → the R4 `status` (`completed`,
/// `not-done`, `entered-in-error`), `date` → `occurrenceDateTime`, `reported` → the
/// opposite `primarySource`, `performer`/`requester` → `performer` with the v2-0443
/// function, `explanation` → `reasonCode`/`statusReason`, `vaccinationProtocol` →
/// `protocolApplied`.
pub(super) fn immunization(n: &mut Node) {
    n.copy(&[
        "vaccineCode",
        "patient",
        "encounter",
        "location",
        "manufacturer",
        "lotNumber",
        "expirationDate",
        "site",
        "route",
        "doseQuantity",
    ]);
    n.lists(&["identifier", "note"]);
    n.rename("date", "occurrenceDateTime");
    let not_given = n.take_bool("wasNotGiven").unwrap_or(false);
    let status = n.take_str("status");
    let r4_status = match (status.as_deref(), not_given) {
        (Some("entered-in-error"), _) => "entered-in-error",
        (_, true) => "not-done",
        (Some("completed"), false) => "completed",
        (Some(_), false) => {
            n.note(
                "status",
                "R4 records only given, not given or entered in error; set to 'completed'",
            );
            "completed"
        }
        (None, false) => {
            n.note(
                "status",
                "none in the source; R4 requires it, set to 'completed'",
            );
            "completed"
        }
    };
    n.put("status", string(r4_status));
    if let Some(reported) = n.take_bool("reported") {
        n.put("primarySource", Value::Bool(!reported));
    }
    let mut performers = Vec::new();
    for (key, code, display) in [
        ("performer", "AP", "Administering Provider"),
        ("requester", "OP", "Ordering Provider"),
    ] {
        if let Some(actor) = n.take(key) {
            performers.push(json!({
                "function": concept("http://terminology.hl7.org/CodeSystem/v2-0443", code, display),
                "actor": actor
            }));
        }
    }
    if !performers.is_empty() {
        n.put("performer", Value::Array(performers));
    }
    if let Some(explanation) = n.child("explanation", |e| {
        e.repeat("reason", "reasonCode");
        e.first_of("reasonNotGiven", "statusReason");
    }) {
        for (key, value) in explanation {
            n.put(&key, value);
        }
    }
    n.each("reaction", "reaction", |r| {
        r.copy(&[
            "date",
            "detail",
            "reported",
            "extension",
            "modifierExtension",
        ]);
    });
    n.each("vaccinationProtocol", "protocolApplied", |p| {
        p.copy(&["series", "authority", "extension", "modifierExtension"]);
        p.rename("doseSequence", "doseNumberPositiveInt");
        p.rename("seriesDoses", "seriesDosesPositiveInt");
        p.repeat("targetDisease", "targetDisease");
        if !p.out.contains_key("doseNumberPositiveInt") {
            p.require_absent("doseNumberString", true);
        }
    });
    n.require_absent("occurrenceDateTime", true);
    n.require_absent("vaccineCode", false);
}

/// Procedure: `notPerformed` and `status` → the R4 `status` (`aborted` → `stopped`,
/// `not-done`), `reasonNotPerformed` → `statusReason`, one `reason[x]` → the R4 lists,
/// `performer.role` → `function`, `request` → `basedOn`, `notes` → `note`, `used` →
/// `usedReference`.
pub(super) fn procedure(n: &mut Node) {
    n.copy(&[
        "subject",
        "category",
        "code",
        "performedDateTime",
        "performedPeriod",
        "encounter",
        "location",
        "outcome",
    ]);
    n.lists(&[
        "identifier",
        "bodySite",
        "report",
        "complication",
        "followUp",
    ]);
    let not_performed = n.take_bool("notPerformed").unwrap_or(false);
    n.first_of("reasonNotPerformed", "statusReason");
    let status = n.take_str("status");
    let r4_status = match (status.as_deref(), not_performed) {
        (Some("entered-in-error"), _) => "entered-in-error",
        (_, true) => "not-done",
        (Some("in-progress"), false) => "in-progress",
        (Some("aborted"), false) => "stopped",
        (Some("completed"), false) => "completed",
        (Some(_), false) => {
            n.note("status", "the code has no R4 equivalent; set to 'unknown'");
            "unknown"
        }
        (None, false) => {
            n.note(
                "status",
                "none in the source; R4 requires it, set to 'unknown'",
            );
            "unknown"
        }
    };
    n.put("status", string(r4_status));
    n.repeat("reasonCodeableConcept", "reasonCode");
    n.repeat("reasonReference", "reasonReference");
    n.repeat("request", "basedOn");
    n.repeat("notes", "note");
    n.repeat("used", "usedReference");
    n.each("performer", "performer", |p| {
        p.copy(&["actor", "extension", "modifierExtension"]);
        p.rename("role", "function");
        p.require_absent("actor", false);
    });
    n.each("focalDevice", "focalDevice", |d| {
        d.copy(&["action", "manipulated", "extension", "modifierExtension"]);
    });
    n.require_absent("subject", false);
}

/// FamilyMemberHistory: `gender` → `sex` (a CodeableConcept), Quantity ages as Ages,
/// `note` a list, condition onsets as Ages and notes as lists.
pub(super) fn family_member_history(n: &mut Node) {
    n.copy(&[
        "patient",
        "date",
        "status",
        "name",
        "relationship",
        "bornPeriod",
        "bornDate",
        "bornString",
        "ageRange",
        "ageString",
        "deceasedBoolean",
        "deceasedRange",
        "deceasedDate",
        "deceasedString",
    ]);
    n.lists(&["identifier"]);
    n.rename("ageQuantity", "ageAge");
    n.rename("deceasedQuantity", "deceasedAge");
    n.repeat("note", "note");
    if let Some(gender) = n.take_str("gender") {
        let display = match gender.as_str() {
            "male" => "Male",
            "female" => "Female",
            "other" => "Other",
            _ => "Unknown",
        };
        n.put(
            "sex",
            concept(
                "http://hl7.org/fhir/administrative-gender",
                &gender,
                display,
            ),
        );
    }
    n.each("condition", "condition", |c| {
        c.copy(&[
            "code",
            "outcome",
            "onsetRange",
            "onsetPeriod",
            "onsetString",
            "extension",
            "modifierExtension",
        ]);
        c.rename("onsetQuantity", "onsetAge");
        c.repeat("note", "note");
    });
    n.require_code("status", "partial", "no status in the source");
    n.require_absent("relationship", false);
}
