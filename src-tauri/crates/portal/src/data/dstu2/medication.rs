//! MedicationRequest (as MedicationOrder), MedicationStatement and Medication in their
//! DSTU2 shape, with the dosage and Timing changes they share.

use serde_json::{json, Value};

use super::{code_of, first, notes_text, renamed, string, Obj, Out};

/// DSTU2 Timing: `periodUnits`/`durationUnits`, a single `when`; R4-only repeat elements
/// (`dayOfWeek`, `timeOfDay`, `offset`) dropped.
fn timing(t: &Value) -> Value {
    let Some(t) = t.as_object() else {
        return t.clone();
    };
    let mut out = t.clone();
    if let Some(Value::Object(repeat)) = t.get("repeat") {
        let mut r = renamed(repeat.clone(), "periodUnit", "periodUnits");
        r = renamed(r, "durationUnit", "durationUnits");
        for key in ["dayOfWeek", "timeOfDay", "offset", "countMax"] {
            r.remove(key);
        }
        if let Some(w) = first(r.get("when")) {
            r.insert("when".into(), w);
        }
        out.insert("repeat".into(), Value::Object(r));
    }
    Value::Object(out)
}

/// An R4 Dosage as DSTU2 dosage: the dose and rate out of `doseAndRate`, under `dose_key`
/// (`doseQuantity` for orders, `quantity` for statements).
fn dosage(d: &Value, dose_key: &str) -> Value {
    let Some(d) = d.as_object() else {
        return d.clone();
    };
    let mut out = serde_json::Map::new();
    for key in [
        "text",
        "asNeededBoolean",
        "asNeededCodeableConcept",
        "site",
        "route",
        "method",
        "maxDosePerPeriod",
    ] {
        if let Some(v) = d.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(t) = d.get("timing") {
        out.insert("timing".into(), timing(t));
    }
    if let Some(extra) = first(d.get("additionalInstruction")) {
        out.insert("additionalInstructions".into(), extra);
    }
    if let Some(dr) = first(d.get("doseAndRate")) {
        if let Some(q) = dr.get("doseQuantity") {
            out.insert(dose_key.into(), q.clone());
        }
        if let Some(r) = dr.get("doseRange") {
            out.insert("doseRange".into(), r.clone());
        }
        for key in ["rateRatio", "rateRange"] {
            if let Some(v) = dr.get(key) {
                out.insert(key.into(), v.clone());
            }
        }
    }
    Value::Object(out)
}

fn dosages(v: Option<&Value>, dose_key: &str) -> Option<Value> {
    let list: Vec<Value> = v?.as_array()?.iter().map(|d| dosage(d, dose_key)).collect();
    (!list.is_empty()).then_some(Value::Array(list))
}

/// MedicationRequest → MedicationOrder: `dateWritten` ← authoredOn, `patient` ← subject,
/// `prescriber` ← requester, one reason, `note` a string, statuses mapped (`cancelled` →
/// `stopped`), `substitution.type` ← allowed (E or N).
pub(super) fn medication_order(src: &Obj) -> Obj {
    let mut o = Out::new(src, "MedicationOrder");
    o.copy(&[
        "identifier",
        "encounter",
        "medicationCodeableConcept",
        "medicationReference",
        "priorPrescription",
    ]);
    o.rename("authoredOn", "dateWritten")
        .rename("subject", "patient")
        .rename("requester", "prescriber");
    let status = match o.get("status").and_then(Value::as_str) {
        Some(
            s @ ("active" | "on-hold" | "completed" | "entered-in-error" | "stopped" | "draft"),
        ) => Some(s),
        Some("cancelled") => Some("stopped"),
        _ => None,
    };
    o.put("status", status.map(string));
    let reason = first(o.get("reasonCode"));
    o.put("reasonCodeableConcept", reason);
    if !o.out.contains_key("reasonCodeableConcept") {
        let reason_ref = first(o.get("reasonReference"));
        o.put("reasonReference", reason_ref);
    }
    let note = notes_text(o.get("note"));
    o.put("note", note);
    let dosage = dosages(o.get("dosageInstruction"), "doseQuantity");
    o.put("dosageInstruction", dosage);
    if let Some(dr) = o.get("dispenseRequest").and_then(Value::as_object) {
        let mut d = serde_json::Map::new();
        for key in [
            "validityPeriod",
            "numberOfRepeatsAllowed",
            "quantity",
            "expectedSupplyDuration",
        ] {
            if let Some(v) = dr.get(key) {
                d.insert(key.into(), v.clone());
            }
        }
        o.put("dispenseRequest", Some(Value::Object(d)));
    }
    if let Some(s) = o.get("substitution") {
        let allowed = s
            .get("allowedBoolean")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let (code, display) = if allowed {
            ("E", "equivalent")
        } else {
            ("N", "none")
        };
        let mut sub = serde_json::Map::new();
        sub.insert(
            "type".into(),
            json!({"coding": [{"system": "http://hl7.org/fhir/v3/ActSubstanceAdminSubstitution", "code": code, "display": display}]}),
        );
        if let Some(r) = s.get("reason") {
            sub.insert("reason".into(), r.clone());
        }
        o.put("substitution", Some(Value::Object(sub)));
    }
    o.done()
}

/// MedicationStatement: `patient` ← subject, statuses mapped to the DSTU2 four
/// (`not-taken` → `wasNotTaken` with `reasonNotTaken`), one reason for use, `note` a
/// string, dosage `quantity` out of `doseAndRate`.
pub(super) fn medication_statement(src: &Obj) -> Obj {
    let mut o = Out::new(src, "MedicationStatement");
    o.copy(&[
        "identifier",
        "informationSource",
        "dateAsserted",
        "effectiveDateTime",
        "effectivePeriod",
        "medicationCodeableConcept",
        "medicationReference",
        "supportingInformation",
    ]);
    o.rename("subject", "patient");
    let raw = o.get("status").and_then(Value::as_str);
    let status = match raw {
        Some(s @ ("active" | "completed" | "entered-in-error" | "intended")) => s,
        Some("stopped" | "not-taken") => "completed",
        _ => "active",
    };
    o.put("status", Some(string(status)));
    if raw == Some("not-taken") {
        o.put("wasNotTaken", Some(Value::Bool(true)));
        let reason = o.get("statusReason").map(|r| match r {
            Value::Array(_) => r.clone(),
            single => json!([single]),
        });
        o.put("reasonNotTaken", reason);
    }
    let reason = first(o.get("reasonCode"));
    o.put("reasonForUseCodeableConcept", reason);
    if !o.out.contains_key("reasonForUseCodeableConcept") {
        let reason_ref = first(o.get("reasonReference"));
        o.put("reasonForUseReference", reason_ref);
    }
    let note = notes_text(o.get("note"));
    o.put("note", note);
    let dosage = dosages(o.get("dosage"), "quantity");
    o.put("dosage", dosage);
    o.done()
}

/// Medication: `product.form`, `product.ingredient` (item a Reference; a coded item keeps
/// its text as the display, `amount` ← strength) and `product.batch`.
pub(super) fn medication(src: &Obj) -> Obj {
    let mut o = Out::new(src, "Medication");
    o.copy(&["code", "manufacturer"]);
    let mut product = serde_json::Map::new();
    if let Some(form) = o.get("form") {
        product.insert("form".into(), form.clone());
    }
    let ingredients: Vec<Value> = o
        .get("ingredient")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| {
            let item = match (i.get("itemReference"), i.get("itemCodeableConcept")) {
                (Some(r), _) => r.clone(),
                (None, Some(cc)) => {
                    let display = cc
                        .get("text")
                        .and_then(Value::as_str)
                        .or_else(|| cc.get("coding")?.get(0)?.get("display")?.as_str())
                        .or(code_of(Some(cc)))?;
                    json!({ "display": display })
                }
                (None, None) => return None,
            };
            let mut out = serde_json::Map::new();
            out.insert("item".into(), item);
            if let Some(s) = i.get("strength") {
                out.insert("amount".into(), s.clone());
            }
            Some(Value::Object(out))
        })
        .collect();
    if !ingredients.is_empty() {
        product.insert("ingredient".into(), Value::Array(ingredients));
    }
    if let Some(batch) = o.get("batch") {
        product.insert("batch".into(), json!([batch]));
    }
    o.put(
        "product",
        (!product.is_empty()).then_some(Value::Object(product)),
    );
    o.done()
}
