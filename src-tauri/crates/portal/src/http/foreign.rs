//! The foreign-entries fault: what a careless portal mixes into a search page. A resource
//! of the searched type about another patient, a resource of another type, an
//! OperationOutcome marked `outcome`, and a resource of a type FHIR does not have. An app
//! must keep none of them as the patient's.

use serde_json::json;

use super::bundle::ExtraEntry;
use crate::data::{Data, Stored};
use crate::flavor::Flavor;

const OTHER_PATIENT: &str = "someone-else";

/// The entries to add to a search page of `r4_type` in `user`'s record.
pub(crate) fn entries(
    data: &Data,
    user: usize,
    flavor: Flavor,
    type_name: &str,
    r4_type: &str,
    matches: &[&Stored],
) -> Vec<ExtraEntry> {
    let mut out = Vec::new();
    if let Some(e) = about_another_patient(data, user, flavor, type_name, r4_type, matches) {
        out.push(e);
    }
    if let Some(e) = of_another_type(data, user, flavor, r4_type) {
        out.push(e);
    }
    let outcome = json!({
        "resourceType": "OperationOutcome",
        "id": "search-warning",
        "issue": [{ "severity": "warning", "code": "informational",
                    "diagnostics": "Some results may be left out." }]
    });
    let unknown = json!({
        "resourceType": "HolographicRecording",
        "id": "unknown-type-1",
        "status": "final",
        "subject": { "reference": "Patient/someone-else" }
    });
    for (value, mode) in [(outcome, "outcome"), (unknown, "match")] {
        if let Some(e) = extra(value, mode) {
            out.push(e);
        }
    }
    out
}

fn extra(value: serde_json::Value, mode: &'static str) -> Option<ExtraEntry> {
    Some(ExtraEntry {
        type_name: value.get("resourceType")?.as_str()?.to_owned(),
        id: value.get("id")?.as_str()?.to_owned(),
        resource: serde_json::value::to_raw_value(&value).ok()?,
        mode,
    })
}

/// Another user's resource of the type if there is one; else a match (or a bare resource)
/// turned into another patient's.
fn about_another_patient(
    data: &Data,
    user: usize,
    flavor: Flavor,
    type_name: &str,
    r4_type: &str,
    matches: &[&Stored],
) -> Option<ExtraEntry> {
    let theirs = data
        .records
        .iter()
        .enumerate()
        .filter(|(u, _)| *u != user)
        .flat_map(|(_, r)| r.resources.iter())
        .find(|s| s.r4_type == r4_type && s.json(flavor).is_some());
    if let Some(s) = theirs {
        let resource = s.json(flavor)?.to_owned();
        return Some(ExtraEntry {
            type_name: type_name.to_owned(),
            id: s.id.clone(),
            resource,
            mode: "match",
        });
    }
    let mut value = match matches.first().and_then(|s| s.json(flavor)) {
        Some(raw) => serde_json::from_str(raw.get()).ok()?,
        None => json!({ "resourceType": type_name, "id": "x" }),
    };
    let object = value.as_object_mut()?;
    let id = format!(
        "{}-foreign",
        object.get("id").and_then(|v| v.as_str()).unwrap_or("x")
    );
    object.insert("id".into(), json!(id));
    let someone = json!({ "reference": format!("Patient/{OTHER_PATIENT}") });
    let mut pointed = false;
    for key in ["subject", "patient", "beneficiary"] {
        if let Some(slot) = object.get_mut(key) {
            *slot = someone.clone();
            pointed = true;
        }
    }
    if !pointed && r4_type != "Patient" {
        object.insert("subject".into(), someone.clone());
        object.insert("patient".into(), someone);
    }
    extra(value, "match")
}

/// The patient's own Patient in a search of another type; in a Patient search, one of
/// the record's other resources.
fn of_another_type(data: &Data, user: usize, flavor: Flavor, r4_type: &str) -> Option<ExtraEntry> {
    let s = data.records.get(user)?.resources.iter().find(|s| {
        s.json(flavor).is_some()
            && if r4_type == "Patient" {
                s.r4_type != "Patient"
            } else {
                s.r4_type == "Patient"
            }
    })?;
    Some(ExtraEntry {
        type_name: flavor.name_of(&s.r4_type)?.to_owned(),
        id: s.id.clone(),
        resource: s.json(flavor)?.to_owned(),
        mode: "match",
    })
}
