//! The write phase: a scoped thread turns checked resources into rows (SHA-256 +
//! zstd) while this thread writes them, one transaction per chunk. Hashing and
//! compressing overlap the database work, which is what bounds the import.

use std::sync::mpsc;

use ownchart_fhir::FhirVersion;
use ownchart_vault::{BatchMeta, BatchOutcome, JsonCodec, ResourceRow, Vault, VaultError};

use super::check::{CheckedFile, Item};
use super::{FileReport, ImportError, ImportOptions, ImportPhase, ImportProgress, ImportReport};

/// Chunks in flight between the two threads: enough to keep the writer busy,
/// few enough to bound memory.
const QUEUE_DEPTH: usize = 2;

/// Loads at least this large, and at least as large as the vault, rebuild the
/// read-side indexes once at the end instead of updating them row by row.
const BULK_MIN: u64 = 10_000;

type Chunk = Result<(usize, Vec<ResourceRow>), VaultError>;

pub(super) fn write_all(
    vault: &mut Vault,
    files: &[CheckedFile<'_>],
    options: &ImportOptions,
    progress: &mut dyn FnMut(&ImportProgress),
) -> Result<ImportReport, ImportError> {
    let chunk_size = options.chunk_size.max(1);
    let total: u64 = files.iter().map(|f| f.items.len() as u64).sum();
    let fetched_at = now_utc();
    let mut outcomes = vec![BatchOutcome::default(); files.len()];
    let mut done = 0u64;

    let bulk = total >= BULK_MIN && total >= vault.resource_count()?;
    if bulk {
        vault.begin_bulk_load()?;
    }
    let written = std::thread::scope(|scope| -> Result<(), ImportError> {
        let (tx, rx) = mpsc::sync_channel::<Chunk>(QUEUE_DEPTH);
        scope.spawn(move || {
            let mut codec = match JsonCodec::new() {
                Ok(c) => c,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            for (index, file) in files.iter().enumerate() {
                for items in file.items.chunks(chunk_size) {
                    let rows: Result<Vec<_>, _> = items
                        .iter()
                        .map(|i| to_row(&mut codec, i, file.version))
                        .collect();
                    let failed = rows.is_err();
                    // A closed channel means the writer stopped on an error.
                    if tx.send(rows.map(|r| (index, r))).is_err() || failed {
                        return;
                    }
                }
            }
        });
        for chunk in rx {
            let (index, rows) = chunk?;
            let meta = BatchMeta {
                source: "import",
                origin: files[index].name,
                fetched_at: &fetched_at,
            };
            outcomes[index] += vault.write_batch(&meta, &rows)?;
            done += rows.len() as u64;
            progress(&ImportProgress {
                phase: ImportPhase::Writing,
                file_index: index as u32,
                files_total: files.len() as u32,
                file: files[index].name.to_owned(),
                resources_done: done,
                resources_total: total,
            });
        }
        Ok(())
    });
    if bulk {
        // Rebuilt whether or not the load succeeded: the chunks it committed stay.
        vault.end_bulk_load()?;
    }
    written?;

    let mut report = ImportReport {
        files: Vec::with_capacity(files.len()),
        resources: total,
        added: 0,
        updated: 0,
        unchanged: 0,
    };
    for (file, outcome) in files.iter().zip(outcomes) {
        report.added += outcome.added;
        report.updated += outcome.updated;
        report.unchanged += outcome.unchanged;
        report.files.push(FileReport {
            file: file.name.to_owned(),
            format: file.format.describe(),
            fhir_version: file.version.as_str().to_owned(),
            resources: file.items.len() as u64,
            added: outcome.added,
            updated: outcome.updated,
            unchanged: outcome.unchanged,
            note: note_for(file),
        });
    }
    Ok(report)
}

fn to_row(
    codec: &mut JsonCodec,
    item: &Item<'_>,
    version: FhirVersion,
) -> Result<ResourceRow, VaultError> {
    let raw = item.raw.get().as_bytes();
    crate::store::row(&item.fields, &item.id, raw, version, codec)
}

fn note_for(file: &CheckedFile<'_>) -> Option<String> {
    if file.items.is_empty() {
        return Some("This file holds no records.".to_owned());
    }
    (file.version == FhirVersion::Dstu2).then(|| {
        "This is an older FHIR DSTU2 file: its records are kept exactly as received; \
         conversion to R4 comes with portal sync."
            .to_owned()
    })
}

fn now_utc() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
