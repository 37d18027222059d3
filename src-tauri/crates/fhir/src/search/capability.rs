//! What a server's CapabilityStatement (`/metadata`; a Conformance in DSTU2)
//! says it can do, for planning a sync: which types it lets a client search and
//! by which parameters. A server that publishes nothing usable is taken to
//! support everything, and a failing query then says so itself.

use std::collections::BTreeMap;

use serde::Deserialize;

/// One type's search support.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeCapability {
    pub search: bool,
    pub read: bool,
    pub search_params: Vec<String>,
}

/// The server's statement, by resource type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// Empty when the statement listed no resources (or could not be read).
    pub types: BTreeMap<String, TypeCapability>,
    pub fhir_version: Option<String>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Statement {
    fhirVersion: Option<String>,
    #[serde(default)]
    rest: Vec<Rest>,
}

#[derive(Deserialize)]
struct Rest {
    mode: Option<String>,
    #[serde(default)]
    resource: Vec<Resource>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Resource {
    #[serde(rename = "type")]
    type_: Option<String>,
    #[serde(default)]
    interaction: Vec<Interaction>,
    #[serde(default)]
    searchParam: Vec<SearchParam>,
}

#[derive(Deserialize)]
struct Interaction {
    code: Option<String>,
}

#[derive(Deserialize)]
struct SearchParam {
    name: Option<String>,
}

impl Capabilities {
    /// Reads a CapabilityStatement; anything unreadable gives the permissive default.
    pub fn parse(body: &[u8]) -> Capabilities {
        let Ok(statement) = serde_json::from_slice::<Statement>(body) else {
            return Capabilities::default();
        };
        let mut types = BTreeMap::new();
        for rest in statement
            .rest
            .into_iter()
            .filter(|r| r.mode.as_deref().is_none_or(|m| m == "server"))
        {
            for r in rest.resource {
                let Some(name) = r.type_ else { continue };
                let has = |code: &str| {
                    r.interaction
                        .iter()
                        .any(|i| i.code.as_deref() == Some(code))
                };
                types.insert(
                    name,
                    TypeCapability {
                        search: has("search-type"),
                        read: has("read"),
                        search_params: r.searchParam.into_iter().filter_map(|p| p.name).collect(),
                    },
                );
            }
        }
        Capabilities {
            types,
            fhir_version: statement.fhirVersion,
        }
    }

    /// Whether the statement lists anything at all.
    pub fn is_known(&self) -> bool {
        !self.types.is_empty()
    }

    /// Whether `resource_type` can be searched (true when nothing is known).
    pub fn can_search(&self, resource_type: &str) -> bool {
        !self.is_known() || self.types.get(resource_type).is_some_and(|t| t.search)
    }

    /// Whether `resource_type` can be read by id (true when nothing is known).
    pub fn can_read(&self, resource_type: &str) -> bool {
        !self.is_known()
            || self
                .types
                .get(resource_type)
                .is_some_and(|t| t.read || t.search)
    }

    /// Whether the statement lists `param` for `resource_type`. Unknown servers
    /// and types that list no parameters at all get `None`: nobody knows.
    pub fn search_param(&self, resource_type: &str, param: &str) -> Option<bool> {
        let t = self.types.get(resource_type)?;
        if t.search_params.is_empty() {
            return None;
        }
        Some(t.search_params.iter().any(|p| p == param))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn reads_types_interactions_and_parameters() {
        let body = br#"{"resourceType":"CapabilityStatement","fhirVersion":"4.0.1","rest":[{"mode":"server","resource":[
            {"type":"Observation","interaction":[{"code":"read"},{"code":"search-type"}],
             "searchParam":[{"name":"patient","type":"reference"},{"name":"date"},{"name":"_lastUpdated"}]},
            {"type":"Binary","interaction":[{"code":"read"}]}]}]}"#;
        let c = Capabilities::parse(body);
        assert!(c.can_search("Observation"));
        assert!(!c.can_search("Binary"));
        assert!(c.can_read("Binary"));
        assert!(!c.can_search("Coverage"));
        assert_eq!(c.search_param("Observation", "date"), Some(true));
        assert_eq!(c.search_param("Observation", "code"), Some(false));
        assert_eq!(c.search_param("Binary", "date"), None);
        assert_eq!(c.fhir_version.as_deref(), Some("4.0.1"));
    }

    #[test]
    fn an_unreadable_statement_allows_everything() {
        let c = Capabilities::parse(b"<html>");
        assert!(!c.is_known());
        assert!(c.can_search("Coverage"));
        assert_eq!(c.search_param("Coverage", "beneficiary"), None);
    }
}
