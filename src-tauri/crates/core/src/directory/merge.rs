//! From what a list says to directory entries: one entry per FHIR base within a
//! source (a server shared by several practices is one portal to log in to),
//! with the other names kept as aliases so each practice can still be found.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};
use url::Url;

use super::infer::{self, SourceHints};
use super::normalize::fold;
use super::types::{DirectoryEntry, PortalAddress, PortalKind};

/// One organization at one FHIR base, as a list describes it.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The list's own id for it (endpoint id, list item id).
    pub local_id: Option<String>,
    pub name: String,
    pub aliases: Vec<String>,
    /// The organization it belongs to (Brands `partOf`, a list's
    /// `managingOrganization` when that is a name), if any.
    pub group: Option<String>,
    pub kind: PortalKind,
    pub base: Url,
    /// Only what the list states; inference from the URL comes later.
    pub version: Option<&'static str>,
    pub addresses: Vec<PortalAddress>,
}

/// What a parser made of a list.
#[derive(Debug, Default)]
pub struct Parsed {
    pub candidates: Vec<Candidate>,
    /// Items that gave no entry: no usable secure address, no name, unreadable.
    pub skipped: u32,
}

pub struct Merged {
    pub entries: Vec<DirectoryEntry>,
    /// Candidates folded into another one with the same FHIR base.
    pub merged: u32,
}

pub fn merge(
    candidates: Vec<Candidate>,
    source_id: &str,
    source_name: &str,
    hints: SourceHints,
) -> Merged {
    let mut groups: Vec<Vec<Candidate>> = Vec::new();
    let mut by_base: HashMap<String, usize> = HashMap::new();
    for c in candidates {
        let key = infer::base_key(&c.base);
        match by_base.get(&key) {
            Some(&i) => groups[i].push(c),
            None => {
                by_base.insert(key, groups.len());
                groups.push(vec![c]);
            }
        }
    }
    let merged = groups.iter().map(|g| g.len() as u32 - 1).sum();
    let mut ids = HashSet::new();
    let entries = groups
        .into_iter()
        .filter_map(|g| entry(g, source_id, source_name, hints, &mut ids))
        .collect();
    Merged { entries, merged }
}

fn entry(
    group: Vec<Candidate>,
    source_id: &str,
    source_name: &str,
    hints: SourceHints,
    ids: &mut HashSet<String>,
) -> Option<DirectoryEntry> {
    let first = group.first()?;
    let name = display_name(&group);
    let folded_name = fold(&name);
    let mut seen = HashSet::from([folded_name]);
    let mut aliases = Vec::new();
    let mut add_alias = |a: &str| {
        let a = a.trim();
        let f = fold(a);
        if !f.is_empty() && seen.insert(f) {
            aliases.push(a.to_owned());
        }
    };
    for c in &group {
        add_alias(&c.name);
        c.aliases.iter().for_each(|a| add_alias(a));
        if let Some(g) = &c.group {
            add_alias(g);
        }
    }
    let mut addresses: Vec<PortalAddress> = Vec::new();
    for a in group.iter().flat_map(|c| &c.addresses) {
        if !addresses.contains(a) {
            addresses.push(a.clone());
        }
    }
    let version = group
        .iter()
        .find_map(|c| c.version)
        .or_else(|| infer::version_from_url(&first.base))
        .or(hints.version);
    let vendor = infer::vendor_from_url(&first.base).or(hints.vendor);
    let local = first
        .local_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| short_hash(first.base.as_str()));
    Some(DirectoryEntry {
        id: unique_id(format!("{source_id}:{local}"), ids),
        name,
        aliases,
        kind: first.kind,
        fhir_base: first.base.as_str().to_owned(),
        fhir_version: version.map(str::to_owned),
        vendor: vendor.map(str::to_owned),
        addresses,
        source: source_name.to_owned(),
        demo: false,
    })
}

