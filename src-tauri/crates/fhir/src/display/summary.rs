//! What the timeline shows of a record and what search finds it by, worked out
//! once when the record is stored: a one-line summary ("Hemoglobin A1c 6.1 %
//! (high)", "Amoxicillin 500 mg capsule, 3×/day", "Influenza vaccine"), the flag,
//! the clinical or resource status, the words and codes for full-text search,
//! and the numbers the trend charts plot.
//!
//! The write path calls [`summarize_raw`]: one pass over the raw JSON that keeps
//! only the elements a summary reads (the narrative, attachments, identifiers
//! and extensions are skipped without being built), then the same
//! [`summarize`] the detail view would use.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::flag::{self, Flag};
use super::observation::{self, ChartValue};
use super::text::{code_words, first, items, join, str_at};
use super::timing::dosage;
use super::types::{best_name, concept, concept_code, concepts, money, reference};
use crate::category::Category;

/// A record as the timeline and search see it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordSummary {
    /// Never empty: at worst the resource type.
    pub summary: String,
    pub flag: Option<Flag>,
    pub status: Option<String>,
    /// Names beyond the summary's: every coding's display and text of the
    /// main concepts, reactions, reasons.
    pub search_text: String,
    /// The codes of those concepts (without systems), space-separated.
    pub codes: String,
    /// Chart points (lab and vital-sign Observations only).
    pub values: Vec<ChartValue>,
}

/// The top-level elements a summary reads; everything else is skipped on the
/// write path.
const READ: &[&str] = &[
    "resourceType",
    "status",
    "clinicalStatus",
    "verificationStatus",
    "code",
    "component",
    "interpretation",
    "referenceRange",
    "dataAbsentReason",
    "category",
    "medicationCodeableConcept",
    "medicationReference",
    "dosageInstruction",
    "dosage",
    "vaccineCode",
    "relationship",
    "condition",
    "type",
    "description",
    "name",
    "title",
    "payor",
    "class",
    "provider",
    "total",
    "payment",
    "birthDate",
    "reasonCode",
    "contentType",
    "criticality",
    "reaction",
    "result",
    "subscriberId",
    "statusReason",
];

fn wanted(key: &str) -> bool {
    key.starts_with("value") || READ.contains(&key)
}

/// The summary-relevant members of a resource, parsed from its raw JSON.
struct Slim(Map<String, Value>);

