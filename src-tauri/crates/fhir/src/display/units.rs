//! Units for the trend charts: which units measure the same quantity and how to
//! convert between them (UCUM codes and the spellings servers put in `unit`).
//! Only conversions that are exact definitions are made: body weight (kg, g,
//! lb, oz), length (m, cm, mm, in, ft), temperature (°C, °F, K) and mass
//! concentration (g/L, g/dL, mg/dL, mg/L). Molar units (mmol/L) are never turned
//! into mass units — that needs the molar mass of the analyte — so glucose in
//! mmol/L and in mg/dL stay two different quantities.

/// What a unit measures; units of the same dimension convert into each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Mass,
    Length,
    Temperature,
    MassConcentration,
}

/// A known unit: `value_in_base = value * factor + offset`.
#[derive(Debug, Clone, Copy)]
struct Known {
    code: &'static str,
    display: &'static str,
    dimension: Dimension,
    factor: f64,
    offset: f64,
}

const fn k(code: &'static str, display: &'static str, dimension: Dimension, factor: f64) -> Known {
    Known {
        code,
        display,
        dimension,
        factor,
        offset: 0.0,
    }
}

const KNOWN: &[Known] = &[
    k("kg", "kg", Dimension::Mass, 1.0),
    k("g", "g", Dimension::Mass, 0.001),
    k("[lb_av]", "lb", Dimension::Mass, 0.453_592_37),
    k("[oz_av]", "oz", Dimension::Mass, 0.028_349_523_125),
    k("m", "m", Dimension::Length, 1.0),
    k("cm", "cm", Dimension::Length, 0.01),
    k("mm", "mm", Dimension::Length, 0.001),
    k("[in_i]", "in", Dimension::Length, 0.0254),
    k("[ft_i]", "ft", Dimension::Length, 0.3048),
    k("Cel", "°C", Dimension::Temperature, 1.0),
    Known {
        code: "[degF]",
        display: "°F",
        dimension: Dimension::Temperature,
        factor: 5.0 / 9.0,
        offset: -32.0 * 5.0 / 9.0,
    },
    Known {
        code: "K",
        display: "K",
        dimension: Dimension::Temperature,
        factor: 1.0,
        offset: -273.15,
    },
    k("g/L", "g/L", Dimension::MassConcentration, 1.0),
    k("g/dL", "g/dL", Dimension::MassConcentration, 10.0),
    k("mg/dL", "mg/dL", Dimension::MassConcentration, 0.01),
    k("mg/L", "mg/L", Dimension::MassConcentration, 0.001),
];

/// Other spellings of the known units, as servers write them in `unit`.
const ALIASES: &[(&str, &str)] = &[
    ("kilogram", "kg"),
    ("kilograms", "kg"),
    ("kgs", "kg"),
    ("gram", "g"),
    ("grams", "g"),
    ("lb", "[lb_av]"),
    ("lbs", "[lb_av]"),
    ("pound", "[lb_av]"),
    ("pounds", "[lb_av]"),
    ("oz", "[oz_av]"),
    ("in", "[in_i]"),
    ("inch", "[in_i]"),
    ("inches", "[in_i]"),
    ("[in_us]", "[in_i]"),
    ("ft", "[ft_i]"),
    ("°c", "Cel"),
    ("degc", "Cel"),
    ("cel", "Cel"),
    ("celsius", "Cel"),
    ("°f", "[degF]"),
    ("degf", "[degF]"),
    ("[degf]", "[degF]"),
    ("fahrenheit", "[degF]"),
    ("g/dl", "g/dL"),
    ("g/l", "g/L"),
    ("mg/dl", "mg/dL"),
    ("mg/l", "mg/L"),
];

