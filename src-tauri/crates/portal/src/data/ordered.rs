//! Editing a resource's JSON without disturbing it: members keep their order and every
//! value that is not changed keeps its exact bytes. Used where the portal must touch a
//! resource (ids, `meta`, references, revisions) yet serve it otherwise as it was.

use std::collections::HashMap;

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::value::{to_raw_value, RawValue};

/// The members of a JSON object, in order, each kept as its raw text.
pub(crate) type Members = IndexMap<String, Box<RawValue>>;

/// The members of `json`, or `None` when it is not an object.
pub(crate) fn members(json: &str) -> Option<Members> {
    serde_json::from_str(json).ok()
}

/// The members written back as compact JSON text.
pub(crate) fn text(members: &Members) -> Option<String> {
    serde_json::to_string(members).ok()
}

/// A value as raw JSON.
pub(crate) fn raw(value: &impl Serialize) -> Option<Box<RawValue>> {
    to_raw_value(value).ok()
}

/// A string member's value.
pub(crate) fn string(members: &Members, key: &str) -> Option<String> {
    serde_json::from_str(members.get(key)?.get()).ok()
}

/// Sets `meta.versionId` and `meta.lastUpdated`, keeping the rest of `meta`. With
/// `only_missing`, values already there are left alone.
pub(crate) fn set_meta(
    members: &mut Members,
    version_id: &str,
    last_updated: &str,
    only_missing: bool,
) -> Option<()> {
    let mut meta = match members.get("meta") {
        Some(m) => self::members(m.get())?,
        None => Members::new(),
    };
    for (key, value) in [("versionId", version_id), ("lastUpdated", last_updated)] {
        if !(only_missing && meta.contains_key(key)) {
            meta.insert(key.to_owned(), raw(&value)?);
        }
    }
    let meta = raw(&meta)?;
    match members.get_mut("meta") {
        Some(slot) => *slot = meta,
        // `meta` goes after `id`, where servers put it.
        None => {
            let at = members.get_index_of("id").map_or(0, |i| i + 1);
            members.shift_insert(at, "meta".to_owned(), meta);
        }
    }
    Some(())
}

/// `json` with every `reference` that is a `urn:uuid:` in `targets` replaced by the
/// target, or `None` when nothing changed. Only values that hold such a reference are
/// rewritten; everything else keeps its bytes.
pub(crate) fn rewrite_references(
    json: &RawValue,
    targets: &HashMap<String, String>,
) -> Option<Box<RawValue>> {
    let text = json.get();
    if !text.contains("urn:uuid:") {
        return None;
    }
    match text.trim_start().as_bytes().first() {
        Some(b'{') => {
            let mut object = members(text)?;
            let mut changed = false;
            for (key, value) in object.iter_mut() {
                if key == "reference" {
                    let target = serde_json::from_str::<String>(value.get())
                        .ok()
                        .and_then(|r| targets.get(r.strip_prefix("urn:uuid:")?).cloned());
                    if let Some(target) = target {
                        *value = raw(&target)?;
                        changed = true;
                        continue;
                    }
                }
                if let Some(new) = rewrite_references(value, targets) {
                    *value = new;
                    changed = true;
                }
            }
            if changed {
                raw(&object)
            } else {
                None
            }
        }
        Some(b'[') => {
            let mut items: Vec<Box<RawValue>> = serde_json::from_str(text).ok()?;
            let mut changed = false;
            for item in &mut items {
                if let Some(new) = rewrite_references(item, targets) {
                    *item = new;
                    changed = true;
                }
            }
            if changed {
                raw(&items)
            } else {
                None
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn references_are_rewritten_and_the_rest_keeps_its_order_and_bytes() {
        let json = r#"{"z": 1, "subject": {"reference": "urn:uuid:abc", "display": "X"}, "a": [ {"reference":"urn:uuid:nope"}, 2.50 ], "note": "urn:uuid:abc"}"#;
        let mut targets = HashMap::new();
        targets.insert("abc".to_owned(), "Patient/abc".to_owned());
        let mut m = members(json).unwrap();
        for v in m.values_mut() {
            if let Some(new) = rewrite_references(v, &targets) {
                *v = new;
            }
        }
        set_meta(&mut m, "1", "2017-09-01T00:00:00Z", true).unwrap();
        assert_eq!(
            text(&m).unwrap(),
            r#"{"meta":{"versionId":"1","lastUpdated":"2017-09-01T00:00:00Z"},"z":1,"subject":{"reference":"Patient/abc","display":"X"},"a":[ {"reference":"urn:uuid:nope"}, 2.50 ],"note":"urn:uuid:abc"}"#
        );
    }

    #[test]
    fn meta_values_already_there_can_be_kept_or_replaced() {
        let mut m = members(r#"{"id":"x","meta":{"tag":[],"versionId":"3"}}"#).unwrap();
        set_meta(&mut m, "1", "t", true).unwrap();
        assert_eq!(
            text(&m).unwrap(),
            r#"{"id":"x","meta":{"tag":[],"versionId":"3","lastUpdated":"t"}}"#
        );
        set_meta(&mut m, "4", "u", false).unwrap();
        assert_eq!(
            text(&m).unwrap(),
            r#"{"id":"x","meta":{"tag":[],"versionId":"4","lastUpdated":"u"}}"#
        );
    }
}
