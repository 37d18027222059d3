//! Encounter, CarePlan, Goal and DocumentReference from DSTU2 to R4.

use serde_json::{json, Value};

use super::common::{code_of, concept, string, Node};
use super::types::timing;

const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
const NULL_FLAVOR: &str = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor";
const DIAGNOSIS_ROLE: &str = "http://terminology.hl7.org/CodeSystem/diagnosis-role";

fn encounter_status(code: &str) -> Option<&'static str> {
    [
        "planned",
        "arrived",
        "in-progress",
        "onleave",
        "finished",
        "cancelled",
    ]
    .into_iter()
    .find(|c| *c == code)
}

/// Encounter: `class` code → a v3 ActCode Coding, `patient` → `subject`, `reason` →
/// `reasonCode`, `indication` and the hospitalization's admitting/discharge diagnoses →
/// `diagnosis`, `incomingReferral` → `basedOn`, `appointment` a list.
pub(super) fn encounter(n: &mut Node) {
    n.copy(&["priority", "period", "length", "serviceProvider", "partOf"]);
    n.lists(&["identifier", "type", "episodeOfCare"]);
    n.code("status", "status", encounter_status);
    n.each("statusHistory", "statusHistory", |h| {
        h.copy(&["period", "extension", "modifierExtension"]);
        h.code("status", "status", encounter_status);
        h.require_code("status", "unknown", "no usable status in the source");
    });
    let class = n.take_str("class");
    let coding = match class.as_deref() {
        Some("inpatient") => {
            json!({"system": ACT_CODE, "code": "IMP", "display": "inpatient encounter"})
        }
        Some("outpatient" | "ambulatory") => {
            json!({"system": ACT_CODE, "code": "AMB", "display": "ambulatory"})
        }
        Some("emergency") => json!({"system": ACT_CODE, "code": "EMER", "display": "emergency"}),
        Some("home") => json!({"system": ACT_CODE, "code": "HH", "display": "home health"}),
        Some("field") => json!({"system": ACT_CODE, "code": "FLD", "display": "field"}),
        Some("daytime") => json!({"system": ACT_CODE, "code": "SS", "display": "short stay"}),
        Some("virtual") => json!({"system": ACT_CODE, "code": "VR", "display": "virtual"}),
        Some("other") => json!({"system": NULL_FLAVOR, "code": "OTH", "display": "other"}),
        Some(_) => {
            n.note(
                "class",
                "the code has no R4 equivalent; recorded as unknown",
            );
            json!({"system": NULL_FLAVOR, "code": "UNK", "display": "unknown"})
        }
        None => {
            n.note(
                "class",
                "none in the source; R4 requires it, recorded as unknown",
            );
            json!({"system": NULL_FLAVOR, "code": "UNK", "display": "unknown"})
        }
    };
    n.put("class", coding);
    n.rename("patient", "subject");
    n.repeat("incomingReferral", "basedOn");
    n.repeat("appointment", "appointment");
    n.repeat("reason", "reasonCode");
    n.each("participant", "participant", |p| {
        p.copy(&["period", "individual", "extension", "modifierExtension"]);
        p.lists(&["type"]);
    });
    n.each("location", "location", |l| {
        l.copy(&[
            "location",
            "status",
            "period",
            "extension",
            "modifierExtension",
        ]);
    });
    let mut diagnosis: Vec<Value> = n
        .list("indication")
        .into_iter()
        .map(|condition| json!({ "condition": condition }))
        .collect();
    if let Some(hospitalization) = n.child("hospitalization", |h| {
        h.copy(&[
            "preAdmissionIdentifier",
            "origin",
            "admitSource",
            "reAdmission",
            "dietPreference",
            "specialCourtesy",
            "specialArrangement",
            "destination",
            "dischargeDisposition",
            "extension",
            "modifierExtension",
        ]);
        for (key, code, display) in [
            ("admittingDiagnosis", "AD", "Admission diagnosis"),
            ("dischargeDiagnosis", "DD", "Discharge diagnosis"),
        ] {
            for condition in h.list(key) {
                diagnosis.push(json!({
                    "condition": condition,
                    "use": concept(DIAGNOSIS_ROLE, code, display)
                }));
            }
        }
    }) {
        n.put("hospitalization", Value::Object(hospitalization));
    }
    if !diagnosis.is_empty() {
        n.put("diagnosis", Value::Array(diagnosis));
    }
    n.require_code("status", "unknown", "no usable status in the source");
}

