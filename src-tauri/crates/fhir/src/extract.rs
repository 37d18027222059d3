//! The hot path of every import and sync: from a resource's raw JSON, the fields
//! the vault indexes (type, id, version, last update, category, clinical date,
//! code, display). It is a typed parse that borrows from the input and skips
//! everything else, so it never allocates a tree for the whole resource.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::category::Category;
use crate::error::{FhirError, Result};
use crate::version::is_dstu2_only_type;

/// The indexed fields of one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted<'a> {
    pub resource_type: Cow<'a, str>,
    pub id: Option<Cow<'a, str>>,
    pub version_id: Option<Cow<'a, str>>,
    pub last_updated: Option<Cow<'a, str>>,
    pub category: Category,
    /// When the care happened (effective, performed, onset, authored, ...), as given.
    pub clinical_date: Option<Cow<'a, str>>,
    /// `system|code` of the first coding of the resource's main code.
    pub code: Option<String>,
    /// A short human label: the code's text or display, a patient's name.
    pub display: Option<String>,
    /// The resource has a shape only DSTU2 uses.
    pub dstu2_marker: bool,
    /// Whose record it belongs to: the reference in `subject`, `patient` or
    /// `beneficiary` (the first present), as written (e.g. `Patient/123`).
    pub patient_reference: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Head<'a> {
    #[serde(borrow)]
    resourceType: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    meta: Option<Meta<'a>>,
    #[serde(borrow)]
    category: Option<&'a RawValue>,
    #[serde(borrow)]
    code: Option<&'a RawValue>,
    #[serde(borrow)]
    vaccineCode: Option<&'a RawValue>,
    #[serde(borrow)]
    medicationCodeableConcept: Option<&'a RawValue>,
    #[serde(borrow, rename = "type")]
    type_: Option<&'a RawValue>,
    #[serde(borrow)]
    name: Option<&'a RawValue>,
    #[serde(borrow)]
    description: Option<&'a RawValue>,
    #[serde(borrow)]
    clinicalStatus: Option<&'a RawValue>,
    #[serde(borrow)]
    class: Option<&'a RawValue>,
    // Date fields in the order they are preferred as "when it happened".
    #[serde(borrow)]
    effectiveDateTime: Option<Cow<'a, str>>,
    #[serde(borrow)]
    effectivePeriod: Option<Period<'a>>,
    #[serde(borrow)]
    occurrenceDateTime: Option<Cow<'a, str>>,
    #[serde(borrow)]
    performedDateTime: Option<Cow<'a, str>>,
    #[serde(borrow)]
    performedPeriod: Option<Period<'a>>,
    #[serde(borrow)]
    onsetDateTime: Option<Cow<'a, str>>,
    #[serde(borrow)]
    recordedDate: Option<Cow<'a, str>>,
    #[serde(borrow)]
    authoredOn: Option<Cow<'a, str>>,
    #[serde(borrow)]
    dateWritten: Option<Cow<'a, str>>,
    #[serde(borrow)]
    dateAsserted: Option<Cow<'a, str>>,
    #[serde(borrow)]
    issued: Option<Cow<'a, str>>,
    #[serde(borrow)]
    billablePeriod: Option<Period<'a>>,
    #[serde(borrow)]
    date: Option<&'a RawValue>,
    #[serde(borrow)]
    created: Option<Cow<'a, str>>,
    #[serde(borrow)]
    period: Option<Period<'a>>,
    #[serde(borrow)]
    subject: Option<&'a RawValue>,
    #[serde(borrow)]
    patient: Option<&'a RawValue>,
    #[serde(borrow)]
    beneficiary: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Reference<'a> {
    #[serde(borrow)]
    reference: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Meta<'a> {
    #[serde(borrow)]
    versionId: Option<Cow<'a, str>>,
    #[serde(borrow)]
    lastUpdated: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Period<'a> {
    #[serde(borrow)]
    start: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct CodeableConcept<'a> {
    #[serde(borrow, default)]
    coding: Vec<Coding<'a>>,
    #[serde(borrow)]
    text: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Coding<'a> {
    #[serde(borrow)]
    system: Option<Cow<'a, str>>,
    #[serde(borrow)]
    code: Option<Cow<'a, str>>,
    #[serde(borrow)]
    display: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::Many(v) => v,
            OneOrMany::One(t) => vec![t],
        }
    }
}

#[derive(Deserialize)]
struct HumanName<'a> {
    #[serde(borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    given: Vec<Cow<'a, str>>,
    #[serde(borrow)]
    family: Option<OneOrMany<Cow<'a, str>>>,
}

