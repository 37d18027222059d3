//! Importing FHIR files (Bundle JSON of any type, NDJSON, a single resource) into
//! the vault. Two phases, so a bad file never half-lands:
//!
//! 1. **Check** ([`check`]): every file is read and split into resources, and
//!    every resource's indexed fields are extracted. Any problem in any file stops
//!    the import here, before anything is written.
//! 2. **Write** ([`write`]): a second thread hashes and compresses the resources
//!    while this one writes chunks of them, one transaction per chunk, so a killed
//!    process leaves whole chunks only and a re-import completes the set.
//!
//! One `IMPORT` entry (counts only) then goes to the ledger.

mod check;
mod error;
mod report;
mod write;

use std::path::PathBuf;

use ownchart_vault::{Ledger, NewLedgerEntry, Vault};

pub use error::ImportError;
pub use report::{FileReport, ImportPhase, ImportProgress, ImportReport};

/// How to import. Only `passphrase` crosses IPC (for an encrypted Ownchart
/// export); the other fields are the core's own settings.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
#[serde(default)]
#[ts(export)]
pub struct ImportOptions {
    /// Files larger than this are refused before they are read.
    #[serde(skip)]
    #[ts(skip)]
    pub max_file_bytes: u64,
    /// Resources per transaction: each commit rewrites (and re-encrypts) every
    /// index page it touched, so fewer, larger commits are much faster; a killed
    /// import still loses at most one chunk, and a re-import completes it.
    #[serde(skip)]
    #[ts(skip)]
    pub chunk_size: usize,
    /// The passphrase of an encrypted Ownchart export among the files.
    pub passphrase: Option<crate::export::SecretText>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            max_file_bytes: 1 << 30,
            chunk_size: 10000,
            passphrase: None,
        }
    }
}

pub fn import_files(
    vault: &mut Vault,
    ledger: &mut Ledger,
    paths: &[PathBuf],
    options: &ImportOptions,
    progress: &mut dyn FnMut(&ImportProgress),
) -> Result<ImportReport, ImportError> {
    if paths.is_empty() {
        return Err(ImportError::NoFiles);
    }
    let contents = check::read_all(paths, options, progress)?;
    let checked = check::check_all(&contents, progress)?;
    let report = write::write_all(vault, &checked, options, progress)?;
    ledger.append(ledger_entry(&report))?;
    progress(&ImportProgress {
        phase: ImportPhase::Done,
        file_index: paths.len().saturating_sub(1) as u32,
        files_total: paths.len() as u32,
        file: String::new(),
        resources_done: report.resources,
        resources_total: report.resources,
    });
    Ok(report)
}

