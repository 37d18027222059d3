//! Import throughput against the floor it is judged by: `serde_json` parsing the
//! same bytes into a `Value` and nothing else. Both are measured in this one run
//! on a generated 100,000-resource record (ratios, not absolute times, are what
//! compare across machines). Run: `cargo bench -p ownchart-core --bench import`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use ownchart_core::import::{import_files, ImportOptions};
use ownchart_synth::Generator;
use ownchart_vault::{create_with_passphrase, DataDir, Passphrase};

const RESOURCES: usize = 100_000;
const ROUNDS: usize = 3;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let resources = std::env::var("OWNCHART_BENCH_RESOURCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RESOURCES);
    let bytes = Generator::new(1).bundle(resources);
    let mb = bytes.len() as f64 / 1e6;
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("record.json");
    std::fs::write(&file, &bytes).unwrap();
    println!("record: {resources} resources, {mb:.1} MB (Bundle JSON)");

    let parse = median(
        (0..ROUNDS)
            .map(|_| {
                let t = Instant::now();
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                let d = t.elapsed();
                drop(std::hint::black_box(v));
                d
            })
            .collect(),
    );

    let import = median(
        (0..ROUNDS)
            .map(|round| {
                let dir = DataDir::new(tmp.path().join(format!("vault-{round}")));
                std::fs::create_dir_all(dir.root()).unwrap();
                // Key derivation happens once per session, outside the timing.
                let mut opened =
                    create_with_passphrase(&dir, &Passphrase::new("bench passphrase".into()))
                        .unwrap();
                let t = Instant::now();
                let report = import_files(
                    &mut opened.vault,
                    &mut opened.ledger,
                    std::slice::from_ref(&file),
                    &ImportOptions::default(),
                    &mut |_| {},
                )
                .unwrap();
                let d = t.elapsed();
                assert_eq!(report.added as usize, resources);
                d
            })
            .collect(),
    );

    let rate = |d: Duration| (mb / d.as_secs_f64(), resources as f64 / d.as_secs_f64());
    let (parse_mbs, parse_rps) = rate(parse);
    let (import_mbs, import_rps) = rate(import);
    println!(
        "serde_json -> Value (parse only):   {:>7.3} s  {parse_mbs:>6.1} MB/s  {parse_rps:>9.0} resources/s",
        parse.as_secs_f64()
    );
    println!(
        "encrypted import (read, check, hash, compress, SQLCipher write): {:>7.3} s  {import_mbs:>6.1} MB/s  {import_rps:>9.0} resources/s",
        import.as_secs_f64()
    );
    println!(
        "import / parse throughput: {:.2}x (target >= 0.70x); median of {ROUNDS} rounds each",
        import_mbs / parse_mbs
    );
}
