//! kill -9 in the middle of an import: the vault must still open, pass SQLCipher's
//! page-HMAC check and SQLite's integrity check, and hold exactly the chunks that
//! were committed (a multiple of the chunk size), never half a chunk.

use std::process::Stdio;
use std::time::{Duration, Instant};

use ownchart_synth::Generator;
use ownchart_vault::{DataDir, KeyringStore};

use crate::util::*;

const CHUNK: u64 = 10_000;

#[test]
fn kill_dash_nine_during_import_keeps_exactly_the_committed_chunks() {
    if !keyring_or_skip("kill_dash_nine_during_import") {
        return;
    }
    let sb = Sandbox::new();
    assert!(sb.json(&["init"]).0);
    let total = 40_000u64;
    let file = sb.file("big.json", &Generator::new(21).bundle(total as usize));
    let wal = sb.data_dir().join("vault.db-wal");

    let mut partial_seen = false;
    // Kill at growing delays after the writer has started, so that different runs
    // land in different chunks.
    for (round, delay_ms) in [0u64, 150, 400, 900].into_iter().enumerate() {
        let mut child = sb
            .cmd(&["import", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let base = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        // Wait for the writer to start (the WAL grows), then a little more.
        while std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) <= base
            && start.elapsed() < Duration::from_secs(120)
        {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on unix
        let _ = child.wait();

        let dir = DataDir::new(sb.data_dir());
        let keyring = KeyringStore::new(ownchart_core::session::default_keyring_service());
        let opened = ownchart_vault::open_with_keyring(&dir, &keyring)
            .unwrap_or_else(|e| panic!("round {round}: vault does not open after kill: {e}"));
        let problems = opened.vault.integrity_check().unwrap();
        assert!(problems.is_empty(), "round {round}: {problems:?}");
        let n = opened.vault.resource_count().unwrap();
        assert!(n <= total, "round {round}: {n} rows");
        assert!(
            n.is_multiple_of(CHUNK) || n == total,
            "round {round}: {n} rows is not a whole number of {CHUNK}-resource chunks"
        );
        if n > 0 && n < total {
            partial_seen = true;
        }
        drop(opened);
    }
    // The import resumes cleanly: a final run completes the set, idempotently.
    let (ok, v) = sb.json(&["import", file.to_str().unwrap()]);
    assert!(ok, "{v}");
    let (_, status) = sb.json(&["status"]);
    assert_eq!(status["overview"]["total"], total);
    eprintln!("kill -9 landed mid-import at least once: {partial_seen}");
}
