//! Search over small generated lists: words, accents, places, kinds, ranking, limits.

use super::*;

fn directory_with(orgs: &[Org]) -> (tempfile::TempDir, Directory) {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = Directory::open(tmp.path()).unwrap();
    d.import_source(
        &url("https://lists.test/brands.json"),
        &brands_bundle(orgs),
        now(),
    )
    .unwrap();
    (tmp, d)
}

fn sample() -> (tempfile::TempDir, Directory) {
    directory_with(&[
        Org {
            id: "sj",
            name: "Clínica São José",
            city: "San José",
            state: "CA",
            zip: "95112",
            payer: false,
        },
        Org {
            id: "mh",
            name: "Madison Heart Center",
            city: "Madison",
            state: "WI",
            zip: "53705-1234",
            payer: false,
        },
        Org {
            id: "mc",
            name: "Madison",
            city: "Madison",
            state: "Wisconsin",
            zip: "53715",
            payer: false,
        },
        Org {
            id: "sm",
            name: "St. Mary's Hospital",
            city: "Madison",
            state: "WI",
            zip: "53715",
            payer: false,
        },
        Org {
            id: "mm",
            name: "Meriter Madison Clinic",
            city: "Madison",
            state: "WI",
            zip: "53703",
            payer: false,
        },
        Org {
            id: "ny",
            name: "Harbor Health",
            city: "Buffalo",
            state: "NY",
            zip: "14201",
            payer: false,
        },
        Org {
            id: "qk",
            name: "Quartz Health Plan",
            city: "Sauk City",
            state: "WI",
            zip: "53583",
            payer: true,
        },
        Org {
            id: "zz",
            name: "Zebra Clinic",
            city: "Fargo",
            state: "ND",
            zip: "53806",
            payer: false,
        },
    ])
}

#[test]
fn case_and_accents_do_not_matter() {
    let (_t, d) = sample();
    for q in ["clinica sao", "CLÍNICA SÃO JOSÉ", "Sao Jose", "san jose"] {
        assert_eq!(names(&d.search(&query(q))), vec!["Clínica São José"], "{q}");
    }
    assert_eq!(
        names(&d.search(&query("marys"))),
        vec!["St. Mary's Hospital"]
    );
    assert_eq!(
        names(&d.search(&query("st mary's"))),
        vec!["St. Mary's Hospital"]
    );
}

#[test]
fn every_word_must_match_somewhere() {
    let (_t, d) = sample();
    assert_eq!(
        names(&d.search(&query("madison heart"))),
        vec!["Madison Heart Center"]
    );
    assert_eq!(
        names(&d.search(&query("heart buffalo"))),
        Vec::<&str>::new()
    );
    // Words match the start of words: "art" is not "heart".
    assert_eq!(d.search(&query("art")).total_matches, 0);
}

#[test]
fn city_state_and_zip_prefix() {
    let (_t, d) = sample();
    assert_eq!(names(&d.search(&query("buffalo"))), vec!["Harbor Health"]);
    assert_eq!(names(&d.search(&query("new york"))), vec!["Harbor Health"]);
    assert_eq!(names(&d.search(&query("ny"))), vec!["Harbor Health"]);
    // "Wisconsin" finds entries published as "WI", and "WI" the one published as a name.
    assert_eq!(d.search(&query("wisconsin")).total_matches, 5);
    assert_eq!(d.search(&query("wi")).total_matches, 5);
    let zip = d.search(&query("537"));
    assert_eq!(zip.total_matches, 4, "{:?}", names(&zip));
    assert!(!names(&zip).contains(&"Zebra Clinic"));
    assert_eq!(
        names(&d.search(&query("53705"))),
        vec!["Madison Heart Center"]
    );
    assert_eq!(
        names(&d.search(&query("53705-1234"))),
        vec!["Madison Heart Center"]
    );
    assert_eq!(
        names(&d.search(&query("537051234"))),
        vec!["Madison Heart Center"]
    );
    assert_eq!(names(&d.search(&query("fargo 538"))), vec!["Zebra Clinic"]);
}

#[test]
fn kind_filter() {
    let (_t, d) = sample();
    let q = |kind| DirectoryQuery {
        text: "wi".into(),
        kind: Some(kind),
        limit: 0,
    };
    assert_eq!(
        names(&d.search(&q(PortalKind::Payer))),
        vec!["Quartz Health Plan"]
    );
    assert_eq!(d.search(&q(PortalKind::Clinical)).total_matches, 4);
    // Built-in entries are filtered too: the Medicare sandbox is a payer.
    let payers = d.search(&DirectoryQuery {
        text: String::new(),
        kind: Some(PortalKind::Payer),
        limit: 0,
    });
    assert!(payers.entries.iter().all(|e| e.kind == PortalKind::Payer));
    assert!(names(&payers).contains(&"CMS Blue Button 2.0 sandbox (Medicare)"));
    assert!(names(&payers).contains(&"Quartz Health Plan"));
}

#[test]
fn exact_then_prefix_then_in_name_then_elsewhere() {
    let (_t, d) = sample();
    let r = d.search(&query("madison"));
    assert_eq!(
        names(&r),
        vec![
            "Madison",                // the exact name
            "Madison Heart Center",   // the name starts with it
            "Meriter Madison Clinic", // a word of the name
            "St. Mary's Hospital",    // only the city
        ]
    );
    assert_eq!(r.total_matches, 4);
}

#[test]
fn the_limit_is_capped_and_the_total_counts_everything() {
    let names_owned: Vec<(String, String)> = (0..450)
        .map(|i| (format!("p{i}"), format!("Practice {i:03} Family Clinic")))
        .collect();
    let items: Vec<(&str, &str)> = names_owned
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let mut d = Directory::open(tmp.path()).unwrap();
    d.import_source(
        &url("https://lists.test/many.json"),
        &endpoint_list(&items),
        now(),
    )
    .unwrap();
    let q = |limit| DirectoryQuery {
        text: "family clinic".into(),
        kind: None,
        limit,
    };
    let r = d.search(&q(10_000));
    assert_eq!(
        (r.entries.len(), r.total_matches),
        (MAX_LIMIT as usize, 450)
    );
    assert_eq!(r.entries[0].name, "Practice 000 Family Clinic");
    assert_eq!(d.search(&q(0)).entries.len(), DEFAULT_LIMIT as usize);
    assert_eq!(d.search(&q(3)).entries.len(), 3);
    let everything = d.search(&DirectoryQuery {
        text: "  ".into(),
        kind: None,
        limit: 5,
    });
    assert!(everything.total_matches >= 450 + 5);
    assert_eq!(everything.entries[0].source, "Built in");
}
