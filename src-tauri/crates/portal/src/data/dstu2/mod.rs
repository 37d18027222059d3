//! R4 → DSTU2: the same records in the shape a DSTU2 (FHIR 1.0.2) server sends, for the
//! types whose shape differs. The conversion keeps what DSTU2 can say and drops what it
//! cannot, element by element; each type's function lists its mapping. In short:
//! - references to the patient are `patient` (not `subject`) where DSTU2 says so;
//! - status CodeableConcepts become the plain DSTU2 codes (AllergyIntolerance `status`,
//!   Condition `clinicalStatus`/`verificationStatus`), renamed or merged codes mapped;
//! - repeating R4 elements that are single in DSTU2 keep their first item
//!   (Observation/DiagnosticReport `category`, Observation `interpretation`, ...);
//! - `note` becomes the DSTU2 string (`comments`, `notes`) or single Annotation;
//! - MedicationRequest becomes MedicationOrder (`dateWritten`, `prescriber`, dosage
//!   `doseQuantity` out of `doseAndRate`, Timing `periodUnits`);
//! - Immunization gets `date`, `wasNotGiven` and `reported`;
//! - `meta` keeps `versionId` and `lastUpdated` (R4 profiles do not apply).
//!
//! CareTeam and ExplanationOfBenefit have no faithful DSTU2 form and are not offered.

mod admin;
mod care;
mod clinical;
mod medication;

use serde_json::{Map, Value};

type Obj = Map<String, Value>;

/// The DSTU2 form of an R4 resource, or `None` for a type DSTU2 does not offer.
pub(crate) fn convert(r4_type: &str, r4: &Value) -> Option<Value> {
    let src = r4.as_object()?;
    let out = match r4_type {
        "Patient" => admin::patient(src),
        "Practitioner" => admin::practitioner(src),
        "Organization" => admin::organization(src),
        "Coverage" => admin::coverage(src),
        "Encounter" => care::encounter(src),
        "CarePlan" => care::care_plan(src),
        "DocumentReference" => care::document_reference(src),
        "Condition" => clinical::condition(src),
        "AllergyIntolerance" => clinical::allergy_intolerance(src),
        "Observation" => clinical::observation(src),
        "DiagnosticReport" => clinical::diagnostic_report(src),
        "Immunization" => clinical::immunization(src),
        "Procedure" => clinical::procedure(src),
        "FamilyMemberHistory" => clinical::family_member_history(src),
        "MedicationRequest" => medication::medication_order(src),
        "MedicationStatement" => medication::medication_statement(src),
        "Medication" => medication::medication(src),
        _ => return None,
    };
    Some(Value::Object(out))
}

/// A DSTU2 resource being built from an R4 one.
struct Out<'a> {
    src: &'a Obj,
    out: Obj,
}

impl<'a> Out<'a> {
    /// Starts `resource_type` with the elements every resource shares.
    fn new(src: &'a Obj, resource_type: &str) -> Out<'a> {
        let mut out = Obj::new();
        out.insert("resourceType".into(), Value::String(resource_type.into()));
        let mut o = Out { src, out };
        o.copy(&["id"]);
        if let Some(meta) = src.get("meta").and_then(Value::as_object) {
            let mut m = Obj::new();
            for key in ["versionId", "lastUpdated"] {
                if let Some(v) = meta.get(key) {
                    m.insert(key.into(), v.clone());
                }
            }
            o.out.insert("meta".into(), Value::Object(m));
        }
        o.copy(&["text", "extension"]);
        o
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.src.get(key)
    }

    /// Elements that are the same in both versions.
    fn copy(&mut self, keys: &[&str]) -> &mut Self {
        for key in keys {
            if let Some(v) = self.src.get(*key) {
                self.out.insert((*key).into(), v.clone());
            }
        }
        self
    }

    /// An element that only changed its name.
    fn rename(&mut self, from: &str, to: &str) -> &mut Self {
        if let Some(v) = self.src.get(from) {
            self.out.insert(to.into(), v.clone());
        }
        self
    }

    fn put(&mut self, key: &str, value: Option<Value>) -> &mut Self {
        if let Some(v) = value {
            self.out.insert(key.into(), v);
        }
        self
    }

    fn done(self) -> Obj {
        self.out
    }
}

/// The first item of a repeating element (or the element itself if it is single).
fn first(v: Option<&Value>) -> Option<Value> {
    match v? {
        Value::Array(items) => items.first().cloned(),
        other => Some(other.clone()),
    }
}

/// The first coding's code of a CodeableConcept.
fn code_of(cc: Option<&Value>) -> Option<&str> {
    cc?.get("coding")?
        .as_array()?
        .first()?
        .get("code")?
        .as_str()
}

/// The texts of R4 Annotations joined into one DSTU2 string.
fn notes_text(notes: Option<&Value>) -> Option<Value> {
    let text: Vec<&str> = notes?
        .as_array()?
        .iter()
        .filter_map(|n| n.get("text").and_then(Value::as_str))
        .collect();
    (!text.is_empty()).then(|| Value::String(text.join("\n\n")))
}

fn string(s: &str) -> Value {
    Value::String(s.to_owned())
}

/// Renames `from` to `to` inside a copied object (for nested elements).
fn renamed(mut obj: Obj, from: &str, to: &str) -> Obj {
    if let Some(v) = obj.remove(from) {
        obj.insert(to.into(), v);
    }
    obj
}

#[cfg(test)]
mod tests;
