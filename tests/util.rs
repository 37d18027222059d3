//! Shared helpers: running the binary against a temporary data folder, and
//! deciding whether the real keyring is there.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_ownchart");

/// A temporary data folder plus a place for input files.
pub struct Sandbox {
    pub root: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            root: tempfile::tempdir().unwrap(),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root.path().join("data")
    }

    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.root.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--data-dir").arg(self.data_dir()).args(args);
        c.env_remove("OWNCHART_DATA_DIR");
        c
    }

    /// Runs a subcommand with `--json` and returns (exit ok, parsed stdout).
    pub fn json(&self, args: &[&str]) -> (bool, serde_json::Value) {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.cmd(&all).output().unwrap();
        (out.status.success(), parse_stdout(&out))
    }

    /// Every file of the data folder with its bytes, to prove nothing changed.
    pub fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        snapshot(&self.data_dir())
    }
}

pub fn parse_stdout(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n != "ownchart.lock") {
                files.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// Whether the tests that need the OS keyring can run. CI sets
/// `OWNCHART_REQUIRE_KEYRING=1` (and provides gnome-keyring under D-Bus), so there
/// a missing keyring is a failure, not a skip.
pub fn keyring_or_skip(test: &str) -> bool {
    let required = std::env::var("OWNCHART_REQUIRE_KEYRING").is_ok_and(|v| v == "1");
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").is_ok();
    if !required && !bus {
        eprintln!("{test}: skipped (no D-Bus session, so no Secret Service keyring)");
        return false;
    }
    true
}

/// Counts per category key, from `status --json`.
pub fn counts(status: &serde_json::Value) -> std::collections::BTreeMap<String, u64> {
    status["overview"]["categories"]
        .as_array()
        .unwrap_or_else(|| panic!("no overview in {status}"))
        .iter()
        .map(|c| {
            (
                c["category"].as_str().unwrap().to_owned(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The category a resource belongs to, worked out here independently of the
/// app's own code so the tests can check it.
pub fn expected_category(resource: &serde_json::Value) -> &'static str {
    let t = resource["resourceType"].as_str().unwrap_or("");
    match t {
        "Patient" => "patient",
        "Immunization" => "immunization",
        "AllergyIntolerance" => "allergy_intolerance",
        "MedicationRequest" | "MedicationOrder" => "medication_request",
        "MedicationStatement" => "medication_statement",
        "DiagnosticReport" => "diagnostic_report",
        "Condition" => "condition",
        "Procedure" => "procedure",
        "FamilyMemberHistory" => "family_member_history",
        "DocumentReference" => "document_reference",
        "CareTeam" => "care_team",
        "CarePlan" => "care_plan",
        "ExplanationOfBenefit" => "explanation_of_benefit",
        "Coverage" => "coverage",
        "Observation" => {
            let text = resource["category"].to_string();
            if text.contains("\"vital-signs\"") {
                "vitals"
            } else if text.contains("\"laboratory\"") {
                "labs"
            } else {
                "other"
            }
        }
        _ => "other",
    }
}

/// Expected counts per category for a Bundle's or NDJSON's resources.
pub fn expected_counts(resources: &[serde_json::Value]) -> std::collections::BTreeMap<String, u64> {
    let mut m = std::collections::BTreeMap::new();
    for r in resources {
        *m.entry(expected_category(r).to_owned()).or_insert(0) += 1;
    }
    m
}

pub fn bundle_resources(bundle: &[u8]) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(bundle).unwrap();
    v["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e.get("resource").cloned())
        .collect()
}

/// Removes the zero entries so maps can be compared.
pub fn nonzero(
    m: std::collections::BTreeMap<String, u64>,
) -> std::collections::BTreeMap<String, u64> {
    m.into_iter().filter(|(_, n)| *n > 0).collect()
}
