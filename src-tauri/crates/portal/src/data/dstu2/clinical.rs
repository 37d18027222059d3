//! Condition, AllergyIntolerance, Observation, DiagnosticReport, Immunization, Procedure
//! and FamilyMemberHistory in their DSTU2 shape.

use serde_json::{json, Value};

use super::{code_of, first, notes_text, renamed, string, Obj, Out};

/// Condition: `patient` ← subject, `asserter` ← recorder, `dateRecorded` ← recordedDate
/// (as a date), a single `category`, plain-code statuses, `notes` ← note, Age onsets and
/// abatements as Quantities.
pub(super) fn condition(src: &Obj) -> Obj {
    let mut o = Out::new(src, "Condition");
    o.copy(&[
        "identifier",
        "encounter",
        "code",
        "severity",
        "onsetDateTime",
        "onsetPeriod",
        "onsetRange",
        "onsetString",
        "abatementDateTime",
        "abatementBoolean",
        "abatementPeriod",
        "abatementRange",
        "abatementString",
        "bodySite",
        "evidence",
    ]);
    o.rename("subject", "patient")
        .rename("recorder", "asserter")
        .rename("onsetAge", "onsetQuantity")
        .rename("abatementAge", "abatementQuantity");
    let recorded = o
        .get("recordedDate")
        .and_then(Value::as_str)
        .map(|d| string(d.get(..10).unwrap_or(d)));
    o.put("dateRecorded", recorded);
    let category = first(o.get("category"));
    o.put("category", category);
    let clinical = match code_of(o.get("clinicalStatus")) {
        Some("recurrence" | "relapse") => Some("relapse"),
        Some("inactive" | "resolved") => Some("resolved"),
        Some(s @ ("active" | "remission")) => Some(s),
        _ => None,
    };
    o.put("clinicalStatus", clinical.map(string));
    let verification = match code_of(o.get("verificationStatus")) {
        Some("unconfirmed") => "provisional",
        Some(
            s @ ("provisional" | "differential" | "confirmed" | "refuted" | "entered-in-error"),
        ) => s,
        _ => "unknown",
    };
    o.put("verificationStatus", Some(string(verification)));
    let notes = notes_text(o.get("note"));
    o.put("notes", notes);
    o.done()
}

/// AllergyIntolerance: `substance` ← code, one DSTU2 `status` from the clinical and
/// verification statuses, criticality `CRITL`/`CRITH`/`CRITU`, one `category`, `onset`
/// only as a dateTime, `note` the first Annotation.
pub(super) fn allergy_intolerance(src: &Obj) -> Obj {
    let mut o = Out::new(src, "AllergyIntolerance");
    o.copy(&[
        "identifier",
        "patient",
        "recordedDate",
        "recorder",
        "reporter",
        "type",
    ]);
    o.rename("code", "substance")
        .rename("onsetDateTime", "onset")
        .rename("lastOccurrence", "lastOccurence");
    let verification = code_of(o.get("verificationStatus"));
    let clinical = code_of(o.get("clinicalStatus"));
    let status = match (verification, clinical) {
        (Some("refuted"), _) => "refuted",
        (Some("entered-in-error"), _) => "entered-in-error",
        (_, Some("resolved")) => "resolved",
        (_, Some("inactive")) => "inactive",
        (Some("unconfirmed"), _) => "unconfirmed",
        (Some("confirmed"), _) => "confirmed",
        _ => "active",
    };
    o.put("status", Some(string(status)));
    let criticality = match o.get("criticality").and_then(Value::as_str) {
        Some("low") => Some("CRITL"),
        Some("high") => Some("CRITH"),
        Some("unable-to-assess") => Some("CRITU"),
        _ => None,
    };
    o.put("criticality", criticality.map(string));
    let category = match first(o.get("category")).as_ref().and_then(Value::as_str) {
        Some(c @ ("food" | "medication" | "environment")) => Some(c.to_owned()),
        Some(_) => Some("other".to_owned()),
        None => None,
    };
    o.put("category", category.map(Value::String));
    let note = first(o.get("note"));
    o.put("note", note);
    let reactions: Vec<Value> = o
        .get("reaction")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|r| {
            let mut out = serde_json::Map::new();
            for key in [
                "manifestation",
                "description",
                "onset",
                "severity",
                "exposureRoute",
            ] {
                if let Some(v) = r.get(key) {
                    out.insert(key.into(), v.clone());
                }
            }
            if let Some(s) = r.get("substance") {
                out.insert("substance".into(), s.clone());
            }
            if let Some(n) = first(r.get("note")) {
                out.insert("note".into(), n);
            }
            Value::Object(out)
        })
        .collect();
    o.put(
        "reaction",
        (!reactions.is_empty()).then_some(Value::Array(reactions)),
    );
    o.done()
}

