//! Patient, Practitioner, Organization, Location and Coverage from DSTU2 to R4.

use serde_json::{json, Value};

use super::common::Node;
use super::types::{name, names};

/// Patient: `name.family` one string, `careProvider` → `generalPractitioner`, link types
/// renamed (`replace` → `replaced-by`); `animal` has no R4 element.
pub(super) fn patient(n: &mut Node) {
    n.copy(&[
        "active",
        "gender",
        "birthDate",
        "deceasedBoolean",
        "deceasedDateTime",
        "maritalStatus",
        "multipleBirthBoolean",
        "multipleBirthInteger",
        "managingOrganization",
    ]);
    n.lists(&["identifier", "telecom", "address", "photo"]);
    names(n, "name", "name");
    n.repeat("careProvider", "generalPractitioner");
    n.each("contact", "contact", |c| {
        c.copy(&[
            "relationship",
            "gender",
            "organization",
            "period",
            "extension",
            "modifierExtension",
        ]);
        c.lists(&["telecom", "address"]);
        name(c, "name");
    });
    n.each("communication", "communication", |c| {
        c.copy(&["language", "preferred", "extension", "modifierExtension"]);
    });
    n.each("link", "link", |l| {
        l.copy(&["other", "extension", "modifierExtension"]);
        l.code("type", "type", |t| match t {
            "replace" => Some("replaced-by"),
            "refer" => Some("refer"),
            "seealso" => Some("seealso"),
            _ => None,
        });
        l.require_code("type", "seealso", "no link type in the source");
    });
}

/// Practitioner: one DSTU2 name becomes the R4 list; `practitionerRole` is a separate
/// resource in R4 (PractitionerRole), so it is noted, not converted.
pub(super) fn practitioner(n: &mut Node) {
    n.copy(&["active", "gender", "birthDate"]);
    n.lists(&["identifier", "telecom", "address", "photo", "communication"]);
    names(n, "name", "name");
    n.each("qualification", "qualification", |q| {
        q.copy(&["code", "period", "issuer", "extension", "modifierExtension"]);
        q.lists(&["identifier"]);
    });
    if n.take("practitionerRole").is_some() {
        n.note(
            "practitionerRole",
            "a separate PractitionerRole resource in R4; left out",
        );
    }
}

/// Organization: `type` repeats in R4; contact names as R4 HumanNames.
pub(super) fn organization(n: &mut Node) {
    n.copy(&["active", "name", "partOf"]);
    n.lists(&["identifier", "telecom", "address"]);
    n.repeat("type", "type");
    n.each("contact", "contact", |c| {
        c.copy(&["purpose", "extension", "modifierExtension"]);
        c.lists(&["telecom", "address"]);
        name(c, "name");
    });
}

/// Location: `type` repeats in R4; the rest is unchanged.
pub(super) fn location(n: &mut Node) {
    n.copy(&[
        "status",
        "name",
        "description",
        "mode",
        "physicalType",
        "managingOrganization",
        "partOf",
    ]);
    n.lists(&["identifier", "telecom", "address"]);
    n.repeat("type", "type");
    if let Some(position) = n.child("position", |p| {
        p.copy(&["longitude", "latitude", "altitude", "extension"]);
    }) {
        n.put("position", Value::Object(position));
    }
}

/// Coverage: `issuer` → `payor`, `type` Coding → CodeableConcept, `subscriberId`
/// Identifier → string, `group`/`plan`/`subPlan` → `class`, `dependent` a string. R4
/// requires `status` (DSTU2 has none: `active`) and `beneficiary` (the subscriber).
pub(super) fn coverage(n: &mut Node) {
    n.copy(&["period", "subscriber"]);
    n.lists(&["identifier", "contract"]);
    n.repeat("issuer", "payor");
    if let Some(coding) = n.take("type") {
        n.put("type", json!({ "coding": [coding] }));
    }
    if let Some(id) = n.take("subscriberId") {
        match id.get("value").and_then(Value::as_str) {
            Some(v) => n.put("subscriberId", Value::String(v.to_owned())),
            None => n.note("subscriberId", "an identifier without a value; left out"),
        }
        if id.get("system").is_some() {
            n.note(
                "subscriberId.system",
                "R4 keeps the subscriber id as plain text; the system was left out",
            );
        }
    }
    let mut classes = Vec::new();
    for (from, code, display) in [
        ("group", "group", "Group"),
        ("plan", "plan", "Plan"),
        ("subPlan", "subplan", "SubPlan"),
    ] {
        if let Some(value) = n.take_str(from) {
            classes.push(json!({
                "type": {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/coverage-class",
                    "code": code,
                    "display": display
                }]},
                "value": value
            }));
        }
    }
    if !classes.is_empty() {
        n.put("class", Value::Array(classes));
    }
    if let Some(dependent) = n.take("dependent") {
        let text = match dependent {
            Value::Number(num) => num.to_string(),
            Value::String(s) => s,
            _ => String::new(),
        };
        if !text.is_empty() {
            n.put("dependent", Value::String(text));
        }
    }
    n.require_code("status", "active", "no status in DSTU2 Coverage");
    if let Some(subscriber) = n.out.get("subscriber").cloned() {
        n.put("beneficiary", subscriber);
        n.note(
            "subscriber",
            "R4 requires a beneficiary; the subscriber was used",
        );
    } else {
        n.require_absent("beneficiary", false);
    }
    if !n.out.contains_key("payor") {
        n.put("payor", Value::Array(vec![super::common::absent()]));
        n.note(
            "issuer",
            "none in the source; R4 requires a payor, marked with data-absent-reason 'unknown'",
        );
    }
    // `bin` and `sequence` have no R4 element; `finish` notes them.
}
