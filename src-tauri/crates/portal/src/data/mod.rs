//! The portal's records: one per user, either a synthetic record from `ownchart-synth`
//! (kept as the exact R4 bytes, their DSTU2 form and a search index) or DSTU2 Bundle
//! files ([`files`]), looked up by type and id. Records change at run time when a test
//! revises or adds resources ([`revise`]).

mod binary;
mod dates;
mod dstu2;
mod files;
mod index;
mod ordered;
mod revise;

use std::collections::HashMap;

use serde_json::value::RawValue;
use serde_json::Value;

pub(crate) use binary::{body as binary_body, BinaryRef};
pub(crate) use dates::{now_instant, parse as parse_date, Span};
pub(crate) use index::{date_elements, has_category, SearchIndex, Token};

use crate::config::PortalUser;
use crate::error::{PortalError, Result};
use crate::flavor::Flavor;

/// One resource, in the forms the bases serve.
pub(crate) struct Stored {
    pub r4_type: String,
    pub id: String,
    /// `None` for a record that exists only as DSTU2 (from files).
    pub r4: Option<Box<RawValue>>,
    /// `None` for types the DSTU2 base does not offer.
    pub dstu2: Option<Box<RawValue>>,
    pub version_id: Option<String>,
    pub index: SearchIndex,
    /// The `Binary/{id}` attachments this resource links to.
    pub binaries: Vec<BinaryRef>,
}

impl Stored {
    /// The resource as the base serves it.
    pub(crate) fn json(&self, flavor: Flavor) -> Option<&RawValue> {
        match flavor {
            Flavor::R4 => self.r4.as_deref(),
            Flavor::Dstu2 => self.dstu2.as_deref(),
        }
    }
}

/// Where a record comes from, so resources can be added to it later.
pub(crate) enum Origin {
    /// `ownchart-synth` with this seed; the first `generated` resources are in the record.
    Synth { seed: u64, generated: usize },
    /// DSTU2 Bundle files.
    Dstu2Files,
}

/// One user's record.
pub(crate) struct Record {
    pub patient_id: String,
    pub resources: Vec<Stored>,
    pub origin: Origin,
    /// Where the next revision starts, so repeated revisions touch different resources.
    pub revision_cursor: usize,
}

/// Every user's record, in the order of the configuration's users.
pub(crate) struct Data {
    pub records: Vec<Record>,
    /// (R4 type, id) → (user, position in the record).
    by_key: HashMap<(String, String), (usize, usize)>,
    /// Binary id → (user, what the linking attachment says about it).
    binaries: HashMap<String, (usize, BinaryRef)>,
}

impl Data {
    pub(crate) fn build(users: &[PortalUser]) -> Result<Data> {
        let mut data = Data {
            records: Vec::with_capacity(users.len()),
            by_key: HashMap::new(),
            binaries: HashMap::new(),
        };
        for (u, user) in users.iter().enumerate() {
            let (patient_id, resources, origin) = if user.dstu2_bundles.is_empty() {
                let generator = ownchart_synth::Generator::new(user.seed);
                let resources = generator
                    .resources(user.resources)
                    .map(store)
                    .collect::<Result<Vec<_>>>()?;
                let origin = Origin::Synth {
                    seed: user.seed,
                    generated: user.resources,
                };
                (generator.patient_id().to_owned(), resources, origin)
            } else {
                let (patient_id, resources) = files::load(&user.username, &user.dstu2_bundles)?;
                (patient_id, resources, Origin::Dstu2Files)
            };
            data.records.push(Record {
                patient_id,
                resources: Vec::with_capacity(resources.len()),
                origin,
                revision_cursor: 0,
            });
            for stored in resources {
                data.insert(u, stored)?;
            }
        }
        Ok(data)
    }

    /// Adds a resource to `user`'s record.
    fn insert(&mut self, user: usize, stored: Stored) -> Result<()> {
        let key = (stored.r4_type.clone(), stored.id.clone());
        if self.by_key.contains_key(&key) {
            return Err(PortalError::Config(format!(
                "two records hold {}/{}; give every user a different seed or file",
                stored.r4_type, stored.id
            )));
        }
        self.index_binaries(user, &stored);
        let Some(record) = self.records.get_mut(user) else {
            return Err(PortalError::Start("a record is missing".into()));
        };
        self.by_key.insert(key, (user, record.resources.len()));
        record.resources.push(stored);
        Ok(())
    }

    fn index_binaries(&mut self, user: usize, stored: &Stored) {
        for b in &stored.binaries {
            self.binaries
                .entry(b.id.clone())
                .or_insert_with(|| (user, b.clone()));
        }
    }

    /// The resource with this R4 type and id, and whose record it is in.
    pub(crate) fn find(&self, r4_type: &str, id: &str) -> Option<(usize, &Stored)> {
        let (user, at) = *self.by_key.get(&(r4_type.to_owned(), id.to_owned()))?;
        let stored = self.records.get(user)?.resources.get(at)?;
        Some((user, stored))
    }

    /// The attachment `Binary/{id}` and whose record links to it.
    pub(crate) fn binary(&self, id: &str) -> Option<(usize, &BinaryRef)> {
        self.binaries.get(id).map(|(u, b)| (*u, b))
    }
}

/// Stores one R4 resource (its DSTU2 form is derived from it).
fn store(bytes: Vec<u8>) -> Result<Stored> {
    let bad = |what: &str| PortalError::Start(format!("a generated resource {what}"));
    let text = String::from_utf8(bytes).map_err(|_| bad("is not UTF-8"))?;
    let value: Value = serde_json::from_str(&text).map_err(|_| bad("is not JSON"))?;
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
    let index = SearchIndex::of(&r4_type, &value);
    let dstu2 = match dstu2::convert(&r4_type, &value) {
        Some(v) => Some(raw(
            serde_json::to_string(&v).map_err(|_| bad("cannot be converted"))?
        )?),
        None => None,
    };
    Ok(Stored {
        binaries: binary::refs(&value),
        version_id: version_of(&value),
        r4_type,
        id,
        r4: Some(raw(text)?),
        dstu2,
        index,
    })
}

/// Stores a resource that exists only as DSTU2.
fn store_dstu2(r4_type: &str, id: &str, text: String) -> Result<Stored> {
    let value: Value = serde_json::from_str(&text)
        .map_err(|_| PortalError::Start("a DSTU2 resource is not JSON".into()))?;
    Ok(Stored {
        r4_type: r4_type.to_owned(),
        id: id.to_owned(),
        r4: None,
        version_id: version_of(&value),
        index: SearchIndex::of_dstu2(r4_type, &value),
        binaries: binary::refs(&value),
        dstu2: Some(raw(text)?),
    })
}

fn version_of(value: &Value) -> Option<String> {
    value
        .pointer("/meta/versionId")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn raw(json: String) -> Result<Box<RawValue>> {
    RawValue::from_string(json).map_err(|_| PortalError::Start("a resource is not JSON".into()))
}
