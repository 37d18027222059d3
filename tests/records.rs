//! The records use cases through `Session` on a real passphrase vault: a
//! generated record imported, the whole timeline paged by cursor, filters,
//! search by word prefix and by code, details with resolved references and
//! sanitized hostile narratives, attachments shown and saved, charts, the
//! dashboard, the index built for a vault from before it existed, and every
//! resource of the public Synthea patients (when ../shared/fixtures exists).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ownchart_core::import::ImportOptions;
use ownchart_core::overview::ProtectionMode;
use ownchart_core::records::{AttachmentKind, DetailField, RecordItem, RecordQuery};
use ownchart_core::session::{Session, SessionConfig};
use ownchart_synth::Generator;
use ownchart_vault::Passphrase;
use serde_json::Value;

const PASS: &str = "records test passphrase";

struct World {
    dir: tempfile::TempDir,
    session: Session,
}

fn start(dir: &Path) -> Session {
    Session::start(SessionConfig {
        data_dir: dir.join("data"),
        keyring_service: "org.ownchart.test.unused".into(),
    })
    .unwrap()
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let mut session = start(dir.path());
    session
        .create(
            ProtectionMode::Passphrase,
            Some(Passphrase::new(PASS.into())),
        )
        .unwrap();
    World { dir, session }
}

impl World {
    fn import(&mut self, name: &str, bytes: &[u8]) {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        self.import_path(&path);
    }

    fn import_path(&mut self, path: &Path) {
        self.session
            .import(
                &[path.to_path_buf()],
                &ImportOptions::default(),
                &mut |_| {},
            )
            .unwrap();
    }

    /// Every item of a query, page by page, checking each page's shape.
    fn all(&mut self, q: &RecordQuery) -> Vec<RecordItem> {
        let mut q = q.clone();
        let mut items: Vec<RecordItem> = Vec::new();
        let first_total = self.session.records_timeline(&q).unwrap().total;
        loop {
            let page = self.session.records_timeline(&q).unwrap();
            assert_eq!(
                page.total, first_total,
                "the total is the same on every page"
            );
            assert!(page.items.len() <= q.limit.max(1) as usize);
            items.extend(page.items);
            match page.next_cursor {
                Some(c) => q.cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(items.len() as u64, first_total);
        items
    }

    fn key_of(&mut self, resource_type: &str, id: &str) -> String {
        let q = RecordQuery {
            text: None,
            limit: 500,
            ..RecordQuery::default()
        };
        self.all(&q)
            .into_iter()
            .find(|i| i.resource_type == resource_type && i.resource_id == id)
            .unwrap_or_else(|| panic!("{resource_type}/{id} not found"))
            .key
    }
}

fn query(limit: u32) -> RecordQuery {
    RecordQuery {
        limit,
        ..RecordQuery::default()
    }
}

fn newest_first(items: &[RecordItem]) {
    for w in items.windows(2) {
        match (&w[0].date, &w[1].date) {
            (Some(a), Some(b)) => assert!(a >= b, "{a} before {b}"),
            (None, Some(_)) => panic!("an undated record before a dated one"),
            _ => {}
        }
    }
}

fn resources(bundle: &[u8]) -> Vec<Value> {
    let v: Value = serde_json::from_slice(bundle).unwrap();
    v["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"].clone())
        .collect()
}

fn find_field<'a>(fields: &'a [DetailField], label: &str) -> Option<&'a DetailField> {
    fields.iter().find(|f| f.label == label)
}

const N: usize = 700;