/// Extracts the indexed fields. Fails only when the JSON is not a FHIR resource
/// (no `resourceType`); odd shapes of optional fields are tolerated and skipped.
pub fn extract(raw: &RawValue) -> Result<Extracted<'_>> {
    let head: Head<'_> =
        serde_json::from_str(raw.get()).map_err(|e| FhirError::malformed(None, &e))?;
    let resource_type = head
        .resourceType
        .filter(|t| !t.is_empty())
        .ok_or_else(|| FhirError::NotFhir("a resource has no resourceType".to_owned()))?;

    let (mut vital_signs, mut laboratory) = (false, false);
    if resource_type == "Observation" {
        for concept in concepts(head.category) {
            for coding in &concept.coding {
                match coding.code.as_deref() {
                    Some("vital-signs") => vital_signs = true,
                    Some("laboratory") => laboratory = true,
                    _ => {}
                }
            }
        }
    }
    let category = Category::classify(&resource_type, vital_signs, laboratory);

    let main_code = [
        head.code,
        head.vaccineCode,
        head.medicationCodeableConcept,
        head.type_,
    ]
    .into_iter()
    .flatten()
    .flat_map(|raw| concepts(Some(raw)))
    .next();
    let code = main_code.as_ref().and_then(code_of);
    let display = if category == Category::Patient {
        head.name.and_then(patient_name)
    } else {
        main_code
            .as_ref()
            .and_then(display_of)
            .or_else(|| head.description.and_then(plain_string))
    };

    let date = head
        .date
        .and_then(|d| serde_json::from_str::<Cow<'_, str>>(d.get()).ok());
    let clinical_date = head
        .effectiveDateTime
        .or(head.effectivePeriod.and_then(|p| p.start))
        .or(head.occurrenceDateTime)
        .or(head.performedDateTime)
        .or(head.performedPeriod.and_then(|p| p.start))
        .or(head.onsetDateTime)
        .or(head.authoredOn)
        .or(head.dateWritten)
        .or(head.recordedDate)
        .or(head.dateAsserted)
        .or(head.issued)
        .or(head.billablePeriod.and_then(|p| p.start))
        .or(date)
        .or(head.period.and_then(|p| p.start))
        .or(head.created);

    let dstu2_marker = is_dstu2_only_type(&resource_type)
        || starts_with(head.clinicalStatus, b'"')
        || (resource_type == "Encounter" && starts_with(head.class, b'"'))
        || (resource_type == "Observation" && starts_with(head.category, b'{'))
        || (category == Category::Patient && dstu2_family(head.name));

    let (version_id, last_updated) = match head.meta {
        Some(m) => (m.versionId, m.lastUpdated),
        None => (None, None),
    };
    let patient_reference = [head.subject, head.patient, head.beneficiary]
        .into_iter()
        .flatten()
        .find_map(|r| {
            serde_json::from_str::<Reference<'_>>(r.get())
                .ok()
                .and_then(|r| r.reference)
        });
    Ok(Extracted {
        patient_reference,
        resource_type,
        id: head.id.filter(|i| !i.is_empty()),
        version_id,
        last_updated,
        category,
        clinical_date,
        code,
        display,
        dstu2_marker,
    })
}

fn concepts(raw: Option<&RawValue>) -> Vec<CodeableConcept<'_>> {
    raw.and_then(|r| serde_json::from_str::<OneOrMany<CodeableConcept<'_>>>(r.get()).ok())
        .map(OneOrMany::into_vec)
        .unwrap_or_default()
}

fn code_of(c: &CodeableConcept<'_>) -> Option<String> {
    let coding = c.coding.iter().find(|c| c.code.is_some())?;
    let code = coding.code.as_deref()?;
    Some(match coding.system.as_deref() {
        Some(system) => format!("{system}|{code}"),
        None => code.to_owned(),
    })
}

