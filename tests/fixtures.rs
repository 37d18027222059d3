//! The public Synthea patients in ../shared/fixtures, when that folder exists:
//! every R4 file imports with the counts a plain reading of the file predicts, and
//! DSTU2 files are kept as received with a note, never corrupting anything.

use std::path::PathBuf;

use crate::util::*;

fn fixtures(kind: &str) -> Option<Vec<PathBuf>> {
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
fn synthea_r4_and_dstu2_patients_import_with_the_expected_counts() {
    let (Some(r4), Some(dstu2)) = (fixtures("r4-synthea"), fixtures("dstu2-synthea")) else {
        eprintln!("synthea fixtures: skipped (../shared/fixtures is not here)");
        return;
    };
    if !keyring_or_skip("synthea fixtures") {
        return;
    }
    let sb = Sandbox::new();
    assert!(sb.json(&["init"]).0);

    // Synthea patients of one run share Organizations and Practitioners (same
    // type and id): the vault keeps one row each, so count them once.
    let mut seen = std::collections::BTreeSet::new();
    let mut expected = std::collections::BTreeMap::new();
    for f in &r4 {
        let bytes = std::fs::read(f).unwrap();
        let resources = bundle_resources(&bytes);
        let (ok, report) = sb.json(&["import", f.to_str().unwrap()]);
        assert!(ok, "{}: {report}", f.display());
        assert_eq!(report["files"][0]["fhir_version"], "R4", "{}", f.display());
        assert_eq!(
            report["files"][0]["resources"].as_u64().unwrap(),
            resources.len() as u64,
            "{}",
            f.display()
        );
        let fresh: Vec<_> = resources
            .into_iter()
            .filter(|r| seen.insert((r["resourceType"].to_string(), r["id"].to_string())))
            .collect();
        for (k, n) in expected_counts(&fresh) {
            *expected.entry(k).or_insert(0) += n;
        }
    }
    let (_, status) = sb.json(&["status"]);
    assert_eq!(nonzero(counts(&status)), expected);

    let before_total = status["overview"]["total"].as_u64().unwrap();
    for f in &dstu2 {
        let (ok, report) = sb.json(&["import", f.to_str().unwrap()]);
        assert!(ok, "{}: {report}", f.display());
        let file = &report["files"][0];
        assert_eq!(file["fhir_version"], "DSTU2", "{}", f.display());
        assert!(file["note"].as_str().unwrap_or("").contains("DSTU2"));
    }
    let (_, status) = sb.json(&["status"]);
    assert!(status["overview"]["total"].as_u64().unwrap() > before_total);
    // R4 records still counted exactly as before.
    let after = counts(&status);
    for (k, n) in &expected {
        assert!(after[k] >= *n, "{k}");
    }
}
