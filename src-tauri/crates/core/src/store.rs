//! Storing resources fetched from a portal: the same rows (indexed fields,
//! SHA-256, compressed bytes exactly as received) an import writes, tagged with
//! the connection they came from. One call is one transaction.

use ownchart_fhir::FhirVersion;
use ownchart_vault::{BatchMeta, BatchOutcome, JsonCodec, ResourceRow, Vault};
use serde_json::value::RawValue;

use crate::{CoreError, Result};

/// The vault `source` of everything a connection brought.
pub fn connection_source(connection_id: &str) -> String {
    format!("connection:{connection_id}")
}

/// The vault row of one resource: its indexed fields (from `extract`), its
/// summary, search words and chart values (`records::index`), and its exact
/// bytes, hashed and compressed. Every way in (import, sync, a login's
/// Patient) builds rows here.
pub fn row(
    f: &ownchart_fhir::Extracted<'_>,
    id: &str,
    raw: &[u8],
    version: FhirVersion,
    codec: &mut JsonCodec,
) -> std::result::Result<ResourceRow, ownchart_vault::VaultError> {
    let (sha256, raw_zstd) = codec.encode(raw)?;
    Ok(ResourceRow {
        resource_type: f.resource_type.to_string(),
        resource_id: id.to_owned(),
        version_id: f.version_id.as_deref().map(str::to_owned),
        last_updated: f.last_updated.as_deref().map(str::to_owned),
        category: f.category.key(),
        clinical_date: f.clinical_date.as_deref().map(str::to_owned),
        code: f.code.clone(),
        display: f.display.clone(),
        fhir_version: version.as_str(),
        sha256,
        raw_len: raw.len(),
        raw_zstd,
        index: crate::records::index::index_of(f.category, raw),
    })
}

/// Stores raw resources (each one JSON object) as one batch.
pub fn store_fetched(
    vault: &mut Vault,
    source: &str,
    origin: &str,
    version: FhirVersion,
    raws: &[&[u8]],
) -> Result<BatchOutcome> {
    let mut codec = JsonCodec::new()?;
    let mut rows = Vec::with_capacity(raws.len());
    for raw in raws {
        let text = std::str::from_utf8(raw).map_err(|_| CoreError::Malformed)?;
        let value: &RawValue = serde_json::from_str(text).map_err(|_| CoreError::Malformed)?;
        let f = ownchart_fhir::extract(value).map_err(|_| CoreError::Malformed)?;
        let id = f.id.as_deref().ok_or(CoreError::Malformed)?.to_owned();
        rows.push(row(&f, &id, raw, version, &mut codec)?);
    }
    let meta = BatchMeta {
        source,
        origin,
        fetched_at: &crate::clock::now_rfc3339(),
    };
    Ok(vault.write_batch(&meta, &rows)?)
}
