//! Plain endpoint lists: a JSON array of `{id, name, url, authorize, token,
//! managingOrganization, ...}` objects, as vendors' patient-access lists and
//! aggregators publish them. Only `id`, `name`, `url` and `managingOrganization`
//! are used: the connect feature discovers the OAuth endpoints from the server
//! itself, so a list cannot point a login at a different authorization server.
//! Each item is read on its own, so one malformed item is skipped, not fatal.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::infer::usable_base;
use super::merge::{Candidate, Parsed};
use super::types::PortalKind;

#[derive(Deserialize)]
struct Item {
    id: Option<serde_json::Value>,
    name: Option<String>,
    url: Option<String>,
    #[serde(rename = "managingOrganization")]
    managing_organization: Option<String>,
}

/// `None` when the bytes are not a JSON array.
pub fn parse(bytes: &[u8]) -> Option<Parsed> {
    let items: Vec<&RawValue> = serde_json::from_slice(bytes).ok()?;
    let mut parsed = Parsed::default();
    for raw in items {
        match serde_json::from_str::<Item>(raw.get())
            .ok()
            .and_then(candidate)
        {
            Some(c) => parsed.candidates.push(c),
            None => parsed.skipped += 1,
        }
    }
    Some(parsed)
}

fn candidate(item: Item) -> Option<Candidate> {
    let base = usable_base(item.url.as_deref()?)?;
    let name = item
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())?;
    let local_id = match item.id {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Some(Candidate {
        local_id,
        name: name.to_owned(),
        aliases: Vec::new(),
        group: item
            .managing_organization
            .filter(|m| looks_like_a_name(m))
            .map(|m| m.trim().to_owned()),
        kind: PortalKind::Clinical,
        base,
        version: None,
        addresses: Vec::new(),
    })
}

/// Epic's lists give the managing organization by name ("OCHIN", "UW Health");
/// others give an id (`O-KzIo…`, `Organization/AACJCD`, base64), which would
/// only add noise to search.
fn looks_like_a_name(text: &str) -> bool {
    text.chars().any(|c| c.is_alphabetic())
        && !text
            .chars()
            .any(|c| c.is_ascii_digit() || matches!(c, '/' | '#' | '='))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn reads_items_and_skips_the_unusable_ones() {
        let json = br#"[
          {"id":"a1","name":"Good Clinic","url":"https://fhir.good.test/api/FHIR/R4/",
           "authorize":"https://fhir.good.test/oauth2/authorize","managingOrganization":"Good Health"},
          {"id":"a2","name":"Plain HTTP","url":"http://fhir.bad.test/r4"},
          {"id":"a3","name":"  ","url":"https://fhir.noname.test/r4"},
          {"id":"a4","name":"No URL"},
          {"id":7,"name":"Numbered","url":"https://fhir.num.test/r4","managingOrganization":"Organization/N7"},
          "not an object",
          {"id":"a5","name":42,"url":"https://fhir.badname.test/r4"}
        ]"#;
        let p = parse(json).unwrap();
        assert_eq!(p.skipped, 5);
        assert_eq!(p.candidates.len(), 2);
        let c = &p.candidates[0];
        assert_eq!(c.local_id.as_deref(), Some("a1"));
        assert_eq!(c.group.as_deref(), Some("Good Health"));
        assert_eq!(c.base.as_str(), "https://fhir.good.test/api/FHIR/R4/");
        assert_eq!(p.candidates[1].local_id.as_deref(), Some("7"));
        assert_eq!(p.candidates[1].group, None);
    }

    #[test]
    fn not_an_array_is_not_a_list() {
        assert!(parse(br#"{"resourceType":"Bundle"}"#).is_none());
        assert!(parse(b"[1, 2").is_none());
    }

    #[test]
    fn names_versus_ids() {
        assert!(looks_like_a_name("OCHIN"));
        assert!(looks_like_a_name("Bon Secours Mercy Health"));
        assert!(!looks_like_a_name("O-KzIoYV6gk-ILcHOWbsH2m9KsSdDgi12"));
        assert!(!looks_like_a_name("Organization/AACJCD"));
        assert!(!looks_like_a_name(
            "wKXfrWxRseDINGJtJv08ACGfuPnk2h4SKmdTeEUIA4Q="
        ));
        assert!(!looks_like_a_name("#Oabc"));
    }
}
