#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use super::Generator;

fn parse(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("invalid JSON ({e})"))
}

fn bundle_resources(bundle: &[u8]) -> Vec<Value> {
    let v = parse(bundle);
    v["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"].clone())
        .collect()
}

/// The category the app files a resource under, worked out as the app's
/// integration tests do (Observations by their category codes).
fn category(r: &Value) -> String {
    let t = r["resourceType"].as_str().unwrap();
    if t == "Observation" {
        let cat = r["category"].to_string();
        for c in ["vital-signs", "laboratory", "social-history", "survey"] {
            if cat.contains(&format!("\"{c}\"")) {
                return format!("Observation/{c}");
            }
        }
        return "Observation/none".to_owned();
    }
    t.to_owned()
}

fn counts(resources: &[Value]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for r in resources {
        *m.entry(category(r)).or_insert(0) += 1;
    }
    m
}

const REQUIRED: &[&str] = &[
    "Patient",
    "Immunization",
    "AllergyIntolerance",
    "MedicationRequest",
    "MedicationStatement",
    "Observation/vital-signs",
    "Observation/laboratory",
    "Observation/social-history",
    "DiagnosticReport",
    "Condition",
    "Procedure",
    "FamilyMemberHistory",
    "DocumentReference",
    "CareTeam",
    "CarePlan",
    "ExplanationOfBenefit",
    "Coverage",
    "Encounter",
    "Practitioner",
    "Organization",
    "Medication",
];

fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
    {
        return false;
    }
    if b[10] != b'T'
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &s[i..] {
        "Z" => true,
        zone => {
            let z = zone.as_bytes();
            z.len() == 6 && (z[0] == b'+' || z[0] == b'-') && z[3] == b':'
        }
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = Generator::new(42).bundle(300);
    assert_eq!(a, Generator::new(42).bundle(300));
    assert_ne!(a, Generator::new(43).bundle(300));
    assert_eq!(
        Generator::new(42).ndjson(300),
        Generator::new(42).ndjson(300)
    );
    let c1 = Generator::new(42).with_canary("CANARY-x").bundle(300);
    assert_eq!(c1, Generator::new(42).with_canary("CANARY-x").bundle(300));
    assert_ne!(c1, a);
}

#[test]
fn a_shorter_record_is_a_prefix_of_a_longer_one() {
    let g = Generator::new(9);
    let short: Vec<Vec<u8>> = g.resources(100).collect();
    let long: Vec<Vec<u8>> = g.resources(1000).collect();
    assert_eq!(short[..], long[..100]);
    // Byte for byte, up to the closing "]}" of the entries.
    let (b100, b1000) = (g.bundle(100), g.bundle(1000));
    assert!(b1000.starts_with(&b100[..b100.len() - 2]));
    let (n100, n1000) = (g.ndjson(100), g.ndjson(1000));
    assert!(n1000.starts_with(&n100));
}

#[test]
fn bundle_ndjson_and_resources_hold_the_same_n_resources() {
    let g = Generator::new(3).with_canary("Zoë-Ñúñez");
    for n in [0, 1, 2, 40, 257] {
        let bundle = parse(&g.bundle(n));
        assert_eq!(bundle["resourceType"], "Bundle");
        assert_eq!(bundle["type"], "collection");
        let entries = bundle["entry"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        assert_eq!(entries.len(), n);
        let ndjson = g.ndjson(n);
        assert!(ndjson.is_empty() || ndjson.ends_with(b"\n"));
        let lines: Vec<&[u8]> = ndjson
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(lines.len(), n);
        let each: Vec<Vec<u8>> = g.resources(n).collect();
        assert_eq!(each.len(), n);
        for ((entry, line), one) in entries.iter().zip(&lines).zip(&each) {
            assert_eq!(line, &one.as_slice());
            let v = parse(one);
            assert_eq!(entry["resource"], v);
            assert_eq!(
                entry["fullUrl"],
                format!("urn:uuid:{}", v["id"].as_str().unwrap())
            );
        }
    }
}

#[test]
fn other_bundle_types_carry_their_entry_extras() {
    let g = Generator::new(5);
    let s = parse(&g.bundle_of_type(30, "searchset"));
    assert_eq!(s["type"], "searchset");
    assert_eq!(s["total"], 30);
    assert_eq!(s["entry"][3]["search"]["mode"], "match");
    let t = parse(&g.bundle_of_type(30, "transaction"));
    let e = &t["entry"][5];
    assert_eq!(e["request"]["method"], "PUT");
    assert_eq!(
        e["request"]["url"],
        format!(
            "{}/{}",
            e["resource"]["resourceType"].as_str().unwrap(),
            e["resource"]["id"].as_str().unwrap()
        )
    );
}

#[test]
fn ids_are_unique_within_a_record_and_between_seeds() {
    let mut seen = HashSet::new();
    for seed in [0u64, 1, 2, u64::MAX] {
        let g = Generator::new(seed);
        let ids: Vec<String> = bundle_resources(&g.bundle(3000))
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids[0], g.patient_id());
        for id in ids {
            assert!(id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
            assert!(seen.insert(id), "duplicate id");
        }
    }
}

#[test]
fn every_resource_has_a_head_and_names_the_patient() {
    let g = Generator::new(11);
    let patient_ref = format!("\"Patient/{}\"", g.patient_id());
    for (i, bytes) in g.resources(2000).enumerate() {
        let r = parse(&bytes);
        assert!(r["resourceType"].is_string(), "{i}");
        assert!(r["id"].is_string(), "{i}");
        assert!(r["meta"]["versionId"].is_string(), "{i}");
        let updated = r["meta"]["lastUpdated"].as_str().unwrap();
        assert!(is_rfc3339(updated), "{i}: lastUpdated {updated}");
        if i == 0 {
            assert_eq!(r["resourceType"], "Patient");
        } else {
            assert_ne!(r["resourceType"], "Patient", "{i}: one patient per record");
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains(&patient_ref), "{i}: {text}");
        }
    }
}

