//! Pointing the shared records at each other inside the document Bundle: a
//! reference whose target is also shared becomes that entry's `urn:uuid:`
//! fullUrl (inside contained resources too); any other reference (a record not
//! shared, a contained `#id`, an absolute URL, a conditional search) is left
//! exactly as it was, display kept.

use std::collections::HashMap;

use serde_json::Value;

/// Where each shared record went, for resolving references to it.
#[derive(Debug, Default)]
pub struct Targets {
    /// (source, type, id) → fullUrl: a reference resolves within its own source first.
    by_source: HashMap<(String, String, String), String>,
    /// (type, id) → fullUrl of the first record shared with that type and id.
    by_type: HashMap<(String, String), String>,
    /// id → fullUrl, for `urn:uuid:<id>` references (Synthea's transaction Bundles).
    by_id: HashMap<String, String>,
}

impl Targets {
    pub fn add(&mut self, source: &str, resource_type: &str, id: &str, full_url: &str) {
        self.by_source
            .entry((source.to_owned(), resource_type.to_owned(), id.to_owned()))
            .or_insert_with(|| full_url.to_owned());
        self.by_type
            .entry((resource_type.to_owned(), id.to_owned()))
            .or_insert_with(|| full_url.to_owned());
        self.by_id
            .entry(id.to_owned())
            .or_insert_with(|| full_url.to_owned());
    }

    /// The fullUrl a reference written in a record of `source` points to, if shared.
    pub fn resolve(&self, source: &str, reference: &str) -> Option<&str> {
        if let Some(id) = reference.strip_prefix("urn:uuid:") {
            return self.by_id.get(id).map(String::as_str);
        }
        let (resource_type, id) = relative(reference)?;
        self.by_source
            .get(&(source.to_owned(), resource_type.to_owned(), id.to_owned()))
            .or_else(|| self.by_type.get(&(resource_type.to_owned(), id.to_owned())))
            .map(String::as_str)
    }

    /// Rewrites every `reference` in `resource` (a record of `source`) that
    /// points to a shared record.
    pub fn rewrite(&self, source: &str, resource: &mut Value) {
        match resource {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get_mut("reference") {
                    if let Some(full_url) = self.resolve(source, r) {
                        *r = full_url.to_owned();
                    }
                }
                // Contained resources too: only their `#id` references are local.
                for (key, child) in map.iter_mut() {
                    if key != "reference" {
                        self.rewrite(source, child);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.rewrite(source, v)),
            _ => {}
        }
    }
}

/// `Type/id` or `Type/id/_history/n`, relative only: an absolute URL names a
/// server, and the same type and id on another server is another record.
fn relative(reference: &str) -> Option<(&str, &str)> {
    if reference.contains(':') || reference.starts_with('#') || reference.contains('?') {
        return None;
    }
    let mut parts = reference.split('/');
    let resource_type = parts.next()?;
    let id = parts.next()?;
    match (parts.next(), parts.next(), parts.next()) {
        (None, None, None) | (Some("_history"), Some(_), None) => {}
        _ => return None,
    }
    let typed = resource_type
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase());
    (typed && !id.is_empty()).then_some((resource_type, id))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    fn targets() -> Targets {
        let mut t = Targets::default();
        t.add("import", "Patient", "p1", "urn:uuid:aaa");
        t.add("connection:x", "Patient", "p1", "urn:uuid:bbb");
        t.add("import", "Encounter", "9f3c", "urn:uuid:ccc");
        t
    }

    #[test]
    fn shared_targets_are_rewritten_and_the_rest_left_alone() {
        let t = targets();
        let mut r = json!({
            "resourceType": "Observation",
            "subject": {"reference": "Patient/p1", "display": "Ann"},
            "encounter": {"reference": "urn:uuid:9f3c"},
            "performer": [
                {"reference": "Practitioner/not-shared", "display": "Dr Who"},
                {"reference": "https://other.example/fhir/Patient/p1"},
                {"reference": "#contained-1"},
                {"reference": "Organization?identifier=x|1"}
            ],
            "hasMember": [{"reference": "Patient/p1/_history/3"}],
            "contained": [{"resourceType": "Patient", "link": [{"other": {"reference": "Patient/p1"}}]}]
        });
        t.rewrite("import", &mut r);
        assert_eq!(
            r["subject"],
            json!({"reference": "urn:uuid:aaa", "display": "Ann"})
        );
        assert_eq!(r["encounter"]["reference"], "urn:uuid:ccc");
        assert_eq!(
            r["performer"][0],
            json!({"reference": "Practitioner/not-shared", "display": "Dr Who"})
        );
        assert_eq!(
            r["performer"][1]["reference"],
            "https://other.example/fhir/Patient/p1"
        );
        assert_eq!(r["performer"][2]["reference"], "#contained-1");
        assert_eq!(
            r["performer"][3]["reference"],
            "Organization?identifier=x|1"
        );
        assert_eq!(r["hasMember"][0]["reference"], "urn:uuid:aaa");
        assert_eq!(
            r["contained"][0]["link"][0]["other"]["reference"],
            "urn:uuid:aaa"
        );
    }

    #[test]
    fn a_reference_resolves_within_its_own_source_first() {
        let t = targets();
        assert_eq!(
            t.resolve("connection:x", "Patient/p1"),
            Some("urn:uuid:bbb")
        );
        assert_eq!(t.resolve("import", "Patient/p1"), Some("urn:uuid:aaa"));
        assert_eq!(
            t.resolve("connection:y", "Patient/p1"),
            Some("urn:uuid:aaa")
        );
        assert_eq!(t.resolve("import", "Patient/"), None);
        assert_eq!(t.resolve("import", "patient/p1"), None);
        assert_eq!(t.resolve("import", "Patient/p1/extra"), None);
    }
}
