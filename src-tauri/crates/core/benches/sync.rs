//! The sync engine's two speed targets, each against its floor in the same run:
//!
//! 1. Wall time of a sync of a 20,000-resource patient from the project's
//!    portal with 100 ms of latency on every request, vs. a sequential sync of
//!    the same record (one request at a time, same pages). Target ≤ 0.25×.
//! 2. Ingest CPU: end-to-end page processing (parse → check → categorize →
//!    hash → compress → encrypted insert, one transaction per page) vs.
//!    `serde_json` parsing the same pages into `Value` alone. Target ≥ 0.7×.
//!
//! Peak memory (VmHWM) is printed after each part. Run:
//! `cargo bench -p ownchart-core --bench sync` (OWNCHART_BENCH_RESOURCES and
//! OWNCHART_BENCH_LATENCY_MS change the record size and the latency).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ownchart_core::connect::{ConnectConfig, Connector, LoginOutcome, PortalTarget, RedirectKind};
use ownchart_core::overview::ProtectionMode;
use ownchart_core::session::{Session, SessionConfig};
use ownchart_core::sync::{
    ingest_page, PageRules, SyncConfig, SyncEngine, SyncOutcome, SyncRequest,
};
use ownchart_fhir::FhirVersion;
use ownchart_portal::{person, Faults, PortalConfig, PortalUser, RunningPortal};
use ownchart_synth::Generator;
use ownchart_vault::{BatchMeta, Passphrase, SyncPage, SyncQueryRecord, SyncRunRecord};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn session(dir: &std::path::Path) -> Arc<Mutex<Session>> {
    let mut s = Session::start(SessionConfig {
        data_dir: dir.to_owned(),
        keyring_service: "org.ownchart.bench.unused".into(),
    })
    .unwrap();
    s.create(
        ProtectionMode::Passphrase,
        Some(Passphrase::new("bench passphrase".into())),
    )
    .unwrap();
    Arc::new(Mutex::new(s))
}

/// Connects a fresh vault to the portal and syncs it with `concurrency`.
fn timed_sync(
    rt: &tokio::runtime::Runtime,
    portal: &RunningPortal,
    dir: &std::path::Path,
    concurrency: usize,
) -> (Duration, u64) {
    let vault = session(dir);
    let (tx, rx) = std::sync::mpsc::channel::<url::Url>();
    let tx = Mutex::new(tx);
    let connector = Connector::new(
        ConnectConfig::default(),
        vault.clone(),
        Arc::new(move |u: &url::Url| {
            tx.lock().unwrap().send(u.clone()).unwrap();
            Ok(())
        }),
        Arc::new(|_: &ownchart_core::connect::LoginFinished| {}),
    )
    .unwrap();
    let target = PortalTarget {
        name: "Bench".into(),
        fhir_base: url::Url::parse(&portal.fhir_base_r4()).unwrap(),
        directory_id: None,
    };
    rt.block_on(connector.start_login(target, None, RedirectKind::DeepLink, None))
        .unwrap();
    let authorize = rx.recv().unwrap();
    let callback = rt
        .block_on(person::log_in(authorize.as_str(), "demo", "demo", true))
        .unwrap();
    let done = rt
        .block_on(connector.complete_login(&callback, RedirectKind::DeepLink))
        .unwrap();
    assert!(matches!(done.result, LoginOutcome::Connected { .. }));
    let engine = SyncEngine::new(
        SyncConfig {
            concurrency,
            ..SyncConfig::default()
        },
        connector,
        vault.clone(),
        Arc::new(|_| {}),
    )
    .unwrap();
    let t = Instant::now();
    let reports = rt.block_on(engine.run(SyncRequest::default())).unwrap();
    let wall = t.elapsed();
    assert_eq!(
        reports[0].outcome,
        SyncOutcome::Complete,
        "{:?}",
        reports[0].error_data
    );
    let n = vault
        .lock()
        .unwrap()
        .opened()
        .unwrap()
        .vault
        .resource_count()
        .unwrap();
    (wall, n)
}

