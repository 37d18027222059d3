//! One line per record for a clinician: what it is, when, its status and the
//! detail that matters (a value, a dose, a reaction). Both the IPS narratives and
//! the printable page are built from these lines. Everything is plain text here;
//! escaping happens where it is written into markup.

use serde_json::Value;

/// Longest text kept in one cell; stored records can hold essays.
const MAX_CELL: usize = 300;

/// A record summarized.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    pub what: String,
    pub when: Option<String>,
    pub status: Option<String>,
    pub details: Option<String>,
}

/// Summarizes a resource. `indexed_display` is the vault's label for it (used when
/// the type has nothing better), `clinical_date` the vault's indexed date.
pub fn summarize(r: &Value, indexed_display: Option<&str>, clinical_date: Option<&str>) -> Line {
    let t = r["resourceType"].as_str().unwrap_or("");
    let what = match t {
        "MedicationRequest"
        | "MedicationStatement"
        | "MedicationAdministration"
        | "MedicationDispense" => concept(&r["medicationCodeableConcept"])
            .or_else(|| reference_display(&r["medicationReference"])),
        "Immunization" => concept(&r["vaccineCode"]),
        "FamilyMemberHistory" => concept(&r["relationship"]).map(|rel| match &r["name"] {
            Value::String(n) => format!("{rel} ({n})"),
            _ => rel,
        }),
        "CarePlan" => text(&r["title"])
            .or_else(|| first(&r["category"]).and_then(concept))
            .or_else(|| text(&r["description"])),
        "Coverage" => {
            concept(&r["type"]).or_else(|| first(&r["payor"]).and_then(reference_display))
        }
        "CareTeam" => text(&r["name"]).or_else(|| first(&r["category"]).and_then(concept)),
        "DocumentReference" => text(&r["description"]).or_else(|| concept(&r["type"])),
        "ExplanationOfBenefit" => concept(&r["type"]),
        "Patient" => person_name(&r["name"]),
        _ => concept(&r["code"]),
    }
    .or_else(|| indexed_display.map(str::to_owned))
    .unwrap_or_else(|| readable_type(t));
    Line {
        what: cut(&what),
        when: clinical_date.map(|d| d.chars().take(10).collect()),
        status: status(r).map(|s| cut(&s)),
        details: details(t, r).map(|s| cut(&s)),
    }
}

fn status(r: &Value) -> Option<String> {
    concept(&r["clinicalStatus"]).or_else(|| text(&r["status"]))
}

