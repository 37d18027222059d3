//! Timing and Dosage as a patient reads them: "500 mg, 3×/day, by mouth",
//! "1 tablet, every 8 hours, as needed for pain, for 10 days".

use serde_json::Value;

use super::text::{first, items, join, num_at, number, str_at};
use super::types::{concept, concept_code, quantity, range, ratio};

fn unit_word(unit: &str, plural: bool) -> &'static str {
    let (one, many) = match unit {
        "s" => ("second", "seconds"),
        "min" => ("minute", "minutes"),
        "h" => ("hour", "hours"),
        "d" => ("day", "days"),
        "wk" => ("week", "weeks"),
        "mo" => ("month", "months"),
        "a" => ("year", "years"),
        _ => ("", ""),
    };
    if plural {
        many
    } else {
        one
    }
}

/// The common abbreviations of `Timing.code` (GTSAbbreviation).
fn timing_code(code: &str) -> Option<&'static str> {
    Some(match code {
        "QD" => "1×/day",
        "BID" => "2×/day",
        "TID" => "3×/day",
        "QID" => "4×/day",
        "AM" => "in the morning",
        "PM" => "in the evening",
        "QOD" => "every other day",
        "Q4H" => "every 4 hours",
        "Q6H" => "every 6 hours",
        "Q8H" => "every 8 hours",
        "Q12H" => "every 12 hours",
        "WK" => "1×/week",
        "MO" => "1×/month",
        _ => return None,
    })
}

/// `Timing.repeat.when` codes in words.
fn when_word(code: &str) -> Option<&'static str> {
    Some(match code {
        "MORN" | "MORN.early" | "MORN.late" => "in the morning",
        "NOON" => "at noon",
        "AFT" | "AFT.early" | "AFT.late" => "in the afternoon",
        "EVE" | "EVE.early" | "EVE.late" => "in the evening",
        "NIGHT" => "at night",
        "HS" => "at bedtime",
        "WAKE" => "on waking",
        "C" => "with meals",
        "CM" => "with breakfast",
        "CD" => "with lunch",
        "CV" => "with dinner",
        "AC" => "before meals",
        "ACM" => "before breakfast",
        "ACD" => "before lunch",
        "ACV" => "before dinner",
        "PC" => "after meals",
        "PCM" => "after breakfast",
        "PCD" => "after lunch",
        "PCV" => "after dinner",
        _ => return None,
    })
}

/// How often: "3×/day", "every 8 hours", "2–3×/day".
fn frequency(repeat: &Value) -> Option<String> {
    let unit = str_at(repeat, "periodUnit")?;
    let period = num_at(repeat, "period").unwrap_or(1.0);
    let freq = num_at(repeat, "frequency").unwrap_or(1.0);
    let freq_max = num_at(repeat, "frequencyMax");
    let count = match freq_max {
        Some(m) if m > freq => format!("{}–{}", number(freq), number(m)),
        _ => number(freq),
    };
    if period == 1.0 {
        let u = unit_word(unit, false);
        if u.is_empty() {
            return None;
        }
        Some(format!("{count}×/{u}"))
    } else if freq == 1.0 && freq_max.is_none() {
        let u = unit_word(unit, true);
        (!u.is_empty()).then(|| format!("every {} {u}", number(period)))
    } else {
        let u = unit_word(unit, true);
        (!u.is_empty()).then(|| format!("{count}× every {} {u}", number(period)))
    }
}

/// A Timing: its code, or its repeat rule (frequency, when, days, bounds, count).
pub fn timing(v: &Value) -> Option<String> {
    let code = v.get("code").and_then(|c| {
        concept_code(c)
            .and_then(timing_code)
            .map(str::to_owned)
            .or_else(|| concept(c))
    });
    let repeat = v.get("repeat");
    let rule = repeat.map(|r| {
        let when = join(
            items(r, "when")
                .into_iter()
                .filter_map(|w| w.as_str())
                .map(|w| when_word(w).map(str::to_owned)),
            ", ",
        );
        let days = join(
            items(r, "dayOfWeek")
                .into_iter()
                .map(|d| d.as_str().map(str::to_owned)),
            ", ",
        )
        .map(|d| format!("on {d}"));
        let times = join(
            items(r, "timeOfDay")
                .into_iter()
                .map(|t| t.as_str().map(|t| t.get(..5).unwrap_or(t).to_owned())),
            ", ",
        )
        .map(|t| format!("at {t}"));
        let bounds = r
            .get("boundsDuration")
            .and_then(|d| {
                let n = num_at(d, "value")?;
                let unit = str_at(d, "code")
                    .or_else(|| str_at(d, "unit"))
                    .map(|u| {
                        let w = unit_word(u, n != 1.0);
                        if w.is_empty() {
                            u.to_owned()
                        } else {
                            w.to_owned()
                        }
                    })
                    .unwrap_or_default();
                Some(format!("for {} {unit}", number(n)).trim_end().to_owned())
            })
            .or_else(|| {
                r.get("boundsRange")
                    .and_then(range)
                    .map(|r| format!("for {r}"))
            })
            .or_else(|| {
                r.get("boundsPeriod")
                    .and_then(super::types::period)
                    .map(|p| p.to_owned())
            });
        let count = num_at(r, "count").map(|c| {
            if c == 1.0 {
                "once".to_owned()
            } else {
                format!("{} times", number(c))
            }
        });
        join([frequency(r), when, days, times, count, bounds], ", ")
    });
    match (code, rule.flatten()) {
        (Some(c), Some(r)) if r.contains(&c) => Some(r),
        (Some(c), Some(r)) => Some(format!("{c}, {r}")),
        (c, r) => c.or(r).or_else(|| {
            items(v, "event")
                .first()
                .and_then(|e| e.as_str())
                .map(super::text::date)
        }),
    }
}

