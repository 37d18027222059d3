//! The Brands reader on small bundles built here, one awkward case each.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};

use super::*;

fn endpoint(id: &str, address: &str, extra: Value) -> Value {
    let mut e = json!({
        "fullUrl": format!("https://brands.test/Endpoint/{id}"),
        "resource": {
            "resourceType": "Endpoint", "id": id, "status": "active",
            "connectionType": {"system": "http://terminology.hl7.org/CodeSystem/endpoint-connection-type", "code": "hl7-fhir-rest"},
            "address": address
        }
    });
    if let (Some(r), Value::Object(x)) = (e["resource"].as_object_mut(), extra) {
        r.extend(x);
    }
    e
}

fn org(id: &str, name: &str, extra: Value) -> Value {
    let mut o = json!({
        "fullUrl": format!("https://brands.test/Organization/{id}"),
        "resource": {"resourceType": "Organization", "id": id, "name": name}
    });
    if let (Some(r), Value::Object(x)) = (o["resource"].as_object_mut(), extra) {
        r.extend(x);
    }
    o
}

fn bundle(entries: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({"resourceType": "Bundle", "type": "collection", "entry": entries}))
        .unwrap()
}

fn find<'a>(p: &'a Parsed, name: &str) -> Vec<&'a Candidate> {
    p.candidates.iter().filter(|c| c.name == name).collect()
}

#[test]
fn a_brand_with_its_endpoint_portal_locations_and_payer_type() {
    let bytes = bundle(vec![
        org(
            "umbrella",
            "Umbrella Insurance",
            json!({
                "alias": ["Umbrella"],
                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "ins"}]}],
                "extension": [{"url": PORTAL_EXT, "extension": [
                    {"url": "portalName", "valueString": "Umbrella Member Portal"},
                    {"url": "portalEndpoint", "valueReference": {"reference": "Endpoint/u1"}}
                ]}],
                "address": [{"line": ["1 Main St", "Suite 2"], "city": "Napa", "state": "CA", "postalCode": "94559"}],
                "contact": [{"address": {"city": "Sonoma", "state": "CA"}}, {"address": {}}],
                "endpoint": [{"reference": "https://brands.test/Endpoint/u1"}]
            }),
        ),
        endpoint(
            "u1",
            "https://fhir.umbrella.test/r4",
            json!({"extension": [{"url": FHIR_VERSION_EXT, "valueCode": "4.0.1"}]}),
        ),
    ]);
    let p = parse(&bytes).unwrap();
    assert_eq!(p.skipped, 0);
    let c = &find(&p, "Umbrella Insurance")[0];
    assert_eq!(c.kind, PortalKind::Payer);
    assert_eq!(c.version, Some("R4"));
    assert_eq!(c.local_id.as_deref(), Some("u1"));
    assert_eq!(c.aliases, vec!["Umbrella", "Umbrella Member Portal"]);
    assert_eq!(c.addresses.len(), 2);
    assert_eq!(c.addresses[0].line.as_deref(), Some("1 Main St, Suite 2"));
    assert_eq!(c.addresses[0].postal_code.as_deref(), Some("94559"));
    assert_eq!(c.addresses[1].city.as_deref(), Some("Sonoma"));
}

#[test]
fn affiliates_get_access_through_part_of_and_links_work_both_ways() {
    let bytes = bundle(vec![
        org("parent", "Big Health", json!({})),
        org(
            "child",
            "Little Clinic",
            json!({"partOf": {"reference": "Organization/parent"}}),
        ),
        org(
            "grandchild",
            "Tiny Practice",
            json!({"partOf": {"reference": "Organization/child"}}),
        ),
        endpoint(
            "big",
            "https://fhir.big.test/api/FHIR/R4/",
            json!({"managingOrganization": {"reference": "Organization/parent"}}),
        ),
    ]);
    let p = parse(&bytes).unwrap();
    assert_eq!(p.skipped, 0, "{:?}", p.candidates);
    assert_eq!(p.candidates.len(), 3);
    let child = find(&p, "Little Clinic")[0];
    assert_eq!(child.group.as_deref(), Some("Big Health"));
    assert_eq!(child.base.as_str(), "https://fhir.big.test/api/FHIR/R4/");
    let grandchild = find(&p, "Tiny Practice")[0];
    assert_eq!(grandchild.group.as_deref(), Some("Little Clinic"));
    assert_eq!(find(&p, "Big Health")[0].group, None);
}

#[test]
fn unusable_endpoints_and_brands_are_skipped_and_counted() {
    let bytes = bundle(vec![
        org(
            "a",
            "Plain HTTP Clinic",
            json!({"endpoint": [{"reference": "Endpoint/http"}]}),
        ),
        org(
            "b",
            "Switched Off",
            json!({"endpoint": [{"reference": "Endpoint/off"}]}),
        ),
        org(
            "c",
            "Direct Only",
            json!({"endpoint": [{"reference": "Endpoint/direct"}]}),
        ),
        org(
            "d",
            "Closed Clinic",
            json!({"active": false, "endpoint": [{"reference": "Endpoint/ok"}]}),
        ),
        org("e", "", json!({"endpoint": [{"reference": "Endpoint/ok"}]})),
        org("f", "No Endpoint At All", json!({})),
        json!({"resource": {"resourceType": "Organization", "name": ["not", "a", "string"]}}),
        endpoint("http", "http://fhir.plain.test/r4", json!({})),
        endpoint("off", "https://fhir.off.test/r4", json!({"status": "off"})),
        endpoint(
            "direct",
            "https://direct.test/r4",
            json!({"connectionType": {"code": "direct-project"}}),
        ),
        endpoint("ok", "https://fhir.ok.test/r4", json!({})),
        endpoint(
            "orphan",
            "https://fhir.orphan.test/r4",
            json!({"name": "Orphan Server"}),
        ),
        endpoint("nameless", "https://fhir.nameless.test/r4", json!({})),
        json!({"resource": {"resourceType": "Practitioner", "id": "ignored"}}),
        json!("not an entry"),
    ]);
    let p = parse(&bytes).unwrap();
    let names: Vec<&str> = p.candidates.iter().map(|c| c.name.as_str()).collect();
    // "ok" is reached only through brands that were skipped, so it stands alone
    // without a name and is skipped too.
    assert_eq!(names, vec!["Orphan Server"]);
    assert_eq!(p.skipped, 6 + 1 + 1 + 1 + 1, "{names:?}");
}

#[test]
fn co_equal_brands_sharing_one_endpoint_are_two_candidates() {
    let bytes = bundle(vec![
        org(
            "b1",
            "Brand1",
            json!({"endpoint": [{"reference": "Endpoint/shared"}]}),
        ),
        org(
            "b2",
            "Brand2",
            json!({"endpoint": [{"reference": "Endpoint/shared"}]}),
        ),
        endpoint("shared", "https://fhir.shared.test/r4", json!({})),
    ]);
    let p = parse(&bytes).unwrap();
    assert_eq!(p.candidates.len(), 2);
    assert!(p
        .candidates
        .iter()
        .all(|c| c.base.as_str() == "https://fhir.shared.test/r4"));
}

#[test]
fn not_a_bundle() {
    assert!(parse(br#"{"resourceType":"Patient"}"#).is_none());
    assert!(parse(br#"[{"url":"https://x.test"}]"#).is_none());
    assert!(parse(b"{").is_none());
}
