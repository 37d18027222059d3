//! Export and erase against the floor they are judged by: reading and
//! decompressing every row of the vault (SQLCipher decryption is the floor).
//! One run on a generated 100,000-resource vault measures (a) that read, (b) a
//! plaintext export, (c) an age-encrypted export (its scrypt step takes about a
//! second whatever the size, so it is also shown apart), (d) an erase; the
//! ratios are what compare across machines. Run:
//! `cargo bench -p ownchart-core --bench export` (OWNCHART_BENCH_RESOURCES to
//! change the size).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use ownchart_core::erase::CONFIRMATION;
use ownchart_core::export::{ExportProtection, ExportRequest, SecretText};
use ownchart_core::import::ImportOptions;
use ownchart_core::overview::ProtectionMode;
use ownchart_core::session::{Session, SessionConfig};
use ownchart_synth::Generator;
use ownchart_vault::{JsonCodec, Passphrase};

const ROUNDS: usize = 3;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let resources: usize = std::env::var("OWNCHART_BENCH_RESOURCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().unwrap();
    let mut config = SessionConfig::new(tmp.path().join("data"));
    config.keyring_service = "org.ownchart.bench".into();
    let mut session = Session::start(config).unwrap();
    session
        .create(
            ProtectionMode::Passphrase,
            Some(Passphrase::new("bench passphrase".into())),
        )
        .unwrap();
    let file = tmp.path().join("record.ndjson");
    std::fs::write(&file, Generator::new(1).ndjson(resources)).unwrap();
    session
        .import(&[file.clone()], &ImportOptions::default(), &mut |_| {})
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    let vault_mb = std::fs::metadata(tmp.path().join("data/vault.db"))
        .unwrap()
        .len() as f64
        / 1e6;
    println!("vault: {resources} resources, {vault_mb:.1} MB (SQLCipher)");

    let mut raw_bytes = 0usize;
    let read = median(
        (0..ROUNDS)
            .map(|_| {
                let vault = &session.opened().unwrap().vault;
                let t = Instant::now();
                let mut codec = JsonCodec::new().unwrap();
                let (mut after, mut bytes) = (0, 0usize);
                loop {
                    let rows = vault.dump_resources(after, 512).unwrap();
                    let Some(last) = rows.last() else { break };
                    after = last.pk;
                    for r in rows {
                        bytes += codec.decode(&r.raw_zstd, r.raw_len).unwrap().len();
                    }
                }
                raw_bytes = bytes;
                t.elapsed()
            })
            .collect(),
    );

    let mut export = |name: &str, passphrase: Option<&str>| {
        let out = tmp.path().join(name);
        let request = ExportRequest {
            path: out.display().to_string(),
            protection: match passphrase {
                Some(p) => ExportProtection::Passphrase {
                    passphrase: SecretText::new(p.to_owned()),
                },
                None => ExportProtection::Plaintext { acknowledged: true },
            },
        };
        let mut size = 0;
        let d = median(
            (0..ROUNDS)
                .map(|_| {
                    let _ = std::fs::remove_file(&out);
                    let t = Instant::now();
                    let report = session.export(&request, &mut |_| {}).unwrap();
                    let d = t.elapsed();
                    assert_eq!(report.resources as usize, resources);
                    size = report.bytes;
                    d
                })
                .collect(),
        );
        (d, size)
    };
    let (plain, plain_size) = export("export.zip", None);
    let (aged, aged_size) = export("export.zip.age", Some("bench export passphrase"));
    // The passphrase's scrypt work alone (age aims at about one second).
    let scrypt = {
        let t = Instant::now();
        let mut sink = Vec::new();
        let e = age::Encryptor::with_user_passphrase(age::secrecy::SecretString::from(
            "bench export passphrase".to_owned(),
        ));
        let w = e.wrap_output(&mut sink).unwrap();
        w.finish().unwrap();
        t.elapsed()
    };

    let t = Instant::now();
    session.erase_everything(CONFIRMATION, vec![]).unwrap();
    let erase = t.elapsed();

    let s = |d: Duration| d.as_secs_f64();
    let mb = raw_bytes as f64 / 1e6;
    println!(
        "(a) read + decompress every row:   {:>7.3} s  {:>6.1} MB/s ({mb:.1} MB of JSON)",
        s(read),
        mb / s(read)
    );
    println!(
        "(b) export, plaintext zip:         {:>7.3} s  {:>5.2}× the read  ({:.1} MB file)",
        s(plain),
        s(plain) / s(read),
        plain_size as f64 / 1e6
    );
    println!(
        "(c) export, age (passphrase):      {:>7.3} s  {:>5.2}× the read  ({:.1} MB file)",
        s(aged),
        s(aged) / s(read),
        aged_size as f64 / 1e6
    );
    println!(
        "    of which scrypt (fixed cost):  {:>7.3} s  → {:.2}× the read without it",
        s(scrypt),
        (s(aged) - s(scrypt)).max(0.0) / s(read)
    );
    println!("(d) erase (close, unlink, key):    {:>7.3} s", s(erase));
}