/// Counts only: the ledger describes what happened, never what the records say.
fn ledger_entry(report: &ImportReport) -> NewLedgerEntry {
    let files = report.files.len();
    let mut entry = NewLedgerEntry::new(
        "IMPORT",
        format!(
            "Imported {} records from {} file{}: {} new, {} updated, {} unchanged.",
            report.resources,
            files,
            if files == 1 { "" } else { "s" },
            report.added,
            report.updated,
            report.unchanged
        ),
    );
    entry.details = serde_json::to_string(&serde_json::json!({
        "files": files,
        "resources": report.resources,
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }))
    .ok();
    entry
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use ownchart_synth::Generator;
    use ownchart_vault::{create_with_passphrase, DataDir, Opened, Passphrase};

    fn vault() -> (tempfile::TempDir, Opened) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = DataDir::new(tmp.path().join("data"));
        std::fs::create_dir_all(dir.root()).unwrap();
        let opened =
            create_with_passphrase(&dir, &Passphrase::new("test passphrase".into())).unwrap();
        (tmp, opened)
    }

    fn run(
        o: &mut Opened,
        paths: &[PathBuf],
        chunk: usize,
    ) -> (Result<ImportReport, ImportError>, Vec<ImportProgress>) {
        let mut seen = Vec::new();
        let options = ImportOptions {
            chunk_size: chunk,
            ..ImportOptions::default()
        };
        let r = import_files(&mut o.vault, &mut o.ledger, paths, &options, &mut |p| {
            seen.push(p.clone())
        });
        (r, seen)
    }

    #[test]
    fn every_resource_is_stored_byte_for_byte() {
        let (tmp, mut o) = vault();
        let ndjson = Generator::new(31).ndjson(300);
        let path = tmp.path().join("records.ndjson");
        std::fs::write(&path, &ndjson).unwrap();
        let (r, _) = run(&mut o, &[path], 64);
        assert_eq!(r.unwrap().added, 300);
        for line in ndjson.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let v: serde_json::Value = serde_json::from_slice(line).unwrap();
            let stored = o
                .vault
                .resource(
                    "import",
                    v["resourceType"].as_str().unwrap(),
                    v["id"].as_str().unwrap(),
                )
                .unwrap()
                .expect("stored");
            assert_eq!(stored.raw, line);
        }
    }

    #[test]
    fn progress_runs_from_checking_to_done_and_the_ledger_gets_counts_only() {
        let (tmp, mut o) = vault();
        let path = tmp.path().join("b.json");
        std::fs::write(&path, Generator::new(32).bundle(250)).unwrap();
        let (r, seen) = run(&mut o, &[path], 100);
        let report = r.unwrap();
        assert_eq!((report.resources, report.added), (250, 250));
        assert_eq!(seen.first().unwrap().phase, ImportPhase::Checking);
        assert_eq!(seen.last().unwrap().phase, ImportPhase::Done);
        let writes: Vec<u64> = seen
            .iter()
            .filter(|p| p.phase == ImportPhase::Writing)
            .map(|p| p.resources_done)
            .collect();
        assert_eq!(writes, vec![100, 200, 250]);
        let entries = o.ledger.entries().unwrap();
        let last = entries.last().unwrap();
        assert_eq!(last.event, "IMPORT");
        assert!(
            last.description.contains("250 records"),
            "{}",
            last.description
        );
    }

    #[test]
    fn a_changed_resource_is_updated_and_its_old_form_kept() {
        let (tmp, mut o) = vault();
        let first = tmp.path().join("one.ndjson");
        std::fs::write(&first, b"{\"resourceType\":\"Condition\",\"id\":\"c1\",\"note\":[{\"text\":\"a\"}]}\n{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n").unwrap();
        let second = tmp.path().join("two.ndjson");
        std::fs::write(&second, b"{\"resourceType\":\"Condition\",\"id\":\"c1\",\"note\":[{\"text\":\"b\"}]}\n{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n").unwrap();
        assert_eq!(run(&mut o, &[first], 10).0.unwrap().added, 2);
        let r = run(&mut o, &[second], 10).0.unwrap();
        assert_eq!((r.added, r.updated, r.unchanged), (0, 1, 1));
        let c = o
            .vault
            .resource("import", "Condition", "c1")
            .unwrap()
            .unwrap();
        assert!(String::from_utf8(c.raw).unwrap().contains("\"b\""));
        assert_eq!(c.versions, 1);
    }

    #[test]
    fn one_bad_file_among_good_ones_writes_nothing() {
        let (tmp, mut o) = vault();
        let good = tmp.path().join("good.json");
        std::fs::write(&good, Generator::new(33).bundle(50)).unwrap();
        let bad = tmp.path().join("bad.ndjson");
        std::fs::write(
            &bad,
            b"{\"resourceType\":\"Patient\",\"id\":\"x\"}\n{\"id\":\"no-type\"}\n",
        )
        .unwrap();
        let (r, _) = run(&mut o, &[good, bad], 10);
        let e = r.unwrap_err();
        assert_eq!(e.code(), "not_fhir");
        assert!(e.to_string().contains("bad.ndjson"));
        assert_eq!(o.vault.resource_count().unwrap(), 0);
        assert_eq!(o.ledger.entries().unwrap().len(), 1);
    }

    #[test]
    fn resources_without_an_id_get_a_stable_one() {
        let (tmp, mut o) = vault();
        let path = tmp.path().join("noid.json");
        std::fs::write(
            &path,
            br#"{"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:7d1c","resource":{"resourceType":"Patient"}},
              {"resource":{"resourceType":"Condition","code":{"text":"x"}}}]}"#,
        )
        .unwrap();
        assert_eq!(
            run(&mut o, std::slice::from_ref(&path), 10)
                .0
                .unwrap()
                .added,
            2
        );
        assert!(o
            .vault
            .resource("import", "Patient", "7d1c")
            .unwrap()
            .is_some());
        let again = run(&mut o, &[path], 10).0.unwrap();
        assert_eq!(again.unchanged, 2);
    }
}