#[test]
fn every_kind_is_present_from_40_resources_on() {
    for seed in [1u64, 2, 77] {
        for n in [40, 400] {
            let found = counts(&bundle_resources(&Generator::new(seed).bundle(n)));
            for kind in REQUIRED {
                assert!(
                    found.contains_key(*kind),
                    "seed {seed}, n {n}: no {kind} in {found:?}"
                );
            }
        }
    }
}

#[test]
fn observations_and_other_shapes_are_r4_not_dstu2() {
    for r in bundle_resources(&Generator::new(4).bundle(3000)) {
        if let Some(status) = r.get("clinicalStatus") {
            assert!(status.is_object(), "{r}");
        }
        match r["resourceType"].as_str().unwrap() {
            "Observation" => {
                if let Some(cat) = r.get("category") {
                    assert!(cat.is_array(), "{r}");
                    let text = cat.to_string();
                    assert!(!(text.contains("\"vital-signs\"") && text.contains("\"laboratory\"")));
                }
            }
            "Encounter" => assert!(r["class"].is_object()),
            "Patient" => assert!(r["name"][0]["family"].is_string()),
            _ => {}
        }
    }
}

#[test]
fn the_canary_is_planted_verbatim_in_the_patient_and_elsewhere() {
    let canary = "CANARY-7f3e9a1c-Zoë-Ñúñez";
    let g = Generator::new(5).with_canary(canary);
    let bundle = g.bundle(300);
    let resources = bundle_resources(&bundle);
    assert_eq!(resources[0]["name"][0]["family"], canary);
    let carrying = g
        .resources(300)
        .skip(1)
        .filter(|b| b.windows(canary.len()).any(|w| w == canary.as_bytes()))
        .count();
    assert!(carrying >= 3, "canary only in {carrying} other resources");
    // In notes and descriptions too, not only in the patient's name.
    let in_text = resources.iter().filter(|r| {
        ["note", "description", "conclusion"]
            .iter()
            .any(|k| r.get(*k).is_some_and(|v| v.to_string().contains(canary)))
    });
    assert!(in_text.count() >= 2);
    // Non-ASCII stays UTF-8 rather than \u escapes.
    assert!(bundle.windows(canary.len()).any(|w| w == canary.as_bytes()));
    assert!(!String::from_utf8(bundle).unwrap().contains("\\u00eb"));
}

