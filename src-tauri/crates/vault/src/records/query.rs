//! Reading records for the views: pages newest first by keyset (clinical date
//! descending, then row key; undated records last), counts, sources, one
//! record with its body and versions, and lookups by type and id.
//!
//! Each page walks an index in order and stops at the page size: the whole
//! vault through `resources_date`, one category through
//! `resources_category_date` (several categories or sources: one walk each,
//! merged), a search through the full-text index (few matches: fetched and
//! sorted; many: the date index walked with a membership test). Counts are
//! cached until a row changes (SQLite's change counter).

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, OptionalExtension};

use super::{category_facet, source_facet};
use crate::codec::JsonCodec;
use crate::error::{Result, VaultError};
use crate::vault::Vault;

/// Which records a view asks for. Empty lists mean "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RecordFilter {
    pub categories: Vec<String>,
    pub sources: Vec<String>,
    /// Clinical dates from this day on (`YYYY-MM-DD`, inclusive).
    pub from: Option<String>,
    /// Clinical dates up to this day (`YYYY-MM-DD`, inclusive).
    pub to: Option<String>,
    /// Words as typed; each must match the start of a word of the record.
    pub words: Vec<String>,
}

/// Where a page ended: the last row's clinical date and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub date: Option<String>,
    pub pk: i64,
}

/// A record as the lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRow {
    pub pk: i64,
    pub source: String,
    pub resource_type: String,
    pub resource_id: String,
    pub category: String,
    pub clinical_date: Option<String>,
    pub display: Option<String>,
    pub summary: Option<String>,
    pub flag: Option<String>,
    pub status: Option<String>,
}

impl RecordRow {
    pub fn position(&self) -> Position {
        Position {
            date: self.clinical_date.clone(),
            pk: self.pk,
        }
    }
}

/// A record with everything its detail view needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordBody {
    pub row: RecordRow,
    pub origin: String,
    pub fetched_at: String,
    pub fhir_version: String,
    pub version_id: Option<String>,
    pub last_updated: Option<String>,
    /// The FHIR version of the original when the stored form was converted.
    pub converted_from: Option<String>,
    pub raw: Vec<u8>,
}

/// An earlier form of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    pub version_pk: i64,
    pub version_id: Option<String>,
    pub last_updated: Option<String>,
    pub fetched_at: String,
}

const COLUMNS: &str =
    "pk, source, resource_type, resource_id, category, clinical_date, display, summary, flag, status";

fn row_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<RecordRow> {
    Ok(RecordRow {
        pk: r.get(0)?,
        source: r.get(1)?,
        resource_type: r.get(2)?,
        resource_id: r.get(3)?,
        category: r.get(4)?,
        clinical_date: r.get(5)?,
        display: r.get(6)?,
        summary: r.get(7)?,
        flag: r.get(8)?,
        status: r.get(9)?,
    })
}

