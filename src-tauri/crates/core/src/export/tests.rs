//! Export → restore round trips on real SQLCipher vaults: every resource,
//! version and original comes back with the same bytes and columns; a changed,
//! damaged or wrongly unlocked export writes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::{Path, PathBuf};

use ownchart_synth::Generator;
use ownchart_vault::{
    create_with_passphrase, DataDir, JsonCodec, Opened, Passphrase, RestoreOriginal, Vault,
};
use sha2::{Digest, Sha256};

use super::*;
use crate::import::{import_files, ImportOptions};

fn vault(root: &Path, name: &str) -> Opened {
    let dir = DataDir::new(root.join(name));
    std::fs::create_dir_all(dir.root()).unwrap();
    create_with_passphrase(&dir, &Passphrase::new("test passphrase".into())).unwrap()
}

/// Every stored row of a vault, comparable across vaults (keys left out).
fn rows(v: &Vault) -> Vec<String> {
    let mut out = Vec::new();
    let mut codec = JsonCodec::new().unwrap();
    let mut after = 0;
    loop {
        let batch = v.dump_resources(after, 1000).unwrap();
        let Some(last) = batch.last() else { break };
        after = last.pk;
        for r in batch {
            let raw = codec.decode(&r.raw_zstd, r.raw_len).unwrap();
            assert_eq!(Sha256::digest(&raw).as_slice(), &r.sha256[..]);
            out.push(format!(
                "R {} {} {} {} {} {:?} {:?} {} {:?} {:?} {:?} {} {} {}",
                r.source,
                r.origin,
                r.resource_type,
                r.resource_id,
                r.fetched_at,
                r.version_id,
                r.last_updated,
                r.category,
                r.clinical_date,
                r.code,
                r.display,
                r.fhir_version,
                hex::encode(&r.sha256),
                r.raw_len
            ));
        }
    }
    let mut after = 0;
    loop {
        let batch = v.dump_versions(after, 1000).unwrap();
        let Some(last) = batch.last() else { break };
        after = last.pk;
        for r in batch {
            out.push(format!(
                "V {} {} {} {} {:?} {} {} {} {}",
                r.source,
                r.resource_type,
                r.resource_id,
                r.origin,
                r.version_id,
                r.fetched_at,
                r.superseded_at,
                hex::encode(&r.sha256),
                r.raw_len
            ));
        }
    }
    let mut after = 0;
    loop {
        let batch = v.dump_originals(after, 1000).unwrap();
        let Some(last) = batch.last() else { break };
        after = last.pk;
        for r in batch {
            out.push(format!(
                "O {} {} {} {} {} {}",
                r.source,
                r.resource_type,
                r.resource_id,
                r.fhir_version,
                r.notes,
                hex::encode(&r.sha256)
            ));
        }
    }
    out.sort();
    out
}

fn same_rows(a: &Vault, b: &Vault) {
    let (a, b) = (rows(a), rows(b));
    assert_eq!(a.len(), b.len());
    if let Some((x, y)) = a.iter().zip(&b).find(|(x, y)| x != y) {
        panic!("first difference:\n{x}\n{y}");
    }
}

/// A record with single-line and pretty-printed resources, an updated
/// resource (one earlier version) and a converted resource's original.
fn filled(root: &Path) -> Opened {
    let mut o = vault(root, "source");
    let nd = root.join("records.ndjson");
    std::fs::write(&nd, Generator::new(7).ndjson(400)).unwrap();
    let pretty = root.join("pretty.json");
    let bundle: serde_json::Value = serde_json::from_slice(&Generator::new(8).bundle(30)).unwrap();
    std::fs::write(&pretty, serde_json::to_vec_pretty(&bundle).unwrap()).unwrap();
    let one = root.join("one.ndjson");
    std::fs::write(
        &one,
        b"{\"resourceType\":\"Condition\",\"id\":\"c1\",\"note\":[{\"text\":\"a\"}]}\n",
    )
    .unwrap();
    let opts = ImportOptions::default();
    for p in [&nd, &pretty, &one] {
        import_files(
            &mut o.vault,
            &mut o.ledger,
            std::slice::from_ref(p),
            &opts,
            &mut |_| {},
        )
        .unwrap();
    }
    std::fs::write(
        &one,
        b"{\"resourceType\":\"Condition\",\"id\":\"c1\",\"note\":[{\"text\":\"b\"}]}\n",
    )
    .unwrap();
    import_files(&mut o.vault, &mut o.ledger, &[one], &opts, &mut |_| {}).unwrap();
    let original = br#"{"resourceType":"Condition","id":"c1","clinicalStatus":"active"}"#;
    let mut codec = JsonCodec::new().unwrap();
    let (sha256, raw_zstd) = codec.encode(original).unwrap();
    o.vault
        .restore_originals(&[RestoreOriginal {
            source: "import".into(),
            resource_type: "Condition".into(),
            resource_id: "c1".into(),
            fhir_version: "DSTU2".into(),
            sha256,
            raw_len: original.len(),
            raw_zstd,
            notes: "[\"clinicalStatus mapped\"]".into(),
        }])
        .unwrap();
    o
}

