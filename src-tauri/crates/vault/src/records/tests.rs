#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use super::*;
use crate::codec::JsonCodec;
use crate::keys::Key;
use crate::vault::{BatchMeta, ResourceRow, Vault};

const CATEGORIES: [&str; 4] = ["labs", "vitals", "condition", "other"];

struct Fixture {
    _dir: tempfile::TempDir,
    vault: Vault,
}

/// `n` rows over four categories and two sources, with repeated dates, undated
/// rows, and words: "common" in two of three rows, "rare" in one of a hundred.
fn fixture(n: usize) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = Vault::create(&dir.path().join("vault.db"), &Key::random().unwrap()).unwrap();
    let mut codec = JsonCodec::new().unwrap();
    for source in ["import", "connection:c1"] {
        let rows: Vec<ResourceRow> = (0..n / 2)
            .map(|i| {
                let seed = (i * 7919 + source.len() * 13) % 1000;
                let date = match seed % 10 {
                    0 => None,
                    1 => Some(format!("2020-01-{:02}", seed % 28 + 1)),
                    _ => Some(format!(
                        "20{:02}-{:02}-{:02}T10:00:00Z",
                        10 + seed % 10,
                        seed % 12 + 1,
                        seed % 28 + 1
                    )),
                };
                let body = format!(r#"{{"resourceType":"Observation","id":"{source}-{i}"}}"#);
                let (sha256, raw_zstd) = codec.encode(body.as_bytes()).unwrap();
                let mut words = vec![format!("item{i}")];
                if i % 3 != 0 {
                    words.push("common".into());
                }
                if i % 100 == 7 {
                    words.push("rare".into());
                }
                ResourceRow {
                    resource_type: "Observation".into(),
                    resource_id: format!("o{i}"),
                    version_id: None,
                    last_updated: None,
                    category: CATEGORIES[i % 4],
                    clinical_date: date,
                    code: None,
                    display: None,
                    fhir_version: "R4",
                    sha256,
                    raw_len: body.len(),
                    raw_zstd,
                    index: RecordIndex {
                        summary: words.join(" "),
                        flag: (i % 5 == 0).then_some("high"),
                        status: Some(if i % 2 == 0 { "active" } else { "final" }.into()),
                        names: "Zoë Ñúñez".into(),
                        codes: format!("{}-4", 1000 + i),
                        values: if CATEGORIES[i % 4] == "vitals" {
                            vec![ValueRow {
                                code: "http://loinc.org|29463-7".into(),
                                label: "Body weight".into(),
                                value: 60.0 + (i % 30) as f64,
                                unit: Some(if i % 8 == 1 { "kg" } else { "[lb_av]" }.into()),
                                low: None,
                                high: None,
                                flag: None,
                            }]
                        } else {
                            vec![]
                        },
                    },
                }
            })
            .collect();
        let meta = BatchMeta {
            source,
            origin: "test",
            fetched_at: "2026-01-01T00:00:00Z",
        };
        vault.write_batch(&meta, &rows).unwrap();
    }
    Fixture { _dir: dir, vault }
}

fn all_rows(v: &Vault) -> Vec<RecordRow> {
    let pks: Vec<i64> = v
        .conn_ref()
        .prepare("SELECT pk FROM resources")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut rows: Vec<RecordRow> = pks
        .chunks(500)
        .flat_map(|c| v.record_rows(c).unwrap())
        .collect();
    rows.sort_by(query::order);
    rows
}

/// Pages through everything matching `f` and checks it against a plain
/// filter-and-sort of all rows: every record exactly once, in timeline order.
fn check_paging(v: &Vault, f: &RecordFilter, keep: &dyn Fn(&RecordRow) -> bool, page: usize) {
    let expected: Vec<i64> = all_rows(v)
        .into_iter()
        .filter(|r| keep(r))
        .map(|r| r.pk)
        .collect();
    let mut got = Vec::new();
    let mut after: Option<Position> = None;
    loop {
        let rows = v.records_page(f, after.as_ref(), page).unwrap();
        assert!(rows.len() <= page);
        if rows.is_empty() {
            break;
        }
        after = rows.last().map(RecordRow::position);
        got.extend(rows.iter().map(|r| r.pk));
        if got.len() > expected.len() + page {
            break;
        }
    }
    assert_eq!(got, expected, "filter {f:?}");
    assert_eq!(
        v.records_count(f).unwrap(),
        expected.len() as u64,
        "count {f:?}"
    );
}

