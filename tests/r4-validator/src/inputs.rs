//! Turns the paths given on the command line into the resources to check: a directory
//! means every `*.json` and `*.ndjson` file below it; a JSON file holds one resource or
//! a Bundle (its entries are checked one by one); an NDJSON file holds one per line.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// One resource to check, as the bytes found, and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub place: String,
    pub bytes: Vec<u8>,
}

/// A path that could not be read; the run stops, since its result would be incomplete.
#[derive(Debug)]
pub struct ReadError {
    pub path: PathBuf,
    pub source: io::Error,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read {}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn read_error(path: &Path) -> impl FnOnce(io::Error) -> ReadError + '_ {
    move |source| ReadError {
        path: path.to_owned(),
        source,
    }
}

/// The files to check: a named file as is, a directory's `*.json` and `*.ndjson` files
/// recursively, in name order so that reports are stable.
pub fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ReadError> {
    let mut found = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(read_error(path))?;
        if meta.is_dir() {
            walk(path, &mut found)?;
        } else {
            found.push(path.clone());
        }
    }
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), ReadError> {
    let mut entries = fs::read_dir(dir)
        .map_err(read_error(dir))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(read_error(dir))?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, found)?;
        } else if is_ndjson(&path) || path.extension().is_some_and(|e| e == "json") {
            found.push(path);
        }
    }
    Ok(())
}

fn is_ndjson(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "ndjson")
}

/// The resources in one file (an empty list for an empty NDJSON file).
pub fn resources(path: &Path) -> Result<Vec<Item>, ReadError> {
    let bytes = fs::read(path).map_err(read_error(path))?;
    let name = path.display().to_string();
    if is_ndjson(path) {
        return Ok(bytes
            .split(|b| *b == b'\n')
            .enumerate()
            .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
            .map(|(i, line)| Item {
                place: format!("{name}#{}", i + 1),
                bytes: line.to_vec(),
            })
            .collect());
    }
    let entries = match serde_json::from_slice::<Value>(&bytes) {
        Ok(value) if value["resourceType"] == "Bundle" => bundle_entries(&value),
        // Not JSON or not a Bundle: the check itself reports what is wrong.
        _ => None,
    };
    Ok(match entries {
        Some(entries) => entries
            .into_iter()
            .map(|(i, resource)| Item {
                place: format!("{name}#entry[{i}]"),
                bytes: resource,
            })
            .collect(),
        None => vec![Item { place: name, bytes }],
    })
}

/// Each entry's resource with its position; entries without one (a DELETE in a
/// transaction) are skipped. `None` when the entries cannot be written out again.
fn bundle_entries(bundle: &Value) -> Option<Vec<(usize, Vec<u8>)>> {
    let Some(entries) = bundle["entry"].as_array() else {
        return Some(Vec::new());
    };
    entries
        .iter()
        .enumerate()
        .filter_map(|(i, entry)| entry.get("resource").map(|r| (i, r)))
        .map(|(i, resource)| serde_json::to_vec(resource).ok().map(|bytes| (i, bytes)))
        .collect()
}
