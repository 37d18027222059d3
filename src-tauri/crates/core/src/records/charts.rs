//! Trend charts: the measured codes of lab and vital-sign results, and one
//! code's values over time with their reference ranges, all in one unit — the
//! unit of the most values among those of the same quantity (kg and lb, cm and
//! in, °C and °F, g/dL and g/L convert; mmol/L and mg/dL never do).

use ownchart_fhir::display::units;
use ownchart_vault::{SeriesRow, ValuePoint, Vault};

use super::types::{ChartPoint, ChartSeries, Flag, SeriesSummary};
use crate::Result;

/// The unit a series is shown in: the largest group of values whose units
/// convert into each other wins; within it, the most used unit.
fn series_unit(units_used: &[(Option<String>, u64)]) -> Option<String> {
    let mut best: Option<(&Option<String>, u64)> = None;
    for (u, _) in units_used {
        let family: u64 = units_used
            .iter()
            .filter(|(o, _)| match (u, o) {
                (Some(a), Some(b)) => units::same_quantity(a, b),
                (None, None) => true,
                _ => false,
            })
            .map(|(_, n)| n)
            .sum();
        let own = units_used
            .iter()
            .find(|(x, _)| x == u)
            .map_or(0, |(_, n)| *n);
        let better = match best {
            None => true,
            Some((b, bfamily)) => {
                let bown = units_used
                    .iter()
                    .find(|(x, _)| x == b)
                    .map_or(0, |(_, n)| *n);
                family > bfamily || (family == bfamily && own > bown)
            }
        };
        if better {
            best = Some((u, family));
        }
    }
    best.and_then(|(u, _)| u.clone())
}

fn in_unit(v: f64, from: Option<&str>, to: Option<&str>) -> Option<f64> {
    match (from, to) {
        (Some(f), Some(t)) => units::convert(v, f, t).map(round),
        (None, None) => Some(v),
        _ => None,
    }
}

/// Conversions give long fractions; four decimals are more than any measurement has.
fn round(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

fn summary(s: &SeriesRow) -> SeriesSummary {
    let unit = series_unit(&s.units);
    let latest = &s.latest;
    SeriesSummary {
        code: s.code.clone(),
        label: latest.label.clone(),
        category: s.category.clone(),
        latest_value: in_unit(latest.value, latest.unit.as_deref(), unit.as_deref()),
        unit: unit.as_deref().map(units::readable),
        count: s.count,
        latest_date: latest.date.clone(),
        latest_flag: latest.flag.as_deref().and_then(Flag::from_key),
    }
}

/// Every chartable series (labs first, then vital signs; by name).
pub fn series(vault: &Vault, category: Option<&str>) -> Result<Vec<SeriesSummary>> {
    let mut out: Vec<SeriesSummary> = vault.value_series(category)?.iter().map(summary).collect();
    out.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then_with(|| a.label.to_lowercase().cmp(&b.label.to_lowercase()))
    });
    Ok(out)
}

pub fn chart(vault: &Vault, code: &str) -> Result<ChartSeries> {
    let points: Vec<ValuePoint> = vault
        .value_points(code)?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let mut used: Vec<(Option<String>, u64)> = Vec::new();
    for p in &points {
        match used.iter_mut().find(|(u, _)| *u == p.unit) {
            Some((_, n)) => *n += 1,
            None => used.push((p.unit.clone(), 1)),
        }
    }
    let unit = series_unit(&used);
    let label = points
        .last()
        .map(|p| p.label.clone())
        .unwrap_or_else(|| code.to_owned());
    let mut skipped = 0;
    let mut out = Vec::with_capacity(points.len());
    for p in points {
        let from = p.unit.as_deref();
        let (Some(date), Some(value)) = (p.date.clone(), in_unit(p.value, from, unit.as_deref()))
        else {
            skipped += 1;
            continue;
        };
        out.push(ChartPoint {
            key: p.pk.to_string(),
            date,
            value,
            low: p.low.and_then(|l| in_unit(l, from, unit.as_deref())),
            high: p.high.and_then(|h| in_unit(h, from, unit.as_deref())),
            flag: p.flag.as_deref().and_then(Flag::from_key),
        });
    }
    Ok(ChartSeries {
        code: code.to_owned(),
        label,
        unit: unit.as_deref().map(units::readable),
        points: out,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(x: &str, n: u64) -> (Option<String>, u64) {
        (Some(x.to_owned()), n)
    }

    #[test]
    fn the_biggest_family_of_units_wins_then_its_most_used_unit() {
        assert_eq!(
            series_unit(&[u("kg", 3), u("[lb_av]", 5), u("g/dL", 6)]).as_deref(),
            Some("[lb_av]")
        );
        assert_eq!(
            series_unit(&[u("mmol/L", 4), u("mg/dL", 3)]).as_deref(),
            Some("mmol/L")
        );
        assert_eq!(series_unit(&[(None, 2), u("%", 1)]), None);
        assert_eq!(series_unit(&[]), None);
        assert_eq!(in_unit(1.0, Some("[lb_av]"), Some("kg")), Some(0.4536));
        assert_eq!(in_unit(1.0, Some("mmol/L"), Some("mg/dL")), None);
        assert_eq!(in_unit(1.0, None, Some("kg")), None);
    }
}
