//! Keeping a resource's derived data in step with its row, inside the caller's
//! transaction: the summary columns are part of the row itself; the search
//! index and the chart values are replaced whenever the row's bytes change.

use rusqlite::{params, Transaction};

use super::{category_facet, source_facet, RecordIndex};
use crate::error::Result;

/// Writes the search words and chart values of row `pk` (new or changed).
pub(crate) fn put_index(
    tx: &Transaction<'_>,
    pk: i64,
    source: &str,
    category: &str,
    clinical_date: Option<&str>,
    index: &RecordIndex,
) -> Result<()> {
    let mut fts = tx.prepare_cached(
        "INSERT INTO records_fts (rowid, summary, names, codes, facets) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let facets = format!("{} {}", category_facet(category), source_facet(source));
    fts.execute(params![pk, index.summary, index.names, index.codes, facets])?;
    if index.values.is_empty() {
        return Ok(());
    }
    let mut value = tx.prepare_cached(
        "INSERT INTO record_values (resource_pk, seq, category, code, label, date, value, unit, low, high, flag)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for (seq, v) in index.values.iter().enumerate() {
        value.execute(params![
            pk,
            seq as i64,
            category,
            v.code,
            v.label,
            clinical_date,
            v.value,
            v.unit,
            v.low,
            v.high,
            v.flag
        ])?;
    }
    Ok(())
}

/// Removes the search words and chart values of row `pk` before its new ones.
pub(crate) fn drop_index(tx: &Transaction<'_>, pk: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM records_fts WHERE rowid = ?1")?
        .execute(params![pk])?;
    tx.prepare_cached("DELETE FROM record_values WHERE resource_pk = ?1")?
        .execute(params![pk])?;
    Ok(())
}
