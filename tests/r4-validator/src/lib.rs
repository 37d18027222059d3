//! The independent R4 check behind `r4-validate`: a resource is valid when fhirbolt's
//! R4 model reads it in strict mode and writes it back as the same JSON.
//!
//! Strict reading alone is not enough: fhirbolt's `Resource` reader goes through a
//! generic element model that also accepts a single object where R4 has a list, so a
//! DSTU2-shaped `"category": {…}` only shows up as a difference after writing back.

pub mod diff;
pub mod inputs;

use std::fmt;

use fhirbolt::model::r4::Resource;
use fhirbolt::serde::{DeserializationConfig, DeserializationMode};
use serde_json::Value;

use inputs::Item;

/// Why one resource is not valid R4, and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// File, with `#line` (NDJSON) or `#entry[n]` (Bundle) when the file holds several.
    pub place: String,
    /// `resourceType/id`, with `?` for a part the resource does not have.
    pub resource: String,
    /// One line.
    pub reason: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.place, self.resource, self.reason)
    }
}

/// Checks one resource; `None` when it is valid R4.
pub fn check(item: &Item) -> Option<Failure> {
    let parsed: Result<Value, _> = serde_json::from_slice(&item.bytes);
    let resource = parsed
        .as_ref()
        .map(label)
        .unwrap_or_else(|_| "?".to_owned());
    let reason = match parsed {
        Ok(ours) => problem(&item.bytes, &ours)?,
        Err(e) => format!("not JSON: {e}"),
    };
    Some(Failure {
        place: item.place.clone(),
        resource,
        reason: one_line(&reason),
    })
}

/// The reason `bytes` (already parsed as `ours`) is not valid R4, if any.
fn problem(bytes: &[u8], ours: &Value) -> Option<String> {
    let config = DeserializationConfig {
        mode: DeserializationMode::Strict,
    };
    let typed: Resource = match fhirbolt::json::from_slice(bytes, Some(config)) {
        Ok(typed) => typed,
        Err(e) => return Some(format!("not R4: {e}")),
    };
    let again = match fhirbolt::json::to_vec(&typed, None) {
        Ok(again) => again,
        Err(e) => return Some(format!("cannot be written back as R4: {e}")),
    };
    let theirs: Value = match serde_json::from_slice(&again) {
        Ok(theirs) => theirs,
        Err(e) => return Some(format!("written back as broken JSON: {e}")),
    };
    diff::first_difference(ours, &theirs).map(|d| format!("R4 reads it differently: {d}"))
}

fn label(resource: &Value) -> String {
    let part = |key: &str| resource.get(key).and_then(Value::as_str).unwrap_or("?");
    format!("{}/{}", part("resourceType"), part("id"))
}

/// Failures are printed one per line, so line breaks inside messages are folded.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
