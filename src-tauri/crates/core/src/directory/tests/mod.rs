//! Integration-style tests of the directory through its public API: a real cache
//! folder, lists generated here, and the public lists in `shared/directory`
//! when that folder is present.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod search;
mod shared_lists;
mod speed;

use std::path::{Path, PathBuf};

use serde_json::json;
use time::OffsetDateTime;
use url::Url;

use super::*;

pub fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_760_000_000).unwrap()
}

pub fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

pub fn query(text: &str) -> DirectoryQuery {
    DirectoryQuery {
        text: text.to_owned(),
        kind: None,
        limit: 0,
    }
}

pub fn names(r: &DirectorySearchResult) -> Vec<&str> {
    r.entries.iter().map(|e| e.name.as_str()).collect()
}

/// One portal of a generated Brands bundle.
pub struct Org<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub city: &'a str,
    pub state: &'a str,
    pub zip: &'a str,
    pub payer: bool,
}

pub fn brands_bundle(orgs: &[Org]) -> Vec<u8> {
    let mut entries = Vec::new();
    for o in orgs {
        let mut org = json!({
            "resourceType": "Organization", "id": o.id, "name": o.name,
            "address": [{"city": o.city, "state": o.state, "postalCode": o.zip}],
            "endpoint": [{"reference": format!("Endpoint/e-{}", o.id)}]
        });
        if o.payer {
            org["type"] = json!([{"coding": [{"code": "ins"}]}]);
        }
        entries.push(
            json!({"fullUrl": format!("https://b.test/Organization/{}", o.id), "resource": org}),
        );
        entries.push(
            json!({"fullUrl": format!("https://b.test/Endpoint/e-{}", o.id), "resource": {
                "resourceType": "Endpoint", "id": format!("e-{}", o.id), "status": "active",
                "address": format!("https://fhir.{}.test/r4", o.id)
            }}),
        );
    }
    serde_json::to_vec(&json!({"resourceType": "Bundle", "type": "collection", "entry": entries}))
        .unwrap()
}

/// A plain endpoint list of `(id, name)` at distinct bases.
pub fn endpoint_list(items: &[(&str, &str)]) -> Vec<u8> {
    let items: Vec<_> = items
        .iter()
        .map(|(id, name)| json!({"id": id, "name": name, "url": format!("https://fhir.{id}.test/api/FHIR/R4/")}))
        .collect();
    serde_json::to_vec(&items).unwrap()
}

pub fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}
