//! The category views: for each category the columns a clinician expects, and
//! a record's cells in them, already formatted. A cell taken from a Reference
//! without a display keeps the reference so the core can put the referenced
//! record's name there.

use serde_json::Value;

use super::choice;
use super::observation;
use super::summary::{claim_billed, claim_paid, medication_name, status};
use super::text::{code_words, date, first, items, join, num_at, number, str_at};
use super::timing::dosage;
use super::types::{
    address, best_name, concept, concepts, identifier, period, quantity_unit, reference,
    reference_range,
};
use super::units;
use crate::category::Category;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Date,
    Quantity,
    Status,
    Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: ColumnKind,
}

/// One cell: its text, and the reference it was read from when that
/// reference had no display of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    pub text: Option<String>,
    pub reference: Option<String>,
}

impl Cell {
    fn text(t: Option<String>) -> Cell {
        Cell {
            text: t,
            reference: None,
        }
    }
}

const fn col(key: &'static str, label: &'static str, kind: ColumnKind) -> Column {
    Column { key, label, kind }
}

use ColumnKind::{Date, Money as MoneyKind, Quantity, Status, Text};

const MEDICATIONS: &[Column] = &[
    col("name", "Medication", Text),
    col("dose", "Dose", Text),
    col("status", "Status", Status),
    col("prescriber", "Prescriber", Text),
    col("start", "Start", Date),
    col("end", "End", Date),
];

const ALLERGY_INTOLERANCE: &[Column] = &[
    col("substance", "Substance", Text),
    col("reaction", "Reaction", Text),
    col("criticality", "Criticality", Status),
    col("status", "Status", Status),
    col("recorded", "Recorded", Date),
];
const IMMUNIZATION: &[Column] = &[
    col("vaccine", "Vaccine", Text),
    col("date", "Date", Date),
    col("lot", "Lot", Text),
    col("status", "Status", Status),
    col("site", "Site", Text),
];
const LABS: &[Column] = &[
    col("test", "Test", Text),
    col("value", "Value", Quantity),
    col("unit", "Unit", Text),
    col("range", "Reference range", Text),
    col("flag", "Flag", Status),
    col("date", "Date", Date),
];
const VITALS: &[Column] = &[
    col("measurement", "Measurement", Text),
    col("value", "Value", Quantity),
    col("unit", "Unit", Text),
    col("date", "Date", Date),
];
const CONDITION: &[Column] = &[
    col("problem", "Problem", Text),
    col("clinical_status", "Clinical status", Status),
    col("onset", "Onset", Date),
    col("abatement", "Resolved", Date),
];
const PROCEDURE: &[Column] = &[
    col("procedure", "Procedure", Text),
    col("date", "Date", Date),
    col("status", "Status", Status),
    col("performer", "Performer", Text),
];
const DIAGNOSTIC_REPORT: &[Column] = &[
    col("report", "Report", Text),
    col("category", "Category", Text),
    col("status", "Status", Status),
    col("date", "Date", Date),
    col("results", "Results", Quantity),
];
const EXPLANATION_OF_BENEFIT: &[Column] = &[
    col("provider", "Provider", Text),
    col("type", "Type", Text),
    col("start", "Start", Date),
    col("end", "End", Date),
    col("billed", "Billed", MoneyKind),
    col("paid", "Paid", MoneyKind),
];
const COVERAGE: &[Column] = &[
    col("payer", "Payer", Text),
    col("type", "Type", Text),
    col("status", "Status", Status),
    col("period", "Period", Text),
    col("subscriber_id", "Subscriber ID", Text),
];
const DOCUMENT_REFERENCE: &[Column] = &[
    col("title", "Title", Text),
    col("author", "Author", Text),
    col("date", "Date", Date),
    col("content_types", "Content", Text),
];
const CARE_TEAM: &[Column] = &[
    col("name", "Name", Text),
    col("participants", "Participants", Text),
    col("status", "Status", Status),
];
const CARE_PLAN: &[Column] = &[
    col("title", "Title", Text),
    col("status", "Status", Status),
    col("period", "Period", Text),
];
const FAMILY_MEMBER_HISTORY: &[Column] = &[
    col("relative", "Relative", Text),
    col("condition", "Condition", Text),
    col("onset", "Onset", Text),
];
const PATIENT: &[Column] = &[
    col("name", "Name", Text),
    col("birth_date", "Birth date", Date),
    col("gender", "Gender", Text),
    col("address", "Address", Text),
];
const OTHER: &[Column] = &[
    col("type", "Type", Text),
    col("display", "Description", Text),
    col("date", "Date", Date),
];