/// Standard base64 (the test's own, independent of the app's decoder).
fn base64_decode(s: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        bits = (bits << 6) | alphabet.iter().position(|a| *a == c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    out
}

#[test]
fn the_timeline_pages_filters_and_searches_a_generated_record() {
    let mut w = world();
    let generator = Generator::new(11);
    let bundle = generator.bundle(N);
    w.import("record.json", &bundle);
    let overview = w.session.overview().unwrap();
    assert_eq!(overview.total, N as u64);

    // Every record exactly once, newest first, whatever the page size.
    for limit in [1, 37, 500] {
        let items = w.all(&query(limit));
        let keys: BTreeSet<_> = items.iter().map(|i| i.key.clone()).collect();
        assert_eq!(keys.len(), N);
        newest_first(&items);
        assert!(items.iter().all(|i| !i.summary.is_empty()
            && i.source == "import"
            && i.source_label == "Imported file"));
    }

    // Category and source filters agree with the overview's counts.
    for c in &overview.categories {
        let q = RecordQuery {
            categories: vec![c.category.clone()],
            ..query(100)
        };
        let items = w.all(&q);
        assert_eq!(items.len() as u64, c.count, "{}", c.category);
        assert!(items
            .iter()
            .all(|i| i.category == c.category && i.category_label == c.label));
        newest_first(&items);
    }
    let two = RecordQuery {
        categories: vec!["labs".into(), "vitals".into()],
        ..query(50)
    };
    let labs_vitals = w.all(&two);
    newest_first(&labs_vitals);
    assert_eq!(
        w.all(&RecordQuery {
            sources: vec!["import".into()],
            ..query(200)
        })
        .len(),
        N
    );
    assert!(w
        .all(&RecordQuery {
            sources: vec!["connection:none".into()],
            ..query(200)
        })
        .is_empty());
    let sources = w.session.records_sources().unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(
        (sources[0].source.as_str(), sources[0].count),
        ("import", N as u64)
    );

    // A date range keeps only dated records inside it, both ends included.
    let dated = w.all(&RecordQuery {
        from: Some("2015-01-01".into()),
        to: Some("2018-12-31".into()),
        ..query(100)
    });
    assert!(!dated.is_empty());
    assert!(dated.iter().all(|i| {
        let d = i.date.as_deref().unwrap();
        d >= "2015-01-01" && &d[..10] <= "2018-12-31"
    }));

    // Search: by the start of a word of a summary, and by a code.
    let all_resources = resources(&bundle);
    let lab = all_resources
        .iter()
        .find(|r| {
            r["resourceType"] == "Observation"
                && r["category"].to_string().contains("laboratory")
                && r["valueQuantity"].is_object()
        })
        .unwrap();
    let lab_id = lab["id"].as_str().unwrap();
    let lab_key = w.key_of("Observation", lab_id);
    let summary = w.session.record_detail(&lab_key).unwrap().item.summary;
    let word: String = summary
        .split_whitespace()
        .find(|w| w.chars().count() >= 4)
        .unwrap()
        .chars()
        .take(4)
        .collect();
    let found = w.all(&RecordQuery {
        text: Some(word.to_lowercase()),
        ..query(100)
    });
    assert!(
        found.iter().any(|i| i.key == lab_key),
        "{word} did not find {summary}"
    );
    let code = lab["code"]["coding"][0]["code"].as_str().unwrap();
    let by_code = w.all(&RecordQuery {
        text: Some(code.into()),
        ..query(100)
    });
    assert!(by_code.iter().any(|i| i.key == lab_key), "code {code}");
    let expected_by_code = all_resources
        .iter()
        .filter(|r| r.to_string().contains(&format!("\"code\":\"{code}\"")))
        .count();
    assert!(!by_code.is_empty() && by_code.len() <= expected_by_code + 5);
    let labs_only = w.all(&RecordQuery {
        text: Some(code.into()),
        categories: vec!["vitals".into()],
        ..query(100)
    });
    assert!(labs_only.iter().all(|i| i.category == "vitals"));
    assert!(w
        .all(&RecordQuery {
            text: Some("zzzqqqxxx".into()),
            ..query(10)
        })
        .is_empty());

    // A cursor from elsewhere is refused in plain words, not a crash.
    let bad = w.session.records_timeline(&RecordQuery {
        cursor: Some("nonsense".into()),
        ..query(10)
    });
    assert_eq!(bad.unwrap_err().code(), "invalid_cursor");
}

#[test]
fn details_resolve_references_sanitize_narratives_and_show_attachments() {
    let mut w = world();
    let generator = Generator::new(5);
    let bundle = generator.bundle(N);
    w.import("record.json", &bundle);
    let all_resources = resources(&bundle);
    let patient_key = w.key_of("Patient", generator.patient_id());

    // References resolve to records in the vault.
    let obs = all_resources
        .iter()
        .find(|r| r["resourceType"] == "Observation")
        .unwrap();
    let key = w.key_of("Observation", obs["id"].as_str().unwrap());
    let detail = w.session.record_detail(&key).unwrap();
    let subject = find_field(&detail.fields, "Patient").unwrap();
    assert_eq!(subject.reference.as_deref(), Some(patient_key.as_str()));
    assert!(!detail.title.is_empty());
    assert!(detail
        .raw_json
        .contains(&format!("\"id\": \"{}\"", obs["id"].as_str().unwrap())));
    assert_eq!(detail.provenance.versions.len(), 1);
    assert!(detail.provenance.versions[0].current);
    assert!(detail.provenance.origin.ends_with("record.json"));
    assert_eq!(
        w.session.record_version_json(&key, 0).unwrap(),
        detail.raw_json
    );
    assert_eq!(
        w.session.record_version_json(&key, 1).unwrap_err().code(),
        "record_not_found"
    );

    // Hostile narratives come back inert.
    let hostile: Vec<&Value> = all_resources
        .iter()
        .filter(|r| {
            r["text"]["div"]
                .as_str()
                .is_some_and(|d| d.contains("<script") || d.contains("onerror"))
        })
        .collect();
    assert!(
        !hostile.is_empty(),
        "the generator plants hostile narratives"
    );
    for r in hostile {
        let k = w.key_of(
            r["resourceType"].as_str().unwrap(),
            r["id"].as_str().unwrap(),
        );
        let d = w.session.record_detail(&k).unwrap();
        let html = d.narrative_html.unwrap().to_lowercase();
        for bad in [
            "<script",
            "onerror",
            "onload",
            "javascript:",
            "<iframe",
            "<base",
            "http-equiv=\"refresh",
            "url(",
        ] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(d.narrative_links.iter().all(|l| l.starts_with("http")));
    }

    // Attachments: inline HTML sanitized; an inline one saves byte for byte.
    let doc = all_resources
        .iter()
        .find(|r| {
            r["resourceType"] == "DocumentReference"
                && r["content"][0]["attachment"]["data"].is_string()
        })
        .unwrap();
    let doc_key = w.key_of("DocumentReference", doc["id"].as_str().unwrap());
    let d = w.session.record_detail(&doc_key).unwrap();
    assert!(!d.attachments.is_empty() && d.attachments[0].available);
    let content = w.session.record_attachment(&doc_key, 0).unwrap();
    match content.kind {
        AttachmentKind::Html => assert!(!content.html.unwrap().to_lowercase().contains("<script")),
        AttachmentKind::Text => assert!(content.text.is_some()),
        AttachmentKind::Pdf => assert!(content.data_base64.is_none()),
        other => panic!("unexpected {other:?}"),
    }
    let out = w.dir.path().join("saved.bin");
    w.session.record_attachment_save(&doc_key, 0, &out).unwrap();
    let data = doc["content"][0]["attachment"]["data"].as_str().unwrap();
    let expected = base64_decode(data);
    assert_eq!(std::fs::read(&out).unwrap(), expected);
    assert!(w
        .session
        .ledger_entries()
        .unwrap()
        .iter()
        .any(|e| e.event == "ATTACHMENT_SAVED"));
    assert_eq!(
        w.session
            .record_attachment(&doc_key, 99)
            .unwrap_err()
            .code(),
        "attachment_unavailable"
    );
    // An attachment that lives in a Binary never downloaded is unavailable.
    if let Some(by_url) = all_resources.iter().find(|r| {
        r["resourceType"] == "DocumentReference" && r["content"][0]["attachment"]["url"].is_string()
    }) {
        let k = w.key_of("DocumentReference", by_url["id"].as_str().unwrap());
        let d = w.session.record_detail(&k).unwrap();
        assert!(!d.attachments[0].available);
        assert_eq!(
            w.session.record_attachment(&k, 0).unwrap_err().code(),
            "attachment_unavailable"
        );
    }
    assert_eq!(
        w.session.record_detail("999999").unwrap_err().code(),
        "record_not_found"
    );
    assert_eq!(
        w.session.record_detail("x").unwrap_err().code(),
        "record_not_found"
    );
}

#[test]
fn category_tables_charts_and_the_dashboard() {
    let mut w = world();
    w.import("record.json", &Generator::new(3).bundle(N));
    let overview = w.session.overview().unwrap();
    for c in &overview.categories {
        let mut q = query(64);
        let mut rows = 0u64;
        loop {
            let t = w.session.records_category(&c.category, &q).unwrap();
            assert_eq!(t.total, c.count);
            for r in &t.rows {
                assert_eq!(r.cells.len(), t.columns.len());
            }
            if c.count > 0 && rows == 0 {
                assert!(
                    t.rows.iter().any(|r| r.cells[0].is_some()),
                    "{}: first column empty",
                    c.category
                );
            }
            rows += t.rows.len() as u64;
            match t.next_cursor {
                Some(cur) => q.cursor = Some(cur),
                None => break,
            }
        }
        assert_eq!(rows, c.count, "{}", c.category);
    }
    assert_eq!(
        w.session
            .records_category("nonsense", &query(10))
            .unwrap_err()
            .code(),
        "unknown_category"
    );

    let series = w.session.records_series().unwrap();
    assert!(
        series.iter().any(|s| s.category == "vitals")
            && series.iter().any(|s| s.category == "labs")
    );
    // Blood pressure panels chart as systolic and diastolic.
    assert!(series.iter().any(|s| s.code.ends_with("|8480-6")));
    for s in &series {
        let chart = w.session.records_chart(&s.code).unwrap();
        assert_eq!(
            chart.points.len() as u64 + chart.skipped,
            s.count,
            "{}",
            s.code
        );
        assert!(chart.points.windows(2).all(|p| p[0].date <= p[1].date));
        assert_eq!(chart.unit, s.unit);
    }
    let dash = w.session.records_dashboard().unwrap();
    assert_eq!(dash.total, N as u64);
    assert_eq!(dash.recent.len(), 10);
    assert!(
        !dash.latest_vitals.is_empty() && dash.latest_vitals.iter().all(|v| v.category == "vitals")
    );
    assert!(dash
        .active_problems
        .iter()
        .all(|i| i.category == "condition"
            && matches!(
                i.status.as_deref(),
                Some("active" | "recurrence" | "relapse")
            )));
    assert!(dash
        .active_medications
        .iter()
        .all(|i| i.category.starts_with("medication_")));
    assert!(dash
        .allergies
        .iter()
        .all(|i| i.category == "allergy_intolerance"));
}

#[test]
fn a_vault_from_before_the_records_index_gets_it_on_first_use() {
    let mut w = world();
    w.import("record.json", &Generator::new(9).bundle(300));
    let before = w.all(&query(500));
    let search = RecordQuery {
        text: Some(
            before[0]
                .summary
                .split_whitespace()
                .next()
                .unwrap()
                .to_owned(),
        ),
        ..query(500)
    };
    let found_before = w.all(&search).len();
    w.session
        .opened_mut()
        .unwrap()
        .vault
        .records_forget_index_for_tests()
        .unwrap();
    drop(w.session);
    // Reopened as the app would after an update that brought the migration.
    let mut session = start(w.dir.path());
    session.unlock(Some(Passphrase::new(PASS.into()))).unwrap();
    w.session = session;
    assert!(w
        .session
        .opened()
        .unwrap()
        .vault
        .records_backfill_pending()
        .unwrap());
    let after = w.all(&query(500));
    assert_eq!(after, before);
    assert_eq!(w.all(&search).len(), found_before);
    assert!(!w
        .session
        .opened()
        .unwrap()
        .vault
        .records_backfill_pending()
        .unwrap());
}

fn fixture_files(kind: &str) -> Option<Vec<PathBuf>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    Some(files)
}

