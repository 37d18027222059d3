//! The records store: one SQLCipher connection, its migrations, and the resource
//! tables. Writes come in batches, each one transaction, so a killed process
//! leaves whole batches only.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use rusqlite_migration::{Migrations, M};

use crate::codec::JsonCodec;
use crate::db::{self, Mode};
use crate::error::Result;
use crate::keys::Key;
use crate::records::{drop_index, put_index, RecordIndex};

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../migrations/vault/0001_resources.sql")),
        M::up(include_str!("../migrations/vault/0002_connections.sql")),
        M::up(include_str!("../migrations/vault/0003_sync.sql")),
        M::up(include_str!("../migrations/vault/0004_integrator.sql")),
        M::up(include_str!("../migrations/vault/0005_records.sql")),
    ])
}

/// A 64 MiB page cache: every miss costs a page decrypt and HMAC, and ingest
/// spends 41% less time in SQLCipher with it.
const CACHE_KIB: i64 = 64 * 1024;

pub struct Vault {
    conn: Connection,
    /// Counts of record queries, valid while no row changes (see `records`).
    pub(crate) count_cache: std::sync::Mutex<crate::records::CountCache>,
}

/// The read-side indexes. Random keys make every chunk's commit rewrite most of
/// their pages (each one encrypted and HMACed), so a bulk load drops them and
/// builds them once at the end; opening recreates any a killed load left out.
/// The timeline pages newest first through the date indexes (whole vault, per
/// category, per source), the dashboard finds active records by status, and
/// the charts read `record_values` by code.
const SECONDARY_INDEXES: &str = "
    CREATE INDEX IF NOT EXISTS resources_category_date ON resources (category, clinical_date);
    CREATE INDEX IF NOT EXISTS resources_type_code_date ON resources (resource_type, code, clinical_date);
    CREATE INDEX IF NOT EXISTS resources_date ON resources (clinical_date);
    CREATE INDEX IF NOT EXISTS resources_source_date ON resources (source, clinical_date);
    CREATE INDEX IF NOT EXISTS resources_category_status ON resources (category, status, clinical_date);
    CREATE INDEX IF NOT EXISTS record_values_series ON record_values (category, code, date, unit);";

/// One resource ready to store: indexed fields plus its hashed, compressed JSON.
#[derive(Debug, Clone)]
pub struct ResourceRow {
    pub resource_type: String,
    pub resource_id: String,
    pub version_id: Option<String>,
    pub last_updated: Option<String>,
    pub category: &'static str,
    pub clinical_date: Option<String>,
    pub code: Option<String>,
    pub display: Option<String>,
    pub fhir_version: &'static str,
    pub sha256: [u8; 32],
    pub raw_len: usize,
    pub raw_zstd: Vec<u8>,
    /// Its summary, flag, status, search words and chart values.
    pub index: RecordIndex,
}

/// Where a batch came from, shared by its rows.
#[derive(Debug, Clone, Copy)]
pub struct BatchMeta<'a> {
    /// `import` or `connection:<id>`: resources are unique per source.
    pub source: &'a str,
    pub origin: &'a str,
    pub fetched_at: &'a str,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl std::ops::AddAssign for BatchOutcome {
    fn add_assign(&mut self, o: BatchOutcome) {
        self.added += o.added;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
    }
}

/// A stored resource's current form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResource {
    pub resource_type: String,
    pub resource_id: String,
    pub category: String,
    pub sha256: [u8; 32],
    pub raw: Vec<u8>,
    pub versions: u64,
}

impl Vault {
    pub(crate) fn create(path: &Path, key: &Key) -> Result<Vault> {
        Vault::with_indexes(db::open(path, key, Mode::Create, CACHE_KIB, &migrations())?)
    }

