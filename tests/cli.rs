//! The headless command line: init, import, status, `--json`, exit codes, and
//! every bad input leaving the vault as it was.

use ownchart_synth::Generator;

use crate::util::*;

#[test]
fn status_of_an_empty_folder_says_not_created_and_creates_no_vault() {
    let sb = Sandbox::new();
    let (ok, v) = sb.json(&["status"]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "not_created");
    assert!(!sb.data_dir().join("vault.db").exists());
}

#[test]
fn init_import_status_round_trip_counts_every_category() {
    if !keyring_or_skip("init_import_status_round_trip") {
        return;
    }
    let sb = Sandbox::new();
    let (ok, v) = sb.json(&["init"]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "unlocked");
    assert_eq!(v["protection"], "keyring");

    let bundle = Generator::new(7).bundle(400);
    let file = sb.file("patient.json", &bundle);
    let (ok, report) = sb.json(&["import", file.to_str().unwrap()]);
    assert!(ok, "{report}");
    assert_eq!(report["added"], 400);

    let (ok, status) = sb.json(&["status"]);
    assert!(ok, "{status}");
    assert_eq!(status["overview"]["total"], 400);
    assert_eq!(
        nonzero(counts(&status)),
        expected_counts(&bundle_resources(&bundle))
    );
    // All 16 categories plus "other" are always listed.
    assert_eq!(counts(&status).len(), 17);
}

#[test]
fn importing_the_same_file_twice_keeps_one_row_per_resource() {
    if !keyring_or_skip("importing_the_same_file_twice") {
        return;
    }
    let sb = Sandbox::new();
    assert!(sb.json(&["init"]).0);
    let file = sb.file("p.ndjson", &Generator::new(3).ndjson(150));
    let (ok, first) = sb.json(&["import", file.to_str().unwrap()]);
    assert!(ok, "{first}");
    let (ok, second) = sb.json(&["import", file.to_str().unwrap()]);
    assert!(ok, "{second}");
    assert_eq!(first["added"], 150);
    assert_eq!(second["added"], 0);
    assert_eq!(second["unchanged"], 150);
    let (_, status) = sb.json(&["status"]);
    assert_eq!(status["overview"]["total"], 150);
}

