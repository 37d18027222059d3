//! Sharing with a clinician, through `Session` and through `ownchart share`:
//! the preview counts what is written; the document has the IPS shape, holds
//! only the selected records and validates as R4 (independent validator); the
//! SMART Health Link's JWE decrypts with an independent JOSE implementation (npm
//! `jose`) to exactly the document's bytes; its QR code decodes (rqrr) to the
//! link; the ledger entry is there, with hashes and without clinical values.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ownchart_core::import::ImportOptions;
use ownchart_core::overview::ProtectionMode;
use ownchart_core::session::{Session, SessionConfig};
use ownchart_core::share::{ShareOutputs, ShareReport, ShareRequest, ShareSelection};
use ownchart_synth::Generator;
use ownchart_vault::Passphrase;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::util::*;

const CANARY: &str = "Zyxcanaryqq";

struct World {
    tmp: tempfile::TempDir,
    session: Session,
}

impl World {
    fn out(&self) -> PathBuf {
        let out = self.tmp.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        out
    }

    fn request(&self, selection: ShareSelection) -> ShareRequest {
        ShareRequest {
            selection,
            recipient: "Dr. Ada Lee, Cardiology".into(),
            purpose: "Second opinion".into(),
            out_dir: self.out().display().to_string(),
            outputs: ShareOutputs {
                ips_bundle: true,
                html_summary: true,
                smart_health_link: true,
            },
            label: Some("Summary for Dr. Lee".into()),
            expires_in_days: Some(14),
            passcode: false,
            base_url: None,
        }
    }
}

/// A passphrase vault (no keyring needed) with `files` imported.
fn world(files: &[(&str, Vec<u8>)]) -> World {
    let tmp = tempfile::tempdir().unwrap();
    let mut session = Session::start(SessionConfig::new(tmp.path().join("data"))).unwrap();
    session
        .create(
            ProtectionMode::Passphrase,
            Some(Passphrase::new("a long test passphrase".to_owned())),
        )
        .unwrap();
    let mut paths = vec![];
    for (name, bytes) in files {
        let p = tmp.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        paths.push(p);
    }
    if !paths.is_empty() {
        session
            .import(&paths, &ImportOptions::default(), &mut |_| {})
            .unwrap();
    }
    World { tmp, session }
}

fn synth_world() -> World {
    world(&[(
        "record.json",
        Generator::new(11).with_canary(CANARY).bundle(400),
    )])
}

fn file<'a>(
    report: &'a ShareReport,
    kind: &str,
    ext: &str,
) -> &'a ownchart_core::share::SharedFile {
    report
        .files
        .iter()
        .find(|f| f.kind == kind && f.name.ends_with(ext))
        .unwrap_or_else(|| panic!("no {kind} {ext} in {:?}", report.files))
}

fn read(report: &ShareReport, name: &str) -> Vec<u8> {
    std::fs::read(Path::new(&report.dir).join(name)).unwrap()
}

fn bundle_of(report: &ShareReport) -> (Vec<u8>, Value) {
    let bytes = read(report, &file(report, "ips_bundle", ".json").name);
    let v = serde_json::from_slice(&bytes).unwrap();
    (bytes, v)
}

/// Counts per category of the shared records, worked out independently.
fn shared_counts(bundle: &Value) -> BTreeMap<String, u64> {
    let resources: Vec<Value> = bundle["entry"].as_array().unwrap()[1..]
        .iter()
        .map(|e| e["resource"].clone())
        .collect();
    expected_counts(&resources)
}

/// The shlink payload's JSON.
fn payload(uri: &str) -> Value {
    let body = uri.strip_prefix("shlink:/").unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).unwrap()).unwrap()
}

