//! SMART App Launch "User-access Brands" Bundles (STU 2.2): Organizations (the
//! brands the patient recognizes) and Endpoints (FHIR bases), linked by
//! `Organization.endpoint` or `Endpoint.managingOrganization`. A brand with no
//! endpoint of its own gets its access from the brand it is `partOf` (at most
//! two levels, as the spec allows). `Organization.type` `ins`/`pay` (or the
//! 2.2 ballot's `insurance` category) makes a payer; anything else is clinical.
//! Portal names from the `organization-portal` extension become aliases; the
//! addresses are `Organization.address` plus the brand's locations in
//! `Organization.contact.address`. Oracle Health's published bundles use the
//! same shape without the brand extensions.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use url::Url;

use super::infer::{usable_base, version_from_code};
use super::merge::{Candidate, Parsed};
use super::types::{PortalAddress, PortalKind};

const FHIR_VERSION_EXT: &str = "http://hl7.org/fhir/StructureDefinition/endpoint-fhir-version";
const PORTAL_EXT: &str = "http://hl7.org/fhir/StructureDefinition/organization-portal";
const PAYER_CODES: &[&str] = &["ins", "pay", "insurance"];
/// How far `partOf` is followed: the spec allows a brand to point at one that
/// provides access, which may itself point once more.
const MAX_PART_OF_DEPTH: usize = 2;

