//! An Observation's result in words and in numbers: its value (any `value[x]`,
//! blood pressure from its components, or why it is missing) and the numeric
//! points the trend charts plot (one per component for panels).

use serde_json::Value;

use super::choice;
use super::flag::{self, Flag};
use super::text::{items, join, num_at, str_at};
use super::types::{concept, concept_code, concept_key, quantity_unit};
use super::units;

const SYSTOLIC: &str = "8480-6";
const DIASTOLIC: &str = "8462-4";

/// One number for a chart: an Observation's (or one component's) quantity.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartValue {
    /// `system|code` of what was measured.
    pub code: String,
    pub label: String,
    pub value: f64,
    /// The unit key (`units::key`): UCUM code of a known unit, else as written.
    pub unit: Option<String>,
    /// The normal range, in the value's own unit.
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub flag: Option<Flag>,
}

/// The result of an Observation or of one of its components, in one line.
pub fn value(obs: &Value) -> Option<String> {
    if let Some(v) = choice::render(obs, "value") {
        return Some(v);
    }
    if let Some(bp) = blood_pressure(obs) {
        return Some(bp);
    }
    let parts = join(
        items(obs, "component").into_iter().map(|c| {
            let name = c.get("code").and_then(concept)?;
            let v = value(c)?;
            Some(format!("{name} {v}"))
        }),
        "; ",
    );
    parts.or_else(|| {
        obs.get("dataAbsentReason")
            .and_then(concept)
            .map(|r| format!("no value ({})", r.to_lowercase()))
    })
}

/// "120/80 mmHg" from systolic and diastolic components.
fn blood_pressure(obs: &Value) -> Option<String> {
    let comps = items(obs, "component");
    let find = |code: &str| {
        comps
            .iter()
            .find(|c| c.get("code").and_then(concept_code) == Some(code))
            .and_then(|c| c.get("valueQuantity"))
    };
    let (sys, dia) = (find(SYSTOLIC)?, find(DIASTOLIC)?);
    let s = num_at(sys, "value")?;
    let d = num_at(dia, "value")?;
    let unit = quantity_unit(sys)
        .map(|u| units::readable(&u))
        .unwrap_or_default();
    Some(
        format!(
            "{}/{} {unit}",
            super::text::number(s),
            super::text::number(d)
        )
        .trim_end()
        .to_owned(),
    )
}

/// The chart points of an Observation: its own quantity, or each component's.
pub fn chart_values(obs: &Value) -> Vec<ChartValue> {
    let own = point(obs);
    if let Some(p) = own {
        return vec![p];
    }
    items(obs, "component")
        .into_iter()
        .filter_map(point)
        .collect()
}

/// `part` is the observation or a component; ranges and interpretation come
/// from the part itself.
fn point(part: &Value) -> Option<ChartValue> {
    let q = part.get("valueQuantity")?;
    let value = num_at(q, "value")?;
    let code_concept = part.get("code")?;
    let code = concept_key(code_concept)?;
    let label = concept(code_concept).unwrap_or_else(|| code.clone());
    let unit = str_at(q, "code")
        .filter(|_| str_at(q, "system").is_none_or(|s| s == "http://unitsofmeasure.org"))
        .map(str::to_owned)
        .or_else(|| str_at(q, "unit").map(str::to_owned))
        .map(|u| units::key(&u));
    let (low, high) =
        flag::normal_bounds(part.get("referenceRange"), unit.as_deref()).unwrap_or((None, None));
    Some(ChartValue {
        code,
        label,
        value,
        unit,
        low,
        high,
        flag: flag::observation_flag(part),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn bp() -> Value {
        json!({"resourceType": "Observation",
        "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9"}], "text": "Blood pressure"},
        "component": [
            {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6", "display": "Systolic blood pressure"}]},
             "valueQuantity": {"value": 128, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}},
            {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4", "display": "Diastolic blood pressure"}]},
             "valueQuantity": {"value": 82, "unit": "mm[Hg]", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}}
        ]})
    }

    #[test]
    fn blood_pressure_reads_as_one_value_and_charts_as_two() {
        assert_eq!(value(&bp()).unwrap(), "128/82 mmHg");
        let points = chart_values(&bp());
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].code, "http://loinc.org|8480-6");
        assert_eq!(points[1].value, 82.0);
        assert_eq!(points[1].unit.as_deref(), Some("mm[Hg]"));
    }

    #[test]
    fn values_of_every_shape_and_missing_ones() {
        assert_eq!(
            value(&json!({"valueString": "Clear, yellow"})).unwrap(),
            "Clear, yellow"
        );
        assert_eq!(value(&json!({"valueBoolean": true})).unwrap(), "yes");
        assert_eq!(
            value(&json!({"dataAbsentReason": {"coding": [{"display": "Unknown"}]}})).unwrap(),
            "no value (unknown)"
        );
        assert_eq!(value(&json!({"status": "final"})), None);
        let c = json!({"component": [{"code": {"text": "Pain"}, "valueInteger": 3}]});
        assert_eq!(value(&c).unwrap(), "Pain 3");
    }

    #[test]
    fn chart_points_carry_unit_keys_ranges_and_flags() {
        let o = json!({"code": {"coding": [{"system": "http://loinc.org", "code": "29463-7", "display": "Body weight"}]},
            "valueQuantity": {"value": 160, "unit": "lbs"}});
        let p = &chart_values(&o)[0];
        assert_eq!(p.unit.as_deref(), Some("[lb_av]"));
        assert_eq!(p.label, "Body weight");
        let o = json!({"code": {"coding": [{"system": "http://loinc.org", "code": "2339-0"}]},
            "valueQuantity": {"value": 140, "code": "mg/dL", "system": "http://unitsofmeasure.org"},
            "referenceRange": [{"low": {"value": 70}, "high": {"value": 99}}]});
        let p = &chart_values(&o)[0];
        assert_eq!(
            (p.low, p.high, p.flag),
            (Some(70.0), Some(99.0), Some(Flag::High))
        );
        assert!(chart_values(&json!({"valueString": "x", "code": {"text": "t"}})).is_empty());
        // No code: nothing to chart it under.
        assert!(chart_values(&json!({"valueQuantity": {"value": 1}})).is_empty());
    }
}
