//! The real public lists in `shared/directory` (read in place, never copied):
//! each one imports with entries, known organizations are found by name, city
//! and zip, and vendor and FHIR version are inferred as the rules say.

use super::*;

/// `(folder/file, format)` of every shared list.
pub const LISTS: &[(&str, DirectorySourceFormat)] = &[
    (
        "mere-medical/epic-R4.json",
        DirectorySourceFormat::EndpointList,
    ),
    (
        "mere-medical/epic-DSTU2.json",
        DirectorySourceFormat::EndpointList,
    ),
    (
        "mere-medical/cerner-R4.json",
        DirectorySourceFormat::EndpointList,
    ),
    (
        "mere-medical/cerner-DSTU2.json",
        DirectorySourceFormat::EndpointList,
    ),
    (
        "mere-medical/healow-R4.json",
        DirectorySourceFormat::EndpointList,
    ),
    (
        "mere-medical/veradigm-DSTU2.json",
        DirectorySourceFormat::EndpointList,
    ),
    (
        "oracle-health/millennium_patient_r4_endpoints.json",
        DirectorySourceFormat::BrandsBundle,
    ),
    (
        "oracle-health/soarian_patient_r4_endpoints.json",
        DirectorySourceFormat::BrandsBundle,
    ),
];

pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/directory");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "shared directory lists: skipped ({} is not here)",
            dir.display()
        );
        None
    }
}

/// The URL a list is imported under: the file name matters (it hints vendor
/// and version); the host is a placeholder, nothing is downloaded.
pub fn list_url(file: &str) -> Url {
    url(&format!("https://lists.test/{file}"))
}

/// A directory with every shared list imported.
pub fn load_all(dir: &Path, cache: &Path) -> (Directory, Vec<(&'static str, ImportSummary)>) {
    let mut d = Directory::open(cache).unwrap();
    let mut summaries = Vec::new();
    for (file, _) in LISTS {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let s = d
            .import_source_summary(&list_url(file), &bytes, now())
            .unwrap();
        summaries.push((*file, s));
    }
    (d, summaries)
}

fn entries_of<'a>(d: &'a Directory, view: &DirectorySourceView) -> Vec<&'a DirectoryEntry> {
    let everything = d.sources.iter().find(|s| s.source.id == view.id).unwrap();
    everything.entries.iter().collect()
}

#[test]
fn every_shared_list_imports_with_its_format_vendor_and_version() {
    let Some(dir) = shared_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (d, summaries) = load_all(&dir, tmp.path());
    let expect: &[(&str, &str, &str)] = &[
        ("epic-R4", "Epic", "R4"),
        ("epic-DSTU2", "Epic", "DSTU2"),
        ("cerner-R4", "Oracle Health", "R4"),
        ("cerner-DSTU2", "Oracle Health", "DSTU2"),
        ("healow-R4", "eClinicalWorks (healow)", "R4"),
        ("veradigm-DSTU2", "Veradigm", "DSTU2"),
        ("millennium_patient_r4_endpoints", "Oracle Health", "R4"),
        ("soarian_patient_r4_endpoints", "Oracle Health", "R4"),
    ];
    for ((file, s), (stem, vendor, version)) in summaries.iter().zip(expect) {
        assert!(file.contains(stem));
        let format = LISTS.iter().find(|(f, _)| f == file).unwrap().1;
        assert_eq!(s.source.format, format, "{file}");
        assert!(s.source.entry_count > 0, "{file}");
        let entries = entries_of(&d, &s.source);
        assert_eq!(entries.len(), s.source.entry_count as usize);
        let with_vendor = entries
            .iter()
            .filter(|e| e.vendor.as_deref() == Some(vendor))
            .count();
        let with_version = entries
            .iter()
            .filter(|e| e.fhir_version.as_deref() == Some(version))
            .count();
        // Every entry of these single-vendor, single-version lists is inferred.
        assert_eq!(with_vendor, entries.len(), "{file}: vendor");
        assert_eq!(with_version, entries.len(), "{file}: version");
        assert!(
            entries.iter().all(|e| e.fhir_base.starts_with("https://")),
            "{file}"
        );
        eprintln!(
            "{file}: {} entries, {} merged, {} skipped",
            s.source.entry_count, s.merged, s.skipped
        );
    }
    // No payer in these lists: the payer filter only finds the built-in sandbox.
    let payers = d.search(&DirectoryQuery {
        text: String::new(),
        kind: Some(PortalKind::Payer),
        limit: 200,
    });
    assert!(payers.total_matches >= 1);
    assert!(payers
        .entries
        .iter()
        .all(|e| e.source == "Built in" && e.kind == PortalKind::Payer));
    let clinical = d.search(&DirectoryQuery {
        text: "hospital".into(),
        kind: Some(PortalKind::Clinical),
        limit: 200,
    });
    assert!(clinical.total_matches > 100);
    assert!(clinical
        .entries
        .iter()
        .all(|e| e.kind == PortalKind::Clinical));
}