#[derive(Deserialize)]
struct Bundle<'a> {
    #[serde(rename = "resourceType")]
    resource_type: Option<String>,
    #[serde(default, borrow)]
    entry: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(rename = "fullUrl")]
    full_url: Option<String>,
    #[serde(borrow)]
    resource: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "resourceType")]
    resource_type: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Organization {
    id: Option<String>,
    active: Option<bool>,
    name: Option<String>,
    #[serde(default)]
    alias: Vec<String>,
    #[serde(default, rename = "type")]
    kind: Vec<CodeableConcept>,
    #[serde(default)]
    address: Vec<Address>,
    #[serde(default)]
    contact: Vec<Contact>,
    part_of: Option<Reference>,
    #[serde(default)]
    endpoint: Vec<Reference>,
    #[serde(default)]
    extension: Vec<Extension>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Endpoint {
    id: Option<String>,
    status: Option<String>,
    connection_type: Option<serde_json::Value>,
    name: Option<String>,
    address: Option<String>,
    managing_organization: Option<Reference>,
    #[serde(default)]
    extension: Vec<Extension>,
}

#[derive(Deserialize)]
struct CodeableConcept {
    #[serde(default)]
    coding: Vec<Coding>,
}

#[derive(Deserialize)]
struct Coding {
    code: Option<String>,
}

#[derive(Deserialize)]
struct Contact {
    address: Option<Address>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Address {
    #[serde(default)]
    line: Vec<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
}

#[derive(Deserialize)]
struct Reference {
    reference: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Extension {
    url: Option<String>,
    #[serde(default)]
    extension: Vec<Extension>,
    value_string: Option<String>,
    value_code: Option<String>,
}

/// Resources found in the Bundle, addressable by `fullUrl` or `Type/id`.
struct Resources<T> {
    items: Vec<T>,
    by_ref: HashMap<String, usize>,
}

impl<T> Resources<T> {
    fn new() -> Self {
        Resources {
            items: Vec::new(),
            by_ref: HashMap::new(),
        }
    }

    fn add(&mut self, kind: &str, id: Option<&str>, full_url: Option<&str>, item: T) {
        let at = self.items.len();
        if let Some(full) = full_url {
            self.by_ref.entry(full.to_owned()).or_insert(at);
        }
        if let Some(id) = id {
            self.by_ref.entry(format!("{kind}/{id}")).or_insert(at);
        }
        self.items.push(item);
    }

    /// A reference as the Bundle's `fullUrl`, or as `Type/id` at the end of a
    /// relative or absolute URL (a version suffix `/_history/n` is ignored).
    fn resolve(&self, kind: &str, reference: Option<&Reference>) -> Option<usize> {
        let r = reference?.reference.as_deref()?.trim();
        if let Some(&at) = self.by_ref.get(r) {
            return Some(at);
        }
        let path = r.split("/_history/").next().unwrap_or(r);
        let mut parts = path.rsplit('/');
        let id = parts.next()?;
        (parts.next()? == kind)
            .then(|| self.by_ref.get(&format!("{kind}/{id}")).copied())
            .flatten()
    }
}

/// `None` when the bytes are not a FHIR Bundle.
pub fn parse(bytes: &[u8]) -> Option<Parsed> {
    let bundle: Bundle = serde_json::from_slice(bytes).ok()?;
    if bundle.resource_type.as_deref() != Some("Bundle") {
        return None;
    }
    let mut parsed = Parsed::default();
    let mut orgs = Resources::<Organization>::new();
    let mut endpoints = Resources::<Endpoint>::new();
    for raw in bundle.entry {
        let Ok(entry) = serde_json::from_str::<Entry>(raw.get()) else {
            parsed.skipped += 1;
            continue;
        };
        let Some(resource) = entry.resource else {
            continue;
        };
        let kind = serde_json::from_str::<Head>(resource.get())
            .ok()
            .and_then(|h| h.resource_type);
        let full = entry.full_url.as_deref();
        match kind.as_deref() {
            Some("Organization") => match serde_json::from_str::<Organization>(resource.get()) {
                Ok(o) => orgs.add("Organization", o.id.clone().as_deref(), full, o),
                Err(_) => parsed.skipped += 1,
            },
            Some("Endpoint") => match serde_json::from_str::<Endpoint>(resource.get()) {
                Ok(e) => endpoints.add("Endpoint", e.id.clone().as_deref(), full, e),
                Err(_) => parsed.skipped += 1,
            },
            _ => {}
        }
    }
    link(&orgs, &endpoints, &mut parsed);
    Some(parsed)
}

fn link(orgs: &Resources<Organization>, endpoints: &Resources<Endpoint>, parsed: &mut Parsed) {
    // Each organization's own endpoints, from both directions of the link.
    let mut own: Vec<Vec<usize>> = orgs
        .items
        .iter()
        .map(|o| {
            o.endpoint
                .iter()
                .filter_map(|r| endpoints.resolve("Endpoint", Some(r)))
                .collect()
        })
        .collect();
    for (e_at, e) in endpoints.items.iter().enumerate() {
        if let Some(o_at) = orgs.resolve("Organization", e.managing_organization.as_ref()) {
            if !own[o_at].contains(&e_at) {
                own[o_at].push(e_at);
            }
        }
    }
    let usable: Vec<Option<Url>> = endpoints.items.iter().map(usable_endpoint).collect();
    let mut reached = vec![false; endpoints.items.len()];

    for (o_at, org) in orgs.items.iter().enumerate() {
        let name = org.name.as_deref().map(str::trim).unwrap_or_default();
        if org.active == Some(false) || name.is_empty() {
            parsed.skipped += 1;
            continue;
        }
        // Access provided by an affiliate: walk `partOf` until endpoints appear.
        let mut access = o_at;
        let mut parent: Option<usize> = None;
        for _ in 0..MAX_PART_OF_DEPTH {
            if !own[access].is_empty() {
                break;
            }
            match orgs.resolve("Organization", orgs.items[access].part_of.as_ref()) {
                Some(p) if p != o_at => {
                    parent.get_or_insert(p);
                    access = p;
                }
                _ => break,
            }
        }
        let parent = parent.or_else(|| orgs.resolve("Organization", org.part_of.as_ref()));
        let group = parent
            .and_then(|p| orgs.items[p].name.as_deref())
            .map(str::trim)
            .filter(|n| !n.is_empty() && *n != name)
            .map(str::to_owned);
        let kind = kind_of(org)
            .or_else(|| parent.and_then(|p| kind_of(&orgs.items[p])))
            .unwrap_or(PortalKind::Clinical);
        let mut produced = false;
        for &e_at in &own[access] {
            reached[e_at] = true;
            let Some(base) = usable[e_at].clone() else {
                continue;
            };
            produced = true;
            parsed.candidates.push(Candidate {
                local_id: endpoints.items[e_at].id.clone(),
                name: name.to_owned(),
                aliases: aliases(org),
                group: group.clone(),
                kind,
                base,
                version: fhir_version(&endpoints.items[e_at]),
                addresses: addresses(org),
            });
        }
        if !produced {
            parsed.skipped += 1;
        }
    }

    // Endpoints no brand points to still name a server the patient may know.
    for (e_at, e) in endpoints.items.iter().enumerate() {
        if reached[e_at] {
            continue;
        }
        let name = e.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
        match (name, usable[e_at].clone()) {
            (Some(name), Some(base)) => parsed.candidates.push(Candidate {
                local_id: e.id.clone(),
                name: name.to_owned(),
                aliases: Vec::new(),
                group: None,
                kind: PortalKind::Clinical,
                base,
                version: fhir_version(e),
                addresses: Vec::new(),
            }),
            _ => parsed.skipped += 1,
        }
    }
}

fn usable_endpoint(e: &Endpoint) -> Option<Url> {
    if matches!(e.status.as_deref(), Some("off" | "entered-in-error")) {
        return None;
    }
    // R4 has one Coding, R5 a list of CodeableConcepts: any code other than
    // FHIR REST (Direct messaging, IHE, ...) is not a portal.
    if let Some(ct) = &e.connection_type {
        let mut codes = Vec::new();
        collect_codes(ct, &mut codes);
        if !codes.is_empty() && !codes.contains(&"hl7-fhir-rest") {
            return None;
        }
    }
    usable_base(e.address.as_deref()?)
}

fn collect_codes<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::String(c)) = m.get("code") {
                out.push(c);
            }
            m.values().for_each(|v| collect_codes(v, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_codes(v, out)),
        _ => {}
    }
}

fn kind_of(org: &Organization) -> Option<PortalKind> {
    let codes: Vec<&str> = org
        .kind
        .iter()
        .flat_map(|c| &c.coding)
        .filter_map(|c| c.code.as_deref())
        .collect();
    if codes.iter().any(|c| PAYER_CODES.contains(c)) {
        Some(PortalKind::Payer)
    } else if codes.is_empty() {
        None
    } else {
        Some(PortalKind::Clinical)
    }
}

fn fhir_version(e: &Endpoint) -> Option<&'static str> {
    e.extension
        .iter()
        .filter(|x| x.url.as_deref() == Some(FHIR_VERSION_EXT))
        .find_map(|x| x.value_code.as_deref().and_then(version_from_code))
}

fn aliases(org: &Organization) -> Vec<String> {
    let portal_names = org
        .extension
        .iter()
        .filter(|x| x.url.as_deref() == Some(PORTAL_EXT))
        .flat_map(|x| &x.extension)
        .filter(|x| x.url.as_deref() == Some("portalName"))
        .filter_map(|x| x.value_string.clone());
    org.alias.iter().cloned().chain(portal_names).collect()
}

fn addresses(org: &Organization) -> Vec<PortalAddress> {
    org.address
        .iter()
        .chain(org.contact.iter().filter_map(|c| c.address.as_ref()))
        .map(|a| PortalAddress {
            line: Some(a.line.join(", ")).filter(|l| !l.trim().is_empty()),
            city: clean(&a.city),
            state: clean(&a.state),
            postal_code: clean(&a.postal_code),
        })
        .filter(|a| *a != PortalAddress::default())
        .collect()
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests;
