//! A resource's derived data for the vault (summary, flag, status, search words,
//! chart values), computed where every row is built (`store::row`) and, for
//! rows stored before it existed, by a backfill on first use.

use ownchart_fhir::display::{summarize_raw, Flag};
use ownchart_fhir::Category;
use ownchart_vault::{RecordIndex, ValueRow, Vault};

use crate::Result;

/// Rows per transaction of the backfill.
const BACKFILL_BATCH: usize = 5_000;

fn flag_key(f: Option<Flag>) -> Option<&'static str> {
    f.map(Flag::key)
}

/// The derived data of one resource from its raw JSON.
pub fn index_of(category: Category, raw: &[u8]) -> RecordIndex {
    let text = String::from_utf8_lossy(raw);
    let s = summarize_raw(&text, category);
    RecordIndex {
        summary: s.summary,
        flag: flag_key(s.flag),
        status: s.status,
        names: s.search_text,
        codes: s.codes,
        values: s
            .values
            .into_iter()
            .map(|v| ValueRow {
                code: v.code,
                label: v.label,
                value: v.value,
                unit: v.unit,
                low: v.low,
                high: v.high,
                flag: flag_key(v.flag),
            })
            .collect(),
    }
}

/// Builds what rows from before the records index lack; a no-op once done.
pub fn ensure_index(vault: &mut Vault) -> Result<()> {
    if vault.records_backfill_pending()? {
        vault.records_backfill(BACKFILL_BATCH, &mut |category, raw| {
            index_of(Category::from_key(category).unwrap_or(Category::Other), raw)
        })?;
    }
    Ok(())
}