/// The columns of a category's view.
pub fn columns(category: Category) -> &'static [Column] {
    match category {
        Category::MedicationRequest | Category::MedicationStatement => MEDICATIONS,
        Category::AllergyIntolerance => ALLERGY_INTOLERANCE,
        Category::Immunization => IMMUNIZATION,
        Category::Labs => LABS,
        Category::Vitals => VITALS,
        Category::Condition => CONDITION,
        Category::Procedure => PROCEDURE,
        Category::DiagnosticReport => DIAGNOSTIC_REPORT,
        Category::ExplanationOfBenefit => EXPLANATION_OF_BENEFIT,
        Category::Coverage => COVERAGE,
        Category::DocumentReference => DOCUMENT_REFERENCE,
        Category::CareTeam => CARE_TEAM,
        Category::CarePlan => CARE_PLAN,
        Category::FamilyMemberHistory => FAMILY_MEMBER_HISTORY,
        Category::Patient => PATIENT,
        Category::Other => OTHER,
    }
}

fn refcell(v: Option<&Value>) -> Cell {
    let Some(v) = v else {
        return Cell::default();
    };
    let display = str_at(v, "display").map(str::to_owned);
    match display {
        Some(d) => Cell::text(Some(d)),
        None => Cell {
            text: reference(v),
            reference: str_at(v, "reference").map(str::to_owned),
        },
    }
}

fn status_cell(s: Option<String>) -> Cell {
    Cell::text(s.map(|s| code_words(&s)))
}

fn dated(s: Option<&str>) -> Cell {
    Cell::text(s.map(date))
}

/// The start and end of a choice element that is a date or a period.
fn start_end(r: &Value, name: &str) -> (Option<String>, Option<String>) {
    match choice::find(r, name) {
        Some(("Period", p)) => (str_at(p, "start").map(date), str_at(p, "end").map(date)),
        Some((_, v)) => (v.as_str().map(date), None),
        None => (None, None),
    }
}