#[test]
fn every_synthea_resource_has_a_summary_and_a_detail() {
    let (Some(r4), Some(dstu2)) = (fixture_files("r4-synthea"), fixture_files("dstu2-synthea"))
    else {
        eprintln!("synthea records: skipped (../shared/fixtures is not here)");
        return;
    };
    for files in [r4, dstu2] {
        let mut w = world();
        for f in &files {
            w.import_path(f);
        }
        let total = w.session.overview().unwrap().total;
        let items = w.all(&query(500));
        assert_eq!(items.len() as u64, total);
        let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
        for item in &items {
            assert!(
                !item.summary.trim().is_empty(),
                "{}/{}",
                item.resource_type,
                item.resource_id
            );
            let d = w
                .session
                .record_detail(&item.key)
                .unwrap_or_else(|e| panic!("{}/{}: {e}", item.resource_type, item.resource_id));
            assert!(
                !d.title.is_empty() && !d.fields.is_empty(),
                "{}/{}",
                item.resource_type,
                item.resource_id
            );
            if let Some(html) = d.narrative_html {
                assert!(!html.to_lowercase().contains("<script"));
            }
            *by_type.entry(item.resource_type.clone()).or_default() += 1;
        }
        assert!(by_type.len() > 5, "{by_type:?}");
        for c in w.session.overview().unwrap().categories {
            let t = w
                .session
                .records_category(&c.category, &query(500))
                .unwrap();
            assert_eq!(t.total, c.count);
        }
        assert!(!w.session.records_series().unwrap().is_empty());
        w.session.records_dashboard().unwrap();
    }
}