#[test]
fn the_awkward_cases_are_all_there() {
    let resources = bundle_resources(&Generator::new(8).bundle(5000));
    let text: String = resources.iter().map(|r| r.to_string()).collect();
    for needle in [
        "<script>",
        "onerror=",
        "javascript:",
        "<iframe",
        "<base ",
        "url(",
        "<svg",
        "onsetAge",
        "onsetString",
        "effectivePeriod",
        "valueCodeableConcept",
        "valueString",
        "valueInteger",
        "medicationReference",
        "dataAbsentReason",
        "\"status\":\"generated\"",
    ] {
        assert!(text.contains(needle), "no {needle}");
    }
    // Names and text in several scripts: Latin with diacritics, CJK, Arabic, Hebrew.
    for (script, range) in [
        ("Latin-1", '\u{c0}'..='\u{17f}'),
        ("CJK", '\u{4e00}'..='\u{9fff}'),
        ("Arabic", '\u{600}'..='\u{6ff}'),
        ("Hebrew", '\u{590}'..='\u{5ff}'),
    ] {
        assert!(text.chars().any(|c| range.contains(&c)), "no {script} text");
    }
    // Optional parts left out somewhere: a coding without display, a
    // DocumentReference without date, a Condition without onset.
    assert!(resources
        .iter()
        .any(|r| r["code"]["coding"][0].is_object()
            && r["code"]["coding"][0].get("display").is_none()));
    assert!(resources
        .iter()
        .any(|r| r["resourceType"] == "DocumentReference" && r.get("date").is_none()));
    assert!(resources.iter().any(|r| r["resourceType"] == "Condition"
        && !r
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("onset"))));
    // Narratives are XHTML divs.
    for r in &resources {
        if let Some(div) = r["text"]["div"].as_str() {
            assert!(div.starts_with("<div xmlns=\"http://www.w3.org/1999/xhtml\">"));
        }
    }
    // Vitals and labs carry UCUM quantities, labs reference ranges.
    let lab = resources
        .iter()
        .find(|r| {
            category(r) == "Observation/laboratory" && r["code"]["coding"][0]["code"] == "4548-4"
        })
        .expect("an HbA1c result");
    assert_eq!(lab["valueQuantity"]["system"], "http://unitsofmeasure.org");
    assert_eq!(lab["valueQuantity"]["code"], "%");
    assert!(lab["referenceRange"][0]["high"]["value"].is_number());
    // Claims carry billed and paid totals.
    let eob = resources
        .iter()
        .find(|r| r["resourceType"] == "ExplanationOfBenefit")
        .unwrap();
    let totals: Vec<&str> = eob["total"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["category"]["coding"][0]["code"].as_str().unwrap())
        .collect();
    assert_eq!(totals, ["submitted", "benefit"]);
}

#[test]
fn about_one_percent_carry_a_20_kb_inline_document() {
    let resources = bundle_resources(&Generator::new(12).bundle(20_000));
    let docs: Vec<&Value> = resources
        .iter()
        .filter(|r| r["resourceType"] == "DocumentReference")
        .collect();
    let inline: Vec<&str> = docs
        .iter()
        .filter_map(|d| d["content"][0]["attachment"]["data"].as_str())
        .collect();
    let share = inline.len() as f64 / resources.len() as f64;
    assert!((0.006..0.015).contains(&share), "{share}");
    let avg = inline.iter().map(|d| d.len()).sum::<usize>() / inline.len();
    assert!((15_000..26_000).contains(&avg), "{avg}");
    assert!(docs
        .iter()
        .any(|d| d["content"][0]["attachment"]["url"].is_string()));
    let types: HashSet<&str> = docs
        .iter()
        .filter_map(|d| d["content"][0]["attachment"]["contentType"].as_str())
        .collect();
    assert_eq!(types.len(), 3, "{types:?}");
}

#[test]
fn the_average_resource_is_about_1_5_to_2_kb() {
    let n = 10_000;
    let bytes = Generator::new(1).ndjson(n);
    let avg = bytes.len() / n;
    assert!((1_400..=2_100).contains(&avg), "average {avg} bytes");
}

#[test]
fn clinical_dates_spread_over_about_twenty_years() {
    let resources = bundle_resources(&Generator::new(6).bundle(4000));
    let years: Vec<i64> = resources
        .iter()
        .filter_map(|r| r["effectiveDateTime"].as_str())
        .map(|d| d[..4].parse().unwrap())
        .collect();
    let (lo, hi) = (years.iter().min().unwrap(), years.iter().max().unwrap());
    assert!(
        *lo <= 2007 && *hi >= 2024 && *lo >= 2005 && *hi <= 2026,
        "{lo}..{hi}"
    );
}

/// Release: `cargo test -p ownchart-synth --release -- --ignored --nocapture`.
/// Measured in the dev container (seed 1): 170,800,920 bytes (170.8 MB) in
/// 0.48–0.66 s, so ~1.7 KB and ~5 µs a resource.
#[test]
#[ignore]
fn bundle_of_100k_size_and_time() {
    let t = std::time::Instant::now();
    let bytes = Generator::new(1).bundle(100_000);
    let took = t.elapsed();
    println!(
        "bundle(100_000): {} bytes ({:.1} MB), {:.2?}",
        bytes.len(),
        bytes.len() as f64 / 1e6,
        took
    );
    let v = parse(&bytes);
    let resources: Vec<Value> = v["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"].clone())
        .collect();
    for (k, n) in counts(&resources) {
        println!("{k:32} {n:>6}");
    }
}

/// The type mix of a 10,000-resource record, for the record.
#[test]
#[ignore]
fn distribution_of_10k() {
    let resources = bundle_resources(&Generator::new(1).bundle(10_000));
    let mut by_count: Vec<(String, usize)> = counts(&resources).into_iter().collect();
    by_count.sort_by_key(|b| std::cmp::Reverse(b.1));
    for (k, n) in by_count {
        println!("{k:32} {n:>6} {:>5.1}%", n as f64 / 100.0);
    }
}
