//! The sync engine against the project's portal on 127.0.0.1:0, in process: a
//! real connection (signed in by the scripted person), a real SQLCipher vault,
//! every category, the filters, incremental re-sync, versions, DSTU2, and each
//! of the portal's fault switches ending in its documented outcome with the
//! pages before it kept (threat model N-01…N-12, TM-19, TM-20).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ownchart_core::connect::ConnectConfig;
use ownchart_core::store::connection_source;
use ownchart_core::sync::{
    CategoryState, RetryPolicy, SyncConfig, SyncEngine, SyncEvent, SyncOutcome, SyncReport,
    SyncRequest,
};
use ownchart_fhir::http::HttpLimits;
use ownchart_portal::{
    Elsewhere, Faults, HugePage, NextElsewhere, PortalConfig, PortalUser, ServerErrors,
    TooManyRequests,
};
use ownchart_synth::Generator;

use crate::connect::{world_with, World};
use crate::util::expected_category;

const SEED: u64 = 7;
const RESOURCES: usize = 500;

pub(crate) struct SyncWorld {
    pub w: World,
    pub engine: Arc<SyncEngine>,
    pub events: Arc<Mutex<Vec<SyncEvent>>>,
    pub connection_id: String,
}

/// Quick retries, small pages (so every category has several), short timeouts.
pub(crate) fn test_config() -> SyncConfig {
    SyncConfig {
        page_size: 25,
        retry: RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
            max_retry_after: Duration::from_secs(5),
        },
        http: HttpLimits {
            read_timeout: Duration::from_secs(2),
            deadline: Duration::from_secs(10),
            max_body_bytes: 4 * 1024 * 1024,
            ..HttpLimits::default()
        },
        ..SyncConfig::default()
    }
}

pub(crate) fn sync_world_with(
    users: Vec<PortalUser>,
    dstu2: bool,
    config: SyncConfig,
) -> SyncWorld {
    let mut w = world_with(PortalConfig::with_users(users), ConnectConfig::default());
    if dstu2 {
        w.base = w.portal.fhir_base_dstu2();
    }
    let connection = w.connect();
    let events = Arc::new(Mutex::new(Vec::new()));
    let log = events.clone();
    let engine = SyncEngine::new(
        config,
        w.connector.clone(),
        w.session.clone(),
        Arc::new(move |e: &SyncEvent| log.lock().unwrap().push(e.clone())),
    )
    .unwrap();
    SyncWorld {
        w,
        engine,
        events,
        connection_id: connection.id,
    }
}

fn sync_world() -> SyncWorld {
    sync_world_with(
        vec![PortalUser::new("demo", "demo", SEED, RESOURCES)],
        false,
        test_config(),
    )
}

impl SyncWorld {
    pub fn run(&self, request: SyncRequest) -> SyncReport {
        let mut reports = self.w.rt.block_on(self.engine.run(request)).unwrap();
        assert_eq!(reports.len(), 1);
        reports.remove(0)
    }

    pub fn sync_all(&self) -> SyncReport {
        self.run(SyncRequest::default())
    }

    /// Resource counts per category key in the vault.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        let s = self.w.session.lock().unwrap();
        s.opened().unwrap().vault.counts_by_category().unwrap()
    }

    pub fn by_type(&self) -> BTreeMap<String, u64> {
        let s = self.w.session.lock().unwrap();
        s.opened()
            .unwrap()
            .vault
            .counts_by_type(&connection_source(&self.connection_id))
            .unwrap()
    }

    fn versions(&self) -> u64 {
        let s = self.w.session.lock().unwrap();
        s.opened()
            .unwrap()
            .vault
            .version_count(&connection_source(&self.connection_id))
            .unwrap()
    }

    fn integrity_ok(&self) {
        let s = self.w.session.lock().unwrap();
        assert!(s
            .opened()
            .unwrap()
            .vault
            .integrity_check()
            .unwrap()
            .is_empty());
    }
}

fn category<'a>(r: &'a SyncReport, key: &str) -> &'a ownchart_core::sync::CategoryProgress {
    r.categories
        .iter()
        .find(|c| c.category == key)
        .unwrap_or_else(|| panic!("no {key} in {r:#?}"))
}

fn errors_named<'a>(r: &'a SyncReport, name: &str) -> Vec<&'a ownchart_core::sync::SyncErrorItem> {
    r.error_data
        .errors
        .iter()
        .filter(|e| e.error == name)
        .collect()
}

/// Expected per-category counts, worked out from the generator with the tests'
/// own classification (independent of the app's).
fn expected() -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for raw in Generator::new(SEED).resources(RESOURCES) {
        let v: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        *m.entry(expected_category(&v).to_owned()).or_insert(0u64) += 1;
    }
    m
}

