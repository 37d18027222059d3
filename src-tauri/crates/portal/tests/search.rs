//! Search: paging with opaque next links and `_count`, the patient compartment, category,
//! date and `_lastUpdated` filters, strictness about unknown parameters, determinism.
// The expected counts spell out the FHIR wording ("after, or within"), not its minimum.
#![allow(clippy::nonminimal_bool)]

use std::collections::HashSet;

use crate::common::*;
use ownchart_portal::{PortalConfig, PortalUser};
use reqwest::StatusCode;
use serde_json::Value;

fn ids(pages: &[Value]) -> Vec<String> {
    pages
        .iter()
        .flat_map(entries)
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn next_links_page_through_everything_exactly_once() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let expected = portal.resource_counts("demo").unwrap()["Observation"];
    assert!(expected > 14, "the record has enough observations to page");
    let pages = all_pages(&format!("{base}/Observation?_count=7"), &t.access).await;
    assert_eq!(pages.len(), expected.div_ceil(7));
    let found = ids(&pages);
    assert_eq!(found.len(), expected);
    assert_eq!(found.iter().collect::<HashSet<_>>().len(), expected);
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(page["resourceType"], "Bundle");
        assert_eq!(page["type"], "searchset");
        assert_eq!(page["total"], expected);
        assert!(entries(page).len() <= 7);
        assert!(entries(page)
            .iter()
            .all(|r| r["resourceType"] == "Observation"));
        let self_link = page["link"][0]["url"].as_str().unwrap();
        assert!(self_link.starts_with(&base));
        if let Some(next) = next_link(page) {
            assert!(
                next.starts_with(&format!("{base}/Observation?")),
                "same origin and type"
            );
            assert!(!next.contains("_count=7"), "the page token is opaque");
        } else {
            assert_eq!(i, pages.len() - 1);
        }
        let e = &page["entry"][0];
        assert_eq!(
            e["fullUrl"],
            format!(
                "{base}/Observation/{}",
                e["resource"]["id"].as_str().unwrap()
            )
        );
        assert_eq!(e["search"]["mode"], "match");
    }
}

#[tokio::test]
async fn count_defaults_to_50_is_capped_at_200_and_zero_gives_only_the_total() {
    let portal = start(PortalConfig::with_users(vec![PortalUser::new(
        "demo",
        "demo-pass",
        1,
        700,
    )]))
    .await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let total = portal.resource_counts("demo").unwrap()["Observation"];
    assert!(total > 200);
    let first = get(&format!("{base}/Observation"), Some(&t.access))
        .await
        .json();
    assert_eq!(entries(&first).len(), 50);
    let big = get(&format!("{base}/Observation?_count=1000"), Some(&t.access))
        .await
        .json();
    assert_eq!(entries(&big).len(), 200);
    let none = get(&format!("{base}/Observation?_count=0"), Some(&t.access))
        .await
        .json();
    assert_eq!(none["total"], total);
    assert!(none.get("entry").is_none() && next_link(&none).is_none());
    let exact = get(
        &format!("{base}/Observation?_count={}", 200.min(total)),
        Some(&t.access),
    )
    .await
    .json();
    assert!(next_link(&exact).is_some());
    let few = portal.resource_counts("demo").unwrap()["Condition"];
    let one_page = get(&format!("{base}/Condition?_count={few}"), Some(&t.access))
        .await
        .json();
    assert_eq!(entries(&one_page).len(), few);
    assert!(
        next_link(&one_page).is_none(),
        "no next link when the page ends exactly at the total"
    );
    let bad = get(&format!("{base}/Observation?_count=many"), Some(&t.access)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn patient_without_parameters_is_the_tokens_patient_and_searches_stay_in_the_record() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let me = portal.patient_id("demo").unwrap();
    let p = get(&format!("{base}/Patient"), Some(&t.access))
        .await
        .json();
    assert_eq!(p["total"], 1);
    assert_eq!(entries(&p)[0]["id"], me.as_str());
    let conditions = all_pages(&format!("{base}/Condition?patient={me}"), &t.access).await;
    let n = ids(&conditions).len();
    assert_eq!(n, portal.resource_counts("demo").unwrap()["Condition"]);
    for c in conditions.iter().flat_map(entries) {
        assert_eq!(c["subject"]["reference"], format!("Patient/{me}"));
    }
    let all = all_pages(&format!("{base}/Condition"), &t.access).await;
    assert_eq!(
        ids(&all).len(),
        n,
        "no patient parameter means the token's patient"
    );
    let group = get(
        &format!("{base}/Condition?subject=Group/g1"),
        Some(&t.access),
    )
    .await
    .json();
    assert_eq!(group["total"], 0);
}

#[tokio::test]
async fn category_finds_vital_signs_and_laboratory_results() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let has = |r: &Value, code: &str| {
        r["category"].as_array().unwrap().iter().any(|c| {
            c["coding"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["code"] == code)
        })
    };
    let all = all_pages(&format!("{base}/Observation?_count=200"), &t.access).await;
    let all: Vec<Value> = all.iter().flat_map(entries).collect();
    for code in ["vital-signs", "laboratory"] {
        let pages = all_pages(
            &format!("{base}/Observation?category={code}&_count=200"),
            &t.access,
        )
        .await;
        let found: Vec<Value> = pages.iter().flat_map(entries).collect();
        assert!(!found.is_empty());
        assert!(found.iter().all(|r| has(r, code)));
        assert_eq!(found.len(), all.iter().filter(|r| has(r, code)).count());
    }
    let system = "http://terminology.hl7.org/CodeSystem/observation-category";
    let both = get(
        &format!("{base}/Observation?category={system}|vital-signs,{system}|laboratory&_count=0"),
        Some(&t.access),
    )
    .await
    .json();
    let expected = all
        .iter()
        .filter(|r| has(r, "vital-signs") || has(r, "laboratory"))
        .count();
    assert_eq!(both["total"], expected);
    let wrong = get(
        &format!("{base}/Observation?category=other-system|laboratory&_count=0"),
        Some(&t.access),
    )
    .await
    .json();
    assert_eq!(wrong["total"], 0);
}

