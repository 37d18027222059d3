//! The detail view of any resource: every element as a labelled line, nested
//! elements (components, reactions, dosage lines, claim items) as children.
//! Datatypes are recognised by the element's name where FHIR fixes it and by
//! shape otherwise, and rendered by the helpers of this module. A Reference
//! keeps its reference so the core can point at the record it names.

use serde_json::{Map, Value};

use super::choice::{self, split_choice};
use super::observation;
use super::text::{date, humanize, non_blank, number, str_at};
use super::timing::{dosage, timing};
use super::types::{
    address, annotation, attachment, best_name, coding, concept, contact_point, human_name,
    identifier, money, period, quantity, range, ratio, reference, reference_range, sampled_data,
};

/// One line of the detail view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    /// Display text (never HTML).
    pub value: String,
    /// The `reference` of a Reference, as written (e.g. `Practitioner/12`).
    pub reference: Option<String>,
    pub children: Vec<Field>,
}

/// Elements the detail view shows elsewhere (narrative, attachments, raw JSON,
/// provenance) or that say nothing to a patient.
const SKIP: &[&str] = &[
    "resourceType",
    "id",
    "meta",
    "text",
    "contained",
    "implicitRules",
    "language",
    "extension",
    "modifierExtension",
    "fhir_comments",
];

/// Elements shown first, in this order; the rest follow alphabetically.
const FIRST: &[&str] = &[
    "name",
    "code",
    "vaccineCode",
    "medicationCodeableConcept",
    "medicationReference",
    "value",
    "component",
    "interpretation",
    "referenceRange",
    "dosageInstruction",
    "dosage",
    "relationship",
    "condition",
    "reaction",
    "criticality",
    "clinicalStatus",
    "verificationStatus",
    "status",
    "category",
    "type",
    "title",
    "description",
    "effective",
    "onset",
    "abatement",
    "occurrence",
    "performed",
    "authoredOn",
    "recordedDate",
    "issued",
    "date",
    "period",
    "billablePeriod",
    "total",
    "payment",
    "birthDate",
    "gender",
];

/// Labels better than the element's name.
fn label_for(key: &str) -> String {
    let name = split_choice(key).map(|(n, _)| n).unwrap_or(key);
    match name {
        "code" => "Code".into(),
        "vaccineCode" => "Vaccine".into(),
        "medication" => "Medication".into(),
        "referenceRange" => "Reference range".into(),
        "dosageInstruction" | "dosage" => "Dosage".into(),
        "subject" | "patient" | "beneficiary" => "Patient".into(),
        "authoredOn" => "Written".into(),
        "recordedDate" => "Recorded".into(),
        "effective" => "When".into(),
        "occurrence" => "Date".into(),
        "performed" => "Performed".into(),
        "abatement" => "Resolved".into(),
        "issued" => "Issued".into(),
        "birthDate" => "Birth date".into(),
        "telecom" => "Contact".into(),
        "payor" => "Payer".into(),
        "lotNumber" => "Lot".into(),
        "clinicalStatus" => "Clinical status".into(),
        "verificationStatus" => "Verification".into(),
        other => humanize(other),
    }
}

/// The datatype an element always has, by its name.
fn type_by_name(key: &str) -> Option<&'static str> {
    if let Some((_, ty)) = split_choice(key) {
        return Some(ty);
    }
    Some(match key {
        "name" => "HumanName?",
        "telecom" => "ContactPoint",
        "address" => "Address",
        "identifier" => "Identifier",
        "note" => "Annotation",
        "dosage" | "dosageInstruction" => "Dosage",
        "timing" => "Timing",
        "referenceRange" => "ReferenceRange",
        "presentedForm" | "photo" | "attachment" => "Attachment",
        _ => return None,
    })
}

/// The datatype of an object by its shape; None for a backbone element.
fn type_by_shape(o: &Map<String, Value>) -> Option<&'static str> {
    let has = |k: &str| o.contains_key(k);
    Some(
        if has("reference") || (has("display") && o.len() <= 3 && !has("code")) {
            "Reference"
        } else if has("coding") || (has("text") && o.len() == 1) {
            "CodeableConcept"
        } else if has("currency") {
            "Money"
        } else if has("value") && o.get("value").is_some_and(Value::is_number) {
            "Quantity"
        } else if has("system") && has("code") {
            "Coding"
        } else if has("numerator") || has("denominator") {
            "Ratio"
        } else if (has("low") || has("high")) && o.len() <= 2 {
            "Range"
        } else if (has("start") || has("end")) && o.len() <= 2 {
            "Period"
        } else if has("contentType") || (has("data") && !has("origin")) {
            "Attachment"
        } else if has("family") || has("given") {
            "HumanName"
        } else if has("line") || has("city") || has("postalCode") {
            "Address"
        } else if has("repeat") || has("event") {
            "Timing"
        } else if has("origin") && has("data") {
            "SampledData"
        } else {
            return None;
        },
    )
}

