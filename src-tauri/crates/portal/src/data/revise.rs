//! Records changing while the portal runs, for incremental sync and version tests: a
//! revision gives a resource a visible change (a new narrative, and a note where the type
//! has notes), the next `meta.versionId` and `meta.lastUpdated` = now; new resources come
//! from further along the same synthetic record, also updated now.

use serde_json::json;

use super::ordered::{self, Members};
use super::{store, store_dstu2, Data, Origin, Stored};
use crate::error::{PortalError, Result};

/// R4 types with a `note` (Annotation) element.
const HAS_NOTE: &[&str] = &[
    "AllergyIntolerance",
    "CarePlan",
    "CareTeam",
    "Condition",
    "FamilyMemberHistory",
    "Goal",
    "Immunization",
    "MedicationRequest",
    "MedicationStatement",
    "Observation",
    "Procedure",
];

impl Data {
    /// Revises `count` resources of `user`'s record (spread over the record, and others
    /// than last time), returning their (R4 type, id).
    pub(crate) fn revise(&mut self, user: usize, count: usize, now: &str) -> Vec<(String, String)> {
        let Some(record) = self.records.get_mut(user) else {
            return Vec::new();
        };
        let len = record.resources.len();
        let count = count.min(len);
        if count == 0 {
            return Vec::new();
        }
        let step = len / count;
        let start = record.revision_cursor;
        record.revision_cursor += 1;
        let mut revised = Vec::with_capacity(count);
        for k in 0..count {
            let at = (start + k * step) % len;
            let Some(slot) = record.resources.get_mut(at) else {
                continue;
            };
            if let Some(new) = revision(slot, now) {
                revised.push((new.r4_type.clone(), new.id.clone()));
                *slot = new;
            }
        }
        revised
    }

    /// Adds `n` new resources to `user`'s synthetic record, returning their (R4 type, id).
    pub(crate) fn add(
        &mut self,
        user: usize,
        n: usize,
        now: &str,
    ) -> Result<Vec<(String, String)>> {
        let Some(record) = self.records.get_mut(user) else {
            return Ok(Vec::new());
        };
        let Origin::Synth { seed, generated } = &mut record.origin else {
            return Err(PortalError::Config(
                "resources can only be added to a synthetic record".into(),
            ));
        };
        let (seed, from) = (*seed, *generated);
        *generated += n;
        let generator = ownchart_synth::Generator::new(seed);
        let mut added = Vec::with_capacity(n);
        for bytes in generator.resources(from + n).skip(from) {
            let text = String::from_utf8(bytes)
                .ok()
                .and_then(|t| ordered::members(&t))
                .and_then(|mut m| {
                    ordered::set_meta(&mut m, "1", now, false)?;
                    ordered::text(&m)
                })
                .ok_or_else(|| PortalError::Start("a new resource could not be made".into()))?;
            let stored = store(text.into_bytes())?;
            added.push((stored.r4_type.clone(), stored.id.clone()));
            self.insert(user, stored)?;
        }
        Ok(added)
    }
}

/// The next version of `stored`, in whichever form the record keeps it.
fn revision(stored: &Stored, now: &str) -> Option<Stored> {
    let version = stored
        .version_id
        .as_deref()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(2, |v| v + 1)
        .to_string();
    let (source, is_r4) = match (&stored.r4, &stored.dstu2) {
        (Some(r4), _) => (r4, true),
        (None, Some(d)) => (d, false),
        (None, None) => return None,
    };
    let mut m = ordered::members(source.get())?;
    ordered::set_meta(&mut m, &version, now, false)?;
    let words = format!("Revised by the portal: version {version}.");
    let narrative = ordered::raw(&json!({
        "status": "generated",
        "div": format!("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>{words}</p></div>"),
    }))?;
    put_after(&mut m, "text", narrative, "meta");
    if is_r4 && HAS_NOTE.contains(&stored.r4_type.as_str()) {
        let mut notes: Vec<Box<serde_json::value::RawValue>> = match m.get("note") {
            Some(n) => serde_json::from_str(n.get()).ok()?,
            None => Vec::new(),
        };
        notes.push(ordered::raw(&json!({ "time": now, "text": words }))?);
        let notes = ordered::raw(&notes)?;
        m.insert("note".to_owned(), notes);
    }
    let text = ordered::text(&m)?;
    if is_r4 {
        store(text.into_bytes()).ok()
    } else {
        store_dstu2(&stored.r4_type, &stored.id, text).ok()
    }
}

/// Sets `key`, placing it after `after` when it is new.
fn put_after(m: &mut Members, key: &str, value: Box<serde_json::value::RawValue>, after: &str) {
    match m.get_mut(key) {
        Some(slot) => *slot = value,
        None => {
            let at = m.get_index_of(after).map_or(m.len(), |i| i + 1);
            m.shift_insert(at, key.to_owned(), value);
        }
    }
}
