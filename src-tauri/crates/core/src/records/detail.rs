//! One record's detail: its timeline line, heading, structured fields with
//! references resolved to records in the vault, the sanitized narrative, its
//! attachments, where it came from (with its versions), and its raw JSON.

use ownchart_fhir::display::{fields, title, Field};
use ownchart_fhir::sanitize::clean_fragment;
use ownchart_vault::Vault;
use serde_json::Value;

use super::attachments::list;
use super::json::pretty;
use super::list::{parse_key, Labels};
use super::refs::Resolver;
use super::types::{DetailField, Provenance, RecordDetail, VersionView};
use super::RecordsError;
use crate::Result;

fn detail_field(f: Field, source: &str, resolver: &mut Resolver<'_>) -> DetailField {
    let target = f
        .reference
        .as_deref()
        .and_then(|r| resolver.resolve(source, r));
    // A reference shown as written (no display): say what it points at instead.
    let value = match (target, &f.reference) {
        (Some(pk), Some(r)) if f.value == *r => resolver.label(pk).unwrap_or(f.value),
        _ => f.value,
    };
    DetailField {
        label: f.label,
        value,
        reference: target.map(|pk| pk.to_string()),
        children: f
            .children
            .into_iter()
            .map(|c| detail_field(c, source, resolver))
            .collect(),
    }
}

pub fn detail(vault: &Vault, key: &str) -> Result<RecordDetail> {
    let pk = parse_key(key)?;
    let body = vault.record_body(pk)?.ok_or(RecordsError::NotFound)?;
    let labels = Labels::load(vault)?;
    let item = labels.item(&body.row);
    let value: Value = serde_json::from_slice(&body.raw).unwrap_or(Value::Null);
    let mut resolver = Resolver::new(vault);
    let fields = fields(&value)
        .into_iter()
        .map(|f| detail_field(f, &body.row.source, &mut resolver))
        .collect();
    let narrative = value
        .get("text")
        .and_then(|t| t.get("div"))
        .and_then(Value::as_str)
        .filter(|d| !d.trim().is_empty())
        .map(clean_fragment);
    let mut versions = vec![VersionView {
        version_id: body.version_id.clone(),
        last_updated: body.last_updated.clone(),
        fetched_at: body.fetched_at.clone(),
        current: true,
    }];
    versions.extend(vault.record_versions(pk)?.into_iter().map(|v| VersionView {
        version_id: v.version_id,
        last_updated: v.last_updated,
        fetched_at: v.fetched_at,
        current: false,
    }));
    Ok(RecordDetail {
        title: title(&value).unwrap_or_else(|| item.summary.clone()),
        fields,
        narrative_links: narrative
            .as_ref()
            .map(|n| n.links.clone())
            .unwrap_or_default(),
        narrative_html: narrative.map(|n| n.html),
        attachments: list(vault, &body.row.source, &value),
        provenance: Provenance {
            source: body.row.source.clone(),
            source_label: labels.source(&body.row.source),
            origin: body.origin.clone(),
            fetched_at: body.fetched_at.clone(),
            fhir_version: body.fhir_version.clone(),
            converted_from: body.converted_from.clone(),
            versions,
        },
        raw_json: pretty(&body.raw),
        item,
    })
}

/// The JSON of `provenance.versions[index]`: 0 is the current form.
pub fn version_json(vault: &Vault, key: &str, index: u32) -> Result<String> {
    let pk = parse_key(key)?;
    if index == 0 {
        let body = vault.record_body(pk)?.ok_or(RecordsError::NotFound)?;
        return Ok(pretty(&body.raw));
    }
    let versions = vault.record_versions(pk)?;
    let v = versions
        .get(index as usize - 1)
        .ok_or(RecordsError::VersionNotFound)?;
    let raw = vault
        .record_version_raw(pk, v.version_pk)?
        .ok_or(RecordsError::VersionNotFound)?;
    Ok(pretty(&raw))
}