#[test]
fn a_sync_downloads_every_category_and_a_second_one_writes_nothing() {
    let s = sync_world();
    let report = s.sync_all();
    assert_eq!(report.outcome, SyncOutcome::Complete, "{report:#?}");
    assert!(!report.incremental);
    let counts = s.counts();
    let want = expected();
    for (key, n) in &want {
        if key == "other" {
            continue;
        }
        assert_eq!(
            counts.get(key),
            Some(n),
            "category {key}: {counts:?} vs {want:?}"
        );
        if key != "patient" {
            assert_eq!(category(&report, key).resources, *n, "{key} in the report");
            assert!(category(&report, key).pages >= 1);
        }
    }
    // Records other records point to came too, and nothing of another kind.
    let by_type = s.by_type();
    for t in ["Practitioner", "Organization", "Encounter"] {
        assert!(by_type.get(t).copied().unwrap_or(0) > 0, "{t}: {by_type:?}");
    }
    assert!(category(&report, "related").resources > 0);
    let portal_counts = s.w.portal.resource_counts("demo").unwrap();
    for (t, n) in &by_type {
        if t != "Binary" {
            assert!(
                portal_counts.get(t).copied().unwrap_or(0) >= (*n as usize),
                "{t}"
            );
        }
    }
    assert!(
        by_type.get("Binary").copied().unwrap_or(0) > 0,
        "attachments: {by_type:?}"
    );
    // Requests went only where they should, and gzip was asked for.
    let stats = s.w.portal.stats();
    assert_eq!(stats.fhir_without_bearer, 0);
    assert!(stats.fhir_log.iter().all(|r| r.accepts_gzip));
    // Progress was reported per category, with a start and an end.
    {
        let events = s.events.lock().unwrap();
        assert!(matches!(events.first(), Some(SyncEvent::Started { .. })));
        assert!(matches!(events.last(), Some(SyncEvent::Finished { .. })));
        assert!(events.iter().any(|e| matches!(e, SyncEvent::Progress { category, .. } if category.category == "labs" && category.pages > 1)));
    }
    assert!(s.w.ledger_events().contains(&"SYNC".to_owned()));

    // Nothing changed: the second run asks only for what changed and writes nothing.
    s.w.portal.reset_stats();
    let again = s.sync_all();
    assert_eq!(again.outcome, SyncOutcome::Complete, "{again:#?}");
    assert!(again.incremental);
    let sum = |f: fn(&ownchart_core::sync::CategoryProgress) -> u64| {
        again.categories.iter().map(f).sum::<u64>()
    };
    assert_eq!((sum(|c| c.added), sum(|c| c.updated)), (0, 0), "{again:#?}");
    assert_eq!(s.counts(), counts);
    assert_eq!(s.versions(), 0);
    let stats = s.w.portal.stats();
    let searches: Vec<_> = stats
        .fhir_log
        .iter()
        .filter(|r| r.is_search() && r.resource_type != "Patient")
        .collect();
    assert!(!searches.is_empty());
    assert!(
        searches
            .iter()
            .filter(|r| r.query.get("_id").is_none())
            .all(|r| r.query.get("_lastUpdated").is_some()),
        "every category search is incremental"
    );
    s.integrity_ok();
}

#[test]
fn revised_records_are_updated_and_keep_their_previous_version() {
    let s = sync_world();
    assert_eq!(s.sync_all().outcome, SyncOutcome::Complete);
    let revised = s.w.portal.revise("demo", 6);
    assert_eq!(revised.len(), 6);
    let report = s.sync_all();
    assert_eq!(report.outcome, SyncOutcome::Complete);
    let updated: u64 = report.categories.iter().map(|c| c.updated).sum();
    // Revised shared records (practitioners...) are not searched again; the
    // others are, through `_lastUpdated`.
    let in_categories = revised
        .iter()
        .filter(|(t, _)| {
            ![
                "Practitioner",
                "Organization",
                "Medication",
                "Location",
                "Encounter",
            ]
            .contains(&t.as_str())
        })
        .count() as u64;
    assert_eq!(updated, in_categories, "{report:#?}");
    assert_eq!(s.versions(), in_categories);
}