/// A record's cells, in the order of [`columns`]. `clinical_date` is the date
/// the vault indexed the record by (used for the generic "Date" columns).
pub fn cells(category: Category, r: &Value, clinical_date: Option<&str>) -> Vec<Cell> {
    let code = || r.get("code").and_then(concept);
    let when = || dated(clinical_date);
    match category {
        Category::MedicationRequest => {
            let validity = r
                .get("dispenseRequest")
                .and_then(|d| d.get("validityPeriod"));
            vec![
                Cell::text(
                    medication_name(r).or_else(|| refcell(r.get("medicationReference")).text),
                ),
                Cell::text(first(r, "dosageInstruction").and_then(dosage)),
                status_cell(status(r)),
                refcell(r.get("requester")),
                Cell::text(
                    str_at(r, "authoredOn")
                        .or_else(|| validity.and_then(|p| str_at(p, "start")))
                        .map(date),
                ),
                dated(validity.and_then(|p| str_at(p, "end"))),
            ]
        }
        Category::MedicationStatement => {
            let (start, end) = start_end(r, "effective");
            vec![
                Cell::text(
                    medication_name(r).or_else(|| refcell(r.get("medicationReference")).text),
                ),
                Cell::text(first(r, "dosage").and_then(dosage)),
                status_cell(status(r)),
                refcell(r.get("informationSource")),
                Cell::text(start.or_else(|| str_at(r, "dateAsserted").map(date))),
                Cell::text(end),
            ]
        }
        Category::AllergyIntolerance => vec![
            Cell::text(code()),
            Cell::text(join(
                items(r, "reaction")
                    .into_iter()
                    .map(|x| concepts(x.get("manifestation"))),
                ", ",
            )),
            status_cell(str_at(r, "criticality").map(str::to_owned)),
            status_cell(status(r)),
            dated(str_at(r, "recordedDate").or(clinical_date)),
        ],
        Category::Immunization => vec![
            Cell::text(r.get("vaccineCode").and_then(concept)),
            Cell::text(choice::render(r, "occurrence").or_else(|| clinical_date.map(date))),
            Cell::text(str_at(r, "lotNumber").map(str::to_owned)),
            status_cell(status(r)),
            Cell::text(r.get("site").and_then(concept)),
        ],
        Category::Labs | Category::Vitals => {
            let (value, unit) = observation_value_and_unit(r);
            let mut row = vec![Cell::text(code()), Cell::text(value), Cell::text(unit)];
            if category == Category::Labs {
                row.push(Cell::text(
                    first(r, "referenceRange").and_then(reference_range),
                ));
                row.push(Cell::text(
                    super::flag::observation_flag(r).map(|f| f.key().to_owned()),
                ));
            }
            row.push(when());
            row
        }
        Category::Condition => vec![
            Cell::text(code()),
            status_cell(status(r)),
            Cell::text(choice::render(r, "onset").or_else(|| str_at(r, "recordedDate").map(date))),
            Cell::text(choice::render(r, "abatement")),
        ],
        Category::Procedure => vec![
            Cell::text(code()),
            Cell::text(choice::render(r, "performed").or_else(|| clinical_date.map(date))),
            status_cell(status(r)),
            refcell(first(r, "performer").and_then(|p| p.get("actor"))),
        ],
        Category::DiagnosticReport => vec![
            Cell::text(code()),
            Cell::text(concepts(r.get("category"))),
            status_cell(status(r)),
            when(),
            Cell::text(Some(items(r, "result").len().to_string())),
        ],
        Category::ExplanationOfBenefit => {
            let billable = r.get("billablePeriod");
            vec![
                refcell(r.get("provider")),
                Cell::text(r.get("type").and_then(concept)),
                dated(billable.and_then(|p| str_at(p, "start")).or(clinical_date)),
                dated(billable.and_then(|p| str_at(p, "end"))),
                Cell::text(claim_billed(r)),
                Cell::text(claim_paid(r)),
            ]
        }
        Category::Coverage => vec![
            {
                let payors = items(r, "payor");
                if payors.len() == 1 {
                    refcell(payors.first().copied())
                } else {
                    Cell::text(join(payors.into_iter().map(reference), ", "))
                }
            },
            Cell::text(r.get("type").and_then(concept)),
            status_cell(status(r)),
            Cell::text(r.get("period").and_then(period)),
            Cell::text(
                str_at(r, "subscriberId")
                    .map(str::to_owned)
                    .or_else(|| first(r, "identifier").and_then(identifier)),
            ),
        ],
        Category::DocumentReference => vec![
            Cell::text(
                str_at(r, "description")
                    .map(str::to_owned)
                    .or_else(|| r.get("type").and_then(concept))
                    .or_else(|| {
                        first(r, "content")
                            .and_then(|c| c.get("attachment"))
                            .and_then(|a| str_at(a, "title"))
                            .map(str::to_owned)
                    }),
            ),
            refcell(first(r, "author")),
            when(),
            Cell::text(join(
                items(r, "content").into_iter().map(|c| {
                    c.get("attachment")
                        .and_then(|a| str_at(a, "contentType"))
                        .map(str::to_owned)
                }),
                ", ",
            )),
        ],
        Category::CareTeam => vec![
            Cell::text(
                str_at(r, "name")
                    .map(str::to_owned)
                    .or_else(|| concepts(r.get("category"))),
            ),
            Cell::text(join(
                items(r, "participant").into_iter().map(|p| {
                    let who = p.get("member").and_then(reference);
                    let role = concepts(p.get("role"));
                    match (who, role) {
                        (Some(w), Some(r)) => Some(format!("{w} ({r})")),
                        (w, r) => w.or(r),
                    }
                }),
                ", ",
            )),
            status_cell(status(r)),
        ],
        Category::CarePlan => vec![
            Cell::text(
                str_at(r, "title")
                    .map(str::to_owned)
                    .or_else(|| concepts(r.get("category"))),
            ),
            status_cell(status(r)),
            Cell::text(r.get("period").and_then(period)),
        ],
        Category::FamilyMemberHistory => vec![
            Cell::text(r.get("relationship").and_then(concept)),
            Cell::text(join(
                items(r, "condition")
                    .into_iter()
                    .map(|c| c.get("code").and_then(concept)),
                ", ",
            )),
            Cell::text(join(
                items(r, "condition")
                    .into_iter()
                    .map(|c| choice::render(c, "onset")),
                ", ",
            )),
        ],
        Category::Patient => vec![
            Cell::text(r.get("name").and_then(best_name)),
            dated(str_at(r, "birthDate")),
            Cell::text(str_at(r, "gender").map(str::to_owned)),
            Cell::text(first(r, "address").and_then(address)),
        ],
        Category::Other => vec![
            Cell::text(str_at(r, "resourceType").map(str::to_owned)),
            Cell::text(Some(super::summary::summarize(r, category).summary)),
            when(),
        ],
    }
}