/// The route in plain words where the SNOMED code is a common one.
fn route(v: &Value) -> Option<String> {
    let words = match concept_code(v) {
        Some("26643006") => Some("by mouth"),
        Some("78421000") => Some("into a muscle"),
        Some("47625008") => Some("into a vein"),
        Some("34206005") => Some("under the skin"),
        Some("6064005") => Some("on the skin"),
        Some("447694001") | Some("18679011000001101") => Some("inhaled"),
        Some("37161004") => Some("rectally"),
        Some("46713006") => Some("in the nose"),
        Some("54485002") => Some("in the eye"),
        _ => None,
    };
    words.map(str::to_owned).or_else(|| concept(v))
}

/// The dose of a Dosage: its first dose quantity or range.
pub fn dose(v: &Value) -> Option<String> {
    let dr = first(v, "doseAndRate")?;
    dr.get("doseQuantity")
        .and_then(quantity)
        .or_else(|| dr.get("doseRange").and_then(range))
        .or_else(|| dr.get("rateQuantity").and_then(quantity))
        .or_else(|| dr.get("rateRatio").and_then(ratio))
        .or_else(|| dr.get("rateRange").and_then(range))
}

/// A Dosage in one line: dose, timing, route, as needed; its `text` when it has
/// no structured parts.
pub fn dosage(v: &Value) -> Option<String> {
    // DSTU2 kept the dose on the Dosage itself.
    let dose = dose(v).or_else(|| v.get("doseQuantity").and_then(quantity));
    let as_needed = match v.get("asNeededBoolean") {
        Some(Value::Bool(true)) => Some("as needed".to_owned()),
        _ => v
            .get("asNeededCodeableConcept")
            .and_then(concept)
            .map(|c| format!("as needed for {}", c.to_lowercase())),
    };
    let structured = join(
        [
            dose,
            v.get("timing").and_then(timing),
            v.get("route").and_then(route),
            as_needed,
            v.get("site").and_then(concept).map(|s| format!("at {s}")),
        ],
        ", ",
    );
    structured.or_else(|| str_at(v, "text").map(str::to_owned))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn timings_read_as_frequencies() {
        let t = |v: Value| timing(&v).unwrap();
        assert_eq!(
            t(json!({"repeat": {"frequency": 3, "period": 1, "periodUnit": "d"}})),
            "3×/day"
        );
        assert_eq!(
            t(json!({"repeat": {"frequency": 1, "period": 8, "periodUnit": "h"}})),
            "every 8 hours"
        );
        assert_eq!(
            t(
                json!({"repeat": {"frequency": 2, "frequencyMax": 3, "period": 1, "periodUnit": "d", "when": ["HS"]}})
            ),
            "2–3×/day, at bedtime"
        );
        assert_eq!(
            t(
                json!({"repeat": {"frequency": 1, "period": 1, "periodUnit": "d", "boundsDuration": {"value": 10, "code": "d"}}})
            ),
            "1×/day, for 10 days"
        );
        assert_eq!(t(json!({"code": {"coding": [{"code": "BID"}]}})), "2×/day");
        assert_eq!(t(json!({"code": {"text": "twice daily"}})), "twice daily");
        assert_eq!(
            t(json!({"event": ["2020-01-01T09:00:00Z"]})),
            "2020-01-01 09:00"
        );
        assert_eq!(timing(&json!({})), None);
    }

    #[test]
    fn dosages_read_like_a_label() {
        let d = json!({
            "timing": {"repeat": {"frequency": 3, "period": 1, "periodUnit": "d"}},
            "route": {"coding": [{"system": "http://snomed.info/sct", "code": "26643006", "display": "Oral route"}]},
            "doseAndRate": [{"doseQuantity": {"value": 500, "unit": "mg"}}]
        });
        assert_eq!(dosage(&d).unwrap(), "500 mg, 3×/day, by mouth");
        let d = json!({"asNeededCodeableConcept": {"text": "Pain"}, "doseAndRate": [{"doseRange": {"low": {"value": 1}, "high": {"value": 2, "unit": "tablet"}}}]});
        assert_eq!(dosage(&d).unwrap(), "1–2 tablet, as needed for pain");
        assert_eq!(
            dosage(&json!({"text": "Take as directed"})).unwrap(),
            "Take as directed"
        );
        assert_eq!(
            dosage(&json!({"asNeededBoolean": true})).unwrap(),
            "as needed"
        );
        assert_eq!(dosage(&json!({})), None);
    }
}
