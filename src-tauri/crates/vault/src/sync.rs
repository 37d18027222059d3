//! What the sync engine keeps in the vault besides resources: its runs, where
//! each query stands, the incremental cursors, entries set aside, and the
//! originals of converted resources. The state columns hold JSON the core
//! writes and reads back; this crate only guarantees that a page and its
//! query's progress commit together.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::vault::{upsert_rows, BatchMeta, BatchOutcome, ResourceRow, Vault};

/// A run as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRunRecord {
    pub id: String,
    pub connection_id: String,
    pub request: String,
    pub incremental: bool,
    /// `running` or `finished`.
    pub status: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub report: Option<String>,
}

/// One query of a run as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncQueryRecord {
    pub key: String,
    pub state: String,
    pub next_url: Option<String>,
    pub progress: String,
    pub errors: String,
    pub max_last_updated: Option<String>,
}

/// An entry set aside instead of merged.
#[derive(Debug, Clone)]
pub struct QuarantineRow {
    pub reason: String,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub sha256: [u8; 32],
    pub raw_len: usize,
    pub raw_zstd: Vec<u8>,
}

/// The original form of the row at `row` in the same page (a converted resource).
#[derive(Debug, Clone)]
pub struct OriginalRow {
    pub row: usize,
    pub fhir_version: &'static str,
    pub sha256: [u8; 32],
    pub raw_len: usize,
    pub raw_zstd: Vec<u8>,
    /// JSON array of what the conversion could not map.
    pub notes: String,
}

/// One fetched page, ready to commit with its query's new state.
pub struct SyncPage<'a> {
    pub meta: BatchMeta<'a>,
    pub rows: &'a [ResourceRow],
    pub originals: &'a [OriginalRow],
    pub quarantined: &'a [QuarantineRow],
    pub run_id: &'a str,
    /// The query's state after this page, given what the upsert did (so the
    /// stored counters match the stored resources exactly).
    pub query: &'a dyn Fn(&BatchOutcome) -> SyncQueryRecord,
}

const STATUS_RUNNING: &str = "running";
const STATUS_FINISHED: &str = "finished";

