//! Erase on real data folders (passphrase mode, so no keyring is needed; the
//! keyring path is covered by the integration tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use ownchart_synth::Generator;
use ownchart_vault::Passphrase;

use super::*;
use crate::import::ImportOptions;
use crate::overview::VaultState;
use crate::session::SessionConfig;

const CANARY: &str = "Zyxwvutsrq-Canary";

fn session(dir: &Path) -> Session {
    let mut config = SessionConfig::new(dir);
    config.keyring_service = "org.ownchart.test.erase-unit".into();
    Session::start(config).unwrap()
}

fn pass() -> Passphrase {
    Passphrase::new("erase test passphrase".into())
}

fn filled(root: &Path) -> Session {
    let mut s = session(&root.join("data"));
    s.create(ProtectionMode::Passphrase, Some(pass())).unwrap();
    let file = root.join("records.ndjson");
    std::fs::write(&file, Generator::new(5).with_canary(CANARY).ndjson(200)).unwrap();
    s.import(&[file], &ImportOptions::default(), &mut |_| {})
        .unwrap();
    s
}

/// The folder's files, the open ledger's WAL and shared memory left out.
fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "ledger.db-wal" && n != "ledger.db-shm")
        .collect();
    v.sort();
    v
}

fn grep(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    hits.push(p.display().to_string());
                }
            }
        }
    }
    hits
}

#[test]
fn erase_leaves_only_the_ledger_which_stays_readable_and_is_taken_over() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut s = filled(tmp.path());
    // SQLCipher keeps the record unreadable on disk before the erase, too.
    assert!(grep(&data, CANARY).is_empty());
    assert_eq!(
        s.erase_everything("delete", vec![]).unwrap_err().code(),
        "confirmation_mismatch"
    );
    let report = s.erase_everything(CONFIRMATION, vec![]).unwrap();
    assert!(report.files_removed >= 2, "{report:?}");
    assert_eq!(
        files(&data),
        [
            "ledger-head.json",
            "ledger-header.json",
            "ledger.db",
            "ownchart.lock"
        ]
    );
    assert!(grep(&data, CANARY).is_empty());
    assert!(matches!(
        s.status().unwrap().state,
        VaultState::NotCreated { .. }
    ));
    // Readable in the same session, ending with DELETE_ALL, and intact.
    let entries = s.ledger_entries().unwrap();
    assert_eq!(entries.last().unwrap().event, "DELETE_ALL");
    assert_eq!(entries.last().unwrap().seq, report.ledger_seq);
    assert!(s.verify_ledger().unwrap().intact);
    drop(s);

    // A new process needs the erased vault's passphrase to read the log.
    let mut s = session(&data);
    assert_eq!(s.ledger_entries().unwrap_err().code(), "ledger_locked");
    assert_eq!(
        s.unlock_ledger(Passphrase::new("wrong".into()))
            .unwrap_err()
            .code(),
        "wrong_passphrase"
    );
    let status = s.unlock_ledger(pass()).unwrap();
    assert!(status.intact);
    let events: Vec<String> = s
        .ledger_entries()
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(events, ["VAULT_CREATED", "IMPORT", "DELETE_ALL"]);

    // A new vault takes the log over and keeps the chain.
    s.create(
        ProtectionMode::Passphrase,
        Some(Passphrase::new("new one".into())),
    )
    .unwrap();
    let events: Vec<String> = s
        .ledger_entries()
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(
        events,
        ["VAULT_CREATED", "IMPORT", "DELETE_ALL", "VAULT_CREATED"]
    );
    assert!(s.verify_ledger().unwrap().intact);
    assert!(!data.join("ledger-header.json").exists());
}

#[test]
fn a_kept_log_nobody_can_open_is_set_aside_not_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut s = filled(tmp.path());
    s.erase_everything(CONFIRMATION, vec![]).unwrap();
    drop(s);
    let mut s = session(&data);
    s.create(
        ProtectionMode::Passphrase,
        Some(Passphrase::new("another".into())),
    )
    .unwrap();
    let names = files(&data);
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("ledger-") && n.ends_with(".db")),
        "{names:?}"
    );
    assert_eq!(s.ledger_entries().unwrap().len(), 1);
}

#[test]
fn an_erase_killed_after_its_mark_is_finished_at_the_next_start() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = filled(tmp.path());
    // The first two steps of an erase, then the process "dies".
    ownchart_vault::keep_ledger_alone(&s.dir).unwrap();
    marker::write(&s.dir).unwrap();
    drop(s);
    let mut s = session(&data);
    assert!(matches!(
        s.status().unwrap().state,
        VaultState::NotCreated { .. }
    ));
    assert!(!data.join("vault.db").exists() && !data.join("vault-header.json").exists());
    assert!(grep(&data, CANARY).is_empty());
    // The DELETE_ALL entry is owed until the log can be opened.
    s.unlock_ledger(pass()).unwrap();
    let entries = s.ledger_entries().unwrap();
    assert_eq!(entries.last().unwrap().event, "DELETE_ALL");
    assert!(!data.join("erase-pending.json").exists());
    assert_eq!(
        files(&data),
        [
            "ledger-head.json",
            "ledger-header.json",
            "ledger.db",
            "ownchart.lock"
        ]
    );
}
