//! How fast search is with every shared list loaded, topped up with copies to
//! ~30,000 entries. Ignored by default (timings mean nothing in a debug build):
//! `cargo test -p ownchart-core --release directory::tests::speed -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use super::shared_lists::{list_url, shared_dir, LISTS};
use super::*;

#[test]
#[ignore = "a timing to read, run in release"]
fn search_over_thirty_thousand_entries_prints_its_time() {
    let Some(dir) = shared_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut d = Directory::open(tmp.path()).unwrap();
    let started = Instant::now();
    let mut copy = 0;
    while d.search(&query("")).total_matches < 30_000 {
        for (file, _) in LISTS {
            let bytes = std::fs::read(dir.join(file)).unwrap();
            let u = list_url(&format!("copy{copy}/{file}"));
            d.import_source(&u, &bytes, now()).unwrap();
        }
        copy += 1;
    }
    let total = d.search(&query("")).total_matches;
    println!(
        "loaded {total} entries from {} sources in {:?}",
        d.sources().len(),
        started.elapsed()
    );
    let started = Instant::now();
    let reopened = Directory::open(tmp.path()).unwrap();
    println!("reopened from the cache in {:?}", started.elapsed());
    assert_eq!(reopened.search(&query("")).total_matches, total);

    let mut worst = Duration::ZERO;
    for text in [
        "",
        "a",
        "health",
        "madison",
        "537",
        "st marys hospital",
        "clinica sao jose",
        "zzzz",
    ] {
        let q = DirectoryQuery {
            text: text.into(),
            kind: None,
            limit: 50,
        };
        let rounds = 20;
        let started = Instant::now();
        let mut matches = 0;
        for _ in 0..rounds {
            matches = d.search(&q).total_matches;
        }
        let each = started.elapsed() / rounds;
        worst = worst.max(each);
        println!("search {text:?}: {matches} matches, {each:?} each");
    }
    println!("slowest search over {total} entries: {worst:?}");
}