#[test]
fn the_preview_counts_exactly_what_is_shared() {
    let mut w = synth_world();
    let overview = w.session.overview().unwrap();
    let preview = w.session.share_preview(&ShareSelection::default()).unwrap();
    assert_eq!(preview.total, overview.total);
    assert_eq!(preview.counts, overview.categories);
    assert!(preview.patient_name.unwrap().contains(CANARY));
    let required: Vec<_> = preview
        .sections
        .iter()
        .filter(|s| s.required)
        .map(|s| s.code.as_str())
        .collect();
    assert_eq!(required, ["10160-0", "48765-2", "11450-4"]);

    let selection = ShareSelection {
        categories: vec!["labs".into(), "condition".into()],
        from: Some("2015-01-01".into()),
        to: None,
        items: vec![],
    };
    let preview = w.session.share_preview(&selection).unwrap();
    let report = w.session.share_create(&w.request(selection)).unwrap();
    let (_, bundle) = bundle_of(&report);
    let counted = shared_counts(&bundle);
    let previewed: BTreeMap<String, u64> = preview
        .counts
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| (c.category.clone(), c.count))
        .collect();
    assert_eq!(counted, previewed);
    assert_eq!(report.resources, preview.total);
    assert!(
        counted
            .keys()
            .all(|k| ["patient", "labs", "condition"].contains(&k.as_str())),
        "{counted:?}"
    );
    // Only records on or after the day, none undated (the Patient excepted).
    for e in &bundle["entry"].as_array().unwrap()[1..] {
        let r = &e["resource"];
        if r["resourceType"] == "Patient" {
            continue;
        }
        let date = r["effectiveDateTime"]
            .as_str()
            .or(r["onsetDateTime"].as_str())
            .or(r["recordedDate"].as_str())
            .or(r["effectivePeriod"]["start"].as_str())
            .or(r["issued"].as_str())
            .unwrap_or_else(|| panic!("undated record shared: {r}"));
        assert!(&date[..10] >= "2015-01-01", "{date}");
    }
    // The written sections are the preview's.
    let sections: Vec<(String, u64)> = bundle["entry"][0]["resource"]["section"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["code"]["coding"][0]["code"].as_str().unwrap().to_owned(),
                s["entry"].as_array().map_or(0, |e| e.len() as u64),
            )
        })
        .collect();
    let previewed: Vec<(String, u64)> = preview
        .sections
        .iter()
        .map(|s| (s.code.clone(), s.count))
        .collect();
    assert_eq!(sections, previewed);
}