/// The first name, unless several organizations share the base and all belong
/// to one group: then the group's name ("Memorial Hermann" rather than the
/// first of its 31 practices).
fn display_name(group: &[Candidate]) -> String {
    let first = group.first().map(|c| c.name.trim()).unwrap_or_default();
    let distinct: HashSet<String> = group.iter().map(|c| fold(&c.name)).collect();
    if distinct.len() > 1 {
        if let Some(g) = group.iter().find_map(|c| c.group.as_deref()) {
            let fg = fold(g);
            let all_in = group
                .iter()
                .all(|c| c.group.as_deref().map(fold) == Some(fg.clone()) || fold(&c.name) == fg);
            if all_in {
                return g.trim().to_owned();
            }
        }
    }
    first.to_owned()
}

fn unique_id(id: String, ids: &mut HashSet<String>) -> String {
    if ids.insert(id.clone()) {
        return id;
    }
    let mut n = 2;
    loop {
        let next = format!("{id}~{n}");
        if ids.insert(next.clone()) {
            return next;
        }
        n += 1;
    }
}

/// A short stable id for something that has none.
pub fn short_hash(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..8])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn cand(id: &str, name: &str, base: &str, group: Option<&str>) -> Candidate {
        Candidate {
            local_id: Some(id.to_owned()),
            name: name.to_owned(),
            aliases: vec![],
            group: group.map(str::to_owned),
            kind: PortalKind::Clinical,
            base: Url::parse(base).unwrap(),
            version: None,
            addresses: vec![],
        }
    }

    #[test]
    fn same_base_is_one_entry_with_the_other_names_as_aliases() {
        let m = merge(
            vec![
                cand("1", "UCSF Health", "https://x.test/api/FHIR/DSTU2/", None),
                cand(
                    "2",
                    "UCSF Benioff Children's",
                    "https://X.TEST/api/FHIR/DSTU2",
                    None,
                ),
                cand("3", "Other", "https://y.test/r4", None),
            ],
            "src-a",
            "List",
            SourceHints::default(),
        );
        assert_eq!(m.merged, 1);
        assert_eq!(m.entries.len(), 2);
        let e = &m.entries[0];
        assert_eq!((e.id.as_str(), e.name.as_str()), ("src-a:1", "UCSF Health"));
        assert_eq!(e.aliases, vec!["UCSF Benioff Children's"]);
        assert_eq!(e.vendor.as_deref(), Some("Epic"));
        assert_eq!(e.fhir_version.as_deref(), Some("DSTU2"));
        assert_eq!(e.source, "List");
    }

    #[test]
    fn a_shared_base_within_one_group_takes_the_group_name() {
        let m = merge(
            vec![
                cand(
                    "1",
                    "Bellaire Allergy",
                    "https://m.test/r4",
                    Some("Memorial Hermann"),
                ),
                cand(
                    "2",
                    "Digestive Specialists",
                    "https://m.test/r4",
                    Some("Memorial Hermann"),
                ),
                cand("3", "AACI", "https://o.test/r4", Some("OCHIN")),
            ],
            "s",
            "L",
            SourceHints::default(),
        );
        assert_eq!(m.entries[0].name, "Memorial Hermann");
        assert_eq!(
            m.entries[0].aliases,
            vec!["Bellaire Allergy", "Digestive Specialists"]
        );
        assert_eq!(m.entries[1].name, "AACI");
        assert_eq!(m.entries[1].aliases, vec!["OCHIN"]);
    }

    #[test]
    fn colliding_ids_are_made_unique_and_missing_ids_hashed() {
        let mut b = cand("7", "B", "https://b.test/r4", None);
        let mut c = cand("", "C", "https://c.test/r4", None);
        c.local_id = None;
        b.local_id = Some("7".into());
        let m = merge(
            vec![cand("7", "A", "https://a.test/r4", None), b, c],
            "s",
            "L",
            SourceHints::default(),
        );
        let ids: Vec<&str> = m.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids[..2], ["s:7", "s:7~2"]);
        assert!(ids[2].starts_with("s:") && ids[2].len() == 2 + 16);
    }
}
