//! Writing an export back: current resources with their own source, origin and
//! fetch time (merged by the same identity rules as any import), then their
//! earlier versions and the originals of converted resources, each batch one
//! transaction. Restoring the same export twice changes nothing the second time.

use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::vault::{upsert_rows, BatchMeta, BatchOutcome, ResourceRow, Vault};

/// A current resource as it was stored, with where it came from.
#[derive(Debug, Clone)]
pub struct RestoreResource {
    pub source: String,
    pub origin: String,
    pub fetched_at: String,
    pub row: ResourceRow,
}

/// An earlier version, for the resource `(source, resource_type, resource_id)`.
#[derive(Debug, Clone)]
pub struct RestoreVersion {
    pub source: String,
    pub resource_type: String,
    pub resource_id: String,
    pub origin: String,
    pub version_id: Option<String>,
    pub last_updated: Option<String>,
    pub fhir_version: String,
    pub sha256: [u8; 32],
    pub raw_len: usize,
    pub raw_zstd: Vec<u8>,
    pub fetched_at: String,
    pub superseded_at: String,
}

/// The original of a converted resource.
#[derive(Debug, Clone)]
pub struct RestoreOriginal {
    pub source: String,
    pub resource_type: String,
    pub resource_id: String,
    pub fhir_version: String,
    pub sha256: [u8; 32],
    pub raw_len: usize,
    pub raw_zstd: Vec<u8>,
    pub notes: String,
}

impl Vault {
    /// Upserts current resources in one transaction; consecutive rows sharing
    /// their source, origin and fetch time go through one upsert call.
    pub fn restore_resources(&mut self, items: &[RestoreResource]) -> Result<BatchOutcome> {
        let tx = self.conn().transaction()?;
        let mut outcome = BatchOutcome::default();
        let mut start = 0;
        while start < items.len() {
            let first = &items[start];
            let same = items[start..]
                .iter()
                .take_while(|i| {
                    i.source == first.source
                        && i.origin == first.origin
                        && i.fetched_at == first.fetched_at
                })
                .count();
            let rows: Vec<ResourceRow> = items[start..start + same]
                .iter()
                .map(|i| i.row.clone())
                .collect();
            let meta = BatchMeta {
                source: &first.source,
                origin: &first.origin,
                fetched_at: &first.fetched_at,
            };
            outcome += upsert_rows(&tx, &meta, &rows)?.0;
            start += same;
        }
        tx.commit()?;
        Ok(outcome)
    }

    /// Adds earlier versions in one transaction; one already kept (same bytes,
    /// same time it was superseded) or whose resource is absent is skipped.
    /// Returns how many were added.
    pub fn restore_versions(&mut self, items: &[RestoreVersion]) -> Result<u64> {
        let tx = self.conn().transaction()?;
        let mut added = 0;
        {
            let mut owner = tx.prepare_cached(
                "SELECT pk FROM resources WHERE source = ?1 AND resource_type = ?2 AND resource_id = ?3",
            )?;
            let mut exists = tx.prepare_cached(
                "SELECT 1 FROM resource_versions WHERE resource_pk = ?1 AND sha256 = ?2 AND superseded_at = ?3",
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO resource_versions (resource_pk, origin, version_id, last_updated, fhir_version,
                   sha256, raw_len, raw_zstd, fetched_at, superseded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for v in items {
                let pk: Option<i64> = owner
                    .query_row(params![v.source, v.resource_type, v.resource_id], |r| {
                        r.get(0)
                    })
                    .optional()?;
                let Some(pk) = pk else { continue };
                let known = exists
                    .query_row(params![pk, &v.sha256[..], v.superseded_at], |_| Ok(()))
                    .optional()?
                    .is_some();
                if known {
                    continue;
                }
                insert.execute(params![
                    pk,
                    v.origin,
                    v.version_id,
                    v.last_updated,
                    v.fhir_version,
                    &v.sha256[..],
                    v.raw_len as i64,
                    v.raw_zstd,
                    v.fetched_at,
                    v.superseded_at
                ])?;
                added += 1;
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// Puts back originals of converted resources (one transaction); returns how
    /// many were written. A resource that is absent is skipped.
    pub fn restore_originals(&mut self, items: &[RestoreOriginal]) -> Result<u64> {
        let tx = self.conn().transaction()?;
        let mut written = 0;
        {
            let mut put = tx.prepare_cached(
                "INSERT OR REPLACE INTO resource_originals (resource_pk, fhir_version, sha256, raw_len, raw_zstd, notes)
                 SELECT pk, ?4, ?5, ?6, ?7, ?8 FROM resources
                 WHERE source = ?1 AND resource_type = ?2 AND resource_id = ?3",
            )?;
            for o in items {
                written += put.execute(params![
                    o.source,
                    o.resource_type,
                    o.resource_id,
                    o.fhir_version,
                    &o.sha256[..],
                    o.raw_len as i64,
                    o.raw_zstd,
                    o.notes
                ])? as u64;
            }
        }
        tx.commit()?;
        Ok(written)
    }
}