/// CarePlan: statuses mapped (`proposed` → `draft`, `cancelled` → `revoked`), the R4
/// `intent` (`plan`), `context` → `encounter`, the first `author` → `author` and the
/// others → `contributor`, `support` → `supportingInfo`, `relatedPlan` → `replaces`/
/// `basedOn`, activity `actionResulting` → `outcomeReference`, detail `category` →
/// `kind` and `prohibited` → `doNotPerform`, `notes` → `note`. `participant` and
/// `modified` have no R4 element.
pub(super) fn care_plan(n: &mut Node) {
    n.copy(&["subject", "period", "description"]);
    n.lists(&["identifier", "category", "addresses", "goal"]);
    n.code("status", "status", |c| match c {
        "proposed" | "draft" => Some("draft"),
        "active" => Some("active"),
        "completed" => Some("completed"),
        "cancelled" => Some("revoked"),
        _ => None,
    });
    n.put("intent", string("plan"));
    n.rename("context", "encounter");
    let mut authors = n.list("author").into_iter();
    if let Some(first) = authors.next() {
        n.put("author", first);
    }
    let rest: Vec<Value> = authors.collect();
    if !rest.is_empty() {
        n.put("contributor", Value::Array(rest));
    }
    n.repeat("support", "supportingInfo");
    let mut replaces = Vec::new();
    let mut based_on = Vec::new();
    for (i, related) in n.list("relatedPlan").into_iter().enumerate() {
        let plan = related.get("plan").cloned();
        match (related.get("code").and_then(Value::as_str), plan) {
            (Some("replaces"), Some(p)) => replaces.push(p),
            (Some("fulfills"), Some(p)) => based_on.push(p),
            _ => n.note(
                &format!("relatedPlan[{i}]"),
                "no R4 element for this kind of relation; left out",
            ),
        }
    }
    if !replaces.is_empty() {
        n.put("replaces", Value::Array(replaces));
    }
    if !based_on.is_empty() {
        n.put("basedOn", Value::Array(based_on));
    }
    n.each("activity", "activity", activity);
    n.repeat("notes", "note");
    n.require_code("status", "unknown", "no usable status in the source");
    n.require_absent("subject", false);
}

fn activity(a: &mut Node) {
    a.copy(&["reference", "extension", "modifierExtension"]);
    a.lists(&["progress"]);
    a.repeat("actionResulting", "outcomeReference");
    if let Some(detail) = a.child("detail", |d| {
        d.copy(&[
            "code",
            "statusReason",
            "scheduledPeriod",
            "scheduledString",
            "location",
            "productCodeableConcept",
            "productReference",
            "dailyAmount",
            "quantity",
            "description",
            "extension",
            "modifierExtension",
        ]);
        d.lists(&["reasonCode", "reasonReference", "goal", "performer"]);
        if let Some(t) = d.take("scheduledTiming") {
            d.put("scheduledTiming", timing(t));
        }
        d.rename("prohibited", "doNotPerform");
        if let Some(category) = d.take("category") {
            let kind = match code_of(&category) {
                Some("diet") => Some("NutritionOrder"),
                Some("drug") => Some("MedicationRequest"),
                Some("encounter") => Some("Appointment"),
                Some("observation" | "procedure") => Some("ServiceRequest"),
                _ => None,
            };
            match kind {
                Some(k) => d.put("kind", string(k)),
                None => d.note("category", "no R4 activity kind for it; left out"),
            }
        }
        d.code("status", "status", |c| {
            [
                "not-started",
                "scheduled",
                "in-progress",
                "on-hold",
                "completed",
                "cancelled",
            ]
            .into_iter()
            .find(|s| *s == c)
        });
        d.require_code("status", "unknown", "no usable status in the source");
    }) {
        a.put("detail", Value::Object(detail));
    }
}