/// The record as searchset pages of up to 200 resources of one type, like a
/// portal sends them.
fn pages(resources: usize) -> Vec<(String, Vec<u8>)> {
    let mut by_type: std::collections::BTreeMap<String, Vec<Vec<u8>>> = Default::default();
    for r in Generator::new(3).resources(resources) {
        let head: serde_json::Value = serde_json::from_slice(&r).unwrap();
        let t = head["resourceType"].as_str().unwrap().to_owned();
        by_type.entry(t).or_default().push(r);
    }
    let mut out = Vec::new();
    for (t, all) in by_type {
        for chunk in all.chunks(200) {
            let mut page = br#"{"resourceType":"Bundle","type":"searchset","entry":["#.to_vec();
            for (i, r) in chunk.iter().enumerate() {
                if i > 0 {
                    page.push(b',');
                }
                page.extend_from_slice(br#"{"search":{"mode":"match"},"resource":"#);
                page.extend_from_slice(r);
                page.push(b'}');
            }
            page.extend_from_slice(b"]}");
            out.push((t.clone(), page));
        }
    }
    out
}

fn main() {
    let resources = env_or("OWNCHART_BENCH_RESOURCES", 20_000) as usize;
    let latency = env_or("OWNCHART_BENCH_LATENCY_MS", 100);
    let tmp = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // 1. Wall time against the sequential floor.
    let portal = RunningPortal::start_background(PortalConfig::with_users(vec![PortalUser::new(
        "demo", "demo", 3, resources,
    )]))
    .unwrap();
    portal.set_faults(Faults {
        latency: Some(Duration::from_millis(latency)),
        ..Faults::default()
    });
    let (ours, n1) = timed_sync(
        &rt,
        &portal,
        &tmp.path().join("ours"),
        SyncConfig::default().concurrency,
    );
    let requests_ours = portal.stats().fhir_requests;
    portal.reset_stats();
    let (sequential, n2) = timed_sync(&rt, &portal, &tmp.path().join("sequential"), 1);
    let requests_seq = portal.stats().fhir_requests;
    assert_eq!(n1, n2);
    println!("sync of {resources} resources ({n1} stored) with {latency} ms latency per request:");
    println!(
        "  ownchart (concurrency {}): {:>7.2} s, {requests_ours} requests",
        SyncConfig::default().concurrency,
        ours.as_secs_f64()
    );
    println!(
        "  sequential (one at a time): {:>7.2} s, {requests_seq} requests",
        sequential.as_secs_f64()
    );
    println!(
        "  ratio: {:.3}× (target ≤ 0.25×)",
        ours.as_secs_f64() / sequential.as_secs_f64()
    );
    println!("  peak RSS so far: {:.0} MB", peak_rss_mb());

    // 2. Ingest CPU against serde_json → Value.
    let pages = pages(resources.max(20_000));
    let total: usize = pages.iter().map(|(_, p)| p.len()).sum();
    let mb = total as f64 / 1e6;
    let t = Instant::now();
    for (_, p) in &pages {
        let v: serde_json::Value = serde_json::from_slice(p).unwrap();
        std::hint::black_box(v);
    }
    let parse = t.elapsed();

    let vault = session(&tmp.path().join("ingest"));
    {
        let mut s = vault.lock().unwrap();
        let run = SyncRunRecord {
            id: "bench".into(),
            connection_id: "bench".into(),
            request: "{}".into(),
            incremental: false,
            status: String::new(),
            started_at: "2026-01-01T00:00:00Z".into(),
            finished_at: None,
            report: None,
        };
        s.opened_mut()
            .unwrap()
            .vault
            .create_sync_run(&run, &[])
            .unwrap();
    }
    let patient = Generator::new(3).patient_id().to_owned();
    let t = Instant::now();
    // As in a run: pages are processed on one thread while another commits.
    let (tx, rx) = std::sync::mpsc::sync_channel(4);
    std::thread::scope(|scope| {
        let pages = &pages;
        let patient = &patient;
        scope.spawn(move || {
            // Owning the sender: the writer's loop ends when this thread does.
            let tx = tx;
            for (t, p) in pages {
                let shared = ["Practitioner", "Organization", "Medication", "Location"];
                let rules = PageRules {
                    expected_type: t,
                    patient_id: patient,
                    fhir_base: "https://portal.example/fhir",
                    version: FhirVersion::R4,
                    dates: None,
                    in_patient_compartment: !shared.contains(&t.as_str()),
                };
                tx.send(ingest_page(p, &rules).unwrap()).unwrap();
            }
        });
        let mut s = vault.lock().unwrap();
        let v = &mut s.opened_mut().unwrap().vault;
        for page in rx {
            let q = SyncQueryRecord {
                key: "all".into(),
                state: "running".into(),
                next_url: None,
                progress: "{}".into(),
                errors: "[]".into(),
                max_last_updated: None,
            };
            let with = |_: &ownchart_vault::BatchOutcome| q.clone();
            v.write_sync_page(&SyncPage {
                meta: BatchMeta {
                    source: "connection:bench",
                    origin: "https://portal.example/fhir",
                    fetched_at: "2026-01-01T00:00:00Z",
                },
                rows: &page.rows,
                originals: &page.originals,
                quarantined: &page.quarantined,
                run_id: "bench",
                query: &with,
            })
            .unwrap();
        }
    });
    let ingest = t.elapsed();
    let stored = vault
        .lock()
        .unwrap()
        .opened()
        .unwrap()
        .vault
        .resource_count()
        .unwrap();
    assert_eq!(stored as usize, resources.max(20_000));
    println!(
        "ingest of {} pages ({mb:.1} MB, {stored} resources):",
        pages.len()
    );
    println!(
        "  serde_json → Value only:  {:>7.1} MB/s",
        mb / parse.as_secs_f64()
    );
    println!(
        "  ownchart page → vault:    {:>7.1} MB/s",
        mb / ingest.as_secs_f64()
    );
    println!(
        "  ratio: {:.2}× (target ≥ 0.70×)",
        parse.as_secs_f64() / ingest.as_secs_f64()
    );
    println!("  peak RSS: {:.0} MB", peak_rss_mb());
}
