//! The portal's records: one synthetic record per user from `ownchart-synth`, kept as the
//! exact R4 bytes, their DSTU2 form and a search index, and looked up by type and id.

mod dates;
mod dstu2;
mod index;

use std::collections::HashMap;

use serde_json::value::RawValue;
use serde_json::Value;

pub(crate) use dates::{parse as parse_date, Span};
pub(crate) use index::{date_elements, has_category, SearchIndex, Token};

use crate::config::PortalUser;
use crate::error::{PortalError, Result};
use crate::flavor::Flavor;

/// One resource, in both forms.
pub(crate) struct Stored {
    pub r4_type: String,
    pub id: String,
    pub r4: Box<RawValue>,
    /// `None` for types the DSTU2 base does not offer.
    pub dstu2: Option<Box<RawValue>>,
    pub version_id: Option<String>,
    pub index: SearchIndex,
}

impl Stored {
    /// The resource as the base serves it.
    pub(crate) fn json(&self, flavor: Flavor) -> Option<&RawValue> {
        match flavor {
            Flavor::R4 => Some(&self.r4),
            Flavor::Dstu2 => self.dstu2.as_deref(),
        }
    }
}

/// One user's record.
pub(crate) struct Record {
    pub patient_id: String,
    pub resources: Vec<Stored>,
}

/// Every user's record, in the order of the configuration's users.
pub(crate) struct Data {
    pub records: Vec<Record>,
    /// (R4 type, id) → (user, position in the record).
    by_key: HashMap<(String, String), (usize, usize)>,
}

impl Data {
    pub(crate) fn build(users: &[PortalUser]) -> Result<Data> {
        let mut records = Vec::with_capacity(users.len());
        let mut by_key = HashMap::new();
        for (u, user) in users.iter().enumerate() {
            let generator = ownchart_synth::Generator::new(user.seed);
            let patient_id = generator.patient_id().to_owned();
            let mut resources = Vec::with_capacity(user.resources);
            for bytes in generator.resources(user.resources) {
                let stored = store(bytes)?;
                let key = (stored.r4_type.clone(), stored.id.clone());
                if by_key.insert(key, (u, resources.len())).is_some() {
                    return Err(PortalError::Config(format!(
                        "two records hold {}/{}; give every user a different seed",
                        stored.r4_type, stored.id
                    )));
                }
                resources.push(stored);
            }
            records.push(Record {
                patient_id,
                resources,
            });
        }
        Ok(Data { records, by_key })
    }

    /// The resource with this R4 type and id, and whose record it is in.
    pub(crate) fn find(&self, r4_type: &str, id: &str) -> Option<(usize, &Stored)> {
        let (user, at) = *self.by_key.get(&(r4_type.to_owned(), id.to_owned()))?;
        let stored = self.records.get(user)?.resources.get(at)?;
        Some((user, stored))
    }
}

fn store(bytes: Vec<u8>) -> Result<Stored> {
    let bad = |what: &str| PortalError::Start(format!("a generated resource {what}"));
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| bad("is not JSON"))?;
    let r4_type = value
        .get("resourceType")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("has no type"))?
        .to_owned();
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("has no id"))?
        .to_owned();
    let version_id = value
        .pointer("/meta/versionId")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let index = SearchIndex::of(&r4_type, &value);
    let dstu2 = match dstu2::convert(&r4_type, &value) {
        Some(v) => Some(raw(
            serde_json::to_string(&v).map_err(|_| bad("cannot be converted"))?
        )?),
        None => None,
    };
    let text = String::from_utf8(bytes).map_err(|_| bad("is not UTF-8"))?;
    Ok(Stored {
        r4_type,
        id,
        r4: raw(text)?,
        dstu2,
        version_id,
        index,
    })
}

fn raw(json: String) -> Result<Box<RawValue>> {
    RawValue::from_string(json).map_err(|_| PortalError::Start("a resource is not JSON".into()))
}