#[test]
fn keyset_pages_cover_every_filter_exactly_once_in_order() {
    let fx = fixture(4000);
    let v = &fx.vault;
    let f = |c: &[&str], s: &[&str], w: &[&str]| RecordFilter {
        categories: c.iter().map(|x| x.to_string()).collect(),
        sources: s.iter().map(|x| x.to_string()).collect(),
        words: w.iter().map(|x| x.to_string()).collect(),
        ..RecordFilter::default()
    };
    check_paging(v, &f(&[], &[], &[]), &|_| true, 97);
    check_paging(v, &f(&["labs"], &[], &[]), &|r| r.category == "labs", 100);
    check_paging(
        v,
        &f(&["labs", "vitals"], &[], &[]),
        &|r| r.category == "labs" || r.category == "vitals",
        33,
    );
    check_paging(
        v,
        &f(&[], &["connection:c1"], &[]),
        &|r| r.source == "connection:c1",
        250,
    );
    check_paging(
        v,
        &f(&["condition"], &["import"], &[]),
        &|r| r.category == "condition" && r.source == "import",
        7,
    );
    let has = |r: &RecordRow, w: &str| {
        r.summary
            .as_deref()
            .unwrap_or("")
            .split(' ')
            .any(|x| x == w)
    };
    // Many matches (the date index walked) and few (fetched and sorted).
    check_paging(v, &f(&[], &[], &["common"]), &|r| has(r, "common"), 100);
    check_paging(v, &f(&[], &[], &["rare"]), &|r| has(r, "rare"), 3);
    check_paging(
        v,
        &f(&["vitals"], &["import"], &["comm"]),
        &|r| has(r, "common") && r.category == "vitals" && r.source == "import",
        50,
    );
    // Dates: inclusive on both ends, undated records excluded.
    let mut dated = f(&["labs"], &[], &[]);
    dated.from = Some("2012-03-01".into());
    dated.to = Some("2015-06-01".into());
    check_paging(
        v,
        &dated,
        &|r| {
            r.category == "labs"
                && r.clinical_date
                    .as_deref()
                    .is_some_and(|d| d >= "2012-03-01" && &d[..10] <= "2015-06-01")
        },
        40,
    );
    let mut dated_search = f(&[], &[], &["common"]);
    dated_search.to = Some("2013-12-31".into());
    check_paging(
        v,
        &dated_search,
        &|r| {
            has(r, "common")
                && r.clinical_date
                    .as_deref()
                    .is_some_and(|d| &d[..10] <= "2013-12-31")
        },
        100,
    );
    // Page size 1 crosses every boundary, including the dated/undated one.
    check_paging(
        v,
        &f(&["other"], &["import"], &["rare"]),
        &|r| r.category == "other" && r.source == "import" && has(r, "rare"),
        1,
    );
}

#[test]
fn search_matches_codes_names_without_accents_and_nothing_for_punctuation() {
    let fx = fixture(200);
    let v = &fx.vault;
    let search = |w: &str| {
        let f = RecordFilter {
            words: vec![w.into()],
            ..RecordFilter::default()
        };
        v.records_count(&f).unwrap()
    };
    assert_eq!(search("1007-4"), 2); // one per source
    assert_eq!(search("1007"), 2);
    assert_eq!(search("zoe nunez"), 200);
    assert_eq!(search("ÑÚÑ"), 200);
    assert_eq!(search("item1"), 2 * 11); // item1, item10..item19
    assert_eq!(search("\"); DROP TABLE resources; --"), 0);
    assert!(fts_query(&RecordFilter {
        words: vec!["-- ! ?".into()],
        ..RecordFilter::default()
    })
    .is_none());
    // Facet tokens are not words a search can hit.
    assert_eq!(search("catlabs"), 0);
}

#[test]
fn a_changed_row_replaces_its_search_words_and_values() {
    let fx = fixture(8);
    let mut v = fx.vault;
    let mut codec = JsonCodec::new().unwrap();
    let body = r#"{"resourceType":"Observation","id":"changed"}"#;
    let (sha256, raw_zstd) = codec.encode(body.as_bytes()).unwrap();
    let row = ResourceRow {
        resource_type: "Observation".into(),
        resource_id: "o1".into(),
        version_id: None,
        last_updated: None,
        category: "vitals",
        clinical_date: Some("2024-01-01".into()),
        code: None,
        display: None,
        fhir_version: "R4",
        sha256,
        raw_len: body.len(),
        raw_zstd,
        index: RecordIndex {
            summary: "replaced".into(),
            ..RecordIndex::default()
        },
    };
    let meta = BatchMeta {
        source: "import",
        origin: "t",
        fetched_at: "2026-01-02T00:00:00Z",
    };
    let before = v.value_points("http://loinc.org|29463-7").unwrap().len();
    // The series list is cached: the write must make it read again.
    let series_before = v.value_series(None).unwrap()[0].count;
    assert_eq!(v.write_batch(&meta, &[row]).unwrap().updated, 1);
    assert_eq!(v.value_series(None).unwrap()[0].count, series_before - 1);
    let words = |w: &str| RecordFilter {
        words: vec![w.into()],
        ..RecordFilter::default()
    };
    assert_eq!(v.records_count(&words("replaced")).unwrap(), 1);
    assert_eq!(v.records_count(&words("item1")).unwrap(), 1); // only the other source's now
    assert_eq!(
        v.value_points("http://loinc.org|29463-7").unwrap().len(),
        before - 1
    );
    let pk = v
        .find_record(Some("import"), "Observation", "o1")
        .unwrap()
        .unwrap();
    assert_eq!(v.record_versions(pk).unwrap().len(), 1);
    let old = v
        .record_version_raw(pk, v.record_versions(pk).unwrap()[0].version_pk)
        .unwrap()
        .unwrap();
    assert!(String::from_utf8(old).unwrap().contains("import-1"));
    assert_eq!(v.record_body(pk).unwrap().unwrap().raw, body.as_bytes());
}