/// An R4 `value[x]` (or `component`) made DSTU2: `valueInteger` becomes a Quantity.
fn value_x(from: &Obj, to: &mut Obj) {
    for key in [
        "valueQuantity",
        "valueCodeableConcept",
        "valueString",
        "valueRange",
        "valueRatio",
        "valueSampledData",
        "valueTime",
        "valueDateTime",
        "valuePeriod",
        "dataAbsentReason",
    ] {
        if let Some(v) = from.get(key) {
            to.insert(key.into(), v.clone());
        }
    }
    if let Some(n) = from.get("valueInteger") {
        to.insert("valueQuantity".into(), json!({ "value": n }));
    }
    if let Some(b) = from.get("valueBoolean").and_then(Value::as_bool) {
        to.insert(
            "valueString".into(),
            string(if b { "true" } else { "false" }),
        );
    }
}

fn reference_ranges(v: Option<&Value>) -> Option<Value> {
    let ranges: Vec<Value> = v?
        .as_array()?
        .iter()
        .filter_map(Value::as_object)
        .map(|r| {
            let mut out = serde_json::Map::new();
            for key in ["low", "high", "age", "text"] {
                if let Some(v) = r.get(key) {
                    out.insert(key.into(), v.clone());
                }
            }
            if let Some(t) = r.get("type") {
                out.insert("meaning".into(), t.clone());
            }
            Value::Object(out)
        })
        .collect();
    (!ranges.is_empty()).then_some(Value::Array(ranges))
}

/// Observation: status `corrected` → `amended`, one `category` (the observation-category
/// one when there are several) and one `interpretation`, `comments` ← note, `related` ←
/// hasMember/derivedFrom, components and reference ranges in DSTU2 form.
pub(super) fn observation(src: &Obj) -> Obj {
    let mut o = Out::new(src, "Observation");
    o.copy(&[
        "identifier",
        "code",
        "subject",
        "encounter",
        "effectiveDateTime",
        "effectivePeriod",
        "issued",
        "performer",
        "bodySite",
        "method",
        "specimen",
        "device",
    ]);
    o.rename("effectiveInstant", "effectiveDateTime");
    let status = match o.get("status").and_then(Value::as_str) {
        Some("corrected") => "amended",
        Some(
            s @ ("registered" | "preliminary" | "final" | "amended" | "cancelled"
            | "entered-in-error"),
        ) => s,
        _ => "unknown",
    };
    o.put("status", Some(string(status)));
    let categories = o.get("category").and_then(Value::as_array);
    let preferred = categories
        .into_iter()
        .flatten()
        .find(|cc| {
            cc.get("coding")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|c| {
                    c.get("system").and_then(Value::as_str)
                        == Some("http://terminology.hl7.org/CodeSystem/observation-category")
                })
        })
        .cloned()
        .or_else(|| first(o.get("category")));
    o.put("category", preferred);
    let interpretation = first(o.get("interpretation"));
    o.put("interpretation", interpretation);
    let comments = notes_text(o.get("note"));
    o.put("comments", comments);
    let mut values = Obj::new();
    value_x(o.src, &mut values);
    for (k, v) in values {
        o.out.insert(k, v);
    }
    let ranges = reference_ranges(o.get("referenceRange"));
    o.put("referenceRange", ranges);
    let components: Vec<Value> = o
        .get("component")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|c| {
            let mut out = serde_json::Map::new();
            if let Some(code) = c.get("code") {
                out.insert("code".into(), code.clone());
            }
            value_x(c, &mut out);
            if let Some(r) = reference_ranges(c.get("referenceRange")) {
                out.insert("referenceRange".into(), r);
            }
            Value::Object(out)
        })
        .collect();
    o.put(
        "component",
        (!components.is_empty()).then_some(Value::Array(components)),
    );
    let mut related = Vec::new();
    for (key, kind) in [("hasMember", "has-member"), ("derivedFrom", "derived-from")] {
        for target in o.get(key).and_then(Value::as_array).into_iter().flatten() {
            related.push(json!({ "type": kind, "target": target }));
        }
    }
    o.put(
        "related",
        (!related.is_empty()).then_some(Value::Array(related)),
    );
    o.done()
}

/// DiagnosticReport: statuses mapped (`preliminary` → `partial`, `amended` → `corrected`),
/// one `category`, one required `performer` (else the first results interpreter),
/// `issued` required (else the effective time), `codedDiagnosis` ← conclusionCode,
/// `request` ← basedOn.
pub(super) fn diagnostic_report(src: &Obj) -> Obj {
    let mut o = Out::new(src, "DiagnosticReport");
    o.copy(&[
        "identifier",
        "code",
        "subject",
        "encounter",
        "effectiveDateTime",
        "effectivePeriod",
        "result",
        "conclusion",
        "presentedForm",
        "imagingStudy",
    ]);
    o.rename("conclusionCode", "codedDiagnosis")
        .rename("basedOn", "request");
    let status = match o.get("status").and_then(Value::as_str) {
        Some("preliminary") => "partial",
        Some("amended") => "corrected",
        Some(
            s @ ("registered" | "partial" | "final" | "corrected" | "appended" | "cancelled"
            | "entered-in-error"),
        ) => s,
        _ => "final",
    };
    o.put("status", Some(string(status)));
    let category = first(o.get("category"));
    o.put("category", category);
    let performer = first(o.get("performer")).or_else(|| first(o.get("resultsInterpreter")));
    o.put("performer", performer);
    let issued = o
        .get("issued")
        .or_else(|| o.get("effectiveDateTime"))
        .or_else(|| o.get("effectivePeriod").and_then(|p| p.get("start")))
        .cloned();
    o.put("issued", issued);
    o.done()
}