#[test]
fn known_organizations_are_found_by_name_city_and_zip() {
    let Some(dir) = shared_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (d, _) = load_all(&dir, tmp.path());
    let find = |text: &str, limit| {
        d.search(&DirectoryQuery {
            text: text.into(),
            kind: None,
            limit,
        })
    };

    // By name, in each kind of list.
    for (q, name, vendor) in [
        (
            "access community health centers",
            "Access Community Health Centers",
            "Epic",
        ),
        (
            "pointcare medical",
            "Pointcare Medical Center LLC",
            "eClinicalWorks (healow)",
        ),
        ("baldwin family", "Baldwin Family Medicine", "Veradigm"),
        ("holy redeemer", "Holy Redeemer Hospital", "Oracle Health"),
    ] {
        let r = find(q, 50);
        let hit = r.entries.iter().find(|e| e.name == name);
        assert!(hit.is_some(), "{q}: {:?}", names(&r));
        assert_eq!(hit.unwrap().vendor.as_deref(), Some(vendor), "{q}");
        assert_eq!(r.entries[0].name, name, "{q}: the name match ranks first");
    }
    // Epic's list names the managing organization: practices are found under it.
    let ochin = find("ochin", 200);
    assert!(ochin.total_matches > 100, "{}", ochin.total_matches);
    assert!(ochin
        .entries
        .iter()
        .all(|e| e.vendor.as_deref() == Some("Epic")));

    // Oracle Health's bundle has addresses: by city, by state, by zip prefix.
    let encompass = |r: &DirectorySearchResult| {
        r.entries.iter().any(|e| {
            e.name == "Encompass Health Corporation"
                && e.addresses
                    .iter()
                    .any(|a| a.city.as_deref() == Some("Birmingham"))
        })
    };
    assert!(encompass(&find("encompass birmingham", 50)));
    assert!(encompass(&find("encompass alabama", 50)));
    assert!(encompass(&find("352", 200)));
    let zip = find("35242", 200);
    assert!(encompass(&zip));
    assert!(zip.entries.iter().all(|e| e.addresses.iter().any(|a| a
        .postal_code
        .as_deref()
        .is_some_and(|z| z.starts_with("35242")))
        || e.name.contains("35242")));
    let holy = find("huntingdon valley 19006", 20);
    assert_eq!(holy.entries[0].name, "Holy Redeemer Hospital");
    assert_eq!(
        holy.entries[0].addresses[0].postal_code.as_deref(),
        Some("19006-6309")
    );
}

#[test]
fn shared_lists_survive_a_reopen_and_a_corrupt_neighbour() {
    let Some(dir) = shared_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (before, _) = load_all(&dir, tmp.path());
    let total = before.search(&query("")).total_matches;
    std::fs::write(
        tmp.path().join("src-0000000000000000.json"),
        b"\x00\x01garbage",
    )
    .unwrap();
    let after = Directory::open(tmp.path()).unwrap();
    assert_eq!(after.warnings().len(), 1, "{:?}", after.warnings());
    assert_eq!(after.search(&query("")).total_matches, total);
    assert_eq!(after.sources().len(), LISTS.len());
}