fn known(unit: &str) -> Option<&'static Known> {
    let unit = unit.trim();
    if let Some(k) = KNOWN.iter().find(|k| k.code == unit) {
        return Some(k);
    }
    let lower = unit.to_lowercase();
    let code = ALIASES.iter().find(|(a, _)| *a == lower).map(|(_, c)| *c)?;
    KNOWN.iter().find(|k| k.code == code)
}

/// The key a unit is compared by: the UCUM code of a known unit, else the
/// unit as written (so "mmol/L" only ever matches "mmol/L").
pub fn key(unit: &str) -> String {
    match known(unit) {
        Some(k) => k.code.to_owned(),
        None => unit.trim().to_owned(),
    }
}

/// How a unit is printed: "°F" for `[degF]`, "lb" for `[lb_av]`; another UCUM
/// code without the braces of its annotations ("{beats}/min" → "beats/min").
pub fn readable(unit: &str) -> String {
    match known(unit) {
        Some(k) => k.display.to_owned(),
        None => match unit.trim() {
            "mm[Hg]" => "mmHg".to_owned(),
            "%" => "%".to_owned(),
            other => other.replace(['{', '}'], ""),
        },
    }
}

/// Whether two units measure the same quantity (so one converts into the other).
pub fn same_quantity(a: &str, b: &str) -> bool {
    match (known(a), known(b)) {
        (Some(x), Some(y)) => x.dimension == y.dimension,
        (None, None) => a.trim() == b.trim(),
        _ => false,
    }
}

/// `value` in unit `from` expressed in unit `to`; None when they are not the
/// same quantity.
pub fn convert(value: f64, from: &str, to: &str) -> Option<f64> {
    match (known(from), known(to)) {
        (Some(f), Some(t)) if f.dimension == t.dimension => {
            if f.code == t.code {
                return Some(value);
            }
            let base = value * f.factor + f.offset;
            Some((base - t.offset) / t.factor)
        }
        (None, None) if from.trim() == to.trim() => Some(value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn same_quantities_convert_exactly() {
        assert!(close(convert(1.0, "[lb_av]", "kg").unwrap(), 0.45359237));
        assert!(close(convert(70.0, "kg", "lbs").unwrap(), 154.323_583_5));
        assert!(close(convert(1500.0, "g", "kg").unwrap(), 1.5));
        assert!(close(convert(10.0, "[in_i]", "cm").unwrap(), 25.4));
        assert!(close(convert(1.8, "m", "cm").unwrap(), 180.0));
        assert!(close(convert(98.6, "[degF]", "Cel").unwrap(), 37.0));
        assert!(close(convert(37.0, "°C", "°F").unwrap(), 98.6));
        assert!(close(convert(310.15, "K", "Cel").unwrap(), 37.0));
        assert!(close(convert(13.5, "g/dL", "g/L").unwrap(), 135.0));
        assert!(close(convert(135.0, "g/L", "g/dl").unwrap(), 13.5));
        assert!(close(convert(100.0, "mg/dL", "g/L").unwrap(), 1.0));
    }

    #[test]
    fn other_quantities_never_convert() {
        assert_eq!(convert(5.5, "mmol/L", "mg/dL"), None);
        assert_eq!(convert(5.5, "mg/dL", "mmol/L"), None);
        assert_eq!(convert(5.5, "kg", "cm"), None);
        assert!(close(convert(5.5, "mmol/L", "mmol/L").unwrap(), 5.5));
        assert!(same_quantity("kg", "[lb_av]"));
        assert!(!same_quantity("mmol/L", "mg/dL"));
        assert!(same_quantity("/min", "/min"));
    }

    #[test]
    fn units_print_readably() {
        assert_eq!(readable("[degF]"), "°F");
        assert_eq!(readable("[lb_av]"), "lb");
        assert_eq!(readable("mm[Hg]"), "mmHg");
        assert_eq!(readable("{beats}/min"), "beats/min");
        assert_eq!(key("lbs"), "[lb_av]");
        assert_eq!(key("mmol/L"), "mmol/L");
    }
}