impl<'de> Deserialize<'de> for Slim {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Slim;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a FHIR resource object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Slim, A::Error> {
                let mut out = Map::new();
                while let Some(key) = m.next_key::<Cow<'de, str>>()? {
                    if wanted(&key) {
                        out.insert(key.into_owned(), m.next_value::<Value>()?);
                    } else {
                        m.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(Slim(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The write-time path: the summary of a resource from its raw JSON.
pub fn summarize_raw(raw: &str, category: Category) -> RecordSummary {
    match serde_json::from_str::<Slim>(raw) {
        Ok(Slim(map)) => summarize(&Value::Object(map), category),
        Err(_) => RecordSummary {
            summary: "Unreadable record".to_owned(),
            ..RecordSummary::default()
        },
    }
}

/// The status a record is filed under: a Condition's or allergy's clinical
/// status code, else the resource's `status`.
pub fn status(r: &Value) -> Option<String> {
    r.get("clinicalStatus")
        .and_then(|c| concept_code(c).or_else(|| c.as_str()))
        .or_else(|| str_at(r, "status"))
        .map(str::to_owned)
}

/// The summary of a parsed resource.
pub fn summarize(r: &Value, category: Category) -> RecordSummary {
    let resource_type = str_at(r, "resourceType").unwrap_or("Record");
    let mut flag = None;
    let mut values = Vec::new();
    let summary = match resource_type {
        "Observation" => {
            flag = flag::observation_flag(r);
            if matches!(category, Category::Labs | Category::Vitals) {
                values = observation::chart_values(r);
            }
            observation_line(r, flag)
        }
        "Condition" => named(r, "code"),
        "AllergyIntolerance" => allergy_line(r),
        "MedicationRequest"
        | "MedicationStatement"
        | "MedicationOrder"
        | "MedicationAdministration"
        | "MedicationDispense" => medication_line(r),
        "Immunization" => immunization_line(r),
        "Procedure" => named(r, "code"),
        "DiagnosticReport" => report_line(r),
        "FamilyMemberHistory" => family_line(r),
        "DocumentReference" => str_at(r, "description")
            .map(str::to_owned)
            .or_else(|| r.get("type").and_then(concept)),
        "CareTeam" => str_at(r, "name")
            .map(str::to_owned)
            .or_else(|| concepts(r.get("category"))),
        "CarePlan" => str_at(r, "title")
            .map(str::to_owned)
            .or_else(|| concepts(r.get("category")))
            .or_else(|| str_at(r, "description").map(str::to_owned)),
        "ExplanationOfBenefit" | "Claim" => claim_line(r),
        "Coverage" => coverage_line(r),
        "Patient" | "Practitioner" | "RelatedPerson" | "Person" => person_line(r),
        "Encounter" => encounter_line(r),
        "Organization" | "Location" | "HealthcareService" => str_at(r, "name").map(str::to_owned),
        "Medication" => r.get("code").and_then(concept),
        "Binary" => Some(match str_at(r, "contentType") {
            Some(t) => format!("Attachment ({t})"),
            None => "Attachment".to_owned(),
        }),
        _ => generic_line(r),
    };
    let summary = summary
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| fallback(resource_type, category));
    let (search_text, codes) = search_words(r);
    RecordSummary {
        summary: one_line(&summary),
        flag,
        status: status(r),
        search_text,
        codes,
        values,
    }
}

/// Newlines and runs of spaces in names would break a one-line view.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// What a record says when it says nothing else: its kind, in the singular.
fn fallback(resource_type: &str, category: Category) -> String {
    match category {
        Category::Patient => "Patient".to_owned(),
        Category::Labs => "Lab result".to_owned(),
        Category::Vitals => "Vital sign".to_owned(),
        Category::MedicationRequest => "Prescription".to_owned(),
        Category::MedicationStatement => "Medication".to_owned(),
        Category::AllergyIntolerance => "Allergy".to_owned(),
        Category::FamilyMemberHistory => "Family history".to_owned(),
        Category::ExplanationOfBenefit => "Claim".to_owned(),
        Category::Coverage => "Insurance coverage".to_owned(),
        Category::DiagnosticReport => "Report".to_owned(),
        Category::Other => resource_type.to_owned(),
        c => c.label().trim_end_matches('s').to_owned(),
    }
}

fn named(r: &Value, key: &str) -> Option<String> {
    r.get(key).and_then(concept)
}

fn flag_word(flag: Option<Flag>) -> Option<&'static str> {
    match flag? {
        Flag::Normal => None,
        f => Some(f.key()),
    }
}

fn observation_line(r: &Value, flag: Option<Flag>) -> Option<String> {
    let name = named(r, "code");
    let value = observation::value(r);
    let line = join([name, value], " ")?;
    Some(match flag_word(flag) {
        Some(w) => format!("{line} ({w})"),
        None => line,
    })
}

fn allergy_line(r: &Value) -> Option<String> {
    let name = named(r, "code")?;
    let reactions = join(
        items(r, "reaction")
            .into_iter()
            .map(|x| concepts(x.get("manifestation")).map(|m| m.to_lowercase())),
        ", ",
    );
    let mut line = match reactions {
        Some(m) => format!("{name} — {m}"),
        None => name,
    };
    if str_at(r, "criticality") == Some("high") {
        line.push_str(" (high criticality)");
    }
    Some(line)
}

/// The medication's name: its concept, the reference's display, or nothing.
pub fn medication_name(r: &Value) -> Option<String> {
    r.get("medicationCodeableConcept")
        .and_then(concept)
        .or_else(|| {
            r.get("medicationReference")
                .and_then(|m| str_at(m, "display"))
                .map(str::to_owned)
        })
}

fn medication_line(r: &Value) -> Option<String> {
    let name = medication_name(r).or_else(|| Some("Medication".to_owned()));
    let dose = first(r, "dosageInstruction")
        .or_else(|| first(r, "dosage"))
        .and_then(dosage);
    join([name, dose], ", ")
}

fn immunization_line(r: &Value) -> Option<String> {
    let name = named(r, "vaccineCode")?;
    Some(if str_at(r, "status") == Some("not-done") {
        format!("{name} (not given)")
    } else {
        name
    })
}

fn report_line(r: &Value) -> Option<String> {
    let name = named(r, "code")?;
    let n = items(r, "result").len();
    Some(match n {
        0 => name,
        1 => format!("{name} (1 result)"),
        n => format!("{name} ({n} results)"),
    })
}

fn family_line(r: &Value) -> Option<String> {
    let who = named(r, "relationship");
    let what = join(
        items(r, "condition")
            .into_iter()
            .map(|c| c.get("code").and_then(concept)),
        ", ",
    );
    match (who, what) {
        (Some(w), Some(c)) => Some(format!("{w}: {c}")),
        (w, c) => w.or(c),
    }
}

/// The billed total of a claim (`total` of category "submitted").
pub fn claim_billed(r: &Value) -> Option<String> {
    claim_total(r, "submitted")
}

/// What the payer paid: `payment.amount`, else the "benefit" total.
pub fn claim_paid(r: &Value) -> Option<String> {
    r.get("payment")
        .and_then(|p| p.get("amount"))
        .and_then(money)
        .or_else(|| claim_total(r, "benefit"))
}

fn claim_total(r: &Value, category: &str) -> Option<String> {
    items(r, "total")
        .into_iter()
        .find(|t| t.get("category").and_then(concept_code) == Some(category))
        .and_then(|t| t.get("amount"))
        .and_then(money)
}

fn claim_line(r: &Value) -> Option<String> {
    let kind = named(r, "type").map(|t| format!("{t} claim"));
    let provider = r
        .get("provider")
        .and_then(reference)
        .filter(|p| !p.contains('/'));
    let billed = claim_billed(r).map(|b| format!("billed {b}"));
    join([join([kind, provider], " — "), billed], ", ")
}

fn coverage_line(r: &Value) -> Option<String> {
    let payer = join(
        items(r, "payor")
            .into_iter()
            .map(|p| str_at(p, "display").map(str::to_owned)),
        ", ",
    );
    let kind = named(r, "type");
    match (payer, kind) {
        (Some(p), Some(k)) => Some(format!("{p} ({k})")),
        (p, k) => p.or(k).map(|s| format!("Coverage: {s}")),
    }
}

fn person_line(r: &Value) -> Option<String> {
    let name = r.get("name").and_then(best_name);
    let born = str_at(r, "birthDate").map(|b| format!("born {b}"));
    join([name, born], ", ")
}

fn encounter_line(r: &Value) -> Option<String> {
    let kind = concepts(r.get("type")).or_else(|| {
        r.get("class").and_then(|c| {
            str_at(c, "display")
                .or_else(|| str_at(c, "code"))
                .or_else(|| c.as_str())
                .map(str::to_owned)
        })
    });
    let reason = concepts(r.get("reasonCode")).map(|r| format!("for {}", r.to_lowercase()));
    join([kind.map(|k| format!("Visit: {k}")), reason], " ")
}

fn generic_line(r: &Value) -> Option<String> {
    let ty = str_at(r, "resourceType")?;
    let what = named(r, "code")
        .or_else(|| concepts(r.get("type")))
        .or_else(|| str_at(r, "title").map(str::to_owned))
        .or_else(|| str_at(r, "name").map(str::to_owned))
        .or_else(|| str_at(r, "description").map(str::to_owned));
    Some(match what {
        Some(w) => format!("{ty}: {w}"),
        None => ty.to_owned(),
    })
}

/// Display words and codes of the concepts search should find a record by.
fn search_words(r: &Value) -> (String, String) {
    let mut text = String::new();
    let mut codes = String::new();
    let mut add = |c: &Value| {
        if let Some(t) = str_at(c, "text") {
            push_word(&mut text, t);
        }
        for coding in items(c, "coding") {
            if let Some(d) = str_at(coding, "display") {
                push_word(&mut text, d);
            }
            if let Some(code) = str_at(coding, "code") {
                push_word(&mut codes, code);
            }
        }
    };
    for key in [
        "code",
        "vaccineCode",
        "medicationCodeableConcept",
        "type",
        "valueCodeableConcept",
        "relationship",
        "reasonCode",
    ] {
        for c in items(r, key) {
            add(c);
        }
    }
    for part in items(r, "component") {
        if let Some(c) = part.get("code") {
            add(c);
        }
    }
    for part in items(r, "condition") {
        if let Some(c) = part.get("code") {
            add(c);
        }
    }
    for reaction in items(r, "reaction") {
        for c in items(reaction, "manifestation") {
            add(c);
        }
    }
    if let Some(d) = r
        .get("medicationReference")
        .and_then(|m| str_at(m, "display"))
    {
        push_word(&mut text, d);
    }
    if let Some(s) = status(r) {
        push_word(&mut text, &code_words(&s));
    }
    (text, codes)
}

fn push_word(out: &mut String, word: &str) {
    if out.split('\n').any(|w| w == word) {
        return;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(word);
}

#[cfg(test)]
mod tests;