fn effective(r: &Value) -> Option<(i64, i64)> {
    r.get("effectiveDateTime")
        .or(r.get("effectivePeriod"))
        .and_then(element_span)
}

#[tokio::test]
async fn date_prefixes_filter_on_the_clinical_date() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let all: Vec<Value> = all_pages(&format!("{base}/Observation?_count=200"), &t.access)
        .await
        .iter()
        .flat_map(entries)
        .collect();
    let spans: Vec<(i64, i64)> = all.iter().filter_map(effective).collect();
    assert!(spans.len() > all.len() / 2);
    // The pivot is a resource's own second, so `eq`, `ge` and `le` have an exact match.
    let mut seconds: Vec<i64> = spans
        .iter()
        .filter(|s| s.1 - s.0 == 1000)
        .map(|s| s.0)
        .collect();
    seconds.sort();
    let pivot_ms = seconds[seconds.len() / 2];
    let pivot = time::OffsetDateTime::from_unix_timestamp(pivot_ms / 1000).unwrap();
    let pivot_text = pivot
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let (p0, p1) = utc_span(&pivot_text);
    let total = |q: String| {
        let t = t.access.clone();
        async move { get(&q, Some(&t)).await.json()["total"].as_u64().unwrap() as usize }
    };
    let within = |s: &(i64, i64)| p0 <= s.0 && s.1 <= p1;
    let expect = |f: &dyn Fn(&(i64, i64)) -> bool| spans.iter().filter(|s| f(s)).count();
    let q = |prefix: &str| {
        format!(
            "{base}/Observation?date={prefix}{}&_count=0",
            pivot_text.replace('+', "%2B")
        )
    };
    assert_eq!(total(q("lt")).await, expect(&|s| s.0 < p0));
    assert_eq!(total(q("gt")).await, expect(&|s| s.1 > p1));
    assert_eq!(total(q("ge")).await, expect(&|s| s.1 > p1 || within(s)));
    assert_eq!(total(q("le")).await, expect(&|s| s.0 < p0 || within(s)));
    assert_eq!(total(q("eq")).await, expect(&within));
    assert!(expect(&within) >= 1);
    assert_eq!(
        total(q("ne")).await,
        all.len() - expect(&within) - (all.len() - spans.len())
    );
    assert!(expect(&|s| s.0 < p0) > 0 && expect(&|s| s.1 > p1) > 0);
    let year = &pivot_text[..4];
    let in_year = total(format!(
        "{base}/Observation?date=ge{year}-01-01T00:00:00Z&date=lt{year}-12-31T00:00:00Z&_count=0"
    ))
    .await;
    let (y0, _) = utc_span(&format!("{year}-01-01"));
    let (y1, _) = utc_span(&format!("{year}-12-31"));
    assert_eq!(
        in_year,
        expect(&|s| (s.1 > y0 + 1000 || (y0 <= s.0 && s.1 <= y0 + 1000)) && s.0 < y1)
    );
    let bad = get(&format!("{base}/Observation?date=ap2020"), Some(&t.access)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let undated = get(&format!("{base}/Patient?date=2020"), Some(&t.access)).await;
    assert_eq!(undated.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn last_updated_finds_what_changed_since_a_moment() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let all: Vec<Value> = all_pages(&format!("{base}/Condition?_count=200"), &t.access)
        .await
        .iter()
        .flat_map(entries)
        .collect();
    let spans: Vec<(i64, i64)> = all
        .iter()
        .map(|r| utc_span(r["meta"]["lastUpdated"].as_str().unwrap()))
        .collect();
    let mut starts: Vec<i64> = spans.iter().map(|s| s.0).collect();
    starts.sort();
    let year: i32 = time::OffsetDateTime::from_unix_timestamp(starts[starts.len() / 2] / 1000)
        .unwrap()
        .year();
    let since = format!("{year}-01-01T00:00:00Z");
    let (s0, s1) = utc_span(&since);
    let gt = get(
        &format!("{base}/Condition?_lastUpdated=gt{since}&_count=0"),
        Some(&t.access),
    )
    .await
    .json();
    let newer = spans.iter().filter(|s| s.1 > s1).count();
    assert_eq!(gt["total"], newer);
    let ge = get(
        &format!("{base}/Condition?_lastUpdated=ge{since}&_count=0"),
        Some(&t.access),
    )
    .await
    .json();
    assert_eq!(
        ge["total"],
        spans
            .iter()
            .filter(|s| s.1 > s1 || (s0 <= s.0 && s.1 <= s1))
            .count()
    );
    assert!(newer > 0 && newer < all.len());
}

#[tokio::test]
async fn ids_can_be_searched_and_unknown_parameters_are_refused_unless_lenient() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let some: Vec<String> = ids(
        &[get(&format!("{base}/Procedure?_count=3"), Some(&t.access))
            .await
            .json()],
    );
    let by_id = get(
        &format!("{base}/Procedure?_id={}", some.join(",")),
        Some(&t.access),
    )
    .await
    .json();
    assert_eq!(ids(&[by_id]), some);
    let strict = get(&format!("{base}/Procedure?_sort=-date"), Some(&t.access)).await;
    assert_eq!(strict.status, StatusCode::BAD_REQUEST);
    assert!(strict.json()["issue"][0]["diagnostics"]
        .as_str()
        .unwrap()
        .contains("_sort"));
    let lenient = http()
        .get(format!("{base}/Procedure?_sort=-date&_count=1"))
        .bearer_auth(&t.access)
        .header("prefer", "handling=lenient")
        .send()
        .await
        .unwrap();
    assert_eq!(lenient.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_same_configuration_serves_the_same_records() {
    let a = start(config()).await;
    let b = start(config()).await;
    let fetch = |portal: &ownchart_portal::RunningPortal| {
        let base = portal.fhir_base_r4();
        async move {
            let t = connect(&base, SCOPE).await;
            let pages = all_pages(&format!("{base}/DiagnosticReport?_count=200"), &t.access).await;
            pages.iter().flat_map(entries).collect::<Vec<Value>>()
        }
    };
    let (x, y) = (fetch(&a).await, fetch(&b).await);
    assert!(!x.is_empty());
    assert_eq!(x, y);
    assert_eq!(a.patient_id("demo"), b.patient_id("demo"));
}

#[tokio::test]
async fn a_page_link_cannot_be_edited_into_another_search() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let first = get(&format!("{base}/Observation?_count=5"), Some(&t.access))
        .await
        .json();
    let next = next_link(&first).unwrap();
    let other_type = next.replace("/Observation?", "/Condition?");
    assert_eq!(
        get(&other_type, Some(&t.access)).await.status,
        StatusCode::BAD_REQUEST
    );
    let mixed = format!("{next}&category=laboratory");
    assert_eq!(
        get(&mixed, Some(&t.access)).await.status,
        StatusCode::BAD_REQUEST
    );
}