fn export_to(o: &mut Opened, data: &Path, path: &Path, passphrase: Option<&str>) -> ExportReport {
    let request = ExportRequest {
        path: path.display().to_string(),
        protection: match passphrase {
            Some(p) => ExportProtection::Passphrase {
                passphrase: SecretText::new(p.to_owned()),
            },
            None => ExportProtection::Plaintext { acknowledged: true },
        },
    };
    let mut phases = Vec::new();
    let report = write::export(&o.vault, &mut o.ledger, data, &request, &mut |p| {
        phases.push(p.phase)
    })
    .unwrap();
    assert_eq!(phases.first(), Some(&ExportPhase::Preparing));
    assert_eq!(phases.last(), Some(&ExportPhase::Finishing));
    report
}

fn restore_into(
    o: &mut Opened,
    paths: &[PathBuf],
    passphrase: Option<&str>,
) -> crate::Result<crate::import::ImportReport> {
    let options = ImportOptions {
        passphrase: passphrase.map(|p| SecretText::new(p.to_owned())),
        ..ImportOptions::default()
    };
    import_all(&mut o.vault, &mut o.ledger, paths, &options, &mut |_| {})
}

#[test]
fn a_plain_export_restores_every_row_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let mut source = filled(tmp.path());
    let out = tmp.path().join("export.zip");
    let report = export_to(&mut source, tmp.path(), &out, None);
    assert_eq!(report.resources, 431);
    assert_eq!(report.versions, 1);
    assert!(!report.encrypted);
    assert_eq!(
        report.sha256,
        hex::encode(Sha256::digest(std::fs::read(&out).unwrap()))
    );
    assert_eq!(report.bytes, std::fs::metadata(&out).unwrap().len());
    assert_eq!(
        source.ledger.entries().unwrap().last().unwrap().event,
        "EXPORT"
    );
    assert!(
        report.attachments > 0,
        "synth records carry inline documents"
    );

    // The manifest's hashes are the files' hashes, computed here independently.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let manifest: Manifest = {
        let mut s = String::new();
        zip.by_name("manifest.json")
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        serde_json::from_str(&s).unwrap()
    };
    assert_eq!(manifest.files.len() + 1, zip.len());
    for f in &manifest.files {
        let mut bytes = Vec::new();
        zip.by_name(&f.path)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        assert_eq!(hex::encode(Sha256::digest(&bytes)), f.sha256, "{}", f.path);
        if f.path.starts_with("ndjson/") {
            for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                serde_json::from_slice::<serde_json::Value>(line).unwrap();
            }
        }
    }
    let mut bundle = Vec::new();
    zip.by_name("bundle.json")
        .unwrap()
        .read_to_end(&mut bundle)
        .unwrap();
    let bundle: serde_json::Value = serde_json::from_slice(&bundle).unwrap();
    assert_eq!(bundle["type"], "collection");
    assert_eq!(bundle["entry"].as_array().unwrap().len(), 431);

    let mut fresh = vault(tmp.path(), "fresh");
    let r = restore_into(&mut fresh, &[out.clone()], None).unwrap();
    assert_eq!((r.added, r.resources), (431, 431));
    same_rows(&source.vault, &fresh.vault);
    // Restoring again changes nothing.
    let again = restore_into(&mut fresh, &[out], None).unwrap();
    assert_eq!(again.unchanged, 431);
    same_rows(&source.vault, &fresh.vault);
    assert_eq!(
        fresh.ledger.entries().unwrap().last().unwrap().event,
        "RESTORE"
    );
}

#[test]
fn an_encrypted_export_needs_its_passphrase_and_refuses_any_change() {
    let tmp = tempfile::tempdir().unwrap();
    let mut source = filled(tmp.path());
    let out = tmp.path().join("export.zip.age");
    let report = export_to(&mut source, tmp.path(), &out, Some("correct horse"));
    assert!(report.encrypted);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"));

    let mut fresh = vault(tmp.path(), "fresh");
    let code = |r: crate::Result<_>| {
        r.map(|_: crate::import::ImportReport| ())
            .unwrap_err()
            .code()
    };
    assert_eq!(
        code(restore_into(&mut fresh, &[out.clone()], None)),
        "export_passphrase_required"
    );
    assert_eq!(
        code(restore_into(
            &mut fresh,
            &[out.clone()],
            Some("wrong horse")
        )),
        "export_passphrase_wrong"
    );
    // One flipped bit in the payload fails authentication.
    let flipped = tmp.path().join("flipped.zip.age");
    let mut b = bytes.clone();
    let at = b.len() - 1000;
    b[at] ^= 0x01;
    std::fs::write(&flipped, &b).unwrap();
    assert_eq!(
        code(restore_into(&mut fresh, &[flipped], Some("correct horse"))),
        "export_tampered"
    );
    assert_eq!(fresh.vault.resource_count().unwrap(), 0);

    let r = restore_into(&mut fresh, &[out], Some("correct horse")).unwrap();
    assert_eq!(r.added, 431);
    same_rows(&source.vault, &fresh.vault);
}

