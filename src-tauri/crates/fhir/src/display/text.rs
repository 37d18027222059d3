//! Small readers over `serde_json::Value` shared by the display helpers: a
//! non-blank string, a number, the first item of "one or many", and numbers
//! written the way a person writes them.

use serde_json::Value;

/// The trimmed string at `key`, when present and not blank.
pub fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(non_blank)
}

/// The value as a trimmed, non-blank string.
pub fn non_blank(v: &Value) -> Option<&str> {
    v.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// The number at `key` (FHIR decimals and integers; numeric strings too,
/// because some servers send them quoted).
pub fn num_at(v: &Value, key: &str) -> Option<f64> {
    match v.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|n: &f64| n.is_finite())
}

/// The items of a field that may be one value or an array of them.
pub fn items<'a>(v: &'a Value, key: &str) -> Vec<&'a Value> {
    match v.get(key) {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    }
}

/// The first item of a field that may be one value or an array.
pub fn first<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v.get(key)? {
        Value::Array(a) => a.first(),
        Value::Null => None,
        other => Some(other),
    }
}

/// A number as a person writes it: no exponent, no trailing zeros, at most
/// four decimals (the precision of conversions, not of the measurement).
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return format!("{n:.0}");
    }
    let s = format!("{n:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// The JSON number at `key` as written in the resource (`6.10` stays `6.1`
/// only because JSON numbers carry no trailing zeros once parsed).
pub fn number_at(v: &Value, key: &str) -> Option<String> {
    num_at(v, key).map(number)
}

/// Joins the present parts with `sep`, or None when none is present.
pub fn join(parts: impl IntoIterator<Item = Option<String>>, sep: &str) -> Option<String> {
    let parts: Vec<String> = parts
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(sep))
}

/// A date or instant shortened for reading: `2023-05-01T10:20:30-05:00` becomes
/// `2023-05-01 10:20`; dates and partial dates are kept as given.
pub fn date(s: &str) -> String {
    let s = s.trim();
    match s.split_once('T') {
        Some((day, time)) if time.len() >= 5 => {
            let hm = &time[..5];
            if hm == "00:00" && time.get(5..8).is_none_or(|r| r == ":00") {
                day.to_owned()
            } else {
                format!("{day} {hm}")
            }
        }
        Some((day, _)) => day.to_owned(),
        None => s.to_owned(),
    }
}

/// "camelCase" as "Camel case", for field labels without a better name.
pub fn humanize(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for (i, ch) in key.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(ch.to_lowercase());
        } else if i == 0 {
            out.extend(ch.to_uppercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// A FHIR code as words: `entered-in-error` becomes "entered in error".
pub fn code_words(code: &str) -> String {
    code.replace(['-', '_'], " ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(number(6.1), "6.1");
        assert_eq!(number(120.0), "120");
        assert_eq!(number(0.30000000000000004), "0.3");
        assert_eq!(number(-0.00001), "0");
        assert_eq!(number(72.574_779), "72.5748");
        assert_eq!(num_at(&json!({"v": "5.5"}), "v"), Some(5.5));
        assert_eq!(num_at(&json!({"v": "x"}), "v"), None);
    }

    #[test]
    fn dates_are_shortened_not_reinterpreted() {
        assert_eq!(date("2023-05-01T10:20:30-05:00"), "2023-05-01 10:20");
        assert_eq!(date("2023-05-01T00:00:00Z"), "2023-05-01");
        assert_eq!(date("2023-05"), "2023-05");
        assert_eq!(date(" 2023 "), "2023");
    }

    #[test]
    fn labels_and_codes_become_words() {
        assert_eq!(humanize("reasonCode"), "Reason code");
        assert_eq!(humanize("id"), "Id");
        assert_eq!(code_words("entered-in-error"), "entered in error");
        assert_eq!(str_at(&json!({"a": "  "}), "a"), None);
        assert_eq!(items(&json!({"a": 1}), "a").len(), 1);
        assert_eq!(first(&json!({"a": [2, 3]}), "a"), Some(&json!(2)));
        assert_eq!(
            join([None, Some("a".into()), Some(" ".into())], ", "),
            Some("a".into())
        );
    }
}
