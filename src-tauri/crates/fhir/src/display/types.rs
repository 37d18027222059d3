//! One-line text for FHIR's general-purpose datatypes (HumanName,
//! CodeableConcept, Coding, Quantity, Range, Ratio, Period, Reference, Address,
//! ContactPoint, Annotation, Money, Identifier, Attachment). Each reads a
//! `serde_json::Value` and returns None when there is nothing to show, so
//! callers never print empty labels.

use serde_json::Value;

use super::text::{date, items, join, non_blank, num_at, number, str_at};
use super::units;

/// A person's name: its `text`, else prefix, given names, family and suffix.
pub fn human_name(v: &Value) -> Option<String> {
    if let Some(t) = str_at(v, "text") {
        return Some(t.to_owned());
    }
    let words = |key: &str| -> Vec<String> {
        items(v, key)
            .into_iter()
            .filter_map(non_blank)
            .map(str::to_owned)
            .collect()
    };
    let mut parts = words("prefix");
    parts.extend(words("given"));
    // DSTU2 wrote family as an array.
    parts.extend(words("family"));
    parts.extend(words("suffix"));
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The name to show from a list of names: the official or usual one first.
pub fn best_name(names: &Value) -> Option<String> {
    let list: Vec<&Value> = match names {
        Value::Array(a) => a.iter().collect(),
        Value::Object(_) => vec![names],
        _ => return None,
    };
    let by_use = |u: &str| {
        list.iter()
            .find(|n| str_at(n, "use") == Some(u))
            .and_then(|n| human_name(n))
    };
    by_use("official")
        .or_else(|| by_use("usual"))
        .or_else(|| list.iter().find_map(|n| human_name(n)))
}

/// A Coding: its display, else its code.
pub fn coding(v: &Value) -> Option<String> {
    str_at(v, "display")
        .or_else(|| str_at(v, "code"))
        .map(str::to_owned)
}

/// A CodeableConcept: its text, else the first coding's display, else its code.
pub fn concept(v: &Value) -> Option<String> {
    match v {
        Value::String(_) => non_blank(v).map(str::to_owned),
        Value::Array(a) => a.iter().find_map(concept),
        _ => str_at(v, "text")
            .map(str::to_owned)
            .or_else(|| {
                items(v, "coding")
                    .into_iter()
                    .find_map(|c| str_at(c, "display").map(str::to_owned))
            })
            .or_else(|| items(v, "coding").into_iter().find_map(coding)),
    }
}

/// Several CodeableConcepts (or one) joined with commas.
pub fn concepts(v: Option<&Value>) -> Option<String> {
    let v = v?;
    match v {
        Value::Array(a) => join(a.iter().map(concept), ", "),
        other => concept(other),
    }
}

/// The code of a concept's first coding that has one (plain, without system).
pub fn concept_code(v: &Value) -> Option<&str> {
    items(v, "coding")
        .into_iter()
        .find_map(|c| str_at(c, "code"))
}

/// `system|code` of a concept's first coding with a code (the vault's form).
pub fn concept_key(v: &Value) -> Option<String> {
    let c = items(v, "coding")
        .into_iter()
        .find(|c| str_at(c, "code").is_some())?;
    let code = str_at(c, "code")?;
    Some(match str_at(c, "system") {
        Some(s) => format!("{s}|{code}"),
        None => code.to_owned(),
    })
}

/// A Quantity (also Age, Duration, Count, Distance, SimpleQuantity):
/// comparator, value and unit — "< 5 mg/dL", "6.1 %".
pub fn quantity(v: &Value) -> Option<String> {
    let value = num_at(v, "value").map(number);
    let unit = quantity_unit(v);
    let comparator = str_at(v, "comparator").map(|c| match c {
        "<=" => "≤".to_owned(),
        ">=" => "≥".to_owned(),
        "ad" => "at least".to_owned(),
        other => other.to_owned(),
    });
    match (value, unit) {
        (Some(val), unit) => join([comparator, Some(val), unit], " "),
        (None, Some(u)) if !u.is_empty() => Some(u),
        _ => None,
    }
}

/// The unit to print for a quantity: its `unit`, else its UCUM code made readable.
pub fn quantity_unit(v: &Value) -> Option<String> {
    str_at(v, "unit")
        .map(str::to_owned)
        .or_else(|| str_at(v, "code").map(units::readable))
        .filter(|u| !u.is_empty())
}

/// A Range: "4–5.5 mmol/L", "≥ 4 mmol/L", "≤ 5.5 mmol/L".
pub fn range(v: &Value) -> Option<String> {
    let low = v.get("low");
    let high = v.get("high");
    let low_n = low.and_then(|q| num_at(q, "value"));
    let high_n = high.and_then(|q| num_at(q, "value"));
    let unit = high
        .and_then(quantity_unit)
        .or_else(|| low.and_then(quantity_unit));
    let body = match (low_n, high_n) {
        (Some(l), Some(h)) => format!("{}–{}", number(l), number(h)),
        (Some(l), None) => format!("≥ {}", number(l)),
        (None, Some(h)) => format!("≤ {}", number(h)),
        (None, None) => return None,
    };
    join([Some(body), unit], " ")
}

/// A reference range: its text, else its range, with whom it applies to.
pub fn reference_range(v: &Value) -> Option<String> {
    let main = str_at(v, "text").map(str::to_owned).or_else(|| range(v))?;
    let applies = join(
        [
            v.get("type").and_then(concept),
            concepts(v.get("appliesTo")),
            v.get("age").and_then(range).map(|a| format!("age {a}")),
        ],
        ", ",
    );
    Some(match applies {
        Some(a) => format!("{main} ({a})"),
        None => main,
    })
}

/// A Ratio: "500 mg / 1 TAB", or "1:128" for unitless titers.
pub fn ratio(v: &Value) -> Option<String> {
    let n = v.get("numerator").and_then(quantity);
    let d = v.get("denominator").and_then(quantity);
    match (n, d) {
        (Some(n), Some(d)) if n.chars().all(|c| c.is_ascii_digit() || c == '.') => {
            Some(format!("{n}:{d}"))
        }
        (Some(n), Some(d)) => Some(format!("{n} / {d}")),
        (Some(n), None) => Some(n),
        (None, Some(d)) => Some(format!("per {d}")),
        (None, None) => None,
    }
}

/// A Period: "2020-01-01 – 2020-02-01", "from 2020-01-01", "until 2020-02-01".
pub fn period(v: &Value) -> Option<String> {
    let start = str_at(v, "start").map(date);
    let end = str_at(v, "end").map(date);
    match (start, end) {
        (Some(s), Some(e)) if s == e => Some(s),
        (Some(s), Some(e)) => Some(format!("{s} – {e}")),
        (Some(s), None) => Some(format!("from {s}")),
        (None, Some(e)) => Some(format!("until {e}")),
        (None, None) => None,
    }
}

/// A Reference as written: its display, else the reference, else its identifier.
/// The core replaces it with the referenced record's own summary when that
/// record is in the vault.
pub fn reference(v: &Value) -> Option<String> {
    str_at(v, "display")
        .map(str::to_owned)
        .or_else(|| str_at(v, "reference").map(str::to_owned))
        .or_else(|| v.get("identifier").and_then(identifier))
}

/// An Identifier: its value, with its type when there is one.
pub fn identifier(v: &Value) -> Option<String> {
    let value = str_at(v, "value")?;
    Some(match v.get("type").and_then(concept) {
        Some(t) => format!("{value} ({t})"),
        None => value.to_owned(),
    })
}

/// An Address: its text, else lines, city, state, postal code, country.
pub fn address(v: &Value) -> Option<String> {
    if let Some(t) = str_at(v, "text") {
        return Some(t.to_owned());
    }
    let lines = join(
        items(v, "line")
            .into_iter()
            .map(|l| non_blank(l).map(str::to_owned)),
        ", ",
    );
    let state_zip = join(
        [
            str_at(v, "state").map(str::to_owned),
            str_at(v, "postalCode").map(str::to_owned),
        ],
        " ",
    );
    join(
        [
            lines,
            str_at(v, "city").map(str::to_owned),
            state_zip,
            str_at(v, "country").map(str::to_owned),
        ],
        ", ",
    )
}

/// A ContactPoint: "phone: 555-0100 (home)".
pub fn contact_point(v: &Value) -> Option<String> {
    let value = str_at(v, "value")?;
    let mut out = match str_at(v, "system") {
        Some(s) => format!("{s}: {value}"),
        None => value.to_owned(),
    };
    if let Some(u) = str_at(v, "use") {
        out.push_str(&format!(" ({u})"));
    }
    Some(out)
}

/// An Annotation: its text, then who wrote it and when.
pub fn annotation(v: &Value) -> Option<String> {
    let text = str_at(v, "text")?;
    let by = str_at(v, "authorString")
        .map(str::to_owned)
        .or_else(|| v.get("authorReference").and_then(reference));
    let when = str_at(v, "time").map(date);
    Some(match join([by, when], ", ") {
        Some(meta) => format!("{text} — {meta}"),
        None => text.to_owned(),
    })
}

/// Money: "$1,234.50" for the common currencies' symbols, else "1234.50 CHF".
pub fn money(v: &Value) -> Option<String> {
    let value = num_at(v, "value")?;
    let amount = format!("{value:.2}");
    let amount = with_thousands(&amount);
    Some(match str_at(v, "currency") {
        Some("USD") | None => format!("${amount}"),
        Some("EUR") => format!("€{amount}"),
        Some("GBP") => format!("£{amount}"),
        Some(other) => format!("{amount} {other}"),
    })
}

fn with_thousands(amount: &str) -> String {
    let (sign, rest) = match amount.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", amount),
    };
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// An Attachment in a line: title, type and size.
pub fn attachment(v: &Value) -> Option<String> {
    let size = num_at(v, "size").map(|s| format!("{} bytes", number(s)));
    join(
        [
            str_at(v, "title").map(str::to_owned),
            str_at(v, "contentType").map(str::to_owned),
            size,
        ],
        ", ",
    )
}

/// SampledData: only how many points it holds (the data is for the raw view).
pub fn sampled_data(v: &Value) -> Option<String> {
    let n = str_at(v, "data").map(|d| d.split_whitespace().count())?;
    Some(format!("{n} sampled values"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn names_prefer_text_then_official_and_handle_unicode_and_dstu2() {
        assert_eq!(
            human_name(&json!({"text": "Dr. Zoë Ñúñez"})).unwrap(),
            "Dr. Zoë Ñúñez"
        );
        assert_eq!(
            human_name(&json!({"prefix": ["Mr."], "given": ["José", "Luis"], "family": "García"}))
                .unwrap(),
            "Mr. José Luis García"
        );
        assert_eq!(
            human_name(&json!({"family": ["Bednar"], "given": ["K"]})).unwrap(),
            "K Bednar"
        );
        assert_eq!(human_name(&json!({})), None);
        let names =
            json!([{"use": "nickname", "given": ["Al"]}, {"use": "official", "family": "محمد"}]);
        assert_eq!(best_name(&names).unwrap(), "محمد");
    }

    #[test]
    fn concepts_fall_back_from_text_to_display_to_code() {
        assert_eq!(
            concept(&json!({"text": "HbA1c", "coding": [{"display": "x"}]})).unwrap(),
            "HbA1c"
        );
        assert_eq!(
            concept(&json!({"coding": [{"code": "1"}, {"display": "Two"}]})).unwrap(),
            "Two"
        );
        assert_eq!(
            concept(&json!({"coding": [{"code": "E11.9"}]})).unwrap(),
            "E11.9"
        );
        assert_eq!(concept(&json!({"coding": []})), None);
        assert_eq!(
            concept_key(&json!({"coding": [{"system": "http://loinc.org", "code": "4548-4"}]}))
                .unwrap(),
            "http://loinc.org|4548-4"
        );
        assert_eq!(
            concepts(Some(&json!([{"text": "a"}, {"text": "b"}]))).unwrap(),
            "a, b"
        );
    }

    #[test]
    fn quantities_ranges_ratios() {
        assert_eq!(
            quantity(&json!({"value": 6.1, "unit": "%"})).unwrap(),
            "6.1 %"
        );
        assert_eq!(
            quantity(&json!({"value": 5, "comparator": "<", "code": "mg/dL", "system": "http://unitsofmeasure.org"}))
                .unwrap(),
            "< 5 mg/dL"
        );
        assert_eq!(
            quantity(&json!({"value": 98.6, "code": "[degF]"})).unwrap(),
            "98.6 °F"
        );
        assert_eq!(quantity(&json!({"value": 3})).unwrap(), "3");
        assert_eq!(quantity(&json!({})), None);
        assert_eq!(
            range(&json!({"low": {"value": 4, "unit": "mmol/L"}, "high": {"value": 5.5, "unit": "mmol/L"}})).unwrap(),
            "4–5.5 mmol/L"
        );
        assert_eq!(range(&json!({"high": {"value": 200}})).unwrap(), "≤ 200");
        assert_eq!(
            ratio(&json!({"numerator": {"value": 500, "unit": "mg"}, "denominator": {"value": 1, "unit": "TAB"}})).unwrap(),
            "500 mg / 1 TAB"
        );
        assert_eq!(
            ratio(&json!({"numerator": {"value": 1}, "denominator": {"value": 128}})).unwrap(),
            "1:128"
        );
        assert_eq!(
            reference_range(
                &json!({"low": {"value": 4}, "high": {"value": 6}, "type": {"text": "Normal"}})
            )
            .unwrap(),
            "4–6 (Normal)"
        );
    }

    #[test]
    fn periods_references_addresses_money() {
        assert_eq!(
            period(&json!({"start": "2020-01-01", "end": "2020-02-01"})).unwrap(),
            "2020-01-01 – 2020-02-01"
        );
        assert_eq!(
            period(&json!({"start": "2020-01-01"})).unwrap(),
            "from 2020-01-01"
        );
        assert_eq!(
            period(&json!({"end": "2020-01-01T00:00:00Z"})).unwrap(),
            "until 2020-01-01"
        );
        assert_eq!(period(&json!({})), None);
        assert_eq!(
            reference(&json!({"reference": "Practitioner/1", "display": "Dr. Who"})).unwrap(),
            "Dr. Who"
        );
        assert_eq!(
            reference(&json!({"reference": "Practitioner/1"})).unwrap(),
            "Practitioner/1"
        );
        assert_eq!(
            reference(&json!({"identifier": {"value": "123"}})).unwrap(),
            "123"
        );
        assert_eq!(
            address(&json!({"line": ["1 Main St", "Apt 2"], "city": "Boston", "state": "MA", "postalCode": "02101", "country": "US"})).unwrap(),
            "1 Main St, Apt 2, Boston, MA 02101, US"
        );
        assert_eq!(
            contact_point(&json!({"system": "phone", "value": "555-0100", "use": "home"})).unwrap(),
            "phone: 555-0100 (home)"
        );
        assert_eq!(
            money(&json!({"value": 1234.5, "currency": "USD"})).unwrap(),
            "$1,234.50"
        );
        assert_eq!(
            money(&json!({"value": -12, "currency": "CHF"})).unwrap(),
            "-12.00 CHF"
        );
        assert_eq!(money(&json!({"value": 1000000})).unwrap(), "$1,000,000.00");
        assert_eq!(
            annotation(&json!({"text": "Take with food", "authorString": "Dr. A", "time": "2020-01-01T08:30:00Z"})).unwrap(),
            "Take with food — Dr. A, 2020-01-01 08:30"
        );
        assert_eq!(
            attachment(&json!({"title": "Note", "contentType": "text/plain", "size": 12})).unwrap(),
            "Note, text/plain, 12 bytes"
        );
    }
}