fn display_of(c: &CodeableConcept<'_>) -> Option<String> {
    c.text
        .as_deref()
        .or_else(|| c.coding.iter().find_map(|c| c.display.as_deref()))
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

fn plain_string(raw: &RawValue) -> Option<String> {
    serde_json::from_str::<Cow<'_, str>>(raw.get())
        .ok()
        .map(Cow::into_owned)
}

fn patient_name(raw: &RawValue) -> Option<String> {
    let names = serde_json::from_str::<Vec<HumanName<'_>>>(raw.get()).ok()?;
    let name = names.first()?;
    if let Some(text) = name.text.as_deref().filter(|t| !t.trim().is_empty()) {
        return Some(text.to_owned());
    }
    let mut parts: Vec<&str> = name.given.iter().map(|g| g.as_ref()).collect();
    if let Some(family) = &name.family {
        match family {
            OneOrMany::One(f) => parts.push(f),
            OneOrMany::Many(fs) => parts.extend(fs.iter().map(|f| f.as_ref())),
        }
    }
    let joined = parts.join(" ");
    (!joined.trim().is_empty()).then_some(joined)
}

fn dstu2_family(raw: Option<&RawValue>) -> bool {
    raw.and_then(|r| serde_json::from_str::<Vec<HumanName<'_>>>(r.get()).ok())
        .is_some_and(|names| {
            names
                .iter()
                .any(|n| matches!(n.family, Some(OneOrMany::Many(_))))
        })
}

fn starts_with(raw: Option<&RawValue>, byte: u8) -> bool {
    raw.is_some_and(|r| r.get().as_bytes().first() == Some(&byte))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn ex(json: &str) -> Extracted<'static> {
        let raw: &'static RawValue =
            Box::leak(serde_json::from_str::<Box<RawValue>>(json).unwrap());
        extract(raw).unwrap()
    }

    #[test]
    fn a_lab_observation_yields_its_indexed_fields() {
        let e = ex(r#"{"resourceType":"Observation","id":"o1",
            "meta":{"versionId":"3","lastUpdated":"2024-01-02T03:04:05Z"},
            "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],
            "code":{"coding":[{"system":"http://loinc.org","code":"4548-4","display":"Hemoglobin A1c"}],"text":"HbA1c"},
            "effectiveDateTime":"2023-05-01","valueQuantity":{"value":6.1,"unit":"%"}}"#);
        assert_eq!(e.resource_type, "Observation");
        assert_eq!(e.id.as_deref(), Some("o1"));
        assert_eq!(e.version_id.as_deref(), Some("3"));
        assert_eq!(e.last_updated.as_deref(), Some("2024-01-02T03:04:05Z"));
        assert_eq!(e.category, Category::Labs);
        assert_eq!(e.clinical_date.as_deref(), Some("2023-05-01"));
        assert_eq!(e.code.as_deref(), Some("http://loinc.org|4548-4"));
        assert_eq!(e.display.as_deref(), Some("HbA1c"));
        assert!(!e.dstu2_marker);
    }

    #[test]
    fn vital_signs_win_over_laboratory_and_uncategorised_observations_are_other() {
        let both = ex(
            r#"{"resourceType":"Observation","category":[{"coding":[{"code":"laboratory"}]},{"coding":[{"code":"vital-signs"}]}]}"#,
        );
        assert_eq!(both.category, Category::Vitals);
        let none = ex(
            r#"{"resourceType":"Observation","category":[{"coding":[{"code":"social-history"}]}]}"#,
        );
        assert_eq!(none.category, Category::Other);
        let missing = ex(r#"{"resourceType":"Observation"}"#);
        assert_eq!(missing.category, Category::Other);
    }

    #[test]
    fn escaped_and_unicode_strings_are_read_correctly() {
        let e = ex(
            r#"{"resourceType":"Patient","id":"p\u00e9","name":[{"given":["Zo\u00eb"],"family":"Ñúñez \"Jr\""}]}"#,
        );
        assert_eq!(e.id.as_deref(), Some("pé"));
        assert_eq!(e.display.as_deref(), Some("Zoë Ñúñez \"Jr\""));
        assert_eq!(e.category, Category::Patient);
    }

    #[test]
    fn dstu2_shapes_are_noticed() {
        assert!(
            ex(r#"{"resourceType":"MedicationOrder","dateWritten":"2010-01-01"}"#).dstu2_marker
        );
        assert!(ex(r#"{"resourceType":"Condition","clinicalStatus":"active"}"#).dstu2_marker);
        assert!(ex(r#"{"resourceType":"Encounter","class":"ambulatory"}"#).dstu2_marker);
        assert!(
            ex(r#"{"resourceType":"Observation","category":{"coding":[{"code":"vital-signs"}]}}"#)
                .dstu2_marker
        );
        assert!(
            ex(r#"{"resourceType":"Patient","name":[{"family":["Bednar"],"given":["K"]}]}"#)
                .dstu2_marker
        );
        assert!(
            !ex(r#"{"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"active"}]}}"#)
                .dstu2_marker
        );
        // A DSTU2 Observation category still classifies.
        assert_eq!(
            ex(r#"{"resourceType":"Observation","category":{"coding":[{"code":"vital-signs"}]}}"#)
                .category,
            Category::Vitals
        );
    }

    #[test]
    fn dates_come_from_the_first_field_that_has_one() {
        let e = ex(
            r#"{"resourceType":"Procedure","performedPeriod":{"start":"2001-02-03"},"meta":{}}"#,
        );
        assert_eq!(e.clinical_date.as_deref(), Some("2001-02-03"));
        let e = ex(
            r#"{"resourceType":"ExplanationOfBenefit","billablePeriod":{"start":"2019-01-01"},"created":"2019-02-01"}"#,
        );
        assert_eq!(e.clinical_date.as_deref(), Some("2019-01-01"));
        let e = ex(r#"{"resourceType":"DocumentReference","date":"2020-01-01T00:00:00Z"}"#);
        assert_eq!(e.clinical_date.as_deref(), Some("2020-01-01T00:00:00Z"));
        assert_eq!(ex(r#"{"resourceType":"Patient"}"#).clinical_date, None);
    }

    #[test]
    fn odd_optional_shapes_are_skipped_not_fatal() {
        let e = ex(
            r#"{"resourceType":"Encounter","type":[{"text":"Visit"}],"code":42,"period":{"start":"2000-01-01"}}"#,
        );
        assert_eq!(e.display.as_deref(), Some("Visit"));
        assert_eq!(e.clinical_date.as_deref(), Some("2000-01-01"));
    }

    #[test]
    fn a_missing_resource_type_is_not_fhir() {
        let raw: Box<RawValue> = serde_json::from_str(r#"{"hello":"world"}"#).unwrap();
        assert!(matches!(extract(&raw), Err(FhirError::NotFhir(_))));
    }
}
