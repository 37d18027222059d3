//! The check phase: read every file, split it into resources, extract each
//! resource's indexed fields. Nothing is written; the first problem anywhere
//! refuses the whole import with an error that names the file.

use std::borrow::Cow;
use std::path::PathBuf;

use ownchart_fhir::file::FileEntry;
use ownchart_fhir::{extract, read_file, Extracted, FhirError, FhirVersion, FileFormat};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::{ImportError, ImportOptions, ImportPhase, ImportProgress};

pub(super) struct FileContents {
    pub name: String,
    pub bytes: Vec<u8>,
}

pub(super) struct CheckedFile<'a> {
    pub name: &'a str,
    pub format: FileFormat,
    pub version: FhirVersion,
    pub items: Vec<Item<'a>>,
}

pub(super) struct Item<'a> {
    pub raw: &'a RawValue,
    pub fields: Extracted<'a>,
    pub id: Cow<'a, str>,
}

pub(super) fn read_all(
    paths: &[PathBuf],
    options: &ImportOptions,
    progress: &mut dyn FnMut(&ImportProgress),
) -> Result<Vec<FileContents>, ImportError> {
    let mut files = Vec::with_capacity(paths.len());
    for (index, path) in paths.iter().enumerate() {
        let name = path.display().to_string();
        progress(&ImportProgress {
            phase: ImportPhase::Checking,
            file_index: index as u32,
            files_total: paths.len() as u32,
            file: name.clone(),
            resources_done: 0,
            resources_total: 0,
        });
        let unreadable = |e: std::io::Error| ImportError::Unreadable {
            file: name.clone(),
            reason: e.kind().to_string(),
        };
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        if meta.is_dir() {
            return Err(ImportError::Unreadable {
                file: name,
                reason: "it is a folder".to_owned(),
            });
        }
        if meta.len() > options.max_file_bytes {
            return Err(ImportError::TooLarge {
                file: name,
                size: meta.len(),
                limit: options.max_file_bytes,
            });
        }
        let bytes = std::fs::read(path).map_err(unreadable)?;
        files.push(FileContents { name, bytes });
    }
    Ok(files)
}

pub(super) fn check_all<'a>(
    files: &'a [FileContents],
    progress: &mut dyn FnMut(&ImportProgress),
) -> Result<Vec<CheckedFile<'a>>, ImportError> {
    let mut checked = Vec::with_capacity(files.len());
    for (index, file) in files.iter().enumerate() {
        let parsed = read_file(&file.bytes).map_err(|e| file_error(&file.name, e))?;
        let items = extract_all(&file.name, parsed.entries)?;
        let dstu2 = items.iter().any(|i| i.fields.dstu2_marker);
        progress(&ImportProgress {
            phase: ImportPhase::Checking,
            file_index: index as u32,
            files_total: files.len() as u32,
            file: file.name.clone(),
            resources_done: items.len() as u64,
            resources_total: items.len() as u64,
        });
        checked.push(CheckedFile {
            name: &file.name,
            format: parsed.format,
            version: FhirVersion::of_file(dstu2),
            items,
        });
    }
    Ok(checked)
}

/// Extracts every entry's fields, split across the machine's cores (the write
/// phase has not started, so they are free); the first error in file order wins.
fn extract_all<'a>(file: &str, entries: Vec<FileEntry<'a>>) -> Result<Vec<Item<'a>>, ImportError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let per_thread = entries.len().div_ceil(threads).max(1);
    let parts: Vec<Result<Vec<Item<'a>>, ImportError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = entries
            .chunks(per_thread)
            .enumerate()
            .map(|(part, chunk)| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .enumerate()
                        .map(|(i, entry)| item(file, part * per_thread + i, entry))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(ImportError::Malformed {
                        file: file.to_owned(),
                        detail: "it could not be checked".to_owned(),
                    })
                })
            })
            .collect()
    });
    let mut items = Vec::with_capacity(entries.len());
    for part in parts {
        items.extend(part?);
    }
    Ok(items)
}

fn item<'a>(file: &str, n: usize, entry: &FileEntry<'a>) -> Result<Item<'a>, ImportError> {
    let fields = extract(entry.raw).map_err(|e| match e {
        FhirError::NotFhir(_) => ImportError::NotFhir {
            file: file.to_owned(),
            reason: format!("resource {} has no resourceType", n + 1),
        },
        other => file_error(file, other),
    })?;
    let id = resource_id(&fields, entry.full_url.as_deref(), entry.raw);
    Ok(Item {
        raw: entry.raw,
        fields,
        id,
    })
}

/// A resource's identity in the vault: its `id`; else the `urn:uuid:` of its
/// Bundle entry; else a digest of its bytes (so a re-import still matches).
fn resource_id<'a>(fields: &Extracted<'a>, full_url: Option<&str>, raw: &RawValue) -> Cow<'a, str> {
    if let Some(id) = &fields.id {
        return id.clone();
    }
    if let Some(uuid) = full_url
        .and_then(|u| u.strip_prefix("urn:uuid:"))
        .filter(|u| !u.is_empty())
    {
        return Cow::Owned(uuid.to_owned());
    }
    let digest = Sha256::digest(raw.get().as_bytes());
    Cow::Owned(format!("ownchart-{}", hex::encode(&digest[..16])))
}

fn file_error(file: &str, e: FhirError) -> ImportError {
    let file = file.to_owned();
    match e {
        FhirError::Empty => ImportError::Empty { file },
        FhirError::Malformed { .. } => ImportError::Malformed {
            file,
            detail: e.to_string(),
        },
        FhirError::NotFhir(reason) => ImportError::NotFhir { file, reason },
    }
}
