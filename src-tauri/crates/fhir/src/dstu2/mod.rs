//! DSTU2 (FHIR 1.0.2) → R4: some portals only speak DSTU2, and Ownchart stores every
//! resource as R4 (with the DSTU2 original kept beside it). The conversion is pure and
//! synchronous; it follows the official R2→R3→R4 differences for the types the product
//! shows, fills elements R4 requires with the closest code, and reports every element it
//! could not map as a note naming the DSTU2 path (never the value), so nothing is
//! dropped silently. `meta.profile` is dropped (DSTU2 profiles are not R4 ones), and
//! references to renamed types are rewritten (`MedicationOrder/x` → `MedicationRequest/x`).

mod admin;
mod care;
mod clinical;
mod common;
mod medication;
mod types;

use serde_json::Value;
use sha2::{Digest, Sha256};

use common::{Node, Obj};

/// One DSTU2 resource in its R4 form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// The R4 resource as compact JSON bytes (a JSON object with resourceType and id).
    pub r4: Vec<u8>,
    /// The R4 resource type (e.g. "MedicationRequest" for a DSTU2 MedicationOrder).
    pub resource_type: String,
    /// What could not be mapped, one short human line each, naming the DSTU2 element
    /// path, never a clinical value. Empty when the mapping was complete.
    pub notes: Vec<String>,
}

/// Why a DSTU2 resource could not be converted. The messages never quote the record.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Dstu2Error {
    #[error("the record is not valid JSON")]
    NotJson,
    #[error("the record is not a FHIR resource (no resourceType)")]
    NotAResource,
    #[error("a DSTU2 {resource_type} record has no R4 form in Ownchart")]
    Unsupported { resource_type: String },
    #[error("the converted record could not be written as JSON")]
    Encode,
}

/// The R4 name of a DSTU2 resource type, None when there is no R4 form we produce.
pub fn r4_type_name(dstu2_type: &str) -> Option<&'static str> {
    Some(match dstu2_type {
        "Patient" => "Patient",
        "Practitioner" => "Practitioner",
        "Organization" => "Organization",
        "Location" => "Location",
        "Coverage" => "Coverage",
        "AllergyIntolerance" => "AllergyIntolerance",
        "Condition" => "Condition",
        "Immunization" => "Immunization",
        "Observation" => "Observation",
        "DiagnosticReport" => "DiagnosticReport",
        "Procedure" => "Procedure",
        "FamilyMemberHistory" => "FamilyMemberHistory",
        "MedicationOrder" => "MedicationRequest",
        "MedicationStatement" => "MedicationStatement",
        "MedicationDispense" => "MedicationDispense",
        "Medication" => "Medication",
        "Encounter" => "Encounter",
        "CarePlan" => "CarePlan",
        "Goal" => "Goal",
        "DocumentReference" => "DocumentReference",
        _ => return None,
    })
}

/// Converts one DSTU2 resource (its JSON bytes) to R4.
pub fn to_r4(dstu2: &[u8]) -> Result<Converted, Dstu2Error> {
    let value: Value = serde_json::from_slice(dstu2).map_err(|_| Dstu2Error::NotJson)?;
    let Value::Object(obj) = value else {
        return Err(Dstu2Error::NotAResource);
    };
    let dstu2_type = obj
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let (mut out, resource_type, mut notes) = convert_object(obj, None)?;
    if !out.contains_key("id") {
        // A stable id (the same bytes give the same id), so a re-download is recognised.
        let digest = Sha256::digest(dstu2);
        let id: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        out.insert("id".into(), Value::String(id));
        notes.push(format!(
            "{dstu2_type}.id: none in the source; derived from the record's content"
        ));
    }
    let r4 = serde_json::to_vec(&Value::Object(out)).map_err(|_| Dstu2Error::Encode)?;
    Ok(Converted {
        r4,
        resource_type: resource_type.to_owned(),
        notes,
    })
}

/// Converts a resource object; `base` is the note path of a contained resource.
fn convert_object(
    mut obj: Obj,
    base: Option<&str>,
) -> Result<(Obj, &'static str, Vec<String>), Dstu2Error> {
    let dstu2_type = match obj.remove("resourceType") {
        Some(Value::String(t)) => t,
        _ => return Err(Dstu2Error::NotAResource),
    };
    let r4_type = r4_type_name(&dstu2_type).ok_or_else(|| Dstu2Error::Unsupported {
        resource_type: dstu2_type.clone(),
    })?;
    let mut n = Node::new(base.unwrap_or(&dstu2_type), obj);
    n.put("resourceType", common::string(r4_type));
    resource_elements(&mut n);
    match dstu2_type.as_str() {
        "Patient" => admin::patient(&mut n),
        "Practitioner" => admin::practitioner(&mut n),
        "Organization" => admin::organization(&mut n),
        "Location" => admin::location(&mut n),
        "Coverage" => admin::coverage(&mut n),
        "AllergyIntolerance" => clinical::allergy_intolerance(&mut n),
        "Condition" => clinical::condition(&mut n),
        "Immunization" => clinical::immunization(&mut n),
        "Observation" => clinical::observation(&mut n),
        "DiagnosticReport" => clinical::diagnostic_report(&mut n),
        "Procedure" => clinical::procedure(&mut n),
        "FamilyMemberHistory" => clinical::family_member_history(&mut n),
        "MedicationOrder" => medication::medication_order(&mut n),
        "MedicationStatement" => medication::medication_statement(&mut n),
        "MedicationDispense" => medication::medication_dispense(&mut n),
        "Medication" => medication::medication(&mut n),
        "Encounter" => care::encounter(&mut n),
        "CarePlan" => care::care_plan(&mut n),
        "Goal" => care::goal(&mut n),
        "DocumentReference" => care::document_reference(&mut n),
        _ => {}
    }
    let mut notes = Vec::new();
    let out = n.finish(&mut notes);
    let mut tree = Value::Object(out);
    common::rewrite_tree(&mut tree);
    let Value::Object(out) = tree else {
        return Err(Dstu2Error::Encode);
    };
    Ok((out, r4_type, notes))
}

/// The elements every resource has (Resource and DomainResource).
fn resource_elements(n: &mut Node) {
    n.copy(&["id", "implicitRules", "language", "text"]);
    for key in ["extension", "modifierExtension"] {
        if let Some(v) = n.take(key) {
            n.put(key, types::extensions(v));
        }
    }
    if let Some(meta) = n.child("meta", |m| {
        m.copy(&["versionId", "lastUpdated", "security", "tag", "extension"]);
        if m.take("profile").is_some() {
            m.note("profile", "DSTU2 profiles do not apply to R4; dropped");
        }
    }) {
        n.put("meta", Value::Object(meta));
    }
    let mut contained = Vec::new();
    for (i, item) in n.list("contained").into_iter().enumerate() {
        let path = n.path_of(&format!("contained[{i}]"));
        let converted = match item {
            Value::Object(obj) => convert_object(obj, Some(&path)),
            _ => Err(Dstu2Error::NotAResource),
        };
        match converted {
            Ok((out, _, notes)) => {
                contained.push(Value::Object(out));
                n.notes.extend(notes);
            }
            Err(_) => n.notes.push(format!(
                "{path}: a contained resource with no R4 form here; left out"
            )),
        }
    }
    if !contained.is_empty() {
        n.put("contained", Value::Array(contained));
    }
}

#[cfg(test)]
mod tests;
