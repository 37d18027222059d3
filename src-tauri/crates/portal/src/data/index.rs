//! The search index of one resource: what the `patient`, `category`, `date` and
//! `_lastUpdated` parameters compare against. Built once from the R4 form, so both bases
//! answer searches the same way.

use serde_json::Value;

use super::dates::{self, Span};

/// A coded value: `system|code`, the system possibly unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub system: Option<String>,
    pub code: String,
}

/// The searchable facts of a resource.
#[derive(Clone, Debug, Default)]
pub(crate) struct SearchIndex {
    pub categories: Vec<Token>,
    /// When the care happened, from the type's own date element.
    pub clinical: Option<Span>,
    pub last_updated: Option<Span>,
}

/// The elements that say when care happened, per type, in order of preference. A type
/// that is not listed has no `date` search parameter.
pub(crate) fn date_elements(r4_type: &str) -> &'static [&'static str] {
    match r4_type {
        "Observation" => &["effectiveDateTime", "effectivePeriod", "effectiveInstant"],
        "Condition" | "AllergyIntolerance" => &["onsetDateTime", "onsetPeriod", "recordedDate"],
        "Procedure" => &["performedDateTime", "performedPeriod"],
        "Immunization" => &["occurrenceDateTime", "recorded"],
        "MedicationRequest" => &["authoredOn"],
        "MedicationStatement" => &["effectiveDateTime", "effectivePeriod", "dateAsserted"],
        "DiagnosticReport" => &["effectiveDateTime", "effectivePeriod", "issued"],
        "DocumentReference" => &["date"],
        "CarePlan" | "CareTeam" | "Encounter" | "Coverage" => &["period"],
        "ExplanationOfBenefit" => &["billablePeriod", "created"],
        "FamilyMemberHistory" => &["date"],
        _ => &[],
    }
}

/// The same for a DSTU2 resource (R4 type name), where some elements had other names.
fn dstu2_date_elements(r4_type: &str) -> &'static [&'static str] {
    match r4_type {
        "Immunization" => &["date"],
        "MedicationRequest" => &["dateWritten"],
        "Condition" => &["onsetDateTime", "onsetPeriod", "dateRecorded"],
        "AllergyIntolerance" => &["onset", "recordedDate"],
        "DocumentReference" => &["created", "indexed"],
        other => date_elements(other),
    }
}

/// Whether the type has a `category` element (and so the `category` search parameter).
pub(crate) fn has_category(r4_type: &str) -> bool {
    matches!(
        r4_type,
        "Observation"
            | "Condition"
            | "DiagnosticReport"
            | "DocumentReference"
            | "CarePlan"
            | "CareTeam"
            | "AllergyIntolerance"
            | "MedicationRequest"
            | "Procedure"
    )
}

impl SearchIndex {
    pub(crate) fn of(r4_type: &str, resource: &Value) -> SearchIndex {
        SearchIndex::with_dates(r4_type, resource, date_elements(r4_type))
    }

    /// The index of a resource that is in DSTU2 form.
    pub(crate) fn of_dstu2(r4_type: &str, resource: &Value) -> SearchIndex {
        SearchIndex::with_dates(r4_type, resource, dstu2_date_elements(r4_type))
    }

    fn with_dates(r4_type: &str, resource: &Value, dates: &[&str]) -> SearchIndex {
        let categories = if has_category(r4_type) {
            resource.get("category").map(tokens).unwrap_or_default()
        } else {
            Vec::new()
        };
        let clinical = dates
            .iter()
            .find_map(|name| resource.get(*name).and_then(span_of));
        let last_updated = resource
            .pointer("/meta/lastUpdated")
            .and_then(Value::as_str)
            .and_then(dates::parse);
        SearchIndex {
            categories,
            clinical,
            last_updated,
        }
    }
}

/// A date string or a Period.
fn span_of(v: &Value) -> Option<Span> {
    match v {
        Value::String(s) => dates::parse(s),
        Value::Object(p) => Span::period(
            p.get("start").and_then(Value::as_str),
            p.get("end").and_then(Value::as_str),
        ),
        _ => None,
    }
}

/// The codes of a `category`: one or many CodeableConcepts, or plain codes.
fn tokens(v: &Value) -> Vec<Token> {
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    let mut out = Vec::new();
    for item in items {
        match item {
            Value::String(code) => out.push(Token {
                system: None,
                code: code.clone(),
            }),
            Value::Object(cc) => {
                for coding in cc
                    .get("coding")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(code) = coding.get("code").and_then(Value::as_str) {
                        out.push(Token {
                            system: coding
                                .get("system")
                                .and_then(Value::as_str)
                                .map(str::to_owned),
                            code: code.to_owned(),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn an_observation_is_indexed_by_category_effective_date_and_last_update() {
        let obs = json!({"resourceType":"Observation",
            "meta":{"lastUpdated":"2018-10-24T22:34:28.177Z"},
            "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],
            "effectiveDateTime":"2018-09-27"});
        let i = SearchIndex::of("Observation", &obs);
        assert_eq!(i.categories.len(), 1);
        assert_eq!(i.categories[0].code, "laboratory");
        assert_eq!(i.clinical, dates::parse("2018-09-27"));
        assert_eq!(i.last_updated, dates::parse("2018-10-24T22:34:28.177Z"));
    }

    #[test]
    fn plain_code_categories_and_periods_are_understood() {
        let a = json!({"category":["food"],"recordedDate":"2001-01-01"});
        let i = SearchIndex::of("AllergyIntolerance", &a);
        assert_eq!(
            i.categories[0],
            Token {
                system: None,
                code: "food".into()
            }
        );
        assert!(i.clinical.is_some());
        let e = json!({"period":{"start":"2018-09-27T18:43:40-07:00"}});
        assert_eq!(
            SearchIndex::of("Encounter", &e).clinical.unwrap().end,
            i64::MAX
        );
        assert!(SearchIndex::of("Patient", &json!({"birthDate":"1960"}))
            .clinical
            .is_none());
    }
}
