//! kill -9 in the middle of `ownchart sync`, many times in a row (threat model
//! C-01): after every kill the vault opens, passes SQLCipher's page-HMAC check
//! and SQLite's integrity check, and holds exactly the pages whose commit
//! finished — the resources equal what the stored query states say was added.
//! Then a last run resumes and completes the record with no duplicates, and a
//! further run changes nothing.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ownchart_core::session::{Session, SessionConfig};
use ownchart_core::store::connection_source;
use ownchart_portal::{Faults, PortalConfig, PortalUser, RunningPortal};
use ownchart_vault::Passphrase;

use crate::connect_cli::{browser_script, init, run_with_stdin, PASS};
use crate::util::*;

const ROUNDS: usize = 30;

/// What the vault holds for the connection, and what its sync states say
/// their committed pages added.
fn audit(sb: &Sandbox, connection_id: &str) -> (u64, u64, u64) {
    let mut session = Session::start(SessionConfig {
        data_dir: sb.data_dir(),
        keyring_service: "org.ownchart.test.unused".into(),
    })
    .unwrap();
    session.unlock(Some(Passphrase::new(PASS.into()))).unwrap();
    let vault = &session.opened().unwrap().vault;
    let problems = vault.integrity_check().unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let source = connection_source(connection_id);
    let stored: u64 = vault.counts_by_type(&source).unwrap().values().sum();
    let mut runs = vault.unfinished_sync_runs(None).unwrap();
    runs.extend(vault.finished_sync_runs(10_000).unwrap());
    let mut added = 0;
    for run in &runs {
        for q in vault.sync_queries(&run.id).unwrap() {
            let p: serde_json::Value = serde_json::from_str(&q.progress).unwrap();
            added += p["added"].as_u64().unwrap();
        }
    }
    (stored, added, vault.version_count(&source).unwrap())
}

fn sync_cmd(sb: &Sandbox) -> std::process::Command {
    sb.cmd(&["sync", "--passphrase-stdin", "--json", "--page-size", "20"])
}

#[test]
fn kill_dash_nine_during_sync_keeps_exactly_the_committed_pages_and_resumes() {
    let portal = RunningPortal::start_background(PortalConfig::with_users(vec![PortalUser::new(
        "demo", "demo", 11, 4_000,
    )]))
    .unwrap();
    let sb = Sandbox::new();
    init(&sb);
    let browser = browser_script(sb.root.path(), "demo", "demo", None);
    let mut c = sb.cmd(&[
        "connect",
        &portal.fhir_base_r4(),
        "--passphrase-stdin",
        "--json",
    ]);
    c.env("BROWSER", &browser);
    let out = run_with_stdin(&mut c, PASS);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let connection_id = parse_stdout(&out)["id"].as_str().unwrap().to_owned();
    // Slow the portal a little so that a run spans many commits.
    portal.set_faults(Faults {
        latency: Some(Duration::from_millis(80)),
        ..Faults::default()
    });

    let mut seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut partial_rounds = 0;
    let mut last_stored = 0;
    for round in 0..ROUNDS {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = Duration::from_millis(300 + (seed >> 33) % 1500);
        let mut child = sync_cmd(&sb)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{PASS}\n").as_bytes())
            .unwrap();
        let start = Instant::now();
        while start.elapsed() < delay {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let (stored, added, versions) = audit(&sb, &connection_id);
        // The Patient stored when connecting, plus exactly what committed pages added.
        assert_eq!(
            stored,
            added + 1,
            "round {round}: {stored} stored, states say {added} added"
        );
        assert_eq!(versions, 0, "round {round}: a resource was stored twice");
        assert!(stored >= last_stored, "round {round}: data was lost");
        if stored > last_stored {
            partial_rounds += 1;
        }
        last_stored = stored;
    }
    assert!(partial_rounds > 0, "no kill landed in the middle of a sync");

    portal.set_faults(Faults::default());
    let out = run_with_stdin(&mut sync_cmd(&sb), PASS);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports = parse_stdout(&out);
    assert_eq!(reports[0]["outcome"], "complete", "{reports}");
    let (stored, added, versions) = audit(&sb, &connection_id);
    assert_eq!((stored, versions), (added + 1, 0));
    // Every category resource of the portal's record is there exactly once.
    let by_type = portal.resource_counts("demo").unwrap();
    for t in [
        "Condition",
        "Immunization",
        "MedicationRequest",
        "Procedure",
        "Coverage",
    ] {
        let mut session = Session::start(SessionConfig {
            data_dir: sb.data_dir(),
            keyring_service: "org.ownchart.test.unused".into(),
        })
        .unwrap();
        session.unlock(Some(Passphrase::new(PASS.into()))).unwrap();
        let have = session
            .opened()
            .unwrap()
            .vault
            .counts_by_type(&connection_source(&connection_id))
            .unwrap();
        assert_eq!(
            have.get(t).copied().unwrap_or(0) as usize,
            by_type.get(t).copied().unwrap_or(0),
            "{t}"
        );
    }
    // Nothing changed at the portal: the next run adds and updates nothing.
    let out = run_with_stdin(&mut sync_cmd(&sb), PASS);
    let reports = parse_stdout(&out);
    let cats = reports[0]["categories"].as_array().unwrap();
    let sum = |k: &str| cats.iter().map(|c| c[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!((sum("added"), sum("updated")), (0, 0), "{reports}");
    eprintln!("kill -9 landed mid-sync in {partial_rounds} of {ROUNDS} rounds");
}
