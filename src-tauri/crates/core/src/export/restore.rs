//! Restoring an export (plain or encrypted) into the vault. First every file is
//! checked against the manifest (SHA-256 and size; nothing unlisted, nothing
//! missing): a changed or damaged export is refused before anything is
//! written. Then the current resources, their earlier versions and the
//! originals go back with their stored columns, in batches of one transaction
//! each, merged by the same identity rules as any import; one RESTORE entry
//! goes to the ledger.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use ownchart_vault::{
    JsonCodec, Ledger, NewLedgerEntry, ResourceRow, RestoreOriginal, RestoreResource,
    RestoreVersion, Vault,
};
use sha2::{Digest, Sha256};
use zip::ZipArchive;

use super::error::ExportError;
use super::layout::{self, CurrentLine, Manifest, OriginalLine, VersionLine};
use super::source::{self, Cursor, Kind};
use crate::import::{FileReport, ImportPhase, ImportProgress};

const CHUNK: usize = 5_000;
const MAX_MANIFEST: u64 = 64 << 20;

/// An opened, verified export.
pub struct Verified {
    file: String,
    cursor: Cursor,
    manifest: Manifest,
}

/// Opens and checks an export against its manifest. `Ok(None)` when the file
/// is a zip but not an Ownchart export (the caller imports it otherwise).
pub fn verify(
    path: &Path,
    kind: Kind,
    passphrase: Option<&str>,
) -> Result<Option<Verified>, ExportError> {
    let file = path.display().to_string();
    let cursor = source::open(path, kind, passphrase)?;
    let tampered = |detail: String| ExportError::Tampered {
        file: file.clone(),
        detail,
    };
    let mut archive = ZipArchive::new(cursor.clone())
        .map_err(|e| tampered(format!("it is not a readable zip: {e}")))?;
    let manifest: Manifest = {
        let Ok(entry) = archive.by_name(layout::MANIFEST) else {
            return match kind {
                Kind::Zip => Ok(None),
                Kind::Age => Err(tampered("it has no manifest".to_owned())),
            };
        };
        let mut bytes = Vec::new();
        entry
            .take(MAX_MANIFEST)
            .read_to_end(&mut bytes)
            .map_err(|e| tampered(format!("its manifest cannot be read: {e}")))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| tampered(format!("its manifest is not valid: {e}")))?
    };
    if manifest.format != layout::FORMAT || manifest.format_version != layout::FORMAT_VERSION {
        return Err(ExportError::Unreadable {
            file,
            detail: format!(
                "format {} {} is not one this version reads",
                manifest.format, manifest.format_version
            ),
        });
    }
    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    for name in archive.file_names() {
        let name = name.map_err(|e| tampered(e.to_string()))?;
        if name != layout::MANIFEST && !listed.contains(name.as_ref()) {
            return Err(tampered(format!("{name} is not in its manifest")));
        }
    }
    let mut buf = vec![0u8; 256 * 1024];
    for f in &manifest.files {
        let mut entry = archive
            .by_name(&f.path)
            .map_err(|_| tampered(format!("{} is missing", f.path)))?;
        let mut sha = Sha256::new();
        let mut bytes = 0u64;
        loop {
            let n = entry
                .read(&mut buf)
                .map_err(|e| tampered(format!("{} cannot be read: {e}", f.path)))?;
            if n == 0 {
                break;
            }
            sha.update(&buf[..n]);
            bytes += n as u64;
        }
        if bytes != f.bytes || hex::encode(sha.finalize()) != f.sha256 {
            return Err(tampered(format!("{} does not match its manifest", f.path)));
        }
    }
    Ok(Some(Verified {
        file,
        cursor,
        manifest,
    }))
}

