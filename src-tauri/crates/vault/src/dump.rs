//! Reading the whole vault back out, for an export: every stored row with all
//! of its columns, in primary-key order and in bounded batches (the caller asks
//! for the rows after the last key it saw), so an export never holds the record
//! in memory. Bodies stay compressed here; the caller decompresses them on its
//! own thread.

use rusqlite::params;

use crate::error::Result;
use crate::vault::Vault;

/// A current resource with every stored column.
#[derive(Debug, Clone)]
pub struct DumpResource {
    pub pk: i64,
    pub source: String,
    pub origin: String,
    pub resource_type: String,
    pub resource_id: String,
    pub version_id: Option<String>,
    pub last_updated: Option<String>,
    pub category: String,
    pub clinical_date: Option<String>,
    pub code: Option<String>,
    pub display: Option<String>,
    pub fhir_version: String,
    pub sha256: Vec<u8>,
    pub raw_len: usize,
    pub fetched_at: String,
    pub raw_zstd: Vec<u8>,
}

/// An earlier form of a resource, named by its resource's identity.
#[derive(Debug, Clone)]
pub struct DumpVersion {
    pub pk: i64,
    pub source: String,
    pub resource_type: String,
    pub resource_id: String,
    pub origin: String,
    pub version_id: Option<String>,
    pub last_updated: Option<String>,
    pub fhir_version: String,
    pub sha256: Vec<u8>,
    pub raw_len: usize,
    pub fetched_at: String,
    pub superseded_at: String,
    pub raw_zstd: Vec<u8>,
}

/// The original of a converted resource, named by its resource's identity.
#[derive(Debug, Clone)]
pub struct DumpOriginal {
    pub pk: i64,
    pub source: String,
    pub resource_type: String,
    pub resource_id: String,
    pub fhir_version: String,
    pub sha256: Vec<u8>,
    pub raw_len: usize,
    pub notes: String,
    pub raw_zstd: Vec<u8>,
}

fn len(v: i64) -> usize {
    usize::try_from(v).unwrap_or(0)
}

impl Vault {
    /// Up to `limit` current resources whose key is greater than `after`.
    pub fn dump_resources(&self, after: i64, limit: usize) -> Result<Vec<DumpResource>> {
        let mut stmt = self.conn_ref().prepare_cached(
            "SELECT r.pk, r.source, r.origin, r.resource_type, r.resource_id, r.version_id,
               r.last_updated, r.category, r.clinical_date, r.code, r.display, r.fhir_version,
               r.sha256, r.raw_len, r.fetched_at, b.raw_zstd
             FROM resources r JOIN resource_bodies b ON b.resource_pk = r.pk
             WHERE r.pk > ?1 ORDER BY r.pk LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after, limit as i64], |r| {
            Ok(DumpResource {
                pk: r.get(0)?,
                source: r.get(1)?,
                origin: r.get(2)?,
                resource_type: r.get(3)?,
                resource_id: r.get(4)?,
                version_id: r.get(5)?,
                last_updated: r.get(6)?,
                category: r.get(7)?,
                clinical_date: r.get(8)?,
                code: r.get(9)?,
                display: r.get(10)?,
                fhir_version: r.get(11)?,
                sha256: r.get(12)?,
                raw_len: len(r.get(13)?),
                fetched_at: r.get(14)?,
                raw_zstd: r.get(15)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Up to `limit` earlier versions whose key is greater than `after`, oldest
    /// first (so each resource's versions keep their order).
    pub fn dump_versions(&self, after: i64, limit: usize) -> Result<Vec<DumpVersion>> {
        let mut stmt = self.conn_ref().prepare_cached(
            "SELECT v.pk, r.source, r.resource_type, r.resource_id, v.origin, v.version_id,
               v.last_updated, v.fhir_version, v.sha256, v.raw_len, v.fetched_at, v.superseded_at,
               v.raw_zstd
             FROM resource_versions v JOIN resources r ON r.pk = v.resource_pk
             WHERE v.pk > ?1 ORDER BY v.pk LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after, limit as i64], |r| {
            Ok(DumpVersion {
                pk: r.get(0)?,
                source: r.get(1)?,
                resource_type: r.get(2)?,
                resource_id: r.get(3)?,
                origin: r.get(4)?,
                version_id: r.get(5)?,
                last_updated: r.get(6)?,
                fhir_version: r.get(7)?,
                sha256: r.get(8)?,
                raw_len: len(r.get(9)?),
                fetched_at: r.get(10)?,
                superseded_at: r.get(11)?,
                raw_zstd: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Up to `limit` originals of converted resources, by resource key.
    pub fn dump_originals(&self, after: i64, limit: usize) -> Result<Vec<DumpOriginal>> {
        let mut stmt = self.conn_ref().prepare_cached(
            "SELECT o.resource_pk, r.source, r.resource_type, r.resource_id, o.fhir_version,
               o.sha256, o.raw_len, o.notes, o.raw_zstd
             FROM resource_originals o JOIN resources r ON r.pk = o.resource_pk
             WHERE o.resource_pk > ?1 ORDER BY o.resource_pk LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after, limit as i64], |r| {
            Ok(DumpOriginal {
                pk: r.get(0)?,
                source: r.get(1)?,
                resource_type: r.get(2)?,
                resource_id: r.get(3)?,
                fhir_version: r.get(4)?,
                sha256: r.get(5)?,
                raw_len: len(r.get(6)?),
                notes: r.get(7)?,
                raw_zstd: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many rows each dump will give: (resources, versions, originals).
    pub fn dump_counts(&self) -> Result<(u64, u64, u64)> {
        let count = |sql: &str| -> Result<u64> {
            let n: i64 = self.conn_ref().query_row(sql, [], |r| r.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        };
        Ok((
            count("SELECT count(*) FROM resources")?,
            count("SELECT count(*) FROM resource_versions")?,
            count("SELECT count(*) FROM resource_originals")?,
        ))
    }
}
