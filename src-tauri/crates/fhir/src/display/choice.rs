//! FHIR choice elements (`value[x]`, `effective[x]`, `onset[x]`,
//! `occurrence[x]`, `performed[x]`, `abatement[x]`, ...): the element is written
//! with its datatype as a suffix (`valueQuantity`, `onsetAge`), so a reader
//! finds which one is present and renders it by that datatype.

use serde_json::Value;

use super::text::{date, non_blank, number};
use super::timing::timing;
use super::types::{
    address, annotation, attachment, coding, concept, contact_point, human_name, identifier, money,
    period, quantity, range, ratio, reference, sampled_data,
};

/// The datatypes a choice element can take, as the suffixes FHIR appends.
const TYPES: &[&str] = &[
    "Quantity",
    "CodeableConcept",
    "String",
    "Boolean",
    "Integer",
    "Decimal",
    "Range",
    "Ratio",
    "Period",
    "DateTime",
    "Date",
    "Time",
    "Instant",
    "SampledData",
    "Age",
    "Duration",
    "Count",
    "Distance",
    "Reference",
    "Attachment",
    "Coding",
    "Money",
    "Timing",
    "Uri",
    "Url",
    "Canonical",
    "Markdown",
    "Code",
    "Id",
    "Oid",
    "Uuid",
    "PositiveInt",
    "UnsignedInt",
    "Base64Binary",
    "Identifier",
    "Annotation",
    "Address",
    "HumanName",
    "ContactPoint",
];

/// The element names that are choices in the resources the app shows.
pub const CHOICE_PREFIXES: &[&str] = &[
    "value",
    "effective",
    "onset",
    "abatement",
    "occurrence",
    "performed",
    "deceased",
    "multipleBirth",
    "medication",
    "born",
    "age",
    "estimatedAge",
    "timing",
    "asNeeded",
    "serviced",
    "location",
    "allowed",
    "used",
    "reported",
    "product",
    "item",
    "dose",
    "rate",
    "scheduled",
    "doseNumber",
    "seriesDoses",
    "content",
    "defaultValue",
    "diagnosis",
    "procedure",
    "bodySite",
    "subject",
    "source",
    "target",
    "event",
];

/// For a key like `valueQuantity`: (the choice name `value`, the type `Quantity`).
pub fn split_choice(key: &str) -> Option<(&'static str, &'static str)> {
    let prefix = CHOICE_PREFIXES
        .iter()
        .filter(|p| key.len() > p.len() && key.starts_with(**p))
        .max_by_key(|p| p.len())?;
    let rest = &key[prefix.len()..];
    let ty = TYPES.iter().find(|t| **t == rest)?;
    Some((prefix, ty))
}

/// The present form of choice element `name` in `v`: its datatype and value.
pub fn find<'a>(v: &'a Value, name: &str) -> Option<(&'static str, &'a Value)> {
    let obj = v.as_object()?;
    TYPES.iter().find_map(|ty| {
        let key = format!("{name}{ty}");
        obj.get(&key).map(|val| (*ty, val))
    })
}

/// Choice element `name` of `v` rendered in one line, whatever its datatype.
pub fn render(v: &Value, name: &str) -> Option<String> {
    let (ty, val) = find(v, name)?;
    typed(ty, val)
}

/// A value of a known FHIR datatype in one line.
pub fn typed(ty: &str, v: &Value) -> Option<String> {
    match ty {
        "Quantity" | "Age" | "Duration" | "Count" | "Distance" => quantity(v),
        "CodeableConcept" => concept(v),
        "Coding" => coding(v),
        "Boolean" => v.as_bool().map(|b| if b { "yes" } else { "no" }.to_owned()),
        "Integer" | "Decimal" | "PositiveInt" | "UnsignedInt" => match v {
            Value::Number(n) => n.as_f64().map(number),
            Value::String(s) => Some(s.trim().to_owned()),
            _ => None,
        },
        "Range" => range(v),
        "Ratio" => ratio(v),
        "Period" => period(v),
        "DateTime" | "Date" | "Instant" => non_blank(v).map(date),
        "Time" => non_blank(v).map(|t| t.get(..5).unwrap_or(t).to_owned()),
        "SampledData" => sampled_data(v),
        "Reference" => reference(v),
        "Attachment" => attachment(v),
        "Money" => money(v),
        "Timing" => timing(v),
        "Identifier" => identifier(v),
        "Annotation" => annotation(v),
        "Address" => address(v),
        "HumanName" => human_name(v),
        "ContactPoint" => contact_point(v),
        "Base64Binary" => non_blank(v).map(|d| format!("{} bytes of data", d.len() / 4 * 3)),
        _ => non_blank(v).map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn every_choice_shape_renders() {
        let r = json!({
            "valueQuantity": {"value": 6.1, "unit": "%"},
            "effectivePeriod": {"start": "2020-01-01", "end": "2020-01-02"},
            "onsetAge": {"value": 54, "unit": "a"},
            "abatementString": "childhood",
            "occurrenceDateTime": "2021-03-04T10:00:00Z",
            "performedPeriod": {"start": "2019-05-05"},
            "deceasedBoolean": false
        });
        assert_eq!(render(&r, "value").unwrap(), "6.1 %");
        assert_eq!(render(&r, "effective").unwrap(), "2020-01-01 – 2020-01-02");
        assert_eq!(render(&r, "onset").unwrap(), "54 a");
        assert_eq!(render(&r, "abatement").unwrap(), "childhood");
        assert_eq!(render(&r, "occurrence").unwrap(), "2021-03-04 10:00");
        assert_eq!(render(&r, "performed").unwrap(), "from 2019-05-05");
        assert_eq!(render(&r, "deceased").unwrap(), "no");
        assert_eq!(render(&r, "missing"), None);
        assert_eq!(
            render(
                &json!({"valueCodeableConcept": {"text": "Positive"}}),
                "value"
            )
            .unwrap(),
            "Positive"
        );
        assert_eq!(render(&json!({"valueInteger": 3}), "value").unwrap(), "3");
        assert_eq!(
            render(&json!({"valueTime": "08:30:00"}), "value").unwrap(),
            "08:30"
        );
        assert_eq!(
            render(
                &json!({"onsetRange": {"low": {"value": 40}, "high": {"value": 50, "unit": "a"}}}),
                "onset"
            )
            .unwrap(),
            "40–50 a"
        );
    }

    #[test]
    fn keys_split_into_name_and_type() {
        assert_eq!(split_choice("valueQuantity"), Some(("value", "Quantity")));
        assert_eq!(
            split_choice("effectiveDateTime"),
            Some(("effective", "DateTime"))
        );
        assert_eq!(
            split_choice("multipleBirthInteger"),
            Some(("multipleBirth", "Integer"))
        );
        assert_eq!(
            split_choice("doseNumberPositiveInt"),
            Some(("doseNumber", "PositiveInt"))
        );
        assert_eq!(split_choice("value"), None);
        assert_eq!(split_choice("valueSet"), None);
        assert_eq!(split_choice("status"), None);
    }
}
