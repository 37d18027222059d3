//! FHIR references resolved to records in the vault: `Type/id` (also with
//! `/_history/<v>`), absolute `…/Type/id` URLs, and the `urn:uuid:` ids of
//! Bundles — looked up in the citing record's own source first, then in the
//! others. Contained (`#id`) references stay within their resource.

use std::collections::HashMap;

use ownchart_vault::Vault;

/// `(Some(type), id)` of a reference, or `(None, id)` for a `urn:uuid:`/`urn:oid:`.
pub fn parse(reference: &str) -> Option<(Option<&str>, &str)> {
    let r = reference.trim();
    if r.starts_with('#') || r.is_empty() {
        return None;
    }
    if let Some(id) = r
        .strip_prefix("urn:uuid:")
        .or_else(|| r.strip_prefix("urn:oid:"))
    {
        return (!id.is_empty()).then_some((None, id));
    }
    let path = r.split(['?', '#']).next().unwrap_or(r);
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    // The last `Type/id` pair, skipping a trailing `_history/<version>`.
    let parts = match parts.iter().rposition(|p| *p == "_history") {
        Some(h) if h >= 2 => &parts[..h],
        _ => &parts[..],
    };
    let (ty, id) = match parts {
        [.., ty, id] => (*ty, *id),
        _ => return None,
    };
    let is_type = ty.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && ty.chars().all(|c| c.is_ascii_alphanumeric());
    (is_type && !id.is_empty()).then_some((Some(ty), id))
}

/// Resolves references for one request, remembering what it found.
pub struct Resolver<'v> {
    vault: &'v Vault,
    found: HashMap<(String, String), Option<i64>>,
    labels: HashMap<i64, Option<String>>,
}

impl<'v> Resolver<'v> {
    pub fn new(vault: &'v Vault) -> Self {
        Resolver {
            vault,
            found: HashMap::new(),
            labels: HashMap::new(),
        }
    }

    /// The key of the record `reference` names, from `source` first.
    pub fn resolve(&mut self, source: &str, reference: &str) -> Option<i64> {
        let key = (source.to_owned(), reference.to_owned());
        if let Some(hit) = self.found.get(&key) {
            return *hit;
        }
        let hit = parse(reference).and_then(|(ty, id)| {
            let lookup = match ty {
                Some(t) => self
                    .vault
                    .find_record(Some(source), t, id)
                    .and_then(|own| match own {
                        Some(pk) => Ok(Some(pk)),
                        None => self.vault.find_record(None, t, id),
                    }),
                None => self.vault.find_record_by_id(source, id),
            };
            // A failed lookup shows the reference as written, nothing worse.
            lookup.ok().flatten()
        });
        self.found.insert(key, hit);
        hit
    }

    /// What the referenced record is called: its summary.
    pub fn label(&mut self, pk: i64) -> Option<String> {
        if let Some(l) = self.labels.get(&pk) {
            return l.clone();
        }
        let label = self
            .vault
            .record_row(pk)
            .ok()
            .flatten()
            .and_then(|r| r.summary.or(r.display));
        self.labels.insert(pk, label.clone());
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_of_every_form_parse() {
        assert_eq!(parse("Patient/123"), Some((Some("Patient"), "123")));
        assert_eq!(
            parse("Observation/o1/_history/2"),
            Some((Some("Observation"), "o1"))
        );
        assert_eq!(
            parse("https://fhir.example/R4/Practitioner/p-9?x=1"),
            Some((Some("Practitioner"), "p-9"))
        );
        assert_eq!(parse("urn:uuid:0b7c"), Some((None, "0b7c")));
        assert_eq!(parse("#med1"), None);
        assert_eq!(parse("patient/1"), None);
        assert_eq!(parse("Patient"), None);
        assert_eq!(parse(""), None);
    }
}
