//! Whether a result is out of range: from the Observation's `interpretation`
//! codes (HL7 v3 ObservationInterpretation, or their text), else by comparing
//! its value with its reference range.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::text::{items, num_at, str_at};
use super::types::{concept_code, quantity_unit};
use super::units;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    High,
    Low,
    Abnormal,
    Critical,
    Normal,
}

impl Flag {
    /// The stable key stored in the vault.
    pub fn key(self) -> &'static str {
        match self {
            Flag::High => "high",
            Flag::Low => "low",
            Flag::Abnormal => "abnormal",
            Flag::Critical => "critical",
            Flag::Normal => "normal",
        }
    }

    pub fn from_key(key: &str) -> Option<Flag> {
        [
            Flag::High,
            Flag::Low,
            Flag::Abnormal,
            Flag::Critical,
            Flag::Normal,
        ]
        .into_iter()
        .find(|f| f.key() == key)
    }
}

fn from_code(code: &str) -> Option<Flag> {
    Some(match code {
        "HH" | "LL" | "AA" | "H>" | "L<" => Flag::Critical,
        "H" | "HU" | ">" => Flag::High,
        "L" | "LU" | "<" => Flag::Low,
        "A" | "POS" | "DET" | "W" | "R" => Flag::Abnormal,
        "N" | "NEG" | "ND" | "S" => Flag::Normal,
        _ => return None,
    })
}

fn from_text(text: &str) -> Option<Flag> {
    let t = text.to_lowercase();
    if t.contains("critical") || t.contains("panic") {
        Some(Flag::Critical)
    } else if t.contains("abnormal") {
        Some(Flag::Abnormal)
    } else if t.contains("high") || t.contains("above") {
        Some(Flag::High)
    } else if t.contains("low") || t.contains("below") {
        Some(Flag::Low)
    } else if t.contains("normal") || t.contains("negative") {
        Some(Flag::Normal)
    } else {
        None
    }
}

/// The flag an `interpretation` (one CodeableConcept or an array) states.
pub fn from_interpretation(v: Option<&Value>) -> Option<Flag> {
    let v = v?;
    let concepts: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    concepts.into_iter().find_map(|c| {
        concept_code(c).and_then(from_code).or_else(|| {
            str_at(c, "text")
                .or_else(|| {
                    items(c, "coding")
                        .into_iter()
                        .find_map(|x| str_at(x, "display"))
                })
                .and_then(from_text)
        })
    })
}

/// The normal range to judge a value by: the first without a type, or typed
/// "normal"; its bounds converted to `unit` when they are in another unit of
/// the same quantity (None when they cannot be).
pub fn normal_bounds(
    ranges: Option<&Value>,
    unit: Option<&str>,
) -> Option<(Option<f64>, Option<f64>)> {
    let ranges = ranges?;
    let list: Vec<&Value> = match ranges {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    let r = list.into_iter().find(|r| {
        r.get("type")
            .and_then(concept_code)
            .is_none_or(|c| c == "normal")
    })?;
    let bound = |key: &str| -> Option<Option<f64>> {
        let Some(q) = r.get(key) else {
            return Some(None);
        };
        let Some(n) = num_at(q, "value") else {
            return Some(None);
        };
        let range_unit = str_at(q, "code")
            .map(str::to_owned)
            .or_else(|| quantity_unit(q));
        match (range_unit.as_deref(), unit) {
            (Some(from), Some(to)) => units::convert(n, from, to).map(Some),
            _ => Some(Some(n)),
        }
    };
    let (low, high) = (bound("low")?, bound("high")?);
    (low.is_some() || high.is_some()).then_some((low, high))
}

/// Low, high or normal for `value` against the bounds.
pub fn from_bounds(value: f64, low: Option<f64>, high: Option<f64>) -> Flag {
    match (low, high) {
        (Some(l), _) if value < l => Flag::Low,
        (_, Some(h)) if value > h => Flag::High,
        _ => Flag::Normal,
    }
}

/// An Observation's (or component's) flag: its interpretation, else its
/// quantity value against its reference range.
pub fn observation_flag(obs: &Value) -> Option<Flag> {
    from_interpretation(obs.get("interpretation")).or_else(|| {
        let q = obs.get("valueQuantity")?;
        let value = num_at(q, "value")?;
        let unit = str_at(q, "code")
            .map(str::to_owned)
            .or_else(|| quantity_unit(q));
        let (low, high) = normal_bounds(obs.get("referenceRange"), unit.as_deref())?;
        Some(from_bounds(value, low, high))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn interpretation_codes_and_text_map_to_flags() {
        let f = |v: Value| from_interpretation(Some(&v));
        assert_eq!(f(json!([{"coding": [{"code": "H"}]}])), Some(Flag::High));
        assert_eq!(
            f(json!([{"coding": [{"code": "LL"}]}])),
            Some(Flag::Critical)
        );
        assert_eq!(f(json!({"coding": [{"code": "A"}]})), Some(Flag::Abnormal));
        assert_eq!(f(json!([{"coding": [{"code": "N"}]}])), Some(Flag::Normal));
        assert_eq!(f(json!([{"text": "Above high normal"}])), Some(Flag::High));
        assert_eq!(
            f(json!([{"coding": [{"code": "zzz", "display": "Low"}]}])),
            Some(Flag::Low)
        );
        assert_eq!(f(json!([{"text": "see note"}])), None);
        assert_eq!(from_interpretation(None), None);
    }

    #[test]
    fn without_interpretation_the_reference_range_decides() {
        let obs = |v: f64| {
            json!({"valueQuantity": {"value": v, "unit": "mg/dL", "code": "mg/dL"},
                   "referenceRange": [{"low": {"value": 70, "code": "mg/dL"}, "high": {"value": 100, "code": "mg/dL"}}]})
        };
        assert_eq!(observation_flag(&obs(120.0)), Some(Flag::High));
        assert_eq!(observation_flag(&obs(60.0)), Some(Flag::Low));
        assert_eq!(observation_flag(&obs(80.0)), Some(Flag::Normal));
        // A range in another unit of the same quantity is converted first.
        let o = json!({"valueQuantity": {"value": 14, "code": "g/dL"},
                       "referenceRange": [{"low": {"value": 120, "code": "g/L"}, "high": {"value": 160, "code": "g/L"}}]});
        assert_eq!(observation_flag(&o), Some(Flag::Normal));
        // A range in a unit of another quantity says nothing.
        let o = json!({"valueQuantity": {"value": 5.5, "code": "mmol/L"},
                       "referenceRange": [{"high": {"value": 100, "code": "mg/dL"}}]});
        assert_eq!(observation_flag(&o), None);
        assert_eq!(observation_flag(&json!({"valueString": "x"})), None);
        assert_eq!(Flag::from_key("critical"), Some(Flag::Critical));
    }
}
