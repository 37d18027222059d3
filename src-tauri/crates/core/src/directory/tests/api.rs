//! Opening, importing, replacing, removing, the cache on disk and the demo portal.

use super::*;
use crate::CoreError;

#[test]
fn a_fresh_directory_has_the_sandboxes_and_hides_the_demo_until_it_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("directory");
    let mut d = Directory::open(&dir).unwrap();
    assert!(dir.is_dir());
    assert!(d.warnings().is_empty());
    assert!(d.sources().is_empty());
    let all = d.search(&query(""));
    assert!(all.total_matches >= 5);
    assert!(all
        .entries
        .iter()
        .all(|e| !e.demo && e.source == "Built in"));
    assert!(d.get("builtin:ownchart-demo").is_none());
    assert_eq!(
        d.get("builtin:epic-sandbox-r4").unwrap().fhir_base,
        "https://fhir.epic.com/interconnect-fhir-oauth/api/FHIR/R4"
    );

    let e = d
        .set_demo_base(&url("http://fhir.example.org/demo"))
        .unwrap_err();
    assert_eq!(CoreError::from(e).code(), "insecure_url");
    d.set_demo_base(&url("http://127.0.0.1:45123/fhir"))
        .unwrap();
    let all = d.search(&query(""));
    assert!(all.entries[0].demo);
    assert_eq!(all.entries[0].fhir_base, "http://127.0.0.1:45123/fhir");
    assert_eq!(
        d.get("builtin:ownchart-demo").unwrap().fhir_base,
        "http://127.0.0.1:45123/fhir"
    );
    // Only on an empty query does the demo jump the queue.
    let epic = d.search(&query("epic"));
    assert_eq!(names(&epic), vec!["Epic sandbox (R4)"]);
}

#[test]
fn an_imported_source_is_cached_and_comes_back_after_reopening() {
    let tmp = tempfile::tempdir().unwrap();
    let src = url("https://lists.test/brands/bundle.json");
    let bytes = brands_bundle(&[
        Org {
            id: "uw",
            name: "UW Health",
            city: "Madison",
            state: "WI",
            zip: "53705",
            payer: false,
        },
        Org {
            id: "dean",
            name: "Dean Health Plan",
            city: "Madison",
            state: "WI",
            zip: "53717",
            payer: true,
        },
    ]);
    let view = {
        let mut d = Directory::open(tmp.path()).unwrap();
        let summary = d.import_source_summary(&src, &bytes, now()).unwrap();
        assert_eq!((summary.skipped, summary.merged), (0, 0));
        let view = summary.source;
        assert_eq!(view.format, DirectorySourceFormat::BrandsBundle);
        assert_eq!(view.entry_count, 2);
        assert_eq!(view.url, "https://lists.test/brands/bundle.json");
        assert_eq!(view.name, "bundle (lists.test)");
        assert_eq!(view.fetched_at, "2025-10-09T08:53:20Z");
        view
    };
    let files = cache_files(tmp.path());
    assert_eq!(files, vec![tmp.path().join(format!("{}.json", view.id))]);

    let d = Directory::open(tmp.path()).unwrap();
    assert!(d.warnings().is_empty(), "{:?}", d.warnings());
    assert_eq!(d.sources(), vec![view.clone()]);
    let uw = d.search(&query("uw health"));
    assert_eq!(names(&uw), vec!["UW Health"]);
    let e = &uw.entries[0];
    assert_eq!(e.id, format!("{}:e-uw", view.id));
    assert_eq!(e.source, view.name);
    assert_eq!(e.fhir_version.as_deref(), Some("R4"));
    assert_eq!(d.get(&e.id), Some(e));
    let payers = d.search(&DirectoryQuery {
        text: "madison".into(),
        kind: Some(PortalKind::Payer),
        limit: 10,
    });
    assert_eq!(names(&payers), vec!["Dean Health Plan"]);
}

#[test]
fn importing_the_same_url_again_replaces_the_earlier_import() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = Directory::open(tmp.path()).unwrap();
    let src = url("https://lists.test/epic-R4.json");
    let first = d
        .import_source(
            &src,
            &endpoint_list(&[("a", "Alpha Clinic"), ("b", "Beta Clinic")]),
            now(),
        )
        .unwrap();
    let second = d
        .import_source(&src, &endpoint_list(&[("c", "Gamma Clinic")]), now())
        .unwrap();
    assert_eq!(first.id, second.id);
    assert_eq!(second.entry_count, 1);
    assert_eq!(d.sources().len(), 1);
    assert_eq!(cache_files(tmp.path()).len(), 1);
    assert_eq!(d.search(&query("alpha")).total_matches, 0);
    assert_eq!(names(&d.search(&query("gamma"))), vec!["Gamma Clinic"]);
    let other = d
        .import_source(
            &url("https://lists.test/other.json"),
            &endpoint_list(&[("a", "Alpha Clinic")]),
            now(),
        )
        .unwrap();
    assert_ne!(other.id, first.id);
    assert_eq!(d.sources().len(), 2);
}