#[test]
fn filters_choose_categories_and_dates() {
    let s = sync_world();
    let report = s.run(SyncRequest {
        categories: Some(vec!["Labs".into(), "coverage".into()]),
        from_time: Some("2015-01-01".into()),
        to_time: Some("2020-12-31".into()),
        exclude_undated_entries: true,
        ..SyncRequest::default()
    });
    assert_eq!(report.outcome, SyncOutcome::Complete, "{report:#?}");
    let counts = s.counts();
    let keys: Vec<&String> = counts.keys().filter(|k| counts[*k] > 0).collect();
    for k in &keys {
        assert!(
            ["labs", "coverage", "patient", "other"].contains(&k.as_str()),
            "{counts:?}"
        );
    }
    // Every lab kept is within the dates.
    let mut dates = Vec::new();
    {
        let sess = s.w.session.lock().unwrap();
        let source = connection_source(&s.connection_id);
        sess.opened()
            .unwrap()
            .vault
            .scan_resources(&source, &["Observation"], &mut |_, _, raw| {
                let v: serde_json::Value = serde_json::from_slice(raw).unwrap();
                dates.push(
                    v["effectiveDateTime"]
                        .as_str()
                        .or(v["effectivePeriod"]["start"].as_str())
                        .unwrap_or("")
                        .to_owned(),
                );
            })
            .unwrap();
    }
    assert!(!dates.is_empty());
    assert!(
        dates
            .iter()
            .all(|d| d.as_str() >= "2015-01-01" && &d[..10] <= "2020-12-31"),
        "{dates:?}"
    );
    let all = expected();
    assert!(counts.get("labs").copied().unwrap_or(0) < all["labs"]);
    // An unknown category or a bad date is refused before anything runs.
    let bad = s.w.rt.block_on(s.engine.run(SyncRequest {
        categories: Some(vec!["x-rays".into()]),
        ..Default::default()
    }));
    assert_eq!(bad.unwrap_err().code(), "sync_refused");
}

/// Runs a fresh world with `faults` set after connecting.
fn faulty(faults: Faults) -> (SyncWorld, SyncReport) {
    let s = sync_world();
    s.w.portal.set_faults(faults);
    let r = s.sync_all();
    (s, r)
}

#[test]
fn rate_limits_and_server_error_bursts_are_retried() {
    let (s, r) = faulty(Faults {
        too_many_requests: Some(TooManyRequests {
            requests: 3,
            retry_after: "1".into(),
        }),
        ..Faults::default()
    });
    assert_eq!(r.outcome, SyncOutcome::Complete, "{r:#?}");
    assert_eq!(s.counts()["labs"], expected()["labs"]);

    let (s, r) = faulty(Faults {
        server_errors: Some(ServerErrors {
            requests: 3,
            status: 503,
        }),
        ..Faults::default()
    });
    assert_eq!(r.outcome, SyncOutcome::Complete, "{r:#?}");
    assert_eq!(s.counts()["labs"], expected()["labs"]);
    assert_eq!(s.versions(), 0, "a retry never duplicates");

    // A portal that keeps failing: bounded attempts, then a partial result.
    let (s, r) = faulty(Faults {
        server_errors: Some(ServerErrors {
            requests: 10_000,
            status: 502,
        }),
        ..Faults::default()
    });
    assert!(
        matches!(r.outcome, SyncOutcome::Failed | SyncOutcome::Partial),
        "{r:#?}"
    );
    assert!(!errors_named(&r, "server_unavailable").is_empty(), "{r:#?}");
    let requests = s.w.portal.stats().fhir_requests;
    assert!(requests <= 20 * 4, "bounded: {requests} requests");
}