    /// Opens an existing vault with its raw key; a wrong key is `WrongKey` and the
    /// file is left untouched.
    pub fn open(path: &Path, key: &Key) -> Result<Vault> {
        Vault::with_indexes(db::open(path, key, Mode::Open, CACHE_KIB, &migrations())?)
    }

    pub(crate) fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub(crate) fn conn_ref(&self) -> &Connection {
        &self.conn
    }

    fn with_indexes(conn: Connection) -> Result<Vault> {
        conn.execute_batch(SECONDARY_INDEXES)?;
        Ok(Vault {
            conn,
            count_cache: Default::default(),
        })
    }

    /// Recreates any read-side index that is missing.
    pub(crate) fn ensure_read_indexes(&self) -> Result<()> {
        self.conn.execute_batch(SECONDARY_INDEXES)?;
        Ok(())
    }

    /// Drops the read-side indexes before a load that at least doubles the vault.
    pub fn begin_bulk_load(&mut self) -> Result<()> {
        self.conn.execute_batch(
            "DROP INDEX IF EXISTS resources_category_date;
             DROP INDEX IF EXISTS resources_type_code_date;
             DROP INDEX IF EXISTS resources_date;
             DROP INDEX IF EXISTS resources_source_date;
             DROP INDEX IF EXISTS resources_category_status;
             DROP INDEX IF EXISTS record_values_series;",
        )?;
        Ok(())
    }

    /// Rebuilds the read-side indexes (one sort each) after a bulk load.
    pub fn end_bulk_load(&mut self) -> Result<()> {
        self.conn.execute_batch(SECONDARY_INDEXES)?;
        Ok(())
    }

    /// Upserts a batch in one transaction: a new resource is added, one whose
    /// bytes are the same is left alone, and one whose bytes changed replaces the
    /// current row after the old row is kept in `resource_versions`.
    pub fn write_batch(
        &mut self,
        meta: &BatchMeta<'_>,
        rows: &[ResourceRow],
    ) -> Result<BatchOutcome> {
        let tx = self.conn.transaction()?;
        let (outcome, _) = upsert_rows(&tx, meta, rows)?;
        tx.commit()?;
        Ok(outcome)
    }

    /// Resources counted by category key.
    pub fn counts_by_category(&self) -> Result<BTreeMap<String, u64>> {
        let mut stmt = self
            .conn
            .prepare("SELECT category, count(*) FROM resources GROUP BY category")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut counts = BTreeMap::new();
        for row in rows {
            let (k, n) = row?;
            counts.insert(k, n.max(0) as u64);
        }
        Ok(counts)
    }

    pub fn resource_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM resources", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// One resource's current bytes, exactly as received.
    pub fn resource(
        &self,
        source: &str,
        resource_type: &str,
        resource_id: &str,
    ) -> Result<Option<StoredResource>> {
        let row = self
            .conn
            .query_row(
                "SELECT r.category, r.sha256, r.raw_len, b.raw_zstd,
                   (SELECT count(*) FROM resource_versions v WHERE v.resource_pk = r.pk)
                 FROM resources r JOIN resource_bodies b ON b.resource_pk = r.pk
                 WHERE source = ?1 AND resource_type = ?2 AND resource_id = ?3",
                params![source, resource_type, resource_id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, Vec<u8>>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                },
            )
            .optional()?;
        let Some((category, hash, raw_len, packed, versions)) = row else {
            return Ok(None);
        };
        let raw = JsonCodec::new()?.decode(&packed, raw_len.max(0) as usize)?;
        Ok(Some(StoredResource {
            resource_type: resource_type.to_owned(),
            resource_id: resource_id.to_owned(),
            category,
            sha256: hash.try_into().unwrap_or([0; 32]),
            raw,
            versions: versions.max(0) as u64,
        }))
    }

    /// SQLCipher's page-HMAC check and SQLite's integrity check: empty when sound.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        db::integrity_check(&self.conn)
    }
}

