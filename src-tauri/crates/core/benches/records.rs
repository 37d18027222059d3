//! Record views on a generated 100,000-resource vault: p50/p95 latency from the
//! core (`Session`, as the shell calls it) of the first timeline page, a later
//! page by cursor, a category filter, searches (a common word and a code), a
//! category table page, a chart series and the dashboard. "warm" repeats the
//! same request (counts cached, as when paging); "cold" forgets the cached
//! counts before each call (the first request after a write). Target: p95 ≤ 10 ms.
//! Run: `cargo bench -p ownchart-core --bench records`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use ownchart_core::import::ImportOptions;
use ownchart_core::overview::ProtectionMode;
use ownchart_core::records::RecordQuery;
use ownchart_core::session::{Session, SessionConfig};
use ownchart_synth::Generator;
use ownchart_vault::Passphrase;

const RESOURCES: usize = 100_000;
const ROUNDS: usize = 200;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Bench<'a> {
    session: &'a mut Session,
}

impl Bench<'_> {
    /// (p50, p95) over `ROUNDS` calls; with `cold`, cached counts are dropped first.
    fn run(&mut self, cold: bool, f: &mut dyn FnMut(&mut Session, usize)) -> (Duration, Duration) {
        f(self.session, 0); // warm the page cache and prepared statements
        let mut times = Vec::with_capacity(ROUNDS);
        for i in 0..ROUNDS {
            if cold {
                self.session.opened().unwrap().vault.forget_cached_counts();
            }
            let t = Instant::now();
            f(self.session, i);
            times.push(t.elapsed());
        }
        times.sort();
        (percentile(&times, 0.5), percentile(&times, 0.95))
    }
}

/// What the write path pays per resource for its summary, search words and
/// chart values (the slim parse + display helpers), against a full parse
/// into `serde_json::Value` of the same bytes.
fn write_time_summaries(n: usize) {
    use ownchart_fhir::Category;
    let raws: Vec<Vec<u8>> = Generator::new(1).resources(n).collect();
    let mb = raws.iter().map(Vec::len).sum::<usize>() as f64 / 1e6;
    let cats: Vec<Category> = raws
        .iter()
        .map(|r| {
            let raw: &serde_json::value::RawValue = serde_json::from_slice(r).unwrap();
            ownchart_fhir::extract(raw).unwrap().category
        })
        .collect();
    let t = Instant::now();
    for r in &raws {
        std::hint::black_box(serde_json::from_slice::<serde_json::Value>(r).unwrap());
    }
    let full = t.elapsed();
    let t = Instant::now();
    for (r, c) in raws.iter().zip(&cats) {
        std::hint::black_box(ownchart_core::records::index::index_of(*c, r));
    }
    let summary = t.elapsed();
    println!(
        "write-time summaries: {:.3} s for {n} resources ({:.0} MB/s, {:.1} µs each); a full parse into Value alone: {:.3} s ({:.0} MB/s)",
        summary.as_secs_f64(),
        mb / summary.as_secs_f64(),
        summary.as_secs_f64() * 1e6 / n as f64,
        full.as_secs_f64(),
        mb / full.as_secs_f64()
    );
}

fn main() {
    let resources = std::env::var("OWNCHART_BENCH_RESOURCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RESOURCES);
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("record.json");
    std::fs::write(&file, Generator::new(1).bundle(resources)).unwrap();
    write_time_summaries(resources);
    let mut session = Session::start(SessionConfig {
        data_dir: tmp.path().join("data"),
        keyring_service: "org.ownchart.bench.unused".into(),
    })
    .unwrap();
    session
        .create(
            ProtectionMode::Passphrase,
            Some(Passphrase::new("bench passphrase".into())),
        )
        .unwrap();
    let t = Instant::now();
    session
        .import(&[file], &ImportOptions::default(), &mut |_| {})
        .unwrap();
    println!(
        "vault: {resources} resources imported in {:.2} s",
        t.elapsed().as_secs_f64()
    );

    let page = |limit| RecordQuery {
        limit,
        ..RecordQuery::default()
    };
    // Cursors at several depths of the timeline, for the "later page" case.
    let mut cursors = Vec::new();
    let mut q = page(100);
    for i in 0..120 {
        let p = session.records_timeline(&q).unwrap();
        let Some(c) = p.next_cursor else { break };
        if i % 6 == 5 {
            cursors.push(c.clone());
        }
        q.cursor = Some(c);
    }
    let labs = RecordQuery {
        categories: vec!["labs".into()],
        ..page(100)
    };
    let common = RecordQuery {
        text: Some("blood".into()),
        ..page(100)
    };
    let code = RecordQuery {
        text: Some("4548-4".into()),
        ..page(100)
    };
    let series = session.records_series().unwrap();
    let biggest = series.iter().max_by_key(|s| s.count).unwrap().clone();
    let first = session.records_timeline(&page(100)).unwrap();
    let sample_keys: Vec<String> = first.items.iter().map(|i| i.key.clone()).collect();
    println!(
        "search matches: \"blood\" {}, \"4548-4\" {}; labs {}; chart series {} ({} points)",
        session.records_timeline(&common).unwrap().total,
        session.records_timeline(&code).unwrap().total,
        session.records_timeline(&labs).unwrap().total,
        biggest.label,
        biggest.count
    );

    let mut b = Bench {
        session: &mut session,
    };
    type Case<'c> = (&'c str, Box<dyn FnMut(&mut Session, usize) + 'c>);
    let cases: Vec<Case<'_>> = vec![
        (
            "timeline, first page (100)",
            Box::new(|s: &mut Session, _| {
                s.records_timeline(&page(100)).unwrap();
            }),
        ),
        (
            "timeline, later page by cursor",
            Box::new(|s: &mut Session, i| {
                let q = RecordQuery {
                    cursor: Some(cursors[i % cursors.len()].clone()),
                    ..page(100)
                };
                s.records_timeline(&q).unwrap();
            }),
        ),
        (
            "category filter: labs",
            Box::new(|s: &mut Session, _| {
                s.records_timeline(&labs).unwrap();
            }),
        ),
        (
            "search: common word \"blood\"",
            Box::new(|s: &mut Session, _| {
                s.records_timeline(&common).unwrap();
            }),
        ),
        (
            "search: code \"4548-4\"",
            Box::new(|s: &mut Session, _| {
                s.records_timeline(&code).unwrap();
            }),
        ),
        (
            "category table: labs (100 rows)",
            Box::new(|s: &mut Session, _| {
                s.records_category("labs", &page(100)).unwrap();
            }),
        ),
        (
            "chart series (largest)",
            Box::new(|s: &mut Session, _| {
                s.records_chart(&biggest.code).unwrap();
            }),
        ),
        (
            "dashboard",
            Box::new(|s: &mut Session, _| {
                s.records_dashboard().unwrap();
            }),
        ),
        (
            "series list",
            Box::new(|s: &mut Session, _| {
                s.records_series().unwrap();
            }),
        ),
        (
            "record detail",
            Box::new(|s: &mut Session, i| {
                s.record_detail(&sample_keys[i % sample_keys.len()])
                    .unwrap();
            }),
        ),
    ];
    println!();
    println!(
        "| query ({resources} resources) | warm p50 ms | warm p95 ms | cold p50 ms | cold p95 ms |"
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, mut f) in cases {
        let (w50, w95) = b.run(false, &mut *f);
        let (c50, c95) = b.run(true, &mut *f);
        println!(
            "| {name} | {:.2} | {:.2} | {:.2} | {:.2} |",
            ms(w50),
            ms(w95),
            ms(c50),
            ms(c95)
        );
    }
}
