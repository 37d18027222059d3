//! Encounter, CarePlan and DocumentReference in their DSTU2 shape.

use serde_json::{json, Value};

use super::{first, string, Obj, Out};

/// Encounter: `patient` ← subject, `class` a plain code, `reason` ← reasonCode,
/// `indication` ← diagnosis conditions; statuses mapped to the DSTU2 set.
pub(super) fn encounter(src: &Obj) -> Obj {
    let mut o = Out::new(src, "Encounter");
    o.copy(&[
        "identifier",
        "type",
        "participant",
        "period",
        "length",
        "hospitalization",
        "location",
        "serviceProvider",
        "priority",
    ]);
    let status = match o.get("status").and_then(Value::as_str) {
        Some("triaged") => "arrived",
        Some("entered-in-error") => "cancelled",
        Some(s @ ("planned" | "arrived" | "in-progress" | "onleave" | "cancelled")) => s,
        _ => "finished",
    };
    o.put("status", Some(string(status)));
    let class = o
        .get("class")
        .and_then(|c| c.get("code"))
        .and_then(Value::as_str);
    let class = match class {
        Some("AMB") => "ambulatory",
        Some("IMP" | "ACUTE" | "NONAC") => "inpatient",
        Some("EMER") => "emergency",
        Some("HH") => "home",
        Some("FLD") => "field",
        Some("SS") => "daytime",
        Some("VR") => "virtual",
        _ => "other",
    };
    o.put("class", Some(string(class)));
    o.rename("subject", "patient");
    o.rename("reasonCode", "reason");
    let indication: Vec<Value> = o
        .get("diagnosis")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| d.get("condition").cloned())
        .collect();
    o.put(
        "indication",
        (!indication.is_empty()).then_some(Value::Array(indication)),
    );
    o.done()
}

/// CarePlan: statuses mapped, `author` a list, `description` ← description or title,
/// `note` the first Annotation, activity details with the DSTU2 statuses and the
/// required `prohibited`. `careTeam`, `intent` and `encounter` have no DSTU2 place.
pub(super) fn care_plan(src: &Obj) -> Obj {
    let mut o = Out::new(src, "CarePlan");
    o.copy(&[
        "identifier",
        "subject",
        "period",
        "category",
        "addresses",
        "goal",
    ]);
    let status = match o.get("status").and_then(Value::as_str) {
        Some(s @ ("draft" | "active" | "completed")) => s,
        Some("on-hold") => "active",
        Some("revoked" | "entered-in-error") => "cancelled",
        _ => "draft",
    };
    o.put("status", Some(string(status)));
    let author = o.get("author").map(|a| match a {
        Value::Array(_) => a.clone(),
        single => json!([single]),
    });
    o.put("author", author);
    let description = o.get("description").or(o.get("title")).cloned();
    o.put("description", description);
    let note = first(o.get("note"));
    o.put("note", note);
    let modified = o.get("created").cloned();
    o.put("modified", modified);
    let activities: Vec<Value> = o
        .get("activity")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(activity)
        .collect();
    o.put(
        "activity",
        (!activities.is_empty()).then_some(Value::Array(activities)),
    );
    o.done()
}

fn activity(a: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let Some(r) = a.get("reference") {
        out.insert("reference".into(), r.clone());
    }
    if let Some(p) = a.get("progress") {
        out.insert("progress".into(), p.clone());
    }
    if let Some(d) = a.get("detail").and_then(Value::as_object) {
        let mut detail = serde_json::Map::new();
        for key in [
            "category",
            "code",
            "reasonCode",
            "reasonReference",
            "goal",
            "scheduledTiming",
            "scheduledPeriod",
            "scheduledString",
            "location",
            "performer",
            "productCodeableConcept",
            "productReference",
            "dailyAmount",
            "quantity",
            "description",
        ] {
            if let Some(v) = d.get(key) {
                detail.insert(key.into(), v.clone());
            }
        }
        let status = match d.get("status").and_then(Value::as_str) {
            Some(
                s @ ("not-started" | "scheduled" | "in-progress" | "on-hold" | "completed"
                | "cancelled"),
            ) => s,
            Some("stopped" | "entered-in-error") => "cancelled",
            _ => "not-started",
        };
        detail.insert("status".into(), string(status));
        let prohibited = d.get("doNotPerform").cloned().unwrap_or(Value::Bool(false));
        detail.insert("prohibited".into(), prohibited);
        out.insert("detail".into(), Value::Object(detail));
    }
    Value::Object(out)
}

/// DocumentReference: `class` ← first category, `indexed` ← date (required; else the last
/// update), `created` ← the attachment's creation, `docStatus` a CodeableConcept,
/// `content.format` a list, `context.encounter` the first encounter.
pub(super) fn document_reference(src: &Obj) -> Obj {
    let mut o = Out::new(src, "DocumentReference");
    o.copy(&[
        "masterIdentifier",
        "identifier",
        "subject",
        "author",
        "authenticator",
        "custodian",
        "status",
        "description",
        "securityLabel",
        "relatesTo",
    ]);
    let kind = o.get("type").cloned().or_else(|| first(o.get("category")));
    o.put("type", kind);
    let class = first(o.get("category"));
    o.put("class", class);
    let indexed = o
        .get("date")
        .or_else(|| o.get("meta").and_then(|m| m.get("lastUpdated")))
        .cloned();
    o.put("indexed", indexed);
    let created = o
        .get("content")
        .and_then(|c| c.get(0))
        .and_then(|c| c.get("attachment"))
        .and_then(|a| a.get("creation"))
        .cloned();
    o.put("created", created);
    let doc_status = o.get("docStatus").and_then(Value::as_str).map(
        |s| json!({"coding": [{"system": "http://hl7.org/fhir/composition-status", "code": s}]}),
    );
    o.put("docStatus", doc_status);
    let content: Vec<Value> = o
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            let mut item = serde_json::Map::new();
            if let Some(a) = c.get("attachment") {
                item.insert("attachment".into(), a.clone());
            }
            if let Some(f) = c.get("format") {
                item.insert("format".into(), json!([f]));
            }
            Value::Object(item)
        })
        .collect();
    o.put(
        "content",
        (!content.is_empty()).then_some(Value::Array(content)),
    );
    if let Some(ctx) = o.get("context").and_then(Value::as_object) {
        let mut c = serde_json::Map::new();
        if let Some(e) = first(ctx.get("encounter")) {
            c.insert("encounter".into(), e);
        }
        for key in [
            "event",
            "period",
            "facilityType",
            "practiceSetting",
            "sourcePatientInfo",
        ] {
            if let Some(v) = ctx.get(key) {
                c.insert(key.into(), v.clone());
            }
        }
        let related: Vec<Value> = ctx
            .get("related")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|r| json!({ "ref": r }))
            .collect();
        if !related.is_empty() {
            c.insert("related".into(), Value::Array(related));
        }
        o.put("context", Some(Value::Object(c)));
    }
    o.done()
}
