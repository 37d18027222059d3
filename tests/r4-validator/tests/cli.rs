//! The `r4-validate` binary on the fixture files: output lines, summary and exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn run(args: &[&Path]) -> (Option<i32>, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_r4-validate"))
        .args(args)
        .output()
        .unwrap();
    (
        status.code(),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

#[test]
fn valid_files_exit_zero() {
    let (code, out, _) = run(&[&fixtures().join("valid")]);
    assert_eq!(out, "checked 1 resources, 0 invalid\n");
    assert_eq!(code, Some(0));
}

#[test]
fn each_invalid_resource_gets_a_line_and_exit_one() {
    let dir = fixtures().join("invalid");
    let (code, out, _) = run(&[&dir]);
    assert_eq!(code, Some(1));
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    let place = |name: &str| dir.join(name).display().to_string();
    assert!(lines[0].starts_with(&format!(
        "{}: Condition/c1: ",
        place("condition-string-status.json")
    )));
    assert!(lines[1].starts_with(&format!(
        "{}: MedicationOrder/mo1: ",
        place("dstu2-medication-order.json")
    )));
    assert!(lines[2].starts_with(&format!(
        "{}: Observation/o1: ",
        place("observation-single-category.json")
    )));
    assert_eq!(lines[3], "checked 3 resources, 3 invalid");
}

#[test]
fn bundle_entries_and_ndjson_lines_are_checked_one_by_one() {
    let dir = fixtures().join("mixed");
    let (code, out, _) = run(&[&dir.join("bundle.json"), &dir.join("resources.ndjson")]);
    assert_eq!(code, Some(1));
    let lines: Vec<_> = out.lines().collect();
    let bundle = dir.join("bundle.json").display().to_string();
    let ndjson = dir.join("resources.ndjson").display().to_string();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].starts_with(&format!("{bundle}#entry[2]: Condition/c3: ")));
    assert!(lines[1].starts_with(&format!("{ndjson}#3: MedicationOrder/mo2: ")));
    assert!(lines[2].starts_with(&format!("{ndjson}#4: Observation/o3: ")));
    assert_eq!(lines[3], "checked 5 resources, 3 invalid");
}

#[test]
fn a_directory_is_searched_recursively_for_json_and_ndjson() {
    let (code, out, _) = run(&[&fixtures()]);
    assert_eq!(code, Some(1));
    assert!(out.ends_with("checked 9 resources, 6 invalid\n"), "{out}");
}

#[test]
fn usage_and_read_errors_exit_two() {
    let (code, _, err) = run(&[]);
    assert_eq!(code, Some(2));
    assert!(err.starts_with("usage: r4-validate"));
    let (code, _, err) = run(&[Path::new("--frobnicate")]);
    assert_eq!(code, Some(2));
    assert!(err.starts_with("usage: r4-validate"));
    let missing = fixtures().join("no-such-file.json");
    let (code, out, err) = run(&[&missing]);
    assert_eq!(code, Some(2));
    assert!(out.is_empty());
    assert!(err.contains("no-such-file.json"), "{err}");
    let (code, out, _) = run(&[Path::new("--help")]);
    assert_eq!(code, Some(0));
    assert!(out.starts_with("usage: r4-validate"));
}
