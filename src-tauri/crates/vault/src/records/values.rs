//! The chart numbers of lab and vital-sign results (`record_values`), read by
//! code through the index (category, code, date).

use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::vault::Vault;

/// One measured code: how many values it has in each unit, and its newest one.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesRow {
    pub category: String,
    pub code: String,
    pub count: u64,
    pub units: Vec<(Option<String>, u64)>,
    pub latest: ValuePoint,
}

/// One value of a series, in the unit it was recorded in.
#[derive(Debug, Clone, PartialEq)]
pub struct ValuePoint {
    pub pk: i64,
    pub label: String,
    pub date: Option<String>,
    pub value: f64,
    pub unit: Option<String>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub flag: Option<String>,
}

/// How many values a series has in each unit.
type UnitCounts = Vec<(Option<String>, u64)>;

const POINT: &str = "resource_pk, label, date, value, unit, low, high, flag";

fn point(r: &rusqlite::Row<'_>) -> rusqlite::Result<ValuePoint> {
    Ok(ValuePoint {
        pk: r.get(0)?,
        label: r.get(1)?,
        date: r.get(2)?,
        value: r.get(3)?,
        unit: r.get(4)?,
        low: r.get(5)?,
        high: r.get(6)?,
        flag: r.get(7)?,
    })
}

impl Vault {
    /// Every series (of `category`, or all), with its count and newest value;
    /// cached until a row changes (the list walks every stored value).
    pub fn value_series(&self, category: Option<&str>) -> Result<Vec<SeriesRow>> {
        let generation = self.conn_ref().total_changes();
        if let Some(rows) = self.cache().series(generation, category) {
            return Ok(rows.as_ref().clone());
        }
        let rows = self.value_series_uncached(category)?;
        self.cache()
            .put_series(generation, category, std::sync::Arc::new(rows.clone()));
        Ok(rows)
    }

    fn value_series_uncached(&self, category: Option<&str>) -> Result<Vec<SeriesRow>> {
        let mut groups: Vec<(String, String, UnitCounts)> = Vec::new();
        {
            // Covered by the (category, code, date, unit) index: no row is read.
            let sql = match category {
                Some(_) => "SELECT category, code, unit, count(*) FROM record_values INDEXED BY record_values_series
                 WHERE category = ?1 GROUP BY category, code, unit ORDER BY category, code",
                None => "SELECT category, code, unit, count(*) FROM record_values INDEXED BY record_values_series
                 WHERE ?1 IS NULL GROUP BY category, code, unit ORDER BY category, code",
            };
            let mut stmt = self.conn_ref().prepare_cached(sql)?;
            let rows = stmt.query_map(params![category], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, i64>(3)?.max(0) as u64,
                ))
            })?;
            for row in rows {
                let (cat, code, unit, n) = row?;
                match groups.last_mut() {
                    Some((c, k, units)) if *c == cat && *k == code => units.push((unit, n)),
                    _ => groups.push((cat, code, vec![(unit, n)])),
                }
            }
        }
        let mut latest = self.conn_ref().prepare_cached(&format!(
            "SELECT {POINT} FROM record_values INDEXED BY record_values_series
             WHERE category = ?1 AND code = ?2 AND date IS NOT NULL
             ORDER BY date DESC, resource_pk DESC LIMIT 1"
        ))?;
        let mut any = self.conn_ref().prepare_cached(&format!(
            "SELECT {POINT} FROM record_values WHERE category = ?1 AND code = ?2 LIMIT 1"
        ))?;
        let mut out = Vec::with_capacity(groups.len());
        for (category, code, units) in groups {
            let count = units.iter().map(|(_, n)| n).sum();
            let p = match latest
                .query_row(params![category, code], point)
                .optional()?
            {
                Some(p) => Some(p),
                None => any.query_row(params![category, code], point).optional()?,
            };
            if let Some(latest) = p {
                out.push(SeriesRow {
                    category,
                    code,
                    count,
                    units,
                    latest,
                });
            }
        }
        Ok(out)
    }

    /// The values of one code (labs and vital signs), oldest first.
    pub fn value_points(&self, code: &str) -> Result<Vec<(String, ValuePoint)>> {
        let mut stmt = self.conn_ref().prepare_cached(&format!(
            "SELECT {POINT}, category FROM record_values INDEXED BY record_values_series
             WHERE category IN ('labs', 'vitals') AND code = ?1 ORDER BY date, resource_pk"
        ))?;
        let rows = stmt.query_map(params![code], |r| Ok((r.get::<_, String>(8)?, point(r)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
