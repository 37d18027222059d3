//! DSTU2 data types whose R4 shape changed: HumanName (`family` became one string),
//! Timing (`periodUnits` → `periodUnit`, `when` repeats), the medication dosage (dose and
//! rate moved into `doseAndRate`), and extension values that carry those types.

use serde_json::Value;

use super::common::{Node, Obj};

/// DSTU2 HumanName: `family` is a list of name parts; R4 keeps one string.
pub(super) fn human_name(v: Value) -> Value {
    let Value::Object(mut name) = v else {
        return v;
    };
    if let Some(Value::Array(parts)) = name.get("family") {
        let family: Vec<&str> = parts.iter().filter_map(Value::as_str).collect();
        let joined = family.join(" ");
        name.remove("family");
        name.remove("_family");
        if !joined.is_empty() {
            name.insert("family".into(), Value::String(joined));
        }
    }
    Value::Object(name)
}

/// `name` as an R4 list of HumanNames (DSTU2 has both single and repeating names).
pub(super) fn names(n: &mut Node, from: &str, to: &str) {
    let list: Vec<Value> = n.list(from).into_iter().map(human_name).collect();
    if !list.is_empty() {
        n.put(to, Value::Array(list));
    }
}

/// One DSTU2 HumanName kept single (e.g. a contact's name).
pub(super) fn name(n: &mut Node, key: &str) {
    if let Some(v) = n.take(key) {
        n.put(key, human_name(v));
    }
}

/// DSTU2 Timing in its R4 shape.
pub(super) fn timing(v: Value) -> Value {
    let Value::Object(mut t) = v else {
        return v;
    };
    if let Some(Value::Object(repeat)) = t.remove("repeat") {
        t.insert("repeat".into(), Value::Object(timing_repeat(repeat)));
    }
    Value::Object(t)
}

fn timing_repeat(mut r: Obj) -> Obj {
    for (from, to) in [
        ("periodUnits", "periodUnit"),
        ("durationUnits", "durationUnit"),
        ("boundsQuantity", "boundsDuration"),
    ] {
        if let Some(v) = r.remove(from) {
            r.insert(to.into(), v);
        }
    }
    if let Some(when) = r.remove("when") {
        let list = match when {
            Value::Array(items) => items,
            single => vec![single],
        };
        r.insert("when".into(), Value::Array(list));
    }
    r
}

/// A DSTU2 medication dosage (MedicationOrder/MedicationDispense `dosageInstruction`,
/// MedicationStatement `dosage`) as an R4 Dosage. `dose` names the DSTU2 dose choice:
/// `dose` (doseQuantity, doseRange) or `quantity` (quantityQuantity, quantityRange).
pub(super) fn dosage(n: &mut Node, dose: &str) {
    n.copy(&[
        "text",
        "asNeededBoolean",
        "asNeededCodeableConcept",
        "route",
        "method",
        "maxDosePerPeriod",
        "extension",
        "modifierExtension",
    ]);
    n.repeat("additionalInstructions", "additionalInstruction");
    if let Some(t) = n.take("timing") {
        n.put("timing", timing(t));
    }
    n.rename("siteCodeableConcept", "site");
    let mut dose_and_rate = Obj::new();
    for (from, to) in [
        (format!("{dose}Quantity"), "doseQuantity"),
        (format!("{dose}Range"), "doseRange"),
        ("rateRatio".to_owned(), "rateRatio"),
        ("rateRange".to_owned(), "rateRange"),
    ] {
        if let Some(v) = n.take(&from) {
            dose_and_rate.insert(to.into(), v);
        }
    }
    if !dose_and_rate.is_empty() {
        n.put(
            "doseAndRate",
            Value::Array(vec![Value::Object(dose_and_rate)]),
        );
    }
}

/// Extensions whose values are of a type that changed shape.
pub(super) fn extensions(v: Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.into_iter().map(extensions).collect()),
        Value::Object(mut ext) => {
            if let Some(name) = ext.remove("valueHumanName") {
                ext.insert("valueHumanName".into(), human_name(name));
            }
            if let Some(t) = ext.remove("valueTiming") {
                ext.insert("valueTiming".into(), timing(t));
            }
            if let Some(nested) = ext.remove("extension") {
                ext.insert("extension".into(), extensions(nested));
            }
            Value::Object(ext)
        }
        other => other,
    }
}