#[test]
fn sources_statuses_series_and_lookups() {
    let fx = fixture(400);
    let v = &fx.vault;
    assert_eq!(
        v.record_sources().unwrap(),
        vec![
            ("connection:c1".to_owned(), 200),
            ("import".to_owned(), 200)
        ]
    );
    let active = v
        .records_with_status("labs", &["active"], false, 1000)
        .unwrap();
    assert_eq!(active.len(), 100);
    assert!(active
        .windows(2)
        .all(|w| query::order(&w[0], &w[1]).is_lt()));
    let series = v.value_series(None).unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].count, 100);
    assert_eq!(series[0].units.iter().map(|(_, n)| n).sum::<u64>(), 100);
    assert_eq!(series[0].units.len(), 2);
    let points = v.value_points("http://loinc.org|29463-7").unwrap();
    assert_eq!(points.len(), 100);
    assert!(points.windows(2).all(|w| w[0].1.date <= w[1].1.date));
    assert_eq!(v.resource_types().unwrap(), vec!["Observation".to_owned()]);
    let pk = v.find_record(None, "Observation", "o3").unwrap().unwrap();
    assert!(v.find_record_by_id("import", "o3").unwrap().is_some());
    assert!(v.record_row(pk).unwrap().is_some());
    assert!(v.find_record(None, "Patient", "o3").unwrap().is_none());
    let unique: BTreeSet<_> = all_rows(v).iter().map(|r| r.pk).collect();
    assert_eq!(unique.len(), 400);
}

#[test]
fn a_vault_from_before_the_records_migration_is_marked_and_backfilled() {
    use rusqlite_migration::{Migrations, M};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.db");
    let key = Key::random().unwrap();
    {
        let old = Migrations::new(vec![
            M::up(include_str!("../../migrations/vault/0001_resources.sql")),
            M::up(include_str!("../../migrations/vault/0002_connections.sql")),
            M::up(include_str!("../../migrations/vault/0003_sync.sql")),
        ]);
        let conn = crate::db::open(&path, &key, crate::db::Mode::Create, 2048, &old).unwrap();
        let mut codec = JsonCodec::new().unwrap();
        for i in 0..25 {
            let body = format!(r#"{{"resourceType":"Condition","id":"c{i}","word":"w{i}"}}"#);
            let (sha, packed) = codec.encode(body.as_bytes()).unwrap();
            conn.execute(
                "INSERT INTO resources (source, origin, resource_type, resource_id, category, clinical_date,
                   fhir_version, sha256, raw_len, fetched_at)
                 VALUES ('import', 'f', 'Condition', ?1, 'condition', '2020-01-01', 'R4', ?2, ?3, 'now')",
                rusqlite::params![format!("c{i}"), &sha[..], body.len() as i64],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO resource_bodies (resource_pk, raw_zstd) VALUES (last_insert_rowid(), ?1)",
                rusqlite::params![packed],
            )
            .unwrap();
        }
    }
    let mut v = Vault::open(&path, &key).unwrap();
    assert!(v.records_backfill_pending().unwrap());
    let mut seen = Vec::new();
    let done = v
        .records_backfill(10, &mut |category, raw| {
            seen.push(category.to_owned());
            let text = String::from_utf8(raw.to_vec()).unwrap();
            let word = text
                .split("\"word\":\"")
                .nth(1)
                .unwrap()
                .trim_end_matches("\"}")
                .to_owned();
            RecordIndex {
                summary: format!("summary {word}"),
                status: Some("active".into()),
                ..RecordIndex::default()
            }
        })
        .unwrap();
    assert_eq!(done, 25);
    assert!(seen.iter().all(|c| c == "condition"));
    assert!(!v.records_backfill_pending().unwrap());
    let f = RecordFilter {
        words: vec!["w17".into()],
        ..RecordFilter::default()
    };
    let rows = v.records_page(&f, None, 10).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].summary.as_deref(), Some("summary w17"));
    assert_eq!(
        v.records_with_status("condition", &["active"], false, 100)
            .unwrap()
            .len(),
        25
    );
    // A new vault has nothing to backfill.
    let fresh = Vault::create(&dir.path().join("new.db"), &Key::random().unwrap()).unwrap();
    assert!(!fresh.records_backfill_pending().unwrap());
}