#[test]
fn a_retry_after_of_days_gives_up_at_once() {
    let started = std::time::Instant::now();
    let (_s, r) = faulty(Faults {
        too_many_requests: Some(TooManyRequests {
            requests: 1000,
            retry_after: "999999".into(),
        }),
        ..Faults::default()
    });
    assert!(matches!(
        r.outcome,
        SyncOutcome::Failed | SyncOutcome::Partial
    ));
    assert!(!errors_named(&r, "rate_limited").is_empty(), "{r:#?}");
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn a_malformed_page_a_loop_and_a_huge_page_stop_only_their_category() {
    let (s, r) = faulty(Faults {
        malformed_page: Some("Condition".into()),
        next_link_loop: Some("Procedure".into()),
        huge_page: Some(HugePage {
            resource_type: "Immunization".into(),
            bytes: 8 * 1024 * 1024,
        }),
        ..Faults::default()
    });
    assert_eq!(r.outcome, SyncOutcome::Partial, "{r:#?}");
    assert!(!errors_named(&r, "malformed_page").is_empty(), "{r:#?}");
    assert!(!errors_named(&r, "paging_loop").is_empty(), "{r:#?}");
    assert!(!errors_named(&r, "response_too_large").is_empty(), "{r:#?}");
    assert_ne!(category(&r, "condition").state, CategoryState::Complete);
    assert_eq!(category(&r, "procedure").state, CategoryState::Partial);
    // The other categories are whole.
    assert_eq!(category(&r, "labs").state, CategoryState::Complete);
    assert_eq!(s.counts()["labs"], expected()["labs"]);
    // The looping category kept the pages it read before the loop.
    assert!(s.counts().get("procedure").copied().unwrap_or(0) > 0);
}

#[test]
fn a_type_the_portal_refuses_is_reported_in_plain_words() {
    let (s, r) = faulty(Faults {
        forbidden_type: Some("ExplanationOfBenefit".into()),
        ..Faults::default()
    });
    assert_eq!(r.outcome, SyncOutcome::Partial);
    let eob = category(&r, "explanation_of_benefit");
    assert_eq!(eob.state, CategoryState::Failed);
    let e = errors_named(&r, "forbidden");
    assert_eq!(e[0].status, 403);
    assert!(e[0].message.contains("does not share"), "{}", e[0].message);
    assert_eq!(r.error_data.highest_error.as_deref(), Some("error"));
    assert_eq!(s.counts()["labs"], expected()["labs"]);
}

#[test]
fn tokens_expiring_mid_sync_are_refreshed_and_a_revoked_grant_asks_to_reconnect() {
    let (s, r) = faulty(Faults {
        access_token_max_uses: Some(7),
        ..Faults::default()
    });
    assert_eq!(r.outcome, SyncOutcome::Complete, "{r:#?}");
    let stats = s.w.portal.stats();
    assert!(
        stats.token_requests.refresh_token >= 3,
        "{:?}",
        stats.token_requests
    );
    assert_eq!(stats.refresh_token_reuse_detections, 0);

    let (s, r) = faulty(Faults {
        revoke_grant_after_requests: Some(12),
        ..Faults::default()
    });
    assert_eq!(r.outcome, SyncOutcome::ReconnectNeeded, "{r:#?}");
    let stored: u64 = s.counts().values().sum();
    assert!(stored > 1, "pages before the revocation are kept");
    let connections = s.w.connector.connections().unwrap();
    assert!(matches!(
        connections[0].status,
        ownchart_core::connect::ConnectionStatus::ReconnectNeeded { .. }
    ));
    let requests_after = s.w.portal.stats().fhir_requests;
    // A second sync does not hammer the portal: it stops before any request.
    let again = s.sync_all();
    assert_eq!(again.outcome, SyncOutcome::ReconnectNeeded);
    assert_eq!(s.w.portal.stats().fhir_requests, requests_after);
}

#[test]
fn another_patients_records_and_wrong_types_are_set_aside_not_merged() {
    let (s, r) = faulty(Faults {
        foreign_entries: Some("Observation".into()),
        ..Faults::default()
    });
    assert_eq!(r.outcome, SyncOutcome::Complete, "{r:#?}");
    assert!(category(&r, "labs").set_aside > 0);
    assert!(!errors_named(&r, "other_patient").is_empty());
    assert!(!errors_named(&r, "wrong_type").is_empty());
    assert!(!errors_named(&r, "portal_message").is_empty());
    assert_eq!(s.counts()["labs"], expected()["labs"]);
    assert_eq!(s.counts()["patient"], 1, "no second Patient");
    let sess = s.w.session.lock().unwrap();
    let q = sess
        .opened()
        .unwrap()
        .vault
        .quarantine_counts(&connection_source(&s.connection_id))
        .unwrap();
    assert!(q.get("other_patient").copied().unwrap_or(0) > 0, "{q:?}");
    assert!(q.get("wrong_type").copied().unwrap_or(0) > 0, "{q:?}");
}

#[test]
fn next_links_elsewhere_are_not_followed() {
    for to in [
        Elsewhere::OtherHost,
        Elsewhere::OtherDomain,
        Elsewhere::OtherScheme,
    ] {
        let (s, r) = faulty(Faults {
            next_link_elsewhere: Some(NextElsewhere {
                resource_type: "Observation".into(),
                to,
            }),
            ..Faults::default()
        });
        assert_eq!(r.outcome, SyncOutcome::Partial, "{r:#?}");
        assert!(!errors_named(&r, "foreign_next_link").is_empty(), "{r:#?}");
        assert!(s.counts()["labs"] > 0, "the first page is kept");
        assert_eq!(s.w.portal.stats().fhir_without_bearer, 0);
    }
}

#[test]
fn a_stalled_page_times_out_and_a_gzip_bomb_stops_at_the_cap() {
    let (s, r) = faulty(Faults {
        stall_after_headers: Some(("Condition".into(), Duration::from_secs(30))),
        gzip_bomb: Some("Procedure".into()),
        ..Faults::default()
    });
    assert_eq!(r.outcome, SyncOutcome::Partial, "{r:#?}");
    assert!(
        !errors_named(&r, "timeout").is_empty()
            || !errors_named(&r, "server_unavailable").is_empty(),
        "{r:#?}"
    );
    assert!(!errors_named(&r, "response_too_large").is_empty(), "{r:#?}");
    assert_eq!(s.counts()["labs"], expected()["labs"]);
}

#[test]
fn a_cancelled_run_stops_and_keeps_what_it_stored() {
    let s = sync_world();
    s.w.portal.set_faults(Faults {
        latency: Some(Duration::from_millis(150)),
        ..Faults::default()
    });
    let started =
        s.w.rt
            .block_on(async { s.engine.start(SyncRequest::default()) })
            .unwrap();
    std::thread::sleep(Duration::from_millis(900));
    assert!(s.engine.cancel(&started[0].run_id));
    let report = loop {
        if let Some(r) = s.events.lock().unwrap().iter().find_map(|e| match e {
            SyncEvent::Finished { report } => Some(report.clone()),
            _ => None,
        }) {
            break r;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(report.outcome, SyncOutcome::Cancelled);
    let stored: u64 = report.categories.iter().map(|c| c.added).sum();
    assert_eq!(
        s.by_type().values().sum::<u64>(),
        stored + 1,
        "the Patient from the connection, and what the run stored"
    );
    // The next sync completes the record.
    s.w.portal.set_faults(Faults::default());
    assert_eq!(s.sync_all().outcome, SyncOutcome::Complete);
    assert_eq!(s.counts()["labs"], expected()["labs"]);
}

#[test]
fn dstu2_records_are_stored_as_r4_with_their_originals() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/dstu2-synthea");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("dstu2 sync test: skipped ({} not found)", dir.display());
        return;
    };
    let mut files: Vec<_> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let file = files.into_iter().last().unwrap();
    let s = sync_world_with(
        vec![PortalUser::from_dstu2_bundle("demo", "demo", file.clone())],
        true,
        test_config(),
    );
    let r = s.sync_all();
    assert!(matches!(r.outcome, SyncOutcome::Complete), "{r:#?}");
    // DSTU2 has no CareTeam or ExplanationOfBenefit: skipped, and said so.
    assert_eq!(category(&r, "care_team").state, CategoryState::Skipped);
    let bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for e in bundle["entry"].as_array().unwrap() {
        let c = expected_category(&e["resource"]);
        if c != "other" {
            *want.entry(c.to_owned()).or_default() += 1;
        }
    }
    let counts = s.counts();
    for (k, n) in &want {
        assert_eq!(counts.get(k), Some(n), "{k}: {counts:?}");
    }
    // Stored as R4, with the DSTU2 original kept byte for byte.
    let out = tempfile::tempdir().unwrap();
    let sess = s.w.session.lock().unwrap();
    let vault = &sess.opened().unwrap().vault;
    let source = connection_source(&s.connection_id);
    let mut n = 0;
    let mut originals = 0;
    let mut ids = Vec::new();
    vault
        .scan_resources(&source, &[], &mut |t, id, raw| {
            assert_ne!(t, "MedicationOrder");
            std::fs::write(out.path().join(format!("{t}-{n}.json")), raw).unwrap();
            ids.push((t.to_owned(), id.to_owned()));
            n += 1;
        })
        .unwrap();
    for (t, id) in &ids {
        if let Some((version, raw, _notes)) = vault.resource_original(&source, t, id).unwrap() {
            assert_eq!(version, "DSTU2");
            let v: serde_json::Value = serde_json::from_slice(&raw).unwrap();
            assert!(v["resourceType"].is_string());
            originals += 1;
        }
    }
    assert!(
        originals as u64 >= want.values().sum::<u64>(),
        "{originals} originals"
    );
    drop(sess);
    // An independent FHIR library checks every stored resource is valid R4.
    match std::env::var("OWNCHART_R4_VALIDATOR") {
        Ok(bin) => {
            let result = std::process::Command::new(bin)
                .arg(out.path())
                .output()
                .unwrap();
            assert!(
                result.status.success(),
                "{}",
                String::from_utf8_lossy(&result.stdout)
            );
        }
        Err(_) => {
            eprintln!("dstu2 sync test: R4 validation skipped (OWNCHART_R4_VALIDATOR not set)")
        }
    }
}