/// Newest first, undated last, then by key (descending): the timeline order.
pub(crate) fn order(a: &RecordRow, b: &RecordRow) -> std::cmp::Ordering {
    match (&a.clinical_date, &b.clinical_date) {
        (Some(x), Some(y)) => y.cmp(x).then(b.pk.cmp(&a.pk)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => b.pk.cmp(&a.pk),
    }
}

/// The FTS5 query for the filter's words (each a quoted, prefix-matched
/// phrase over the text columns) and its categories and sources (their facet
/// tokens); None when there are no words to search for.
pub fn fts_query(f: &RecordFilter) -> Option<String> {
    let words: Vec<String> = f
        .words
        .iter()
        .flat_map(|w| w.split_whitespace())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    if words.is_empty() {
        return None;
    }
    let mut q = format!("{{summary names codes}} : ({})", words.join(" AND "));
    let facet = |tokens: Vec<String>| format!(" AND facets : ({})", tokens.join(" OR "));
    if !f.categories.is_empty() {
        q.push_str(&facet(
            f.categories.iter().map(|c| category_facet(c)).collect(),
        ));
    }
    if !f.sources.is_empty() {
        q.push_str(&facet(f.sources.iter().map(|s| source_facet(s)).collect()));
    }
    Some(q)
}

/// A search with at most this many matches is fetched whole and sorted; more,
/// and the date index is walked instead (it finds a page after few steps).
const FEW_MATCHES: u64 = 1_500;

/// The query parts shared by the strategies: WHERE clauses and their values.
#[derive(Default)]
struct Sql {
    wheres: Vec<String>,
    values: Vec<SqlValue>,
}

impl Sql {
    fn push(&mut self, clause: &str, values: impl IntoIterator<Item = SqlValue>) {
        self.wheres.push(clause.to_owned());
        self.values.extend(values);
    }

    fn in_list(&mut self, column: &str, items: &[String]) {
        let marks = vec!["?"; items.len()].join(", ");
        self.push(
            &format!("{column} IN ({marks})"),
            items.iter().map(|i| SqlValue::Text(i.clone())),
        );
    }

    fn dates(&mut self, f: &RecordFilter) {
        if let Some(from) = &f.from {
            self.push("clinical_date >= ?", [SqlValue::Text(from.clone())]);
        }
        if let Some(to) = &f.to {
            // Instants of the last day sort after the bare day: bound by the
            // day followed by a character above any that follows it.
            self.push("clinical_date < ?", [SqlValue::Text(format!("{to}\u{7f}"))]);
        }
    }

    fn clause(&self) -> String {
        if self.wheres.is_empty() {
            "1".to_owned()
        } else {
            self.wheres.join(" AND ")
        }
    }
}

/// The index a walk goes through and the equality it is walked under.
enum Walk<'a> {
    All,
    Category(&'a str),
    Source(&'a str),
}

impl Vault {
    fn rows(&self, sql: &str, values: Vec<SqlValue>) -> Result<Vec<RecordRow>> {
        let run = || -> rusqlite::Result<Vec<RecordRow>> {
            let mut stmt = self.conn_ref().prepare_cached(sql)?;
            let rows = stmt.query_map(params_from_iter(values.iter()), row_from)?;
            rows.collect()
        };
        match run() {
            Ok(rows) => Ok(rows),
            // The read indexes are gone only if a bulk load died between its
            // drop and its rebuild; put them back and ask again.
            Err(e) if e.to_string().contains("no such index") => {
                self.ensure_read_indexes()?;
                Ok(run()?)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// One page of records matching `f`, after `after` (None: the first page).
    pub fn records_page(
        &self,
        f: &RecordFilter,
        after: Option<&Position>,
        limit: usize,
    ) -> Result<Vec<RecordRow>> {
        let limit = limit.max(1);
        if let Some(q) = fts_query(f) {
            return self.search_page(f, &q, after, limit);
        }
        let walks: Vec<Walk<'_>> = if !f.categories.is_empty() {
            f.categories.iter().map(|c| Walk::Category(c)).collect()
        } else if !f.sources.is_empty() {
            f.sources.iter().map(|s| Walk::Source(s)).collect()
        } else {
            vec![Walk::All]
        };
        let mut rows = Vec::new();
        for w in &walks {
            let residual_sources = matches!(w, Walk::Category(_)) && !f.sources.is_empty();
            let mut sql = Sql::default();
            if residual_sources {
                sql.in_list("source", &f.sources);
            }
            rows.extend(self.walk(w, f, sql, None, after, limit)?);
        }
        if walks.len() > 1 {
            rows.sort_by(order);
            rows.truncate(limit);
        }
        Ok(rows)
    }

    /// Walks one index newest first: dated rows after `after`, then (when no
    /// date bound excludes them) the undated ones.
    fn walk(
        &self,
        w: &Walk<'_>,
        f: &RecordFilter,
        base: Sql,
        fts: Option<&str>,
        after: Option<&Position>,
        limit: usize,
    ) -> Result<Vec<RecordRow>> {
        let (index, head) = match w {
            Walk::All => ("resources_date", None),
            Walk::Category(c) => ("resources_category_date", Some(("category = ?", *c))),
            Walk::Source(s) => ("resources_source_date", Some(("source = ?", *s))),
        };
        let start = |sql: &mut Sql| {
            if let Some((clause, v)) = head {
                sql.push(clause, [SqlValue::Text(v.to_owned())]);
            }
            if let Some(q) = fts {
                sql.push(
                    "pk IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)",
                    [SqlValue::Text(q.to_owned())],
                );
            }
        };
        let mut out = Vec::new();
        let in_dated = after.is_none_or(|p| p.date.is_some());
        if in_dated {
            let mut sql = Sql::default();
            start(&mut sql);
            sql.wheres.extend(base.wheres.iter().cloned());
            sql.values.extend(base.values.iter().cloned());
            sql.push("clinical_date IS NOT NULL", []);
            sql.dates(f);
            if let Some(Position { date: Some(d), pk }) = after {
                sql.push(
                    "(clinical_date, pk) < (?, ?)",
                    [SqlValue::Text(d.clone()), SqlValue::Integer(*pk)],
                );
            }
            sql.values.push(SqlValue::Integer(limit as i64));
            out = self.rows(
                &format!(
                    "SELECT {COLUMNS} FROM resources INDEXED BY {index} WHERE {} \
                     ORDER BY clinical_date DESC, pk DESC LIMIT ?",
                    sql.clause()
                ),
                sql.values,
            )?;
        }
        let undated_allowed = f.from.is_none() && f.to.is_none();
        if out.len() < limit && undated_allowed {
            let mut sql = Sql::default();
            start(&mut sql);
            sql.wheres.extend(base.wheres.iter().cloned());
            sql.values.extend(base.values.iter().cloned());
            sql.push("clinical_date IS NULL", []);
            if let Some(Position { date: None, pk }) = after {
                sql.push("pk < ?", [SqlValue::Integer(*pk)]);
            }
            sql.values
                .push(SqlValue::Integer((limit - out.len()) as i64));
            out.extend(self.rows(
                &format!(
                    "SELECT {COLUMNS} FROM resources INDEXED BY {index} WHERE {} \
                     ORDER BY pk DESC LIMIT ?",
                    sql.clause()
                ),
                sql.values,
            )?);
        }
        Ok(out)
    }

    fn search_page(
        &self,
        f: &RecordFilter,
        q: &str,
        after: Option<&Position>,
        limit: usize,
    ) -> Result<Vec<RecordRow>> {
        let matches = self.fts_count(q)?;
        if matches > FEW_MATCHES {
            return self.walk(&Walk::All, f, Sql::default(), Some(q), after, limit);
        }
        let mut sql = Sql::default();
        sql.push(
            "pk IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)",
            [SqlValue::Text(q.to_owned())],
        );
        sql.dates(f);
        match after {
            Some(Position { date: Some(d), pk }) => sql.push(
                "((clinical_date IS NOT NULL AND (clinical_date, pk) < (?, ?)) OR clinical_date IS NULL)",
                [SqlValue::Text(d.clone()), SqlValue::Integer(*pk)],
            ),
            Some(Position { date: None, pk }) => sql.push(
                "clinical_date IS NULL AND pk < ?",
                [SqlValue::Integer(*pk)],
            ),
            None => {}
        }
        sql.values.push(SqlValue::Integer(limit as i64));
        self.rows(
            &format!(
                "SELECT {COLUMNS} FROM resources WHERE {} \
                 ORDER BY clinical_date IS NULL, clinical_date DESC, pk DESC LIMIT ?",
                sql.clause()
            ),
            sql.values,
        )
    }

    fn fts_count(&self, q: &str) -> Result<u64> {
        self.cached_count(&format!("fts\u{0}{q}"), || {
            Ok(self.conn_ref().query_row(
                "SELECT count(*) FROM records_fts WHERE records_fts MATCH ?1",
                params![q],
                |r| r.get::<_, i64>(0),
            )?)
        })
    }

    /// How many records match `f` (all pages).
    pub fn records_count(&self, f: &RecordFilter) -> Result<u64> {
        if let Some(q) = fts_query(f) {
            if f.from.is_none() && f.to.is_none() {
                return self.fts_count(&q);
            }
            let mut sql = Sql::default();
            sql.push(
                "pk IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)",
                [SqlValue::Text(q.clone())],
            );
            sql.dates(f);
            return self.count_where(
                &format!("dated\u{0}{q}\u{0}{:?}\u{0}{:?}", f.from, f.to),
                sql,
            );
        }
        let mut sql = Sql::default();
        if !f.categories.is_empty() {
            sql.in_list("category", &f.categories);
        }
        if !f.sources.is_empty() {
            sql.in_list("source", &f.sources);
        }
        sql.dates(f);
        self.count_where(&format!("{f:?}"), sql)
    }

    fn count_where(&self, key: &str, sql: Sql) -> Result<u64> {
        self.cached_count(key, || {
            // No WHERE at all for the whole vault: SQLite then counts the
            // smallest index's entries page by page.
            let query = if sql.wheres.is_empty() {
                "SELECT count(*) FROM resources".to_owned()
            } else {
                format!("SELECT count(*) FROM resources WHERE {}", sql.clause())
            };
            let mut stmt = self.conn_ref().prepare_cached(&query)?;
            Ok(stmt.query_row(params_from_iter(sql.values.iter()), |r| r.get::<_, i64>(0))?)
        })
    }

    fn cached_count(&self, key: &str, count: impl FnOnce() -> Result<i64>) -> Result<u64> {
        let generation = self.conn_ref().total_changes();
        if let Some(n) = self.cache().count(generation, key) {
            return Ok(n);
        }
        let n = count()?.max(0) as u64;
        self.cache().put_count(generation, key, n);
        Ok(n)
    }

    /// Forgets the cached counts (the benchmark measures queries without them).
    #[doc(hidden)]
    pub fn forget_cached_counts(&self) {
        *self.cache() = CountCache::default();
    }

    pub(crate) fn cache(&self) -> std::sync::MutexGuard<'_, CountCache> {
        self.count_cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records counted by source (a walk of the source index), cached until a
    /// row changes.
    fn source_counts(&self) -> Result<std::sync::Arc<Vec<(String, u64)>>> {
        let generation = self.conn_ref().total_changes();
        if let Some(g) = self.cache().sources(generation) {
            return Ok(g);
        }
        let mut stmt = self.conn_ref().prepare_cached(
            "SELECT source, count(*) FROM resources INDEXED BY resources_source_date GROUP BY source",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
        })?;
        let mut counts = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let counts = std::sync::Arc::new(counts);
        self.cache().put_sources(generation, counts.clone());
        Ok(counts)
    }

    /// Every source with its number of records, largest first.
    pub fn record_sources(&self) -> Result<Vec<(String, u64)>> {
        Ok(self.source_counts()?.as_ref().clone())
    }

    /// Records of a category whose status is one of `statuses` (or, with
    /// `or_none`, that have none), newest first.
    pub fn records_with_status(
        &self,
        category: &str,
        statuses: &[&str],
        or_none: bool,
        limit: usize,
    ) -> Result<Vec<RecordRow>> {
        let mut wanted: Vec<Option<&str>> = statuses.iter().map(|s| Some(*s)).collect();
        if or_none {
            wanted.push(None);
        }
        let mut rows = Vec::new();
        for status in wanted {
            // One walk of the (category, status, date) index each, newest first.
            let clause = if status.is_some() {
                "status = ?"
            } else {
                "status IS NULL"
            };
            let mut values = vec![SqlValue::Text(category.to_owned())];
            if let Some(s) = status {
                values.push(SqlValue::Text(s.to_owned()));
            }
            values.push(SqlValue::Integer(limit as i64));
            rows.extend(self.rows(
                &format!(
                    "SELECT {COLUMNS} FROM resources INDEXED BY resources_category_status \
                     WHERE category = ? AND {clause} ORDER BY clinical_date DESC, pk DESC LIMIT ?"
                ),
                values,
            )?);
        }
        rows.sort_by(order);
        rows.truncate(limit);
        Ok(rows)
    }

    /// One record's list line.
    pub fn record_row(&self, pk: i64) -> Result<Option<RecordRow>> {
        Ok(self
            .conn_ref()
            .prepare_cached(&format!("SELECT {COLUMNS} FROM resources WHERE pk = ?1"))?
            .query_row(params![pk], row_from)
            .optional()?)
    }

    /// Several records' list lines, in no particular order.
    pub fn record_rows(&self, pks: &[i64]) -> Result<Vec<RecordRow>> {
        if pks.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; pks.len()].join(", ");
        self.rows(
            &format!("SELECT {COLUMNS} FROM resources WHERE pk IN ({marks})"),
            pks.iter().map(|p| SqlValue::Integer(*p)).collect(),
        )
    }

    /// The current bytes of several records.
    pub fn record_raws(&self, pks: &[i64]) -> Result<HashMap<i64, Vec<u8>>> {
        let mut codec = JsonCodec::new()?;
        let mut out = HashMap::with_capacity(pks.len());
        let mut stmt = self.conn_ref().prepare_cached(
            "SELECT r.raw_len, b.raw_zstd FROM resources r JOIN resource_bodies b ON b.resource_pk = r.pk WHERE r.pk = ?1",
        )?;
        for pk in pks {
            let found = stmt
                .query_row(params![pk], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
                })
                .optional()?;
            if let Some((len, packed)) = found {
                out.insert(*pk, codec.decode(&packed, len.max(0) as usize)?);
            }
        }
        Ok(out)
    }

    /// A record with its body and where it came from.
    pub fn record_body(&self, pk: i64) -> Result<Option<RecordBody>> {
        let found = self
            .conn_ref()
            .prepare_cached(&format!(
                "SELECT {COLUMNS}, origin, fetched_at, fhir_version, version_id, last_updated, raw_len,
                   (SELECT raw_zstd FROM resource_bodies WHERE resource_pk = pk),
                   (SELECT fhir_version FROM resource_originals WHERE resource_pk = pk)
                 FROM resources WHERE pk = ?1"
            ))?
            .query_row(params![pk], |r| {
                Ok((
                    row_from(r)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, String>(11)?,
                    r.get::<_, String>(12)?,
                    r.get::<_, Option<String>>(13)?,
                    r.get::<_, Option<String>>(14)?,
                    r.get::<_, i64>(15)?,
                    r.get::<_, Option<Vec<u8>>>(16)?,
                    r.get::<_, Option<String>>(17)?,
                ))
            })
            .optional()?;
        let Some((
            row,
            origin,
            fetched_at,
            fhir_version,
            version_id,
            last_updated,
            len,
            packed,
            orig,
        )) = found
        else {
            return Ok(None);
        };
        let packed =
            packed.ok_or_else(|| VaultError::Database("a record's body is missing".to_owned()))?;
        let raw = JsonCodec::new()?.decode(&packed, len.max(0) as usize)?;
        Ok(Some(RecordBody {
            row,
            origin,
            fetched_at,
            fhir_version,
            version_id,
            last_updated,
            converted_from: orig,
            raw,
        }))
    }

    /// A record's earlier forms, newest first.
    pub fn record_versions(&self, pk: i64) -> Result<Vec<VersionRecord>> {
        let mut stmt = self.conn_ref().prepare_cached(
            "SELECT pk, version_id, last_updated, fetched_at FROM resource_versions
             WHERE resource_pk = ?1 ORDER BY pk DESC",
        )?;
        let rows = stmt.query_map(params![pk], |r| {
            Ok(VersionRecord {
                version_pk: r.get(0)?,
                version_id: r.get(1)?,
                last_updated: r.get(2)?,
                fetched_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The bytes of one earlier form of record `pk`.
    pub fn record_version_raw(&self, pk: i64, version_pk: i64) -> Result<Option<Vec<u8>>> {
        let found = self
            .conn_ref()
            .prepare_cached(
                "SELECT raw_len, raw_zstd FROM resource_versions WHERE pk = ?1 AND resource_pk = ?2",
            )?
            .query_row(params![version_pk, pk], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
            })
            .optional()?;
        match found {
            Some((len, packed)) => Ok(Some(
                JsonCodec::new()?.decode(&packed, len.max(0) as usize)?,
            )),
            None => Ok(None),
        }
    }

    /// The key of the record `type/id` from `source`, or from any source when
    /// `source` is None (the largest source first).
    pub fn find_record(
        &self,
        source: Option<&str>,
        resource_type: &str,
        resource_id: &str,
    ) -> Result<Option<i64>> {
        let sources: Vec<String> = match source {
            Some(s) => vec![s.to_owned()],
            None => self.record_sources()?.into_iter().map(|(s, _)| s).collect(),
        };
        let mut stmt = self.conn_ref().prepare_cached(
            "SELECT pk FROM resources WHERE source = ?1 AND resource_type = ?2 AND resource_id = ?3",
        )?;
        for s in sources {
            if let Some(pk) = stmt
                .query_row(params![s, resource_type, resource_id], |r| {
                    r.get::<_, i64>(0)
                })
                .optional()?
            {
                return Ok(Some(pk));
            }
        }
        Ok(None)
    }

    /// The key of a record known only by its id (a `urn:uuid:` reference in a
    /// Bundle), within one source.
    pub fn find_record_by_id(&self, source: &str, resource_id: &str) -> Result<Option<i64>> {
        for t in self.resource_types()? {
            if let Some(pk) = self.find_record(Some(source), &t, resource_id)? {
                return Ok(Some(pk));
            }
        }
        Ok(None)
    }

    /// The resource types in the vault (a skip-scan of the type index).
    pub fn resource_types(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn_ref().prepare_cached(
            "WITH RECURSIVE t(x) AS (
               SELECT min(resource_type) FROM resources
               UNION ALL
               SELECT (SELECT min(resource_type) FROM resources WHERE resource_type > t.x) FROM t WHERE t.x IS NOT NULL)
             SELECT x FROM t WHERE x IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// Counts by query, valid for one value of the connection's change counter.
#[derive(Default)]
pub(crate) struct CountCache {
    generation: u64,
    counts: HashMap<String, u64>,
    sources: Option<std::sync::Arc<Vec<(String, u64)>>>,
    /// The chart series list, by category filter (`None`: all).
    series: HashMap<Option<String>, std::sync::Arc<Vec<super::SeriesRow>>>,
}

impl CountCache {
    fn at(&mut self, generation: u64) {
        if self.generation != generation {
            self.generation = generation;
            self.counts.clear();
            self.sources = None;
            self.series.clear();
        }
    }

    fn count(&mut self, generation: u64, key: &str) -> Option<u64> {
        self.at(generation);
        self.counts.get(key).copied()
    }

    fn put_count(&mut self, generation: u64, key: &str, n: u64) {
        self.at(generation);
        if self.counts.len() >= 512 {
            self.counts.clear();
        }
        self.counts.insert(key.to_owned(), n);
    }

    fn sources(&mut self, generation: u64) -> Option<std::sync::Arc<Vec<(String, u64)>>> {
        self.at(generation);
        self.sources.clone()
    }

    fn put_sources(&mut self, generation: u64, s: std::sync::Arc<Vec<(String, u64)>>) {
        self.at(generation);
        self.sources = Some(s);
    }

    pub(crate) fn series(
        &mut self,
        generation: u64,
        category: Option<&str>,
    ) -> Option<std::sync::Arc<Vec<super::SeriesRow>>> {
        self.at(generation);
        self.series.get(&category.map(str::to_owned)).cloned()
    }

    pub(crate) fn put_series(
        &mut self,
        generation: u64,
        category: Option<&str>,
        rows: std::sync::Arc<Vec<super::SeriesRow>>,
    ) {
        self.at(generation);
        self.series.insert(category.map(str::to_owned), rows);
    }
}