/// The value and unit columns of a result: the number and its unit for a
/// quantity; the whole value (and no unit) for anything else.
fn observation_value_and_unit(r: &Value) -> (Option<String>, Option<String>) {
    if let Some(q) = r.get("valueQuantity") {
        let comparator = str_at(q, "comparator").map(str::to_owned);
        let value = num_at(q, "value").map(number);
        return (
            join([comparator, value], " "),
            quantity_unit(q).map(|u| units::readable(&u)),
        );
    }
    (observation::value(r), None)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn texts(c: Vec<Cell>) -> Vec<Option<String>> {
        c.into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn every_category_has_as_many_cells_as_columns_even_when_empty() {
        for c in Category::ALL {
            let empty = cells(c, &json!({"resourceType": "Basic"}), None);
            assert_eq!(empty.len(), columns(c).len(), "{c:?}");
            let keys: Vec<_> = columns(c).iter().map(|c| c.key).collect();
            let mut unique = keys.clone();
            unique.dedup();
            assert_eq!(keys, unique);
        }
    }

    #[test]
    fn lab_cells() {
        let r = json!({"resourceType": "Observation",
            "code": {"text": "Hemoglobin"},
            "valueQuantity": {"value": 11.2, "unit": "g/dL"},
            "referenceRange": [{"low": {"value": 12, "unit": "g/dL"}, "high": {"value": 16, "unit": "g/dL"}}]});
        assert_eq!(
            texts(cells(Category::Labs, &r, Some("2020-01-02T10:00:00Z"))),
            vec![
                Some("Hemoglobin".into()),
                Some("11.2".into()),
                Some("g/dL".into()),
                Some("12–16 g/dL".into()),
                Some("low".into()),
                Some("2020-01-02 10:00".into())
            ]
        );
    }

    #[test]
    fn medication_cells_keep_a_reference_without_display_for_the_core() {
        let r = json!({"resourceType": "MedicationRequest", "status": "on-hold",
            "medicationCodeableConcept": {"text": "Metformin 500 mg"},
            "requester": {"reference": "Practitioner/p1"},
            "authoredOn": "2021-01-01",
            "dispenseRequest": {"validityPeriod": {"start": "2021-01-01", "end": "2022-01-01"}},
            "dosageInstruction": [{"text": "twice a day"}]});
        let c = cells(Category::MedicationRequest, &r, None);
        assert_eq!(c[0].text.as_deref(), Some("Metformin 500 mg"));
        assert_eq!(c[1].text.as_deref(), Some("twice a day"));
        assert_eq!(c[2].text.as_deref(), Some("on hold"));
        assert_eq!(c[3].reference.as_deref(), Some("Practitioner/p1"));
        assert_eq!(c[5].text.as_deref(), Some("2022-01-01"));
        let s = json!({"resourceType": "MedicationStatement", "medicationCodeableConcept": {"text": "Aspirin"},
            "effectivePeriod": {"start": "2020-01-01", "end": "2020-02-01"},
            "informationSource": {"reference": "Patient/1", "display": "Self"}});
        let c = texts(cells(Category::MedicationStatement, &s, None));
        assert_eq!(c[3].as_deref(), Some("Self"));
        assert_eq!(c[4].as_deref(), Some("2020-01-01"));
        assert_eq!(c[5].as_deref(), Some("2020-02-01"));
    }

    #[test]
    fn claims_conditions_and_patients() {
        let eob = json!({"resourceType": "ExplanationOfBenefit", "type": {"text": "Professional"},
            "provider": {"display": "Clinic"}, "billablePeriod": {"start": "2020-01-01", "end": "2020-01-02"},
            "total": [{"category": {"coding": [{"code": "submitted"}]}, "amount": {"value": 200, "currency": "USD"}}],
            "payment": {"amount": {"value": 150.5, "currency": "USD"}}});
        assert_eq!(
            texts(cells(Category::ExplanationOfBenefit, &eob, None)),
            vec![
                Some("Clinic".into()),
                Some("Professional".into()),
                Some("2020-01-01".into()),
                Some("2020-01-02".into()),
                Some("$200.00".into()),
                Some("$150.50".into())
            ]
        );
        let cond = json!({"resourceType": "Condition", "code": {"text": "Asthma"},
            "clinicalStatus": {"coding": [{"code": "resolved"}]}, "onsetAge": {"value": 5, "unit": "years"},
            "abatementDateTime": "2010-01-01"});
        assert_eq!(
            texts(cells(Category::Condition, &cond, None)),
            vec![
                Some("Asthma".into()),
                Some("resolved".into()),
                Some("5 years".into()),
                Some("2010-01-01".into())
            ]
        );
        let p = json!({"resourceType": "Patient", "name": [{"text": "山田 太郎"}], "gender": "male", "birthDate": "1970",
            "address": [{"city": "Kyoto", "country": "JP"}]});
        assert_eq!(
            texts(cells(Category::Patient, &p, None)),
            vec![
                Some("山田 太郎".into()),
                Some("1970".into()),
                Some("male".into()),
                Some("Kyoto, JP".into())
            ]
        );
    }
}