/// Immunization: `date` ← occurrenceDateTime, `wasNotGiven` ← status `not-done` (with
/// `explanation.reasonNotGiven` ← statusReason), `reported` ← not primarySource,
/// `performer` ← the first performer's actor, `explanation.reason` ← reasonCode.
pub(super) fn immunization(src: &Obj) -> Obj {
    let mut o = Out::new(src, "Immunization");
    o.copy(&[
        "identifier",
        "vaccineCode",
        "patient",
        "encounter",
        "manufacturer",
        "location",
        "lotNumber",
        "expirationDate",
        "site",
        "route",
        "doseQuantity",
        "note",
    ]);
    o.rename("occurrenceDateTime", "date");
    let status = o.get("status").and_then(Value::as_str);
    let not_given = status == Some("not-done");
    let status = if status == Some("entered-in-error") {
        "entered-in-error"
    } else {
        "completed"
    };
    o.put("status", Some(string(status)));
    o.put("wasNotGiven", Some(Value::Bool(not_given)));
    let primary = o
        .get("primarySource")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    o.put("reported", Some(Value::Bool(!primary)));
    let performer = first(o.get("performer")).and_then(|p| p.get("actor").cloned());
    o.put("performer", performer);
    let mut explanation = serde_json::Map::new();
    if let Some(r) = o.get("reasonCode") {
        explanation.insert("reason".into(), r.clone());
    }
    if not_given {
        if let Some(r) = o.get("statusReason") {
            explanation.insert("reasonNotGiven".into(), json!([r]));
        }
    }
    o.put(
        "explanation",
        (!explanation.is_empty()).then_some(Value::Object(explanation)),
    );
    o.done()
}

/// Procedure: statuses mapped to the DSTU2 four (`not-done` → `aborted` with
/// `notPerformed`), `performer.role` ← function, single reason, `notes` ← note;
/// performed only as a dateTime or Period.
pub(super) fn procedure(src: &Obj) -> Obj {
    let mut o = Out::new(src, "Procedure");
    o.copy(&[
        "identifier",
        "subject",
        "category",
        "code",
        "bodySite",
        "performedDateTime",
        "performedPeriod",
        "encounter",
        "location",
        "outcome",
        "report",
        "complication",
        "followUp",
    ]);
    o.rename("note", "notes");
    let raw = o.get("status").and_then(Value::as_str);
    let status = match raw {
        Some("not-done" | "stopped") => "aborted",
        Some("completed") => "completed",
        Some("entered-in-error") => "entered-in-error",
        _ => "in-progress",
    };
    o.put("status", Some(string(status)));
    if raw == Some("not-done") {
        o.put("notPerformed", Some(Value::Bool(true)));
        let reason = o.get("statusReason").map(|r| json!([r]));
        o.put("reasonNotPerformed", reason);
    }
    let reason_code = first(o.get("reasonCode"));
    o.put("reasonCodeableConcept", reason_code);
    if !o.out.contains_key("reasonCodeableConcept") {
        let reason_ref = first(o.get("reasonReference"));
        o.put("reasonReference", reason_ref);
    }
    let performers: Vec<Value> = o
        .get("performer")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_object().cloned())
        .map(|p| {
            let mut p = renamed(p, "function", "role");
            p.remove("onBehalfOf");
            Value::Object(p)
        })
        .collect();
    o.put(
        "performer",
        (!performers.is_empty()).then_some(Value::Array(performers)),
    );
    o.done()
}

/// FamilyMemberHistory: `gender` ← the code of `sex`, Age values as Quantities, `note` and
/// each condition's note the first Annotation.
pub(super) fn family_member_history(src: &Obj) -> Obj {
    let mut o = Out::new(src, "FamilyMemberHistory");
    o.copy(&[
        "identifier",
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
    o.rename("ageAge", "ageQuantity")
        .rename("deceasedAge", "deceasedQuantity");
    let gender = code_of(o.get("sex")).map(string);
    o.put("gender", gender);
    let note = first(o.get("note"));
    o.put("note", note);
    let conditions: Vec<Value> = o
        .get("condition")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_object().cloned())
        .map(|c| {
            let mut c = renamed(c, "onsetAge", "onsetQuantity");
            c.remove("contributedToDeath");
            if let Some(n) = first(c.get("note")) {
                c.insert("note".into(), n);
            }
            Value::Object(c)
        })
        .collect();
    o.put(
        "condition",
        (!conditions.is_empty()).then_some(Value::Array(conditions)),
    );
    o.done()
}
