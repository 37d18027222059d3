//! `ownchart erase` with the real keyring: afterwards a canary scan of the data
//! folder finds no record text, the vault's keyring entry is gone, the ledger
//! verifies and lists the earlier entries plus DELETE_ALL; kill -9 half-way,
//! then any start, completes the erase.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use ownchart_synth::Generator;
use ownchart_vault::{DataDir, KeyringStore};

use crate::util::*;

const CANARY: &str = "Qwertzuiop-Erase-Canary";

fn filled(sb: &Sandbox) {
    assert!(sb.json(&["init"]).0);
    let file = sb.file(
        "records.ndjson",
        &Generator::new(61).with_canary(CANARY).ndjson(800),
    );
    let (ok, v) = sb.json(&["import", file.to_str().unwrap()]);
    assert!(ok, "{v}");
    // An export leaves a file elsewhere; the erase is about the data folder.
    let out = sb.root.path().join("export.zip");
    assert!(
        sb.json(&["export", "--out", out.to_str().unwrap(), "--plaintext"])
            .0
    );
}

fn grep_dir(dir: &Path, needle: &[u8]) -> Vec<String> {
    snapshot(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle))
        .map(|(p, _)| p.display().to_string())
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("ledger.db-"))
        .collect();
    v.sort();
    v
}

const LEFT: [&str; 4] = [
    "ledger-head.json",
    "ledger-header.json",
    "ledger.db",
    "ownchart.lock",
];

fn events(sb: &Sandbox) -> Vec<String> {
    let (ok, v) = sb.json(&["ledger", "show"]);
    assert!(ok, "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect()
}

fn vault_key_present(data: &Path) -> bool {
    let ns = DataDir::new(data).namespace();
    KeyringStore::new(ownchart_core::session::default_keyring_service())
        .get(&format!("vault-key:{ns}"))
        .unwrap()
        .is_some()
}

#[test]
fn erase_leaves_only_the_ledger_and_no_trace_of_the_record() {
    if !keyring_or_skip("erase_leaves_only_the_ledger") {
        return;
    }
    let sb = Sandbox::new();
    filled(&sb);
    let data = sb.data_dir();
    assert!(vault_key_present(&data));
    let before = sb.snapshot();
    let (ok, v) = sb.json(&["erase"]);
    assert!(!ok);
    assert_eq!(v["error"]["code"], "confirmation_mismatch");
    assert_eq!(before, sb.snapshot());

    let (ok, v) = sb.json(&["erase", "--yes"]);
    assert!(ok, "{v}");
    assert!(v["files_removed"].as_u64().unwrap() >= 2);
    assert_eq!(names(&data), LEFT);
    assert!(grep_dir(&data, CANARY.as_bytes()).is_empty());
    assert!(!vault_key_present(&data));

    let (_, status) = sb.json(&["status"]);
    assert_eq!(status["state"], "not_created");
    assert_eq!(
        events(&sb),
        ["VAULT_CREATED", "IMPORT", "EXPORT", "DELETE_ALL"]
    );
    let (ok, v) = sb.json(&["ledger", "verify"]);
    assert!(ok && v["intact"] == true, "{v}");
    let (_, show) = sb.json(&["ledger", "show"]);
    assert!(!show.to_string().contains(CANARY));

    // A new vault continues the same log.
    assert!(sb.json(&["init"]).0);
    assert_eq!(
        events(&sb),
        [
            "VAULT_CREATED",
            "IMPORT",
            "EXPORT",
            "DELETE_ALL",
            "VAULT_CREATED"
        ]
    );
    assert!(sb.json(&["ledger", "verify"]).1["intact"] == true);
}

#[test]
fn an_erase_killed_half_way_is_completed_by_the_next_start() {
    if !keyring_or_skip("an_erase_killed_half_way") {
        return;
    }
    for step in ["after_marker", "after_entry"] {
        let sb = Sandbox::new();
        filled(&sb);
        let data = sb.data_dir();
        let mut child = sb
            .cmd(&["erase", "--yes"])
            .env("OWNCHART_TEST_ERASE_PAUSE", step)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !data.join("erase-pending.json").exists() && start.elapsed() < Duration::from_secs(60)
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(300));
        child.kill().unwrap(); // SIGKILL
        let _ = child.wait();
        assert!(data.join("erase-pending.json").exists(), "{step}");
        assert!(
            data.join("vault.db").exists(),
            "{step}: killed before the vault went"
        );

        // Any start finishes it first.
        let (_, status) = sb.json(&["status"]);
        assert_eq!(status["state"], "not_created", "{step}");
        assert_eq!(names(&data), LEFT, "{step}");
        assert!(grep_dir(&data, CANARY.as_bytes()).is_empty(), "{step}");
        assert!(!vault_key_present(&data), "{step}");
        let ev = events(&sb);
        assert_eq!(ev.last().map(String::as_str), Some("DELETE_ALL"), "{step}");
        assert_eq!(
            ev.iter().filter(|e| *e == "DELETE_ALL").count(),
            1,
            "{step}"
        );
        assert!(sb.json(&["ledger", "verify"]).1["intact"] == true);
    }
}