/// The upsert of [`Vault::write_batch`] inside a caller's transaction; returns
/// the outcome and each row's primary key, in order.
pub(crate) fn upsert_rows(
    tx: &rusqlite::Transaction<'_>,
    meta: &BatchMeta<'_>,
    rows: &[ResourceRow],
) -> Result<(BatchOutcome, Vec<i64>)> {
    let mut outcome = BatchOutcome::default();
    let mut pks = Vec::with_capacity(rows.len());
    let mut find = tx.prepare_cached(
                "SELECT pk, sha256 FROM resources WHERE source = ?1 AND resource_type = ?2 AND resource_id = ?3",
            )?;
    let mut insert = tx.prepare_cached(
                "INSERT INTO resources (source, origin, resource_type, resource_id, version_id, last_updated,
                   category, clinical_date, code, display, fhir_version, sha256, raw_len, fetched_at,
                   summary, flag, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
                 ON CONFLICT (source, resource_type, resource_id) DO NOTHING",
            )?;
    let mut keep_old = tx.prepare_cached(
                "INSERT INTO resource_versions (resource_pk, origin, version_id, last_updated, fhir_version,
                   sha256, raw_len, raw_zstd, fetched_at, superseded_at)
                 SELECT r.pk, r.origin, r.version_id, r.last_updated, r.fhir_version, r.sha256, r.raw_len,
                   b.raw_zstd, r.fetched_at, ?2
                 FROM resources r JOIN resource_bodies b ON b.resource_pk = r.pk WHERE r.pk = ?1",
            )?;
    let mut update = tx.prepare_cached(
        "UPDATE resources SET origin = ?2, version_id = ?3, last_updated = ?4, category = ?5,
                   clinical_date = ?6, code = ?7, display = ?8, fhir_version = ?9, sha256 = ?10,
                   raw_len = ?11, fetched_at = ?12, summary = ?13, flag = ?14, status = ?15
                 WHERE pk = ?1",
    )?;
    let mut put_body = tx.prepare_cached(
        "INSERT OR REPLACE INTO resource_bodies (resource_pk, raw_zstd) VALUES (?1, ?2)",
    )?;
    for r in rows {
        // Most rows are new: try the insert first and look up only on conflict.
        let inserted = insert.execute(params![
            meta.source,
            meta.origin,
            r.resource_type,
            r.resource_id,
            r.version_id,
            r.last_updated,
            r.category,
            r.clinical_date,
            r.code,
            r.display,
            r.fhir_version,
            &r.sha256[..],
            r.raw_len as i64,
            meta.fetched_at,
            r.index.summary,
            r.index.flag,
            r.index.status,
        ])?;
        if inserted == 1 {
            let pk = tx.last_insert_rowid();
            put_body.execute(params![pk, r.raw_zstd])?;
            put_index(
                tx,
                pk,
                meta.source,
                r.category,
                r.clinical_date.as_deref(),
                &r.index,
            )?;
            pks.push(pk);
            outcome.added += 1;
            continue;
        }
        let (pk, hash): (i64, Vec<u8>) = find.query_row(
            params![meta.source, r.resource_type, r.resource_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        pks.push(pk);
        if hash == r.sha256 {
            outcome.unchanged += 1;
            continue;
        }
        keep_old.execute(params![pk, meta.fetched_at])?;
        update.execute(params![
            pk,
            meta.origin,
            r.version_id,
            r.last_updated,
            r.category,
            r.clinical_date,
            r.code,
            r.display,
            r.fhir_version,
            &r.sha256[..],
            r.raw_len as i64,
            meta.fetched_at,
            r.index.summary,
            r.index.flag,
            r.index.status,
        ])?;
        put_body.execute(params![pk, r.raw_zstd])?;
        drop_index(tx, pk)?;
        put_index(
            tx,
            pk,
            meta.source,
            r.category,
            r.clinical_date.as_deref(),
            &r.index,
        )?;
        outcome.updated += 1;
    }
    Ok((outcome, pks))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::error::VaultError;

    fn row(codec: &mut JsonCodec, id: &str, body: &str) -> ResourceRow {
        let (sha256, raw_zstd) = codec.encode(body.as_bytes()).unwrap();
        ResourceRow {
            resource_type: "Condition".into(),
            resource_id: id.into(),
            version_id: None,
            last_updated: None,
            category: "condition",
            clinical_date: Some("2020-01-01".into()),
            code: None,
            display: None,
            fhir_version: "R4",
            sha256,
            raw_len: body.len(),
            raw_zstd,
            index: RecordIndex::default(),
        }
    }

    const META: BatchMeta<'static> = BatchMeta {
        source: "import",
        origin: "test.json",
        fetched_at: "2026-01-01T00:00:00Z",
    };

    #[test]
    fn upsert_adds_keeps_and_versions() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("vault.db");
        let key = Key::random().unwrap();
        let mut v = Vault::create(&path, &key).unwrap();
        let mut c = JsonCodec::new().unwrap();
        let a1 = r#"{"resourceType":"Condition","id":"a","note":"one"}"#;
        let a2 = r#"{"resourceType":"Condition","id":"a","note":"two"}"#;
        let b = r#"{"resourceType":"Condition","id":"b"}"#;
        let out = v
            .write_batch(&META, &[row(&mut c, "a", a1), row(&mut c, "b", b)])
            .unwrap();
        assert_eq!(
            out,
            BatchOutcome {
                added: 2,
                updated: 0,
                unchanged: 0
            }
        );
        let out = v
            .write_batch(&META, &[row(&mut c, "a", a2), row(&mut c, "b", b)])
            .unwrap();
        assert_eq!(
            out,
            BatchOutcome {
                added: 0,
                updated: 1,
                unchanged: 1
            }
        );
        assert_eq!(v.resource_count().unwrap(), 2);
        let stored = v.resource("import", "Condition", "a").unwrap().unwrap();
        assert_eq!(stored.raw, a2.as_bytes());
        assert_eq!(stored.versions, 1);
        assert_eq!(v.counts_by_category().unwrap()["condition"], 2);
        assert!(v.integrity_check().unwrap().is_empty());
        drop(v);

        // Reopens with its key; a wrong key is refused and the file is untouched.
        let before = std::fs::read(&path).unwrap();
        assert!(matches!(
            Vault::open(&path, &Key::random().unwrap()),
            Err(VaultError::WrongKey)
        ));
        assert_eq!(before, std::fs::read(&path).unwrap());
        let v = Vault::open(&path, &key).unwrap();
        assert_eq!(v.resource_count().unwrap(), 2);
        assert!(!before.starts_with(b"SQLite format 3"));
    }

    #[test]
    fn a_bulk_load_interrupted_before_its_end_gets_its_indexes_back_on_open() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("vault.db");
        let key = Key::random().unwrap();
        let index_count = |v: &Vault| -> i64 {
            v.conn
                .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'resources_%'", [], |r| r.get(0))
                .unwrap()
        };
        let mut v = Vault::create(&path, &key).unwrap();
        assert_eq!(index_count(&v), 5);
        v.begin_bulk_load().unwrap();
        assert_eq!(index_count(&v), 0);
        drop(v); // as if killed before end_bulk_load
        let v = Vault::open(&path, &key).unwrap();
        assert_eq!(index_count(&v), 5);
    }

    #[test]
    fn create_refuses_an_existing_file_and_open_a_missing_one() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("vault.db");
        std::fs::write(&path, b"something").unwrap();
        assert!(matches!(
            Vault::create(&path, &Key::random().unwrap()),
            Err(VaultError::AlreadyExists)
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"something");
        assert!(matches!(
            Vault::open(&tmp.path().join("none.db"), &Key::random().unwrap()),
            Err(VaultError::NotFound)
        ));
    }
}