/// Writes a verified export into the vault.
pub fn restore(
    vault: &mut Vault,
    ledger: &mut Ledger,
    v: Verified,
    file_index: u32,
    files_total: u32,
    progress: &mut dyn FnMut(&ImportProgress),
) -> Result<FileReport, ExportError> {
    let total = v.manifest.resources
        + v.manifest.versions.iter().map(|c| c.count).sum::<u64>()
        + v.manifest.originals.iter().map(|c| c.count).sum::<u64>();
    let mut done = 0u64;
    let mut report = FileReport {
        file: v.file.clone(),
        format: "Ownchart export".to_owned(),
        fhir_version: "R4".to_owned(),
        resources: 0,
        added: 0,
        updated: 0,
        unchanged: 0,
        note: None,
    };
    let mut codec = JsonCodec::new()?;
    let mut tick = |n: usize, done: &mut u64| {
        *done += n as u64;
        progress(&ImportProgress {
            phase: ImportPhase::Writing,
            file_index,
            files_total,
            file: v.file.clone(),
            resources_done: *done,
            resources_total: total,
        });
    };
    let bad = |detail: String| ExportError::Tampered {
        file: v.file.clone(),
        detail,
    };
    for c in &v.manifest.counts {
        let path = layout::current(
            &layout::safe_name(&c.resource_type),
            c.fhir_version.as_deref(),
        );
        let mut chunk = Vec::with_capacity(CHUNK);
        let mut flush = |chunk: &mut Vec<RestoreResource>,
                         report: &mut FileReport,
                         done: &mut u64|
         -> Result<(), ExportError> {
            let out = vault.restore_resources(chunk)?;
            report.added += out.added;
            report.updated += out.updated;
            report.unchanged += out.unchanged;
            report.resources += chunk.len() as u64;
            tick(chunk.len(), done);
            chunk.clear();
            Ok(())
        };
        for_each_pair::<CurrentLine, _>(&v, &path, &mut |line, meta| {
            let raw = exact(line, meta.exact.as_deref());
            check_hash(raw, &meta.sha256)
                .map_err(|_| bad(format!("a record in {path} does not match its hash")))?;
            let (sha256, raw_zstd) = codec.encode(raw)?;
            chunk.push(RestoreResource {
                source: meta.source.clone(),
                origin: meta.origin.clone(),
                fetched_at: meta.fetched_at.clone(),
                row: ResourceRow {
                    resource_type: c.resource_type.clone(),
                    resource_id: meta.id.clone(),
                    version_id: meta.version_id.clone(),
                    last_updated: meta.last_updated.clone(),
                    category: category(&meta.category).key(),
                    clinical_date: meta.clinical_date.clone(),
                    code: meta.code.clone(),
                    display: meta.display.clone(),
                    fhir_version: fhir_version(&meta.fhir_version),
                    sha256,
                    raw_len: raw.len(),
                    raw_zstd,
                    // Summary, search words and chart values are derived, so they
                    // are rebuilt from the bytes rather than carried in the export.
                    index: crate::records::index::index_of(category(&meta.category), raw),
                },
            });
            if chunk.len() >= CHUNK {
                flush(&mut chunk, &mut report, &mut done)?;
            }
            Ok(())
        })?;
        if !chunk.is_empty() {
            flush(&mut chunk, &mut report, &mut done)?;
        }
    }
    let mut versions_added = 0;
    for c in &v.manifest.versions {
        let path = layout::versions(
            &layout::safe_name(&c.resource_type),
            c.fhir_version.as_deref(),
        );
        let mut chunk = Vec::with_capacity(CHUNK);
        for_each_pair::<VersionLine, _>(&v, &path, &mut |line, meta| {
            let raw = exact(line, meta.exact.as_deref());
            let sha256 = check_hash(raw, &meta.sha256)
                .map_err(|_| bad(format!("a record in {path} does not match its hash")))?;
            let (_, raw_zstd) = codec.encode(raw)?;
            chunk.push(RestoreVersion {
                source: meta.source.clone(),
                resource_type: c.resource_type.clone(),
                resource_id: meta.id.clone(),
                origin: meta.origin.clone(),
                version_id: meta.version_id.clone(),
                last_updated: meta.last_updated.clone(),
                fhir_version: meta.fhir_version.clone(),
                sha256,
                raw_len: raw.len(),
                raw_zstd,
                fetched_at: meta.fetched_at.clone(),
                superseded_at: meta.superseded_at.clone(),
            });
            if chunk.len() >= CHUNK {
                versions_added += vault.restore_versions(&chunk)?;
                tick(chunk.len(), &mut done);
                chunk.clear();
            }
            Ok(())
        })?;
        versions_added += vault.restore_versions(&chunk)?;
        tick(chunk.len(), &mut done);
    }
    for c in &v.manifest.originals {
        let path = layout::originals(&layout::safe_name(&c.resource_type));
        let mut chunk = Vec::with_capacity(CHUNK);
        for_each_pair::<OriginalLine, _>(&v, &path, &mut |line, meta| {
            let raw = exact(line, meta.exact.as_deref());
            let sha256 = check_hash(raw, &meta.sha256)
                .map_err(|_| bad(format!("a record in {path} does not match its hash")))?;
            let (_, raw_zstd) = codec.encode(raw)?;
            chunk.push(RestoreOriginal {
                source: meta.source.clone(),
                resource_type: c.resource_type.clone(),
                resource_id: meta.id.clone(),
                fhir_version: meta.fhir_version.clone(),
                sha256,
                raw_len: raw.len(),
                raw_zstd,
                notes: meta.notes.clone(),
            });
            if chunk.len() >= CHUNK {
                vault.restore_originals(&chunk)?;
                tick(chunk.len(), &mut done);
                chunk.clear();
            }
            Ok(())
        })?;
        vault.restore_originals(&chunk)?;
        tick(chunk.len(), &mut done);
    }
    let name = Path::new(&v.file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut entry = NewLedgerEntry::new(
        "RESTORE",
        format!(
            "Restored {} records and {} earlier versions from the Ownchart export {name}: {} new, {} updated, {} unchanged.",
            report.resources, versions_added, report.added, report.updated, report.unchanged
        ),
    );
    entry.details = serde_json::to_string(&serde_json::json!({
        "file": v.file,
        "resources": report.resources,
        "versions": versions_added,
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "exported_at": v.manifest.exported_at,
        "export_ledger_head": v.manifest.ledger_head,
    }))
    .ok();
    ledger.append(entry)?;
    if versions_added > 0 {
        report.note = Some(format!(
            "{versions_added} earlier versions were restored too."
        ));
    }
    Ok(report)
}

/// Calls `f` with each line of a data file and the matching line of its
/// restore file, read side by side.
fn for_each_pair<T, F>(v: &Verified, path: &str, f: &mut F) -> Result<(), ExportError>
where
    T: serde::de::DeserializeOwned,
    F: FnMut(&[u8], &T) -> Result<(), ExportError>,
{
    let damaged = |detail: String| ExportError::Tampered {
        file: v.file.clone(),
        detail,
    };
    let mut data_zip = ZipArchive::new(v.cursor.clone()).map_err(|e| damaged(e.to_string()))?;
    let mut meta_zip = ZipArchive::new(v.cursor.clone()).map_err(|e| damaged(e.to_string()))?;
    let restore_path = layout::restore_of(path);
    let data = data_zip
        .by_name(path)
        .map_err(|_| damaged(format!("{path} is missing")))?;
    let meta = meta_zip
        .by_name(&restore_path)
        .map_err(|_| damaged(format!("{restore_path} is missing")))?;
    let mut data = BufReader::with_capacity(256 * 1024, data);
    let mut meta = BufReader::with_capacity(256 * 1024, meta);
    let (mut line, mut meta_line) = (Vec::new(), Vec::new());
    loop {
        line.clear();
        meta_line.clear();
        let a = data
            .read_until(b'\n', &mut line)
            .map_err(|e| damaged(e.to_string()))?;
        let b = meta
            .read_until(b'\n', &mut meta_line)
            .map_err(|e| damaged(e.to_string()))?;
        match (a, b) {
            (0, 0) => return Ok(()),
            (0, _) | (_, 0) => {
                return Err(damaged(format!(
                    "{path} and {restore_path} differ in length"
                )))
            }
            _ => {}
        }
        let record: T = serde_json::from_slice(trim(&meta_line))
            .map_err(|e| damaged(format!("{restore_path}: {e}")))?;
        f(trim(&line), &record)?;
    }
}

fn trim(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\n").unwrap_or(line)
}

fn exact<'a>(line: &'a [u8], exact: Option<&'a str>) -> &'a [u8] {
    exact.map(str::as_bytes).unwrap_or(line)
}

fn check_hash(raw: &[u8], expected: &str) -> Result<[u8; 32], ()> {
    let sha: [u8; 32] = Sha256::digest(raw).into();
    if hex::encode(sha) == expected {
        Ok(sha)
    } else {
        Err(())
    }
}

fn category(key: &str) -> ownchart_fhir::Category {
    ownchart_fhir::Category::from_key(key).unwrap_or(ownchart_fhir::Category::Other)
}

fn fhir_version(v: &str) -> &'static str {
    match v {
        "DSTU2" => "DSTU2",
        "STU3" => "STU3",
        _ => "R4",
    }
}