fn details(t: &str, r: &Value) -> Option<String> {
    match t {
        "Observation" => observation_value(r).or_else(|| {
            let parts: Vec<String> = list(&r["component"])
                .filter_map(|c| {
                    let v = observation_value(c)?;
                    Some(match concept(&c["code"]) {
                        Some(name) => format!("{name}: {v}"),
                        None => v,
                    })
                })
                .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }),
        "AllergyIntolerance" => {
            let reactions: Vec<String> = list(&r["reaction"])
                .flat_map(|x| list(&x["manifestation"]))
                .filter_map(concept)
                .collect();
            let mut parts = vec![];
            if !reactions.is_empty() {
                parts.push(format!("Reaction: {}", reactions.join(", ")));
            }
            if let Some(c) = text(&r["criticality"]) {
                parts.push(format!("Criticality: {c}"));
            }
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        "MedicationRequest" => first(&r["dosageInstruction"]).and_then(|d| text(&d["text"])),
        "MedicationStatement" => first(&r["dosage"]).and_then(|d| text(&d["text"])),
        "Condition" => concept(&r["severity"]).map(|s| format!("Severity: {s}")),
        "DiagnosticReport" => text(&r["conclusion"]),
        "FamilyMemberHistory" => {
            let conditions: Vec<String> = list(&r["condition"])
                .filter_map(|c| concept(&c["code"]))
                .collect();
            (!conditions.is_empty()).then(|| conditions.join(", "))
        }
        "CarePlan" => text(&r["description"]),
        "Coverage" => {
            let payors: Vec<String> = list(&r["payor"]).filter_map(reference_display).collect();
            (!payors.is_empty()).then(|| format!("Payer: {}", payors.join(", ")))
        }
        "Patient" => {
            let born = text(&r["birthDate"]).map(|b| format!("Born {b}"));
            let gender = text(&r["gender"]);
            let parts: Vec<String> = [born, gender].into_iter().flatten().collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        _ => None,
    }
}

fn observation_value(o: &Value) -> Option<String> {
    if let Some(q) = o.get("valueQuantity") {
        return quantity(q);
    }
    if let Some(c) = o.get("valueCodeableConcept") {
        return concept(c);
    }
    for key in ["valueString", "valueDateTime", "valueTime"] {
        if let Some(s) = text(&o[key]) {
            return Some(s);
        }
    }
    for key in ["valueBoolean", "valueInteger"] {
        if let Some(v) = o.get(key).filter(|v| v.is_boolean() || v.is_number()) {
            return Some(v.to_string());
        }
    }
    if let Some(p) = o.get("valuePeriod") {
        return Some(format!(
            "{} – {}",
            text(&p["start"]).unwrap_or_default(),
            text(&p["end"]).unwrap_or_default()
        ));
    }
    text(&o["dataAbsentReason"]["text"]).or_else(|| concept(&o["dataAbsentReason"]))
}

fn quantity(q: &Value) -> Option<String> {
    let value = match &q["value"] {
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let comparator = text(&q["comparator"]).unwrap_or_default();
    Some(match text(&q["unit"]).or_else(|| text(&q["code"])) {
        Some(unit) => format!("{comparator}{value} {unit}"),
        None => format!("{comparator}{value}"),
    })
}

/// A CodeableConcept's text, else its first coding's display, else its code.
pub fn concept(c: &Value) -> Option<String> {
    text(&c["text"])
        .or_else(|| list(&c["coding"]).find_map(|x| text(&x["display"])))
        .or_else(|| list(&c["coding"]).find_map(|x| text(&x["code"])))
}

fn reference_display(r: &Value) -> Option<String> {
    text(&r["display"])
}

/// A HumanName list's first name as "Given Family" (or its text).
pub fn person_name(names: &Value) -> Option<String> {
    let n = list(names).next()?;
    if let Some(t) = text(&n["text"]) {
        return Some(t);
    }
    let given: Vec<&str> = list(&n["given"]).filter_map(Value::as_str).collect();
    let parts: Vec<String> = given
        .into_iter()
        .map(str::to_owned)
        .chain(text(&n["family"]))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn text(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn list(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

fn first(v: &Value) -> Option<&Value> {
    v.as_array().and_then(|a| a.first())
}

/// `MedicationRequest` → "Medication request".
fn readable_type(t: &str) -> String {
    let mut out = String::new();
    for (i, ch) in t.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    if out.is_empty() {
        "Record".to_owned()
    } else {
        out
    }
}

fn cut(s: &str) -> String {
    match s.char_indices().nth(MAX_CELL) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn observations_show_their_value_or_components() {
        let o = json!({"resourceType":"Observation","status":"final",
            "code":{"coding":[{"system":"http://loinc.org","code":"2339-0","display":"Glucose"}]},
            "valueQuantity":{"value":5.4,"unit":"mmol/L"}});
        let l = summarize(&o, None, Some("2020-06-02T08:00:00+02:00"));
        assert_eq!(l.what, "Glucose");
        assert_eq!(l.when.as_deref(), Some("2020-06-02"));
        assert_eq!(l.status.as_deref(), Some("final"));
        assert_eq!(l.details.as_deref(), Some("5.4 mmol/L"));

        let bp = json!({"resourceType":"Observation","code":{"text":"Blood pressure"},
            "component":[
              {"code":{"text":"Systolic"},"valueQuantity":{"value":120,"unit":"mm[Hg]"}},
              {"code":{"text":"Diastolic"},"valueQuantity":{"value":80,"unit":"mm[Hg]"}}]});
        assert_eq!(
            summarize(&bp, None, None).details.as_deref(),
            Some("Systolic: 120 mm[Hg]; Diastolic: 80 mm[Hg]")
        );
    }

    #[test]
    fn each_type_names_itself_by_its_own_element() {
        let m = json!({"resourceType":"MedicationRequest","status":"active",
            "medicationCodeableConcept":{"text":"Metformin 500 mg"},
            "dosageInstruction":[{"text":"twice daily"}]});
        let l = summarize(&m, None, None);
        assert_eq!(
            (l.what.as_str(), l.details.as_deref()),
            ("Metformin 500 mg", Some("twice daily"))
        );
        let a = json!({"resourceType":"AllergyIntolerance",
            "clinicalStatus":{"coding":[{"code":"active"}]},
            "code":{"text":"Peanut"},"criticality":"high",
            "reaction":[{"manifestation":[{"text":"Hives"},{"coding":[{"display":"Wheeze"}]}]}]});
        let l = summarize(&a, None, None);
        assert_eq!(l.status.as_deref(), Some("active"));
        assert_eq!(
            l.details.as_deref(),
            Some("Reaction: Hives, Wheeze; Criticality: high")
        );
        let p = json!({"resourceType":"Patient","name":[{"given":["Zoë","Ann"],"family":"Åberg"}],"birthDate":"1970-01-02"});
        assert_eq!(summarize(&p, None, None).what, "Zoë Ann Åberg");
        let f = json!({"resourceType":"FamilyMemberHistory","relationship":{"text":"Mother"},
            "condition":[{"code":{"text":"Diabetes"}}]});
        let l = summarize(&f, None, None);
        assert_eq!(
            (l.what.as_str(), l.details.as_deref()),
            ("Mother", Some("Diabetes"))
        );
        // Nothing to name it by: the vault's label, else the type in words.
        let e = json!({"resourceType":"ServiceRequest"});
        assert_eq!(summarize(&e, Some("Referral"), None).what, "Referral");
        assert_eq!(summarize(&e, None, None).what, "Service request");
    }

    #[test]
    fn long_text_is_cut() {
        let o = json!({"resourceType":"Condition","code":{"text":"x".repeat(1000)}});
        assert_eq!(summarize(&o, None, None).what.chars().count(), MAX_CELL + 1);
    }
}
