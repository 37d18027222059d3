//! `ownchart export` / `import` of an export / `ledger` from the command line,
//! with the real keyring: plain and encrypted round trips, the reference `age`
//! tool opening an encrypted export, wrong passphrases, and kill -9 during an
//! export never leaving a truncated file under the final name.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use ownchart_synth::Generator;

use crate::util::*;

fn filled(sb: &Sandbox, n: usize, seed: u64) {
    assert!(sb.json(&["init"]).0);
    let file = sb.file("records.ndjson", &Generator::new(seed).ndjson(n));
    let (ok, v) = sb.json(&["import", file.to_str().unwrap()]);
    assert!(ok, "{v}");
}

fn code(v: &serde_json::Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

#[test]
fn export_and_restore_from_the_command_line() {
    if !keyring_or_skip("export_and_restore_from_the_command_line") {
        return;
    }
    let sb = Sandbox::new();
    filled(&sb, 600, 41);
    let plain = sb.root.path().join("out.zip");
    let aged = sb.root.path().join("out.zip.age");
    let pass = sb.file("pass.txt", b"a long export passphrase\n");
    let wrong = sb.file("wrong.txt", b"not it\n");

    let (ok, v) = sb.json(&["export", "--out", plain.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(code(&v), "usage");
    assert!(!plain.exists());
    let (ok, v) = sb.json(&["export", "--out", plain.to_str().unwrap(), "--plaintext"]);
    assert!(ok, "{v}");
    assert_eq!(v["resources"], 600);
    assert_eq!(v["encrypted"], false);
    let (ok, v) = sb.json(&[
        "export",
        "--out",
        aged.to_str().unwrap(),
        "--passphrase-file",
        pass.to_str().unwrap(),
    ]);
    assert!(ok, "{v}");
    assert_eq!(v["encrypted"], true);
    assert!(std::fs::read(&aged)
        .unwrap()
        .starts_with(b"age-encryption.org/v1\n"));
    // No passphrase in any output or in the ledger's export.
    let (_, entries) = sb.json(&["ledger", "show"]);
    assert!(!entries.to_string().contains("a long export passphrase"));
    let events: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["VAULT_CREATED", "IMPORT", "EXPORT", "EXPORT"]);

    // Restore into fresh vaults.
    let fresh = Sandbox::new();
    assert!(fresh.json(&["init"]).0);
    let (ok, v) = fresh.json(&["import", plain.to_str().unwrap()]);
    assert!(ok, "{v}");
    assert_eq!(v["added"], 600);
    assert_eq!(v["files"][0]["format"], "Ownchart export");
    let (_, a) = sb.json(&["status"]);
    let (_, b) = fresh.json(&["status"]);
    assert_eq!(a["overview"], b["overview"]);

    let fresh = Sandbox::new();
    assert!(fresh.json(&["init"]).0);
    let before = fresh.snapshot();
    let (ok, v) = fresh.json(&["import", aged.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(code(&v), "export_passphrase_required");
    let (ok, v) = fresh.json(&[
        "import",
        aged.to_str().unwrap(),
        "--passphrase-file",
        wrong.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert_eq!(code(&v), "export_passphrase_wrong");
    assert_eq!(before.len(), fresh.snapshot().len());
    let (ok, v) = fresh.json(&[
        "import",
        aged.to_str().unwrap(),
        "--passphrase-file",
        pass.to_str().unwrap(),
    ]);
    assert!(ok, "{v}");
    assert_eq!(v["added"], 600);

    // The ledger verifies and saves as CSV and JSON.
    let (ok, v) = fresh.json(&["ledger", "verify"]);
    assert!(ok, "{v}");
    assert_eq!(v["intact"], true);
    let csv = fresh.root.path().join("log.csv");
    let (ok, v) = fresh.json(&[
        "ledger",
        "export",
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(ok, "{v}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("seq,date_utc,action,description,recipient,purpose,prev_hash,hash"));
    assert!(text.contains(",RESTORE,"));
    let json = fresh.root.path().join("log.json");
    let (ok, _) = fresh.json(&[
        "ledger",
        "export",
        "--format",
        "json",
        "--out",
        json.to_str().unwrap(),
    ]);
    assert!(ok);
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(saved["integrity"]["intact"], true);
}

/// Runs the reference `age` tool under a pseudo-terminal (it reads passphrases
/// from the terminal only), feeding it the passphrase.
fn age_decrypt(input: &Path, output: &Path, passphrase: &str) -> bool {
    let mut child = std::process::Command::new("script")
        .args(["-qec"])
        .arg(format!(
            "age -d -o '{}' '{}'",
            output.display(),
            input.display()
        ))
        .arg("/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        let _ = writeln!(stdin, "{passphrase}");
        std::thread::sleep(Duration::from_millis(200));
    }
    child.wait().unwrap().success()
}

#[test]
fn the_reference_age_tool_opens_an_encrypted_export() {
    let has_age = std::process::Command::new("age")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let has_script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok();
    if !(has_age && has_script) {
        assert!(
            !std::env::var("OWNCHART_REQUIRE_E2E").is_ok_and(|v| v == "1"),
            "the `age` tool (and `script`) must be installed: apt-get install age"
        );
        eprintln!("age tool test: skipped (install `age` to run it)");
        return;
    }
    if !keyring_or_skip("the_reference_age_tool_opens_an_encrypted_export") {
        return;
    }
    let sb = Sandbox::new();
    filled(&sb, 120, 43);
    let aged = sb.root.path().join("out.zip.age");
    let pass = sb.file("pass.txt", b"open sesame please\n");
    let (ok, v) = sb.json(&[
        "export",
        "--out",
        aged.to_str().unwrap(),
        "--passphrase-file",
        pass.to_str().unwrap(),
    ]);
    assert!(ok, "{v}");
    let zip = sb.root.path().join("decrypted.zip");
    assert!(age_decrypt(&aged, &zip, "open sesame please"));
    let bytes = std::fs::read(&zip).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    // The decrypted zip is itself a valid export.
    let fresh = Sandbox::new();
    assert!(fresh.json(&["init"]).0);
    let (ok, v) = fresh.json(&["import", zip.to_str().unwrap()]);
    assert!(ok, "{v}");
    assert_eq!(v["added"], 120);
    // A wrong passphrase and a flipped bit both fail.
    assert!(!age_decrypt(&aged, &sb.root.path().join("x.zip"), "wrong"));
    let mut flipped = std::fs::read(&aged).unwrap();
    let at = flipped.len() / 2;
    flipped[at] ^= 0x10;
    let flipped_path = sb.file("flipped.zip.age", &flipped);
    assert!(!age_decrypt(
        &flipped_path,
        &sb.root.path().join("y.zip"),
        "open sesame please"
    ));
}

#[test]
fn kill_dash_nine_during_an_export_never_leaves_a_truncated_file() {
    if !keyring_or_skip("kill_dash_nine_during_an_export") {
        return;
    }
    let sb = Sandbox::new();
    filled(&sb, 30_000, 44);
    let out = sb.root.path().join("export.zip");
    let mut killed_midway = 0;
    for delay_ms in [50u64, 200, 500, 900] {
        let mut child = sb
            .cmd(&["export", "--out", out.to_str().unwrap(), "--plaintext"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        // Wait for the partial file to appear, then a little more.
        while start.elapsed() < Duration::from_secs(60) {
            let partial = std::fs::read_dir(sb.root.path())
                .unwrap()
                .flatten()
                .any(|e| e.file_name().to_string_lossy().contains(".partial-"));
            if partial || child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        if !finished {
            killed_midway += 1;
            // Either no file under the final name, or a whole one from an
            // earlier round (never a truncated one).
            if out.exists() {
                let bytes = std::fs::read(&out).unwrap();
                assert!(bytes.ends_with(&find_eocd_tail(&bytes)), "truncated export");
            }
        }
        let _ = std::fs::remove_file(&out);
    }
    assert!(killed_midway > 0, "every export finished before the kill");
    // The next export removes what the killed ones left and succeeds.
    let (ok, v) = sb.json(&["export", "--out", out.to_str().unwrap(), "--plaintext"]);
    assert!(ok, "{v}");
    let leftovers: Vec<_> = std::fs::read_dir(sb.root.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".partial-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(!sb.data_dir().join("export-tmp").exists());
    let fresh = Sandbox::new();
    assert!(fresh.json(&["init"]).0);
    let (ok, v) = fresh.json(&["import", out.to_str().unwrap()]);
    assert!(ok, "{v}");
    assert_eq!(v["added"], 30_000);
}

/// The end of a whole zip: its end-of-central-directory record.
fn find_eocd_tail(bytes: &[u8]) -> Vec<u8> {
    let sig = b"PK\x05\x06";
    let at = bytes
        .windows(4)
        .rposition(|w| w == sig)
        .expect("a whole zip ends with its central directory");
    bytes[at..].to_vec()
}

/// The export's FHIR files — `bundle.json` and every NDJSON file of current and
/// earlier versions — validate as R4 with the independent validator
/// (`tests/r4-validator`, fhirbolt's strict model), for a generated record with
/// updated resources and, when they are here, the public Synthea patients
/// (R4 and DSTU2, whose converted resources are exported as R4).
#[test]
fn the_exported_fhir_files_validate_as_r4_with_an_independent_validator() {
    let Ok(validator) = std::env::var("OWNCHART_R4_VALIDATOR") else {
        eprintln!("export: R4 validation skipped (OWNCHART_R4_VALIDATOR not set)");
        return;
    };
    if !keyring_or_skip("the_exported_fhir_files_validate_as_r4") {
        return;
    }
    let sb = Sandbox::new();
    filled(&sb, 3_000, 47);
    // The same record with a new family name: the resources that carry it get an
    // earlier version.
    let again = sb.file(
        "again.ndjson",
        &Generator::new(47).with_canary("Zyxrevised").ndjson(3_000),
    );
    assert!(sb.json(&["import", again.to_str().unwrap()]).0);
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    for kind in ["r4-synthea", "dstu2-synthea"] {
        for entry in std::fs::read_dir(shared.join(kind))
            .into_iter()
            .flatten()
            .flatten()
        {
            let (ok, v) = sb.json(&["import", entry.path().to_str().unwrap()]);
            assert!(ok, "{}: {v}", entry.path().display());
        }
    }

    let out = sb.root.path().join("export.zip");
    let (ok, v) = sb.json(&["export", "--out", out.to_str().unwrap(), "--plaintext"]);
    assert!(ok, "{v}");
    let unpacked = sb.root.path().join("fhir");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut checked = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        // manifest.json, restore/ and attachments/ are not FHIR; the DSTU2
        // originals are kept as received and are not R4.
        if name != "bundle.json" && !name.starts_with("ndjson/") {
            continue;
        }
        let path = unpacked.join(&name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::io::copy(&mut entry, &mut std::fs::File::create(&path).unwrap()).unwrap();
        checked.push(name);
    }
    assert!(checked.iter().any(|n| n == "bundle.json"), "{checked:?}");
    assert!(
        checked.iter().any(|n| n.starts_with("ndjson/versions/")),
        "{checked:?}"
    );
    let result = std::process::Command::new(validator)
        .arg(&unpacked)
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );

    // Resources kept as received (DSTU2 files) are in the export too, apart
    // from R4, and come back with everything else.
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().into_owned())
        .collect();
    if shared.join("dstu2-synthea").is_dir() {
        assert!(
            names.iter().any(|n| n.starts_with("as-received/dstu2/")),
            "{names:?}"
        );
    }
    let fresh = Sandbox::new();
    assert!(fresh.json(&["init"]).0);
    let (ok, v) = fresh.json(&["import", out.to_str().unwrap()]);
    assert!(ok, "{v}");
    let (_, before) = sb.json(&["status"]);
    let (_, after) = fresh.json(&["status"]);
    assert_eq!(counts(&before), counts(&after));
}
