//! Patient, Practitioner, Organization and Coverage in their DSTU2 shape.

use serde_json::{json, Value};

use super::{first, Obj, Out};

/// DSTU2 HumanName: `family` is a list of strings.
fn human_name(name: &Value) -> Value {
    let mut n = name.as_object().cloned().unwrap_or_default();
    if let Some(Value::String(f)) = n.remove("family") {
        n.insert("family".into(), json!([f]));
    }
    n.remove("period");
    Value::Object(n)
}

/// Patient: `name.family` a list, `generalPractitioner` → `careProvider`; the rest as is.
pub(super) fn patient(src: &Obj) -> Obj {
    let mut o = Out::new(src, "Patient");
    o.copy(&[
        "identifier",
        "active",
        "telecom",
        "gender",
        "birthDate",
        "deceasedBoolean",
        "deceasedDateTime",
        "address",
        "maritalStatus",
        "multipleBirthBoolean",
        "multipleBirthInteger",
        "communication",
        "managingOrganization",
    ]);
    let names = o
        .get("name")
        .and_then(Value::as_array)
        .map(|ns| Value::Array(ns.iter().map(human_name).collect()));
    o.put("name", names);
    o.rename("generalPractitioner", "careProvider");
    o.done()
}

/// Practitioner: a single `name` (the first) with `family` a list.
pub(super) fn practitioner(src: &Obj) -> Obj {
    let mut o = Out::new(src, "Practitioner");
    o.copy(&[
        "identifier",
        "active",
        "telecom",
        "address",
        "gender",
        "birthDate",
        "qualification",
        "communication",
    ]);
    let name = first(o.get("name")).map(|n| human_name(&n));
    o.put("name", name);
    o.done()
}

/// Organization: a single `type` (the first); `alias` dropped.
pub(super) fn organization(src: &Obj) -> Obj {
    let mut o = Out::new(src, "Organization");
    o.copy(&[
        "identifier",
        "active",
        "name",
        "telecom",
        "address",
        "partOf",
    ]);
    let kind = first(o.get("type"));
    o.put("type", kind);
    o.done()
}

/// Coverage: `issuer` ← first `payor`, `type` the first Coding, `subscriberId` an
/// Identifier, `subscriber` ← subscriber or beneficiary, `group`/`plan` from `class`.
pub(super) fn coverage(src: &Obj) -> Obj {
    let mut o = Out::new(src, "Coverage");
    o.copy(&["identifier", "period"]);
    let issuer = first(o.get("payor"));
    o.put("issuer", issuer);
    let kind = o
        .get("type")
        .and_then(|t| t.get("coding"))
        .and_then(|c| first(Some(c)));
    o.put("type", kind);
    let subscriber_id = o
        .get("subscriberId")
        .and_then(Value::as_str)
        .map(|id| json!({ "value": id }));
    o.put("subscriberId", subscriber_id);
    let subscriber = o.get("subscriber").or(o.get("beneficiary")).cloned();
    o.put("subscriber", subscriber);
    for class in o
        .get("class")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let kind = super::code_of(class.get("type"));
        let value = class.get("value").cloned();
        match kind {
            Some("group") => {
                o.put("group", value);
            }
            Some("plan") => {
                o.put("plan", value);
            }
            Some("subplan") => {
                o.put("subPlan", value);
            }
            _ => {}
        }
    }
    o.done()
}
