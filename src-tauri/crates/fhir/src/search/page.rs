//! One page of search results. Entries stay borrowed `RawValue`s: each one is
//! stored byte for byte as the server sent it, and nothing builds a tree of the
//! whole page. serde_json's recursion limit turns absurdly deep JSON into an
//! error instead of a stack overflow.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

/// A page of a search.
#[derive(Debug)]
pub struct SearchPage<'a> {
    pub entries: Vec<PageEntry<'a>>,
    /// The `next` link exactly as given (absolute or relative).
    pub next: Option<String>,
    /// `Bundle.total`, when the server counted.
    pub total: Option<u64>,
}

/// One entry: its resource (absent in a broken entry) and `search.mode`
/// (`match`, `include` or `outcome`).
#[derive(Debug)]
pub struct PageEntry<'a> {
    pub resource: Option<&'a RawValue>,
    pub mode: Option<Cow<'a, str>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("the page is not valid JSON ({0})")]
    Json(String),
    #[error("the server answered with an error instead of results{}", .0.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    OperationOutcome(Option<String>),
    #[error("the answer is a {0}, not a page of search results")]
    NotABundle(String),
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Page<'a> {
    #[serde(borrow)]
    resourceType: Option<Cow<'a, str>>,
    total: Option<u64>,
    #[serde(borrow, default)]
    link: Vec<Link<'a>>,
    #[serde(borrow, default)]
    entry: Vec<Entry<'a>>,
    #[serde(borrow)]
    issue: Option<Vec<Issue<'a>>>,
}

#[derive(Deserialize)]
struct Link<'a> {
    #[serde(borrow)]
    relation: Option<Cow<'a, str>>,
    #[serde(borrow)]
    url: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    resource: Option<&'a RawValue>,
    #[serde(borrow)]
    search: Option<EntrySearch<'a>>,
}

#[derive(Deserialize)]
struct EntrySearch<'a> {
    #[serde(borrow)]
    mode: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Issue<'a> {
    #[serde(borrow)]
    diagnostics: Option<Cow<'a, str>>,
    #[serde(borrow)]
    details: Option<IssueDetails<'a>>,
}

#[derive(Deserialize)]
struct IssueDetails<'a> {
    #[serde(borrow)]
    text: Option<Cow<'a, str>>,
}

/// Parses one search answer.
pub fn parse_page(body: &[u8]) -> Result<SearchPage<'_>, PageError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| PageError::Json("it is not UTF-8 text".to_owned()))?;
    if crate::depth::too_deep(body, crate::depth::MAX_DEPTH) {
        return Err(PageError::Json(format!(
            "it is nested more than {} levels deep",
            crate::depth::MAX_DEPTH
        )));
    }
    let page: Page<'_> = serde_json::from_str(text)
        .map_err(|e| PageError::Json(crate::http::describe_json_error(&e)))?;
    match page.resourceType.as_deref() {
        Some("Bundle") => {}
        Some("OperationOutcome") => {
            let detail = page.issue.unwrap_or_default().into_iter().find_map(|i| {
                i.details
                    .and_then(|d| d.text)
                    .or(i.diagnostics)
                    .map(|s| s.chars().take(200).collect::<String>())
            });
            return Err(PageError::OperationOutcome(detail));
        }
        Some(other) => return Err(PageError::NotABundle(other.chars().take(64).collect())),
        None => {
            return Err(PageError::NotABundle(
                "document without a resourceType".into(),
            ))
        }
    }
    let next = page
        .link
        .into_iter()
        .find(|l| l.relation.as_deref() == Some("next"))
        .and_then(|l| l.url)
        .map(Cow::into_owned)
        .filter(|u| !u.trim().is_empty());
    Ok(SearchPage {
        entries: page
            .entry
            .into_iter()
            .map(|e| PageEntry {
                resource: e.resource,
                mode: e.search.and_then(|s| s.mode),
            })
            .collect(),
        next,
        total: page.total,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn entries_keep_their_bytes_and_next_is_found() {
        let body = br#"{"resourceType":"Bundle","type":"searchset","total":3,
          "link":[{"relation":"self","url":"a"},{"relation":"next","url":"https://x/fhir/Observation?_page=2"}],
          "entry":[{"resource":{"resourceType":"Observation","id":"1", "note" : [ 1 ]},"search":{"mode":"match"}},
                   {"resource":{"resourceType":"OperationOutcome"},"search":{"mode":"outcome"}},
                   {"fullUrl":"x"}]}"#;
        let page = parse_page(body).unwrap();
        assert_eq!(page.total, Some(3));
        assert_eq!(
            page.next.as_deref(),
            Some("https://x/fhir/Observation?_page=2")
        );
        assert_eq!(page.entries.len(), 3);
        assert_eq!(
            page.entries[0].resource.unwrap().get(),
            r#"{"resourceType":"Observation","id":"1", "note" : [ 1 ]}"#
        );
        assert_eq!(page.entries[1].mode.as_deref(), Some("outcome"));
        assert!(page.entries[2].resource.is_none());
    }

    #[test]
    fn errors_and_hostile_pages_are_refused_cleanly() {
        let oo = br#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","diagnostics":"boom"}]}"#;
        assert_eq!(
            parse_page(oo).unwrap_err(),
            PageError::OperationOutcome(Some("boom".into()))
        );
        assert!(matches!(
            parse_page(br#"{"resourceType":"Patient"}"#),
            Err(PageError::NotABundle(_))
        ));
        assert!(matches!(
            parse_page(br#"{"resourceType":"Bundle","entry":[{"#),
            Err(PageError::Json(_))
        ));
        // 100,000 levels of nesting: an error, not a stack overflow.
        let deep = format!(
            "{{\"resourceType\":\"Bundle\",\"entry\":[{{\"resource\":{}1{}}}]}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(matches!(
            parse_page(deep.as_bytes()),
            Err(PageError::Json(_))
        ));
        assert!(parse_page(&[0xff, 0xfe]).is_err());
    }
}