#[test]
fn bad_files_get_a_clear_error_and_leave_the_vault_untouched() {
    if !keyring_or_skip("bad_files_get_a_clear_error") {
        return;
    }
    let sb = Sandbox::new();
    assert!(sb.json(&["init"]).0);
    let good = sb.file("good.json", &Generator::new(1).bundle(60));
    assert!(sb.json(&["import", good.to_str().unwrap()]).0);

    let truncated = {
        let b = Generator::new(2).bundle(60);
        b[..b.len() / 2].to_vec()
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated.json", truncated, "malformed_file"),
        (
            "not-fhir.json",
            br#"{"hello": "world"}"#.to_vec(),
            "not_fhir",
        ),
        ("empty.json", vec![], "empty_file"),
        ("text.json", b"just some text\n".to_vec(), "malformed_file"),
        (
            "bad-line.ndjson",
            {
                let mut b = Generator::new(4).ndjson(30);
                b.extend_from_slice(b"{not json\n");
                b.extend_from_slice(&Generator::new(5).ndjson(30));
                b
            },
            "malformed_file",
        ),
    ];
    for (name, bytes, code) in cases {
        let before = sb.snapshot();
        let file = sb.file(name, &bytes);
        // A good file next to the bad one is not imported either.
        let other = sb.file("other.json", &Generator::new(9).bundle(40));
        let out = sb
            .cmd(&[
                "import",
                "--json",
                other.to_str().unwrap(),
                file.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{name} was accepted");
        let v = parse_stdout(&out);
        assert_eq!(v["error"]["code"], code, "{name}: {v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(name),
            "{name}: message does not name the file: {message}"
        );
        assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
        assert_eq!(before, sb.snapshot(), "{name} changed the data folder");
    }
    let (_, status) = sb.json(&["status"]);
    assert_eq!(status["overview"]["total"], 60);
}

#[test]
fn a_missing_file_is_an_error_with_its_name() {
    let sb = Sandbox::new();
    let out = sb
        .cmd(&["import", "--json", "/nonexistent/records.json"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    // No vault exists yet either: the first problem reported is a clear one.
    let v = parse_stdout(&out);
    assert!(v["error"]["code"].is_string(), "{v}");
}

#[test]
fn passphrase_mode_round_trip_and_wrong_passphrase() {
    use std::io::Write;
    use std::process::Stdio;
    let sb = Sandbox::new();
    let run = |args: &[&str], pass: &str| {
        let mut all = args.to_vec();
        all.extend(["--json", "--passphrase-stdin"]);
        let mut child = sb
            .cmd(&all)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{pass}").unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.success(), parse_stdout(&out))
    };
    let (ok, v) = run(&["init"], "correct horse battery staple");
    assert!(ok, "{v}");
    assert_eq!(v["protection"], "passphrase");
    let file = sb.file("p.json", &Generator::new(11).bundle(80));
    let (ok, v) = run(
        &["import", file.to_str().unwrap()],
        "correct horse battery staple",
    );
    assert!(ok, "{v}");

    let before = sb.snapshot();
    let (ok, v) = run(&["status"], "wrong horse battery staple");
    assert!(!ok);
    assert_eq!(v["error"]["code"], "wrong_passphrase");
    assert_eq!(before, sb.snapshot());

    // Without the passphrase the vault is reported locked, nothing more.
    let (ok, v) = sb.json(&["status"]);
    assert!(ok);
    assert_eq!(v["state"], "locked");

    let (ok, v) = run(&["status"], "correct horse battery staple");
    assert!(ok, "{v}");
    assert_eq!(v["overview"]["total"], 80);
}

#[test]
fn a_second_process_on_the_same_data_folder_is_refused() {
    if !keyring_or_skip("a_second_process_on_the_same_data_folder") {
        return;
    }
    let sb = Sandbox::new();
    assert!(sb.json(&["init"]).0);
    // Hold the folder's lock the way a running app does.
    let dir = ownchart_vault::DataDir::new(sb.data_dir());
    let _lock = dir.lock().unwrap();
    let (ok, v) = sb.json(&["status"]);
    assert!(!ok);
    assert_eq!(v["error"]["code"], "in_use");
}

#[test]
fn two_data_folders_never_share_a_key() {
    if !keyring_or_skip("two_data_folders_never_share_a_key") {
        return;
    }
    let a = Sandbox::new();
    let b = Sandbox::new();
    assert!(a.json(&["init"]).0);
    assert!(b.json(&["init"]).0);
    // Swap the vault files: each folder's key must fail on the other's vault.
    let va = a.data_dir().join("vault.db");
    let vb = b.data_dir().join("vault.db");
    let bytes_a = std::fs::read(&va).unwrap();
    std::fs::copy(&vb, &va).unwrap();
    let (ok, v) = a.json(&["status"]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "key_unavailable", "{v}");
    // And the foreign file was left exactly as copied.
    assert_eq!(std::fs::read(&va).unwrap(), std::fs::read(&vb).unwrap());
    assert_ne!(bytes_a, std::fs::read(&vb).unwrap());
}

#[test]
fn unknown_subcommand_and_missing_arguments_exit_non_zero() {
    let sb = Sandbox::new();
    assert!(!sb.cmd(&["import"]).output().unwrap().status.success());
    assert!(!sb.cmd(&["frobnicate"]).output().unwrap().status.success());
}

#[test]
fn a_vault_whose_keyring_entry_is_gone_is_reported_and_left_untouched() {
    if !keyring_or_skip("a_vault_whose_keyring_entry_is_gone") {
        return;
    }
    let sb = Sandbox::new();
    assert!(sb.json(&["init"]).0);
    let file = sb.file("p.json", &Generator::new(12).bundle(50));
    assert!(sb.json(&["import", file.to_str().unwrap()]).0);
    let dir = ownchart_vault::DataDir::new(sb.data_dir());
    let keyring =
        ownchart_vault::KeyringStore::new(ownchart_core::session::default_keyring_service());
    let name = format!("vault-key:{}", dir.namespace());
    let key = keyring
        .get(&name)
        .unwrap()
        .expect("the key is in the keyring");
    keyring.delete(&name).unwrap();

    let before = sb.snapshot();
    let (ok, v) = sb.json(&["status"]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "key_unavailable", "{v}");
    // Neither init nor import creates over it.
    let (ok, v) = sb.json(&["init"]);
    assert!(!ok);
    assert_eq!(v["error"]["code"], "vault_exists", "{v}");
    let (ok, v) = sb.json(&["import", file.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(v["error"]["code"], "key_unavailable", "{v}");
    assert_eq!(before, sb.snapshot());

    // Putting the key back recovers everything.
    keyring.set(&name, &key).unwrap();
    let (ok, v) = sb.json(&["status"]);
    assert!(ok, "{v}");
    assert_eq!(v["overview"]["total"], 50);
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    if !keyring_or_skip("a_file_over_the_size_limit") {
        return;
    }
    let sb = Sandbox::new();
    assert!(sb.json(&["init"]).0);
    // A sparse 2 GiB file: over the 1 GiB limit without writing 2 GiB.
    let path = sb.root.path().join("huge.json");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(2 << 30).unwrap();
    let before = sb.snapshot();
    let (ok, v) = sb.json(&["import", path.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(v["error"]["code"], "file_too_large", "{v}");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("huge.json"));
    assert_eq!(before, sb.snapshot());
}
