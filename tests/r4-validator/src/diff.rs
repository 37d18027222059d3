//! The first place where two JSON values differ, described in one short line: enough
//! to see which element fhirbolt read differently without printing both resources.

use serde_json::Value;

/// Longest rendering of one side of a difference.
const SHOWN: usize = 120;

/// Where `ours` and `theirs` first differ (objects by key, arrays by position), or
/// `None` when they are equal.
pub fn first_difference(ours: &Value, theirs: &Value) -> Option<String> {
    at("", ours, theirs)
}

fn at(path: &str, ours: &Value, theirs: &Value) -> Option<String> {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let inner = join(path, key);
                match b.get(key) {
                    Some(other) => {
                        if let Some(found) = at(&inner, value, other) {
                            return Some(found);
                        }
                    }
                    None => return Some(format!("{inner} is dropped ({})", show(value))),
                }
            }
            b.iter()
                .find(|(key, _)| !a.contains_key(*key))
                .map(|(key, value)| format!("{} is added ({})", join(path, key), show(value)))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| at(&format!("{path}[{i}]"), x, y)),
        _ if ours == theirs => None,
        _ => Some(format!(
            "{} is {} but comes back as {}",
            if path.is_empty() {
                "the resource"
            } else {
                path
            },
            show(ours),
            show(theirs)
        )),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn show(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