fn render_typed(ty: &str, v: &Value) -> Option<String> {
    match ty {
        "HumanName?" => {
            if v.is_array() {
                best_name(v)
            } else if v.is_object() {
                human_name(v)
            } else {
                non_blank(v).map(str::to_owned)
            }
        }
        "Dosage" => dosage(v),
        "Timing" => timing(v),
        "ReferenceRange" => reference_range(v),
        "ContactPoint" => contact_point(v),
        "Address" => address(v),
        "Identifier" => identifier(v),
        "Annotation" => annotation(v),
        "Attachment" => attachment(v),
        "Reference" => reference(v),
        "CodeableConcept" => concept(v),
        "Coding" => coding(v),
        "Money" => money(v),
        "Quantity" => quantity(v),
        "Ratio" => ratio(v),
        "Range" => range(v),
        "Period" => period(v),
        "HumanName" => human_name(v),
        "SampledData" => sampled_data(v),
        other => choice::typed(other, v),
    }
}

/// A primitive value in words.
fn primitive(key: &str, v: &Value) -> Option<String> {
    match v {
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            let looks_like_date = s.len() >= 10
                && s.as_bytes()[4] == b'-'
                && s.as_bytes()[..4].iter().all(u8::is_ascii_digit);
            Some(if looks_like_date && !key.ends_with("Id") {
                date(s)
            } else {
                s.to_owned()
            })
        }
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_owned()),
        Value::Number(n) => n.as_f64().map(number),
        _ => None,
    }
}

/// A short line for a backbone element (a component, a reaction, a claim
/// item), shown next to its children.
fn backbone_line(v: &Value) -> String {
    let name = [
        "code",
        "productOrService",
        "manifestation",
        "member",
        "role",
        "type",
        "category",
    ]
    .iter()
    .find_map(|k| {
        v.get(*k).and_then(|x| match x {
            Value::Array(a) => a.iter().find_map(|i| concept(i).or_else(|| reference(i))),
            other => concept(other).or_else(|| reference(other)),
        })
    })
    .or_else(|| str_at(v, "name").map(str::to_owned))
    .or_else(|| str_at(v, "description").map(str::to_owned));
    let val = observation::value(v);
    super::text::join([name, val], " ").unwrap_or_default()
}

const MAX_DEPTH: usize = 8;

fn field(key: &str, label: String, v: &Value, depth: usize) -> Option<Field> {
    match v {
        Value::Null => None,
        Value::Array(items) => {
            let mut children: Vec<Field> = items
                .iter()
                .filter_map(|i| field(key, label.clone(), i, depth + 1))
                .collect();
            match children.len() {
                0 => None,
                1 => children.pop(),
                n => {
                    // Several plain lines are one line each; the parent says how many.
                    for (i, c) in children.iter_mut().enumerate() {
                        c.label = format!("{} {}", c.label, i + 1);
                    }
                    Some(Field {
                        label,
                        value: format!("{n} entries"),
                        reference: None,
                        children,
                    })
                }
            }
        }
        Value::Object(o) => {
            let ty = type_by_name(key).or_else(|| type_by_shape(o));
            if let Some(ty) = ty {
                if let Some(text) = render_typed(ty, v) {
                    let reference = (ty == "Reference")
                        .then(|| str_at(v, "reference").map(str::to_owned))
                        .flatten();
                    return Some(Field {
                        label,
                        value: text,
                        reference,
                        children: Vec::new(),
                    });
                }
            }
            if depth >= MAX_DEPTH {
                return None;
            }
            let children = fields_of(o, depth + 1);
            (!children.is_empty()).then(|| Field {
                label,
                value: backbone_line(v),
                reference: None,
                children,
            })
        }
        primitive_value => {
            let text = match type_by_name(key) {
                Some(ty) if ty != "HumanName?" => render_typed(ty, primitive_value),
                _ => primitive(key, primitive_value),
            }?;
            Some(Field {
                label,
                value: text,
                reference: None,
                children: Vec::new(),
            })
        }
    }
}

fn order_key(key: &str) -> (usize, String) {
    let name = split_choice(key).map(|(n, _)| n).unwrap_or(key);
    let rank = FIRST.iter().position(|f| *f == name).unwrap_or(FIRST.len());
    (rank, key.to_owned())
}

fn fields_of(o: &Map<String, Value>, depth: usize) -> Vec<Field> {
    let mut keys: Vec<&String> = o
        .keys()
        .filter(|k| !SKIP.contains(&k.as_str()) && !k.starts_with('_'))
        .collect();
    keys.sort_by_key(|k| order_key(k));
    keys.into_iter()
        .filter_map(|k| field(k, label_for(k), &o[k.as_str()], depth))
        .collect()
}