#[test]
fn a_changed_file_inside_a_plain_export_is_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let mut source = filled(tmp.path());
    let out = tmp.path().join("export.zip");
    export_to(&mut source, tmp.path(), &out, None);
    // Rewrite the archive with one NDJSON line changed (a valid zip, valid JSON).
    let mut zin = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let forged = tmp.path().join("forged.zip");
    let mut zout = zip::ZipWriter::new(std::fs::File::create(&forged).unwrap());
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == "ndjson/Patient.ndjson" {
            let text = String::from_utf8(bytes)
                .unwrap()
                .replacen("\"id\"", "\"id\" ", 1);
            bytes = text.into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zout, &bytes).unwrap();
    }
    zout.finish().unwrap();
    let mut fresh = vault(tmp.path(), "fresh");
    let before = fresh.ledger.entries().unwrap().len();
    let e = restore_into(&mut fresh, &[forged], None).unwrap_err();
    assert_eq!(e.code(), "export_tampered");
    assert!(e.to_string().contains("ndjson/Patient.ndjson"), "{e}");
    assert_eq!(fresh.vault.resource_count().unwrap(), 0);
    assert_eq!(fresh.ledger.entries().unwrap().len(), before);
}

#[test]
fn a_plaintext_export_must_be_acknowledged_and_leaves_nothing_when_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut o = filled(tmp.path());
    let out = tmp.path().join("x.zip");
    let request = ExportRequest {
        path: out.display().to_string(),
        protection: ExportProtection::Plaintext {
            acknowledged: false,
        },
    };
    let e = write::export(&o.vault, &mut o.ledger, tmp.path(), &request, &mut |_| {}).unwrap_err();
    assert_eq!(e.code(), "plaintext_not_acknowledged");
    assert!(!out.exists());
    let debug = format!(
        "{:?}",
        ExportProtection::Passphrase {
            passphrase: SecretText::new("hunter22".into())
        }
    );
    assert!(!debug.contains("hunter22"));
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".partial-"))
        .collect();
    assert!(leftovers.is_empty());
}

/// Writes the files an R4 tool reads (every NDJSON file and `bundle.json`)
/// into a folder, and runs the independent validator on it when CI names it.
fn validate_r4(export: &Path, dir: &Path) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(export).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        if !(name == "bundle.json" || (name.starts_with("ndjson/") && name.ends_with(".ndjson"))) {
            continue;
        }
        let target = dir.join(name.replace('/', "__"));
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    match std::env::var("OWNCHART_R4_VALIDATOR") {
        Ok(bin) => {
            let out = std::process::Command::new(bin).arg(dir).output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        Err(_) => eprintln!("export R4 validation skipped (OWNCHART_R4_VALIDATOR not set)"),
    }
}

#[test]
fn synthea_patients_round_trip_and_the_export_validates_as_r4() {
    let fixtures =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/fixtures/r4-synthea");
    let Ok(entries) = std::fs::read_dir(&fixtures) else {
        eprintln!("synthea export test: skipped (no shared/fixtures)");
        return;
    };
    let files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let mut source = vault(tmp.path(), "source");
    import_files(
        &mut source.vault,
        &mut source.ledger,
        &files,
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    let out = tmp.path().join("synthea.zip");
    let report = export_to(&mut source, tmp.path(), &out, None);
    assert!(report.resources > 100);
    let checked = tmp.path().join("r4");
    std::fs::create_dir_all(&checked).unwrap();
    validate_r4(&out, &checked);
    let mut fresh = vault(tmp.path(), "fresh");
    restore_into(&mut fresh, &[out], None).unwrap();
    same_rows(&source.vault, &fresh.vault);
}

#[test]
fn a_generated_record_of_100k_resources_round_trips() {
    let n: usize = std::env::var("OWNCHART_ROUND_TRIP_RESOURCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().unwrap();
    let mut source = vault(tmp.path(), "source");
    let file = tmp.path().join("big.ndjson");
    std::fs::write(&file, Generator::new(99).ndjson(n)).unwrap();
    import_files(
        &mut source.vault,
        &mut source.ledger,
        &[file],
        &ImportOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    let out = tmp.path().join("big.zip.age");
    let report = export_to(&mut source, tmp.path(), &out, Some("round trip"));
    assert_eq!(report.resources as usize, n);
    let mut fresh = vault(tmp.path(), "fresh");
    let r = restore_into(&mut fresh, &[out], Some("round trip")).unwrap();
    assert_eq!(r.added as usize, n);
    same_rows(&source.vault, &fresh.vault);
}