#[test]
fn a_refused_import_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = Directory::open(tmp.path()).unwrap();
    let src = url("https://lists.test/list.json");
    d.import_source(&src, &endpoint_list(&[("a", "Alpha Clinic")]), now())
        .unwrap();
    let before = std::fs::read(&cache_files(tmp.path())[0]).unwrap();
    let e = d
        .import_source(&src, b"<html>gateway timeout</html>", now())
        .unwrap_err();
    assert_eq!(CoreError::from(e).code(), "directory_unrecognized");
    assert_eq!(std::fs::read(&cache_files(tmp.path())[0]).unwrap(), before);
    assert_eq!(names(&d.search(&query("alpha"))), vec!["Alpha Clinic"]);
}

#[test]
fn removing_a_source_forgets_it_and_deletes_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = Directory::open(tmp.path()).unwrap();
    let view = d
        .import_source(
            &url("https://lists.test/l.json"),
            &endpoint_list(&[("a", "Alpha Clinic")]),
            now(),
        )
        .unwrap();
    let id = format!("{}:a", view.id);
    assert!(d.get(&id).is_some());
    d.remove_source(&view.id).unwrap();
    assert!(d.get(&id).is_none());
    assert!(d.sources().is_empty());
    assert!(cache_files(tmp.path()).is_empty());
    assert_eq!(d.search(&query("alpha")).total_matches, 0);
    let again = d.remove_source(&view.id).unwrap_err();
    assert_eq!(again.code(), "directory_source_not_found");
    assert_eq!(
        d.remove_source("../../etc").unwrap_err().code(),
        "directory_source_not_found"
    );
}

#[test]
fn a_corrupt_cache_file_is_skipped_with_a_warning_and_left_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let good = {
        let mut d = Directory::open(tmp.path()).unwrap();
        d.import_source(
            &url("https://lists.test/good.json"),
            &endpoint_list(&[("a", "Alpha Clinic")]),
            now(),
        )
        .unwrap()
    };
    let broken = tmp.path().join("src-00000000000000ff.json");
    std::fs::write(&broken, b"{\"format_version\":1,\"source\":{\"id\":\"src-0").unwrap();
    let misnamed = tmp.path().join("src-00000000000000aa.json");
    std::fs::copy(tmp.path().join(format!("{}.json", good.id)), &misnamed).unwrap();
    std::fs::write(tmp.path().join("notes.txt"), b"not a cache file").unwrap();

    let d = Directory::open(tmp.path()).unwrap();
    assert_eq!(d.warnings().len(), 2, "{:?}", d.warnings());
    assert!(d
        .warnings()
        .iter()
        .any(|w| w.contains("src-00000000000000ff.json") && w.contains("damaged")));
    assert!(d
        .warnings()
        .iter()
        .any(|w| w.contains("src-00000000000000aa.json")));
    assert!(broken.exists() && misnamed.exists());
    assert_eq!(d.sources(), vec![good]);
    assert_eq!(names(&d.search(&query("alpha"))), vec!["Alpha Clinic"]);
}

#[test]
fn an_edited_cache_cannot_smuggle_in_plain_http_or_a_fake_demo() {
    let tmp = tempfile::tempdir().unwrap();
    let view = {
        let mut d = Directory::open(tmp.path()).unwrap();
        d.import_source(
            &url("https://lists.test/l.json"),
            &endpoint_list(&[("a", "Alpha Clinic"), ("b", "Beta Clinic")]),
            now(),
        )
        .unwrap()
    };
    let path = tmp.path().join(format!("{}.json", view.id));
    let mut cached: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    cached["entries"][0]["fhir_base"] = "http://evil.test/r4".into();
    cached["entries"][1]["demo"] = true.into();
    std::fs::write(&path, serde_json::to_vec(&cached).unwrap()).unwrap();

    let d = Directory::open(tmp.path()).unwrap();
    assert_eq!(d.warnings().len(), 1, "{:?}", d.warnings());
    assert_eq!(d.search(&query("alpha")).total_matches, 0);
    let beta = d.search(&query("beta"));
    assert!(!beta.entries[0].demo);
    assert_eq!(d.sources()[0].entry_count, 1);
}

#[test]
fn an_endpoint_list_with_shared_bases_merges_and_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = Directory::open(tmp.path()).unwrap();
    let list = serde_json::to_vec(&json!([
        {"id": "1", "name": "Bellaire Allergy", "url": "https://m.test/api/FHIR/R4/", "managingOrganization": "Memorial Hermann"},
        {"id": "2", "name": "Digestive Specialists", "url": "https://M.TEST/api/FHIR/R4", "managingOrganization": "Memorial Hermann"},
        {"id": "3", "name": "Insecure", "url": "http://i.test/api/FHIR/R4/"},
    ]))
    .unwrap();
    let s = d
        .import_source_summary(&url("https://lists.test/epic-R4.json"), &list, now())
        .unwrap();
    assert_eq!((s.source.entry_count, s.skipped, s.merged), (1, 1, 1));
    let hit = d.search(&query("digestive"));
    assert_eq!(names(&hit), vec!["Memorial Hermann"]);
    assert_eq!(
        hit.entries[0].aliases,
        vec!["Bellaire Allergy", "Digestive Specialists"]
    );
    assert_eq!(hit.entries[0].vendor.as_deref(), Some("Epic"));
}
