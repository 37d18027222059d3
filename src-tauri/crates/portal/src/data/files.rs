//! Records read from FHIR DSTU2 Bundle files (such as Synthea's exports): each entry gets
//! the id of its `urn:uuid:` (or a made-up one when it has none), `urn:uuid:` references
//! become relative `Type/id` references as a real server would make them, and `meta`
//! gets a `versionId` and `lastUpdated` where missing. Everything else stays as in the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::ordered::{self, Members};
use super::{store_dstu2, Stored};
use crate::error::{PortalError, Result};
use crate::flavor::Flavor;

/// When a file's resources say nothing about their last update: after the files were made.
const FILE_LAST_UPDATED: &str = "2017-09-01T00:00:00.000Z";

#[derive(Deserialize)]
struct FileBundle {
    #[serde(rename = "resourceType")]
    resource_type: String,
    #[serde(default)]
    entry: Vec<FileEntry>,
}

#[derive(Deserialize)]
struct FileEntry {
    #[serde(rename = "fullUrl")]
    full_url: Option<String>,
    resource: Option<Box<RawValue>>,
}

/// An entry on its way into the record.
struct Pending {
    r4_type: &'static str,
    id: String,
    members: Members,
}

fn unreadable(path: &Path, why: &str) -> PortalError {
    PortalError::Config(format!("the record file {} {why}", path.display()))
}

/// The patient id and resources of `username`'s record in `paths`.
pub(super) fn load(username: &str, paths: &[PathBuf]) -> Result<(String, Vec<Stored>)> {
    let mut pending = Vec::new();
    let mut targets = HashMap::new();
    for (f, path) in paths.iter().enumerate() {
        let bytes =
            std::fs::read(path).map_err(|e| unreadable(path, &format!("cannot be read: {e}")))?;
        let bundle: FileBundle = serde_json::from_slice(&bytes)
            .map_err(|e| unreadable(path, &format!("is not a FHIR Bundle: {e}")))?;
        if bundle.resource_type != "Bundle" {
            return Err(unreadable(path, "is not a FHIR Bundle"));
        }
        for (i, entry) in bundle.entry.into_iter().enumerate() {
            let Some(resource) = entry.resource else {
                continue;
            };
            let members = ordered::members(resource.get())
                .ok_or_else(|| unreadable(path, "holds a resource that is not an object"))?;
            let type_name = ordered::string(&members, "resourceType").unwrap_or_default();
            // Types the DSTU2 base does not offer are left out.
            let Some(r4_type) = Flavor::Dstu2.r4_type_of(&type_name) else {
                continue;
            };
            let uuid = entry
                .full_url
                .as_deref()
                .and_then(|u| u.strip_prefix("urn:uuid:"))
                .map(str::to_owned);
            let id = uuid
                .clone()
                .or_else(|| ordered::string(&members, "id"))
                .unwrap_or_else(|| made_up_id(username, f, i));
            if let Some(uuid) = uuid {
                targets.insert(uuid, format!("{type_name}/{id}"));
            }
            pending.push(Pending {
                r4_type,
                id,
                members,
            });
        }
    }
    let mut patient_id = None;
    let mut stored = Vec::with_capacity(pending.len());
    for mut p in pending {
        for value in p.members.values_mut() {
            if let Some(new) = ordered::rewrite_references(value, &targets) {
                *value = new;
            }
        }
        let bad = || PortalError::Start("a record file's resource could not be stored".into());
        let id = ordered::raw(&p.id).ok_or_else(bad)?;
        match p.members.get_mut("id") {
            Some(slot) => *slot = id,
            None => {
                let at = usize::from(p.members.contains_key("resourceType"));
                p.members.shift_insert(at, "id".to_owned(), id);
            }
        }
        ordered::set_meta(&mut p.members, "1", FILE_LAST_UPDATED, true).ok_or_else(bad)?;
        if p.r4_type == "Patient" && patient_id.is_none() {
            patient_id = Some(p.id.clone());
        }
        let text = ordered::text(&p.members).ok_or_else(bad)?;
        stored.push(store_dstu2(p.r4_type, &p.id, text)?);
    }
    let patient_id = patient_id.ok_or_else(|| {
        PortalError::Config(format!(
            "the record files of \"{username}\" hold no Patient"
        ))
    })?;
    Ok((patient_id, stored))
}

/// A stable uuid-shaped id for an entry that has neither a `urn:uuid:` nor an id.
fn made_up_id(username: &str, file: usize, entry: usize) -> String {
    let hash = hex(&Sha256::digest(
        format!("{username}\n{file}\n{entry}").as_bytes(),
    ));
    format!(
        "{}-{}-{}-{}-{}",
        &hash[0..8],
        &hash[8..12],
        &hash[12..16],
        &hash[16..20],
        &hash[20..32]
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
