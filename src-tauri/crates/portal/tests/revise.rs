//! Records that change while the portal runs: revisions (new version, new lastUpdated, a
//! visible change, on both bases) and new resources, found by `_lastUpdated` searches.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::Value;

fn version(r: &Value) -> u64 {
    r["meta"]["versionId"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn revised_resources_have_the_next_version_a_new_last_updated_and_a_visible_change() {
    let portal = start(config()).await;
    let r4 = portal.fhir_base_r4();
    let d2 = portal.fhir_base_dstu2();
    let t = connect(&r4, SCOPE).await;
    let t2 = connect(&d2, "launch/patient patient/*.read").await;
    assert!(portal.revise("demo", 0).is_empty());
    // Synthetic records are last updated on 2025-09-01 at the latest.
    let old_stamp = time::OffsetDateTime::now_utc().unix_timestamp() * 1000 - 1000;
    let revised = portal.revise("demo", 5);
    assert_eq!(revised.len(), 5);
    let again = portal.revise("demo", 5);
    assert_ne!(revised, again, "a second revision touches other resources");
    for (ty, id) in &revised {
        let now = get(&format!("{r4}/{ty}/{id}"), Some(&t.access)).await;
        assert_eq!(now.status, StatusCode::OK);
        let r = now.json();
        assert!(version(&r) >= 2, "{r}");
        let updated = utc_span(r["meta"]["lastUpdated"].as_str().unwrap()).0;
        assert!(updated > old_stamp);
        assert!(r["text"]["div"]
            .as_str()
            .unwrap()
            .contains("Revised by the portal"));
        assert_eq!(
            now.headers["etag"],
            format!("W/\"{}\"", version(&r)).as_str()
        );
        if ty == "CareTeam" || ty == "ExplanationOfBenefit" {
            continue;
        }
        let name = if ty == "MedicationRequest" {
            "MedicationOrder"
        } else {
            ty
        };
        let d = get(&format!("{d2}/{name}/{id}"), Some(&t2.access))
            .await
            .json();
        assert_eq!(d["meta"]["versionId"], r["meta"]["versionId"]);
        assert_eq!(d["meta"]["lastUpdated"], r["meta"]["lastUpdated"]);
        assert_eq!(d["text"], r["text"]);
    }
    // A `_lastUpdated` search from before the revisions finds exactly what was revised.
    let since = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(old_stamp) * 1_000_000)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let mut changed: Vec<(String, String)> = Vec::new();
    for ty in revised.iter().chain(&again).map(|(t, _)| t.clone()) {
        if changed.iter().any(|(t, _)| *t == ty) {
            continue;
        }
        let url = format!(
            "{r4}/{ty}?_lastUpdated=gt{}&_count=200",
            since.replace('+', "%2B")
        );
        for r in everything(&url, &t.access).await {
            changed.push((ty.clone(), r["id"].as_str().unwrap().to_owned()));
        }
    }
    let mut expected: Vec<_> = revised.iter().chain(&again).cloned().collect();
    expected.sort();
    expected.dedup();
    changed.sort();
    assert_eq!(changed, expected);
}

#[tokio::test]
async fn new_resources_appear_with_a_fresh_last_updated() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let before: usize = portal.resource_counts("demo").unwrap().values().sum();
    let added = portal.add_resources("demo", 12).unwrap();
    assert_eq!(added.len(), 12);
    let after: usize = portal.resource_counts("demo").unwrap().values().sum();
    assert_eq!(after, before + 12);
    for (ty, id) in &added {
        let r = get(&format!("{base}/{ty}/{id}"), Some(&t.access))
            .await
            .json();
        assert_eq!(r["meta"]["versionId"], "1");
        let updated = utc_span(r["meta"]["lastUpdated"].as_str().unwrap()).0;
        let now_ms = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        let age = now_ms as i64 - updated;
        assert!((0..60_000).contains(&age), "updated now, not {age} ms ago");
    }
    let more = portal.add_resources("demo", 3).unwrap();
    assert!(
        more.iter().all(|k| !added.contains(k)),
        "new ids every time"
    );
    assert!(portal.add_resources("nobody", 1).is_err());
    assert!(portal.revise("nobody", 1).is_empty());
}