#[test]
fn a_share_writes_the_document_the_page_and_the_link_after_recording_it() {
    let mut w = synth_world();
    let before = w.session.ledger_entries().unwrap().len();
    let report = w
        .session
        .share_create(&w.request(ShareSelection::default()))
        .unwrap();

    // Every file is in place under its name with the reported hash; no temporary file is left.
    let dir = Path::new(&report.dir);
    assert!(dir.starts_with(w.out()));
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    let mut reported: Vec<String> = report.files.iter().map(|f| f.name.clone()).collect();
    reported.sort();
    assert_eq!(on_disk, reported);
    for f in &report.files {
        let bytes = read(&report, &f.name);
        assert_eq!(f.bytes, bytes.len() as u64, "{}", f.name);
        assert_eq!(f.sha256, hex::encode(Sha256::digest(&bytes)), "{}", f.name);
    }
    let kinds: Vec<&str> = report.files.iter().map(|f| f.kind.as_str()).collect();
    for k in [
        "ips_bundle",
        "html_summary",
        "shl_payload",
        "shl_qr",
        "shl_uri",
        "readme",
    ] {
        assert!(kinds.contains(&k), "{k}: {kinds:?}");
    }

    // The ledger has the disclosure, with every file's hash, and no clinical value.
    let entries = w.session.ledger_entries().unwrap();
    assert_eq!(entries.len(), before + 1);
    let e = entries.last().unwrap();
    assert_eq!((e.seq, e.event.as_str()), (report.ledger_seq, "SHARE"));
    assert_eq!(e.recipient.as_deref(), Some("Dr. Ada Lee, Cardiology"));
    assert_eq!(e.purpose.as_deref(), Some("Second opinion"));
    for f in &report.files {
        assert!(e.description.contains(&f.sha256), "{}", e.description);
    }
    assert!(!e.description.contains(CANARY));
    let key = payload(report.shlink_uri.as_deref().unwrap())["key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!e.description.contains(&key));
    assert!(w.session.verify_ledger().unwrap().intact);

    // The document: IPS shape, every record of the vault, references resolved.
    let (bytes, bundle) = bundle_of(&report);
    assert_eq!(bundle["type"], "document");
    assert!(bundle["identifier"]["value"]
        .as_str()
        .unwrap()
        .starts_with("urn:uuid:"));
    assert!(bundle["timestamp"].is_string());
    let composition = &bundle["entry"][0]["resource"];
    assert_eq!(composition["resourceType"], "Composition");
    assert_eq!(composition["type"]["coding"][0]["code"], "60591-5");
    let entries = bundle["entry"].as_array().unwrap();
    assert_eq!(entries.len() as u64, report.resources + 1);
    assert_eq!(report.resources, w.session.overview().unwrap().total);
    let full_urls: std::collections::BTreeSet<&str> = entries
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    assert_eq!(full_urls.len(), entries.len(), "fullUrls are unique");
    let patient_url = entries
        .iter()
        .find(|e| e["resource"]["resourceType"] == "Patient")
        .unwrap()["fullUrl"]
        .as_str()
        .unwrap();
    assert_eq!(composition["subject"]["reference"], patient_url);
    for e in &entries[1..] {
        let subject = &e["resource"]["subject"]["reference"];
        if let Some(s) = subject.as_str() {
            assert_eq!(s, patient_url, "{}", e["resource"]["resourceType"]);
        }
    }
    for s in composition["section"].as_array().unwrap() {
        assert!(s["text"]["div"]
            .as_str()
            .unwrap()
            .starts_with("<div xmlns=\"http://www.w3.org/1999/xhtml\">"));
        for r in s["entry"].as_array().into_iter().flatten() {
            assert!(full_urls.contains(r["reference"].as_str().unwrap()));
        }
    }
    validate_r4(&bytes, "generated");

    // The page: self-contained, escaped, the same as the report's copy.
    let page =
        String::from_utf8(read(&report, &file(&report, "html_summary", ".html").name)).unwrap();
    assert_eq!(report.html_summary.as_deref(), Some(page.as_str()));
    assert!(!page.to_ascii_lowercase().contains("<script"));
    assert!(!page.contains("<link") && !page.contains("src=\"http"));
    assert!(page.contains("@media print") && page.contains(CANARY));
    assert!(page.contains("Dr. Ada Lee, Cardiology") && page.contains("Second opinion"));

    // The link: payload shape, QR code, and the JWE decrypting to exactly the document.
    let uri = report.shlink_uri.clone().unwrap();
    let p = payload(&uri);
    assert_eq!(p["flag"], "U");
    assert_eq!(p["v"], 1);
    assert_eq!(p["label"], "Summary for Dr. Lee");
    assert_eq!(p["key"].as_str().unwrap().len(), 43);
    let exp = p["exp"].as_i64().unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((exp - now - 14 * 86_400).abs() < 120, "{exp}");
    let jwe_file = file(&report, "shl_payload", ".jwe");
    assert!(p["url"].as_str().unwrap().ends_with(&jwe_file.name));
    assert_eq!(
        read(&report, &file(&report, "shl_uri", ".txt").name),
        format!("{uri}\n").as_bytes()
    );
    assert_eq!(
        decode_qr_png(&read(&report, &file(&report, "shl_qr", ".png").name)),
        uri
    );
    let svg = String::from_utf8(read(&report, &file(&report, "shl_qr", ".svg").name)).unwrap();
    assert_eq!(report.qr_svg.as_deref(), Some(svg.as_str()));
    let readme = String::from_utf8(read(&report, "README.txt")).unwrap();
    assert!(readme.contains("placeholder") && readme.contains(p["url"].as_str().unwrap()));
    let jwe = String::from_utf8(read(&report, &jwe_file.name)).unwrap();
    assert!(!jwe.contains(CANARY));
    if let Some(plain) = jose_decrypt(&report, &jwe_file.name, p["key"].as_str().unwrap()) {
        assert_eq!(plain, bytes, "the JWE decrypts to exactly the document");
    }
}

#[test]
fn chosen_items_are_all_that_is_shared_besides_the_patient() {
    let mut w = synth_world();
    let vault = &w.session.opened().unwrap().vault;
    let heads = vault.select_resources(&Default::default()).unwrap();
    let picked: Vec<_> = heads
        .iter()
        .filter(|h| h.category == "allergy_intolerance" || h.category == "vitals")
        .take(3)
        .collect();
    assert_eq!(picked.len(), 3);
    let items: Vec<String> = picked.iter().map(|h| h.pk.to_string()).collect();
    let ids: std::collections::BTreeSet<String> =
        picked.iter().map(|h| h.resource_id.clone()).collect();
    let mut request = w.request(ShareSelection {
        categories: vec!["labs".into()],
        items,
        ..Default::default()
    });
    request.outputs = ShareOutputs {
        ips_bundle: true,
        html_summary: false,
        smart_health_link: false,
    };
    let report = w.session.share_create(&request).unwrap();
    assert!(report.shlink_uri.is_none() && report.html_summary.is_none());
    let (_, bundle) = bundle_of(&report);
    let shared: std::collections::BTreeSet<String> = bundle["entry"].as_array().unwrap()[1..]
        .iter()
        .filter(|e| e["resource"]["resourceType"] != "Patient")
        .map(|e| e["resource"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(shared, ids);
    assert_eq!(report.resources, 4);

    // A key that is not a record of this vault is refused, and nothing is written.
    let mut bad = w.request(ShareSelection {
        items: vec!["999999".into()],
        ..Default::default()
    });
    bad.out_dir = w.tmp.path().join("out2").display().to_string();
    std::fs::create_dir_all(&bad.out_dir).unwrap();
    let seq = w.session.ledger_entries().unwrap().len();
    let err = w.session.share_create(&bad).unwrap_err();
    assert_eq!(err.code(), "share_unknown_item");
    assert_eq!(std::fs::read_dir(&bad.out_dir).unwrap().count(), 0);
    assert_eq!(w.session.ledger_entries().unwrap().len(), seq);
}

#[test]
fn a_refused_share_writes_nothing_and_records_nothing() {
    let mut w = synth_world();
    let seq = w.session.ledger_entries().unwrap().len();
    let mut r = w.request(ShareSelection::default());
    r.recipient = " ".into();
    assert_eq!(
        w.session.share_create(&r).unwrap_err().code(),
        "share_recipient_required"
    );
    let mut r = w.request(ShareSelection::default());
    r.base_url = Some("http://insecure.example/".into());
    assert_eq!(
        w.session.share_create(&r).unwrap_err().code(),
        "share_invalid_url"
    );
    assert_eq!(w.session.ledger_entries().unwrap().len(), seq);
    assert_eq!(std::fs::read_dir(w.out()).unwrap().count(), 0);
    let r = w.request(ShareSelection {
        from: Some("2100-01-01".into()),
        categories: vec!["labs".into()],
        ..Default::default()
    });
    // Only the Patient matches: still a (thin) summary, with every section "no information".
    let report = w.session.share_create(&r).unwrap();
    assert_eq!(report.resources, 1);
    assert_eq!(w.session.ledger_entries().unwrap().len(), seq + 1);
}

#[test]
fn a_hosting_address_and_a_passcode_go_into_the_link() {
    let mut w = synth_world();
    let mut r = w.request(ShareSelection {
        categories: vec!["immunization".into()],
        ..Default::default()
    });
    r.base_url = Some("https://files.example.org/ann/".into());
    let report = w.session.share_create(&r).unwrap();
    let p = payload(report.shlink_uri.as_deref().unwrap());
    let name = &file(&report, "shl_payload", ".jwe").name;
    assert_eq!(p["url"], format!("https://files.example.org/ann/{name}"));
    assert_eq!(p["flag"], "U");

    r.passcode = true;
    r.base_url = Some("https://shl.example.org/manifest/abc".into());
    r.label = None;
    r.expires_in_days = None;
    let report = w.session.share_create(&r).unwrap();
    let p = payload(report.shlink_uri.as_deref().unwrap());
    assert_eq!(p["url"], "https://shl.example.org/manifest/abc");
    assert_eq!(p["flag"], "P");
    assert!(p.get("label").is_none() && p.get("exp").is_none());
}

#[test]
fn synthea_patients_share_as_valid_documents() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/r4-synthea");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        eprintln!("synthea share: skipped ({} not found)", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let file_path = files.into_iter().next().unwrap();
    let bytes = std::fs::read(&file_path).unwrap();
    let mut w = world(&[("synthea.json", bytes)]);
    let report = w
        .session
        .share_create(&w.request(ShareSelection::default()))
        .unwrap();
    let (bytes, bundle) = bundle_of(&report);
    let entries = bundle["entry"].as_array().unwrap();
    let full_urls: std::collections::BTreeSet<&str> = entries
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    // Synthea refers by urn:uuid: every such reference now points into the document.
    let mut refs = vec![];
    collect_refs(&bundle, &mut refs);
    let uuid_refs: Vec<&String> = refs.iter().filter(|r| r.starts_with("urn:uuid:")).collect();
    assert!(uuid_refs.len() > 10);
    for r in uuid_refs {
        assert!(full_urls.contains(r.as_str()), "{r} does not resolve");
    }
    let sections = entries[0]["resource"]["section"].as_array().unwrap();
    assert!(
        sections.len() > 3,
        "Synthea patients have more than the required sections"
    );
    validate_r4(&bytes, "synthea");
    if let Some(plain) = jose_decrypt(
        &report,
        &file(&report, "shl_payload", ".jwe").name,
        payload(report.shlink_uri.as_deref().unwrap())["key"]
            .as_str()
            .unwrap(),
    ) {
        assert_eq!(plain, bytes);
    }
}

#[test]
fn ownchart_share_json_writes_the_files_and_help_documents_it() {
    let sb = Sandbox::new();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--json", "--passphrase-stdin"]);
        let mut child = sb
            .cmd(&all)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "a long test passphrase").unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.code(), parse_stdout(&out))
    };
    assert_eq!(run(&["init"]).0, Some(0));
    let bundle = sb.file("record.json", &Generator::new(5).bundle(200));
    assert_eq!(run(&["import", bundle.to_str().unwrap()]).0, Some(0));
    let out = sb.root.path().join("shares");
    std::fs::create_dir_all(&out).unwrap();
    let out_s = out.to_str().unwrap();

    let (code, preview) = run(&["share", "--preview", "--types", "Labs,condition"]);
    assert_eq!(code, Some(0), "{preview}");
    let total = preview["total"].as_u64().unwrap();
    assert!(total > 1);

    let (code, report) = run(&[
        "share",
        "--out",
        out_s,
        "--types",
        "Labs,condition",
        "--recipient",
        "Dr. Lee",
        "--purpose",
        "Follow-up",
        "--outputs",
        "ips,link",
        "--expires-in-days",
        "7",
    ]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["resources"].as_u64(), Some(total));
    assert!(report["ledger_seq"].as_u64().unwrap() > 1);
    assert!(report["html_summary"].is_null());
    assert!(report["shlink_uri"]
        .as_str()
        .unwrap()
        .starts_with("shlink:/"));
    let dir = PathBuf::from(report["dir"].as_str().unwrap());
    for f in report["files"].as_array().unwrap() {
        let bytes = std::fs::read(dir.join(f["name"].as_str().unwrap())).unwrap();
        assert_eq!(
            f["sha256"].as_str().unwrap(),
            hex::encode(Sha256::digest(&bytes))
        );
    }

    // A bad date is an error in JSON, exit 1; a missing recipient is a usage error, exit 2.
    let (code, err) = run(&[
        "share",
        "--out",
        out_s,
        "--from",
        "soon",
        "--recipient",
        "x",
        "--purpose",
        "y",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(err["error"]["code"], "share_invalid_date");
    let usage = sb
        .cmd(&["share", "--out", out_s, "--purpose", "y"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));

    let help = sb.cmd(&["share", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--out",
        "--types",
        "--from",
        "--to",
        "--recipient",
        "--purpose",
        "--json",
        "--items",
        "--base-url",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help:\n{help}");
    }
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("reference") {
                out.push(r.clone());
            }
            m.values().for_each(|x| collect_refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// Reads the PNG with the png crate and decodes it with rqrr (independent of the encoder).
fn decode_qr_png(bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = buf.len() / (w * h);
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[(y * w + x) * channels]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().unwrap().1
}

/// Validates the document with the independent R4 validator: once as a file (its
/// entries one by one) and once wrapped, so the document Bundle itself is read.
fn validate_r4(bundle: &[u8], what: &str) {
    let Ok(bin) = std::env::var("OWNCHART_R4_VALIDATOR") else {
        eprintln!("share {what}: R4 validation skipped (OWNCHART_R4_VALIDATOR not set)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ips.json"), bundle).unwrap();
    let document: Value = serde_json::from_slice(bundle).unwrap();
    let wrapper = serde_json::json!({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": document}]});
    std::fs::write(
        dir.path().join("wrapped.json"),
        serde_json::to_vec(&wrapper).unwrap(),
    )
    .unwrap();
    let result = std::process::Command::new(bin)
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
}

/// The JWE decrypted by the npm `jose` package (tests/jose). None (skipped) when
/// its node_modules is not installed, unless OWNCHART_REQUIRE_E2E=1.
fn jose_decrypt(report: &ShareReport, name: &str, key: &str) -> Option<Vec<u8>> {
    let jose = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/jose");
    let required = std::env::var("OWNCHART_REQUIRE_E2E").is_ok_and(|v| v == "1");
    if !jose.join("node_modules/jose").is_dir() {
        assert!(
            !required,
            "tests/jose/node_modules is missing: run `npm ci --prefix tests/jose`"
        );
        eprintln!("share: JWE check with npm jose skipped (run `npm ci --prefix tests/jose`)");
        return None;
    }
    let out = std::process::Command::new("node")
        .arg(jose.join("decrypt.mjs"))
        .arg(Path::new(&report.dir).join(name))
        .arg(key)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let header: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(
        header,
        serde_json::json!({"alg": "dir", "enc": "A256GCM", "cty": "application/fhir+json"})
    );
    Some(out.stdout)
}
