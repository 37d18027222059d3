//! The built-in list, compiled in from `directory/builtin.json`: the Ownchart
//! demo portal and public SMART sandboxes as their vendors document them (each
//! entry's `documented_at` says where; it is not shown). The demo portal's FHIR
//! base is only known once the app has started it on a local port.

use serde::Deserialize;

use super::error::{DirectoryError, Result};
use super::types::{DirectoryEntry, PortalAddress, PortalKind};

pub const SOURCE_NAME: &str = "Built in";
/// The id of the demo portal, whose address is set with `Directory::set_demo_base`.
pub const DEMO_ID: &str = "builtin:ownchart-demo";

const BUILTIN_JSON: &str = include_str!("../../directory/builtin.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Builtin {
    id: String,
    name: String,
    aliases: Vec<String>,
    kind: PortalKind,
    fhir_base: String,
    fhir_version: Option<String>,
    vendor: Option<String>,
    addresses: Vec<PortalAddress>,
    demo: bool,
    /// Where the vendor documents the address; for people reading the file.
    #[serde(rename = "documented_at")]
    _documented_at: String,
}

pub fn entries() -> Result<Vec<DirectoryEntry>> {
    let list: Vec<Builtin> =
        serde_json::from_str(BUILTIN_JSON).map_err(|e| DirectoryError::Builtin(e.to_string()))?;
    Ok(list
        .into_iter()
        .map(|b| DirectoryEntry {
            id: b.id,
            name: b.name,
            aliases: b.aliases,
            kind: b.kind,
            fhir_base: b.fhir_base,
            fhir_version: b.fhir_version,
            vendor: b.vendor,
            addresses: b.addresses,
            source: SOURCE_NAME.to_owned(),
            demo: b.demo,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::super::infer::usable_base;
    use super::*;

    #[test]
    fn the_list_parses_and_every_sandbox_says_so() {
        let all = entries().unwrap();
        assert!(all.len() >= 5);
        let demos: Vec<_> = all.iter().filter(|e| e.demo).collect();
        assert_eq!(demos.len(), 1);
        assert_eq!(demos[0].id, DEMO_ID);
        assert!(demos[0].fhir_base.is_empty());
        for e in all.iter().filter(|e| !e.demo) {
            assert!(e.id.starts_with("builtin:"), "{}", e.id);
            assert!(usable_base(&e.fhir_base).is_some(), "{}", e.fhir_base);
            assert!(e.name.contains("sandbox"), "{}", e.name);
            assert!(e.aliases.iter().any(|a| a == "Sandbox"), "{}", e.name);
        }
        assert!(all.iter().any(|e| e.kind == PortalKind::Payer));
        let mut ids: Vec<_> = all.iter().map(|e| &e.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
    }
}