/// Every element of a resource as detail fields.
pub fn fields(resource: &Value) -> Vec<Field> {
    match resource.as_object() {
        Some(o) => fields_of(o, 0),
        None => Vec::new(),
    }
}

/// The heading of a record's detail: its main name.
pub fn title(resource: &Value) -> Option<String> {
    ["code", "vaccineCode", "medicationCodeableConcept", "type"]
        .iter()
        .find_map(|k| resource.get(*k).and_then(concept))
        .or_else(|| {
            resource
                .get("medicationReference")
                .and_then(|m| str_at(m, "display"))
                .map(str::to_owned)
        })
        .or_else(|| {
            resource.get("name").and_then(|n| match n {
                Value::String(s) => Some(s.clone()),
                other => best_name(other),
            })
        })
        .or_else(|| str_at(resource, "title").map(str::to_owned))
        .or_else(|| str_at(resource, "description").map(str::to_owned))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn find<'a>(fs: &'a [Field], label: &str) -> &'a Field {
        fs.iter()
            .find(|f| f.label == label)
            .unwrap_or_else(|| panic!("no {label} in {fs:#?}"))
    }

    #[test]
    fn an_observation_lists_its_elements_with_datatypes_rendered() {
        let obs = json!({"resourceType": "Observation", "id": "o1", "status": "final",
            "text": {"div": "<div>x</div>"},
            "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4", "display": "Hemoglobin A1c"}]},
            "subject": {"reference": "Patient/p1"},
            "performer": [{"reference": "Practitioner/d1", "display": "Dr. Ada"}, {"reference": "Organization/o1"}],
            "effectiveDateTime": "2023-05-01T08:00:00Z",
            "valueQuantity": {"value": 6.1, "unit": "%"},
            "referenceRange": [{"low": {"value": 4}, "high": {"value": 5.6, "unit": "%"}}],
            "note": [{"text": "fasting"}]});
        let f = fields(&obs);
        assert_eq!(f[0].label, "Code");
        assert_eq!(f[0].value, "Hemoglobin A1c");
        assert_eq!(f[1].label, "Value");
        assert_eq!(f[1].value, "6.1 %");
        assert_eq!(find(&f, "Reference range").value, "4–5.6 %");
        assert_eq!(find(&f, "When").value, "2023-05-01 08:00");
        let patient = find(&f, "Patient");
        assert_eq!(patient.reference.as_deref(), Some("Patient/p1"));
        let performers = find(&f, "Performer");
        assert_eq!(performers.children.len(), 2);
        assert_eq!(performers.children[0].value, "Dr. Ada");
        assert_eq!(
            performers.children[1].reference.as_deref(),
            Some("Organization/o1")
        );
        assert_eq!(find(&f, "Note").value, "fasting");
        assert!(f.iter().all(|x| x.label != "Id" && x.label != "Text"));
        assert_eq!(title(&obs).unwrap(), "Hemoglobin A1c");
    }

    #[test]
    fn backbone_elements_become_children() {
        let r = json!({"resourceType": "AllergyIntolerance", "code": {"text": "Peanut"},
            "reaction": [{"manifestation": [{"text": "Hives"}], "severity": "moderate"}],
            "onsetDateTime": "2001"});
        let f = fields(&r);
        let reaction = find(&f, "Reaction");
        assert_eq!(reaction.value, "Hives");
        assert_eq!(find(&reaction.children, "Severity").value, "moderate");
        assert_eq!(find(&f, "Onset").value, "2001");
    }

    #[test]
    fn names_dosages_and_odd_shapes() {
        let p = json!({"resourceType": "Patient", "name": [{"use": "official", "given": ["Zoë"], "family": "Ñúñez"}],
            "telecom": [{"system": "phone", "value": "555"}], "deceasedBoolean": false, "multipleBirthInteger": 2,
            "_birthDate": {"extension": []}, "weird": {"nested": {"deeper": [1, 2]}}});
        let f = fields(&p);
        assert_eq!(f[0].label, "Name");
        assert_eq!(f[0].value, "Zoë Ñúñez");
        assert_eq!(find(&f, "Contact").value, "phone: 555");
        assert_eq!(find(&f, "Deceased").value, "no");
        assert_eq!(find(&f, "Multiple birth").value, "2");
        let weird = find(&f, "Weird");
        assert_eq!(weird.children[0].label, "Nested");
        let m = json!({"resourceType": "MedicationRequest", "medicationCodeableConcept": {"text": "Ibuprofen"},
            "dosageInstruction": [{"text": "as needed"}, {"timing": {"code": {"coding": [{"code": "TID"}]}}}]});
        let f = fields(&m);
        let d = find(&f, "Dosage");
        assert_eq!(d.children.len(), 2);
        assert_eq!(d.children[1].value, "3×/day");
        assert!(fields(&json!("not an object")).is_empty());
        assert_eq!(title(&json!({"resourceType": "Basic"})), None);
    }
}