impl Vault {
    /// Records a new run and its queries (one transaction).
    pub fn create_sync_run(
        &mut self,
        run: &SyncRunRecord,
        queries: &[SyncQueryRecord],
    ) -> Result<()> {
        let tx = self.conn().transaction()?;
        tx.execute(
            "INSERT INTO sync_runs (id, connection_id, request, incremental, status, started_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                run.id,
                run.connection_id,
                run.request,
                run.incremental,
                STATUS_RUNNING,
                run.started_at
            ],
        )?;
        for q in queries {
            put_query(&tx, &run.id, q)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Runs that a process started and did not finish (it was killed, or the app
    /// closed), oldest first; for one connection or all.
    pub fn unfinished_sync_runs(&self, connection_id: Option<&str>) -> Result<Vec<SyncRunRecord>> {
        let mut stmt = self.conn_ref().prepare(
            "SELECT id, connection_id, request, incremental, status, started_at, finished_at, report
             FROM sync_runs WHERE status = ?1 AND (?2 IS NULL OR connection_id = ?2)
             ORDER BY started_at, id",
        )?;
        let rows = stmt.query_map(params![STATUS_RUNNING, connection_id], run_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The latest finished runs, newest first.
    pub fn finished_sync_runs(&self, limit: usize) -> Result<Vec<SyncRunRecord>> {
        let mut stmt = self.conn_ref().prepare(
            "SELECT id, connection_id, request, incremental, status, started_at, finished_at, report
             FROM sync_runs WHERE status = ?1 ORDER BY finished_at DESC, id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![STATUS_FINISHED, limit as i64], run_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn sync_run(&self, run_id: &str) -> Result<Option<SyncRunRecord>> {
        Ok(self
            .conn_ref()
            .query_row(
                "SELECT id, connection_id, request, incremental, status, started_at, finished_at, report
                 FROM sync_runs WHERE id = ?1",
                params![run_id],
                run_from_row,
            )
            .optional()?)
    }

    /// A run's queries in the order they were planned.
    pub fn sync_queries(&self, run_id: &str) -> Result<Vec<SyncQueryRecord>> {
        let mut stmt = self.conn_ref().prepare(
            "SELECT query_key, state, next_url, progress, errors, max_last_updated
             FROM sync_queries WHERE run_id = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map(params![run_id], |r| {
            Ok(SyncQueryRecord {
                key: r.get(0)?,
                state: r.get(1)?,
                next_url: r.get(2)?,
                progress: r.get(3)?,
                errors: r.get(4)?,
                max_last_updated: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Stores a query's new state without a page (it started, failed, was skipped).
    pub fn update_sync_query(&mut self, run_id: &str, query: &SyncQueryRecord) -> Result<()> {
        put_query(self.conn_ref(), run_id, query)
    }

    /// Commits one page: its resources (upserted as [`Vault::write_batch`] does),
    /// the originals of converted ones, the entries set aside, and the query's
    /// new state, all in one transaction.
    pub fn write_sync_page(&mut self, page: &SyncPage<'_>) -> Result<BatchOutcome> {
        let tx = self.conn().transaction()?;
        let (outcome, pks) = upsert_rows(&tx, &page.meta, page.rows)?;
        {
            let mut original = tx.prepare_cached(
                "INSERT OR REPLACE INTO resource_originals (resource_pk, fhir_version, sha256, raw_len, raw_zstd, notes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for o in page.originals {
                if let Some(pk) = pks.get(o.row) {
                    original.execute(params![
                        pk,
                        o.fhir_version,
                        &o.sha256[..],
                        o.raw_len as i64,
                        o.raw_zstd,
                        o.notes
                    ])?;
                }
            }
            let mut quarantine = tx.prepare_cached(
                "INSERT INTO quarantine (source, run_id, reason, resource_type, resource_id, sha256, raw_len, raw_zstd, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (source, sha256) DO NOTHING",
            )?;
            for q in page.quarantined {
                quarantine.execute(params![
                    page.meta.source,
                    page.run_id,
                    q.reason,
                    q.resource_type,
                    q.resource_id,
                    &q.sha256[..],
                    q.raw_len as i64,
                    q.raw_zstd,
                    page.meta.fetched_at
                ])?;
            }
        }
        put_query(&tx, page.run_id, &(page.query)(&outcome))?;
        tx.commit()?;
        Ok(outcome)
    }

    /// Ends a run: its report, and the cursors of the queries that completed, in
    /// one transaction.
    pub fn finish_sync_run(
        &mut self,
        run_id: &str,
        finished_at: &str,
        report: &str,
        cursors: &[(String, String)],
    ) -> Result<()> {
        let tx = self.conn().transaction()?;
        let connection_id: String = tx.query_row(
            "SELECT connection_id FROM sync_runs WHERE id = ?1",
            params![run_id],
            |r| r.get(0),
        )?;
        tx.execute(
            "UPDATE sync_runs SET status = ?2, finished_at = ?3, report = ?4 WHERE id = ?1",
            params![run_id, STATUS_FINISHED, finished_at, report],
        )?;
        for (key, last_updated) in cursors {
            tx.execute(
                "INSERT INTO sync_cursors (connection_id, query_key, last_updated) VALUES (?1, ?2, ?3)
                 ON CONFLICT (connection_id, query_key) DO UPDATE SET last_updated = excluded.last_updated",
                params![connection_id, key, last_updated],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The incremental cursors of a connection, by query key.
    pub fn sync_cursors(&self, connection_id: &str) -> Result<BTreeMap<String, String>> {
        let mut stmt = self
            .conn_ref()
            .prepare("SELECT query_key, last_updated FROM sync_cursors WHERE connection_id = ?1")?;
        let rows = stmt.query_map(params![connection_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<BTreeMap<_, _>>>()?)
    }

    /// Entries set aside for a source, by reason.
    pub fn quarantine_counts(&self, source: &str) -> Result<BTreeMap<String, u64>> {
        let mut stmt = self
            .conn_ref()
            .prepare("SELECT reason, count(*) FROM quarantine WHERE source = ?1 GROUP BY reason")?;
        let rows = stmt.query_map(params![source], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<BTreeMap<_, _>>>()?)
    }

    /// Whether a resource of this source exists.
    pub fn has_resource(
        &self,
        source: &str,
        resource_type: &str,
        resource_id: &str,
    ) -> Result<bool> {
        Ok(self
            .conn_ref()
            .query_row(
                "SELECT 1 FROM resources WHERE source = ?1 AND resource_type = ?2 AND resource_id = ?3",
                params![source, resource_type, resource_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Calls `f` with the type, id and current bytes of every resource of a
    /// source whose type is one of `types` (bodies decompressed one at a time).
    pub fn scan_resources(
        &self,
        source: &str,
        types: &[&str],
        f: &mut dyn FnMut(&str, &str, &[u8]),
    ) -> Result<()> {
        let mut codec = crate::codec::JsonCodec::new()?;
        let mut stmt = self.conn_ref().prepare(
            "SELECT r.resource_type, r.resource_id, r.raw_len, b.raw_zstd
             FROM resources r JOIN resource_bodies b ON b.resource_pk = r.pk
             WHERE r.source = ?1 ORDER BY r.pk",
        )?;
        let mut rows = stmt.query(params![source])?;
        while let Some(row) = rows.next()? {
            let t: String = row.get(0)?;
            if !types.is_empty() && !types.contains(&t.as_str()) {
                continue;
            }
            let id: String = row.get(1)?;
            let len: i64 = row.get(2)?;
            let packed: Vec<u8> = row.get(3)?;
            let raw = codec.decode(&packed, len.max(0) as usize)?;
            f(&t, &id, &raw);
        }
        Ok(())
    }

    /// A converted resource's original bytes and conversion notes.
    pub fn resource_original(
        &self,
        source: &str,
        resource_type: &str,
        resource_id: &str,
    ) -> Result<Option<(String, Vec<u8>, String)>> {
        let row = self
            .conn_ref()
            .query_row(
                "SELECT o.fhir_version, o.raw_len, o.raw_zstd, o.notes
                 FROM resource_originals o JOIN resources r ON r.pk = o.resource_pk
                 WHERE r.source = ?1 AND r.resource_type = ?2 AND r.resource_id = ?3",
                params![source, resource_type, resource_id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Vec<u8>>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((version, len, packed, notes)) = row else {
            return Ok(None);
        };
        let raw = crate::codec::JsonCodec::new()?.decode(&packed, len.max(0) as usize)?;
        Ok(Some((version, raw, notes)))
    }

    /// Resources of a source, by type.
    pub fn counts_by_type(&self, source: &str) -> Result<BTreeMap<String, u64>> {
        let mut stmt = self.conn_ref().prepare(
            "SELECT resource_type, count(*) FROM resources WHERE source = ?1 GROUP BY resource_type",
        )?;
        let rows = stmt.query_map(params![source], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<BTreeMap<_, _>>>()?)
    }

    /// Earlier versions kept for a source's resources.
    pub fn version_count(&self, source: &str) -> Result<u64> {
        let n: i64 = self.conn_ref().query_row(
            "SELECT count(*) FROM resource_versions v JOIN resources r ON r.pk = v.resource_pk WHERE r.source = ?1",
            params![source],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// The settings table (small values the app keeps in the vault).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn_ref()
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_setting(&mut self, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(v) => self.conn_ref().execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, v],
            )?,
            None => self
                .conn_ref()
                .execute("DELETE FROM settings WHERE key = ?1", params![key])?,
        };
        Ok(())
    }
}

fn put_query(conn: &rusqlite::Connection, run_id: &str, q: &SyncQueryRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_queries (run_id, query_key, state, next_url, progress, errors, max_last_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (run_id, query_key) DO UPDATE SET state = excluded.state,
           next_url = excluded.next_url, progress = excluded.progress, errors = excluded.errors,
           max_last_updated = excluded.max_last_updated",
        params![run_id, q.key, q.state, q.next_url, q.progress, q.errors, q.max_last_updated],
    )?;
    Ok(())
}

fn run_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SyncRunRecord> {
    Ok(SyncRunRecord {
        id: r.get(0)?,
        connection_id: r.get(1)?,
        request: r.get(2)?,
        incremental: r.get(3)?,
        status: r.get(4)?,
        started_at: r.get(5)?,
        finished_at: r.get(6)?,
        report: r.get(7)?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::codec::JsonCodec;
    use crate::keys::Key;

    fn query(key: &str, state: &str, next: Option<&str>) -> SyncQueryRecord {
        SyncQueryRecord {
            key: key.into(),
            state: state.into(),
            next_url: next.map(str::to_owned),
            progress: "{}".into(),
            errors: "[]".into(),
            max_last_updated: None,
        }
    }

    #[test]
    fn a_page_and_its_query_state_commit_together_and_runs_finish_with_cursors() {
        let tmp = tempfile::tempdir().unwrap();
        let mut v = Vault::create(&tmp.path().join("vault.db"), &Key::random().unwrap()).unwrap();
        let run = SyncRunRecord {
            id: "r1".into(),
            connection_id: "c1".into(),
            request: "{}".into(),
            incremental: false,
            status: String::new(),
            started_at: "2026-01-01T00:00:00Z".into(),
            finished_at: None,
            report: None,
        };
        v.create_sync_run(
            &run,
            &[
                query("labs", "waiting", None),
                query("vitals", "waiting", None),
            ],
        )
        .unwrap();
        assert_eq!(v.unfinished_sync_runs(Some("c1")).unwrap().len(), 1);
        assert!(v.unfinished_sync_runs(Some("c2")).unwrap().is_empty());

        let mut codec = JsonCodec::new().unwrap();
        let body = br#"{"resourceType":"Observation","id":"o1"}"#;
        let (sha256, raw_zstd) = codec.encode(body).unwrap();
        let rows = vec![ResourceRow {
            resource_type: "Observation".into(),
            resource_id: "o1".into(),
            version_id: None,
            last_updated: None,
            category: "labs",
            clinical_date: None,
            code: None,
            display: None,
            fhir_version: "R4",
            sha256,
            raw_len: body.len(),
            raw_zstd: raw_zstd.clone(),
            index: Default::default(),
        }];
        let original = b"{\"resourceType\":\"Observation\",\"id\":\"o1\",\"old\":true}";
        let (osha, ozstd) = codec.encode(original).unwrap();
        let originals = vec![OriginalRow {
            row: 0,
            fhir_version: "DSTU2",
            sha256: osha,
            raw_len: original.len(),
            raw_zstd: ozstd,
            notes: "[\"x\"]".into(),
        }];
        let quarantined = vec![QuarantineRow {
            reason: "other_patient".into(),
            resource_type: Some("Observation".into()),
            resource_id: Some("o9".into()),
            sha256: [7; 32],
            raw_len: body.len(),
            raw_zstd,
        }];
        let q = query(
            "labs",
            "running",
            Some("https://p.example/fhir/Observation?page=2"),
        );
        let page = SyncPage {
            meta: BatchMeta {
                source: "connection:c1",
                origin: "https://p.example/fhir",
                fetched_at: "2026-01-01T00:00:01Z",
            },
            rows: &rows,
            originals: &originals,
            quarantined: &quarantined,
            run_id: "r1",
            query: &|_| q.clone(),
        };
        let out = v.write_sync_page(&page).unwrap();
        assert_eq!(out.added, 1);
        // The same page again (a retry after a crash) changes nothing.
        let out = v.write_sync_page(&page).unwrap();
        assert_eq!(out.unchanged, 1);
        assert_eq!(
            v.quarantine_counts("connection:c1").unwrap()["other_patient"],
            1
        );
        let (ver, raw, notes) = v
            .resource_original("connection:c1", "Observation", "o1")
            .unwrap()
            .unwrap();
        assert_eq!(
            (ver.as_str(), raw.as_slice(), notes.as_str()),
            ("DSTU2", &original[..], "[\"x\"]")
        );
        let stored = v.sync_queries("r1").unwrap();
        assert_eq!(
            stored[0].next_url.as_deref(),
            Some("https://p.example/fhir/Observation?page=2")
        );
        assert_eq!(stored[1].state, "waiting");

        v.finish_sync_run(
            "r1",
            "2026-01-01T00:00:02Z",
            "{\"ok\":1}",
            &[("labs".into(), "2025-12-31T00:00:00Z".into())],
        )
        .unwrap();
        assert!(v.unfinished_sync_runs(None).unwrap().is_empty());
        assert_eq!(
            v.finished_sync_runs(5).unwrap()[0].report.as_deref(),
            Some("{\"ok\":1}")
        );
        assert_eq!(
            v.sync_cursors("c1").unwrap()["labs"],
            "2025-12-31T00:00:00Z"
        );
        let mut seen = Vec::new();
        v.scan_resources("connection:c1", &["Observation"], &mut |t, id, raw| {
            seen.push((t.to_owned(), id.to_owned(), raw.to_vec()))
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![("Observation".into(), "o1".into(), body.to_vec())]
        );
        v.set_setting("sync.every_days", Some("3")).unwrap();
        assert_eq!(v.setting("sync.every_days").unwrap().as_deref(), Some("3"));
        v.set_setting("sync.every_days", None).unwrap();
        assert_eq!(v.setting("sync.every_days").unwrap(), None);
    }
}