/// Goal: `status` → `lifecycleStatus` plus `achievementStatus` (in-progress, achieved
/// and sustaining are achievements in R4), `description` a CodeableConcept, `author` →
/// `expressedBy`, `target[x]` → `target.due[x]`, `statusReason` text, `outcome` →
/// `outcomeCode`/`outcomeReference`.
pub(super) fn goal(n: &mut Node) {
    n.copy(&[
        "subject",
        "priority",
        "statusDate",
        "startDate",
        "startCodeableConcept",
    ]);
    n.lists(&["identifier", "category", "addresses", "note"]);
    n.rename("author", "expressedBy");
    let mut target = serde_json::Map::new();
    if let Some(date) = n.take("targetDate") {
        target.insert("dueDate".into(), date);
    }
    if let Some(duration) = n.take("targetQuantity") {
        target.insert("dueDuration".into(), duration);
    }
    if !target.is_empty() {
        n.put("target", json!([target]));
    }
    match n.take("description") {
        Some(Value::String(text)) => n.put("description", json!({ "text": text })),
        Some(cc @ Value::Object(_)) => n.put("description", cc),
        Some(_) => n.note("description", "not text; left out"),
        None => {}
    }
    let status = n.take_str("status");
    let (lifecycle, achievement) = match status.as_deref() {
        Some(s @ ("proposed" | "planned" | "accepted" | "rejected" | "on-hold" | "cancelled")) => {
            (Some(s), None)
        }
        Some("in-progress") => (Some("active"), Some(("in-progress", "In Progress"))),
        Some("sustaining") => (Some("active"), Some(("sustaining", "Sustaining"))),
        Some("achieved") => (Some("completed"), Some(("achieved", "Achieved"))),
        Some(_) => {
            n.note("status", "the code has no R4 equivalent; left out");
            (None, None)
        }
        None => (None, None),
    };
    if let Some(l) = lifecycle {
        n.put("lifecycleStatus", string(l));
    }
    if let Some((code, display)) = achievement {
        n.put(
            "achievementStatus",
            concept(
                "http://terminology.hl7.org/CodeSystem/goal-achievement",
                code,
                display,
            ),
        );
    }
    if let Some(reason) = n.take("statusReason") {
        let text = reason
            .get("text")
            .and_then(Value::as_str)
            .or_else(|| {
                reason
                    .get("coding")?
                    .as_array()?
                    .iter()
                    .find_map(|c| c.get("display").and_then(Value::as_str))
            })
            .map(str::to_owned);
        match text {
            Some(t) => n.put("statusReason", Value::String(t)),
            None => n.note(
                "statusReason",
                "R4 keeps the reason as text and this one has none; left out",
            ),
        }
    }
    let mut codes = Vec::new();
    let mut references = Vec::new();
    for (i, outcome) in n.list("outcome").into_iter().enumerate() {
        if let Some(cc) = outcome.get("resultCodeableConcept") {
            codes.push(cc.clone());
        } else if let Some(r) = outcome.get("resultReference") {
            references.push(r.clone());
        } else {
            n.note(&format!("outcome[{i}]"), "no result in it; left out");
        }
    }
    if !codes.is_empty() {
        n.put("outcomeCode", Value::Array(codes));
    }
    if !references.is_empty() {
        n.put("outcomeReference", Value::Array(references));
    }
    n.require_code(
        "lifecycleStatus",
        "active",
        "no usable status in the source",
    );
    n.require_absent("description", false);
    n.require_absent("subject", false);
}

/// DocumentReference: `indexed` → `date`, `class` → `category`, `created` → each
/// attachment's `creation`, `docStatus` a code, `content.format` one Coding,
/// `context.encounter` a list, `context.related` plain References.
pub(super) fn document_reference(n: &mut Node) {
    n.copy(&[
        "masterIdentifier",
        "subject",
        "custodian",
        "authenticator",
        "status",
        "description",
    ]);
    n.lists(&["identifier", "author", "securityLabel"]);
    n.copy(&["type"]);
    n.rename("indexed", "date");
    n.repeat("class", "category");
    if let Some(doc_status) = n.take("docStatus") {
        match code_of(&doc_status) {
            Some(c @ ("preliminary" | "final" | "amended" | "entered-in-error")) => {
                n.put("docStatus", string(c));
            }
            _ => n.note("docStatus", "the code has no R4 equivalent; left out"),
        }
    }
    n.each("relatesTo", "relatesTo", |r| {
        r.copy(&["code", "target", "extension", "modifierExtension"]);
    });
    let created = n.take("created");
    n.each("content", "content", |c| {
        c.copy(&["attachment", "extension", "modifierExtension"]);
        c.first_of("format", "format");
        if let (Some(created), Some(Value::Object(attachment))) =
            (created.as_ref(), c.out.get_mut("attachment"))
        {
            attachment
                .entry("creation")
                .or_insert_with(|| created.clone());
        }
    });
    if created.is_some() && !n.out.contains_key("content") {
        n.note(
            "created",
            "R4 keeps it on the attachment and there is none; left out",
        );
    }
    if let Some(context) = n.child("context", |c| {
        c.copy(&[
            "period",
            "facilityType",
            "practiceSetting",
            "sourcePatientInfo",
            "extension",
            "modifierExtension",
        ]);
        c.lists(&["event"]);
        c.repeat("encounter", "encounter");
        let related: Vec<Value> = c
            .list("related")
            .into_iter()
            .filter_map(|r| {
                r.get("ref")
                    .cloned()
                    .or_else(|| r.get("identifier").map(|id| json!({ "identifier": id })))
            })
            .collect();
        if !related.is_empty() {
            c.put("related", Value::Array(related));
        }
    }) {
        n.put("context", Value::Object(context));
    }
    n.require_code("status", "current", "no status in the source");
    if !n.out.contains_key("content") {
        n.put(
            "content",
            json!([{ "attachment": super::common::absent() }]),
        );
        n.note(
            "content",
            "none in the source; R4 requires one, marked with data-absent-reason 'unknown'",
        );
    }
}
