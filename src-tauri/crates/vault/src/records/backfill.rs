//! Building the derived data of rows stored before it existed (a vault created
//! before migration 0004): the core reads each body and computes its
//! [`RecordIndex`]; rows are done in batches, one transaction each, so an
//! interrupted backfill resumes where it stopped.

use rusqlite::{params, OptionalExtension};

use super::{put_index, RecordIndex, BACKFILL_KEY};
use crate::codec::JsonCodec;
use crate::error::Result;
use crate::vault::Vault;

impl Vault {
    /// Whether rows without summaries are waiting for [`Vault::records_backfill`].
    pub fn records_backfill_pending(&self) -> Result<bool> {
        Ok(self
            .conn_ref()
            .query_row(
                "SELECT 1 FROM settings WHERE key = ?1",
                params![BACKFILL_KEY],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Computes and stores the derived data of every row that has none;
    /// `derive(category, raw_json)` gives it. Returns how many rows were done.
    pub fn records_backfill(
        &mut self,
        batch: usize,
        derive: &mut dyn FnMut(&str, &[u8]) -> RecordIndex,
    ) -> Result<u64> {
        let mut codec = JsonCodec::new()?;
        let mut after = 0i64;
        let mut done = 0u64;
        loop {
            let rows = {
                let mut stmt = self.conn_ref().prepare_cached(
                    "SELECT r.pk, r.source, r.category, r.clinical_date, r.raw_len, b.raw_zstd
                     FROM resources r JOIN resource_bodies b ON b.resource_pk = r.pk
                     WHERE r.pk > ?1 AND r.summary IS NULL ORDER BY r.pk LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![after, batch.max(1) as i64], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, Vec<u8>>(5)?,
                    ))
                })?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            let Some(last) = rows.last() else {
                break;
            };
            after = last.0;
            let tx = self.conn().transaction()?;
            for (pk, source, category, date, raw_len, packed) in &rows {
                let raw = codec.decode(packed, (*raw_len).max(0) as usize)?;
                let index = derive(category, &raw);
                tx.prepare_cached(
                    "UPDATE resources SET summary = ?2, flag = ?3, status = ?4 WHERE pk = ?1",
                )?
                .execute(params![pk, index.summary, index.flag, index.status])?;
                put_index(&tx, *pk, source, category, date.as_deref(), &index)?;
            }
            tx.commit()?;
            done += rows.len() as u64;
        }
        self.conn_ref()
            .execute("DELETE FROM settings WHERE key = ?1", params![BACKFILL_KEY])?;
        Ok(done)
    }

    /// Puts the vault back in the state a vault from before migration 0004 is
    /// in after migrating (no summaries, search words or chart values, the
    /// backfill due), so tests can check the backfill through the public API.
    #[doc(hidden)]
    pub fn records_forget_index_for_tests(&mut self) -> Result<()> {
        self.conn_ref().execute_batch(
            "UPDATE resources SET summary = NULL, flag = NULL, status = NULL;
             DELETE FROM records_fts;
             DELETE FROM record_values;
             INSERT OR REPLACE INTO settings (key, value) VALUES ('records_backfill', 'pending');",
        )?;
        Ok(())
    }
}
