//! The local cache of downloaded directory sources: one JSON file per source
//! (`<source id>.json`) holding its description and its normalized entries.
//!
//! Directory data is public (names and addresses of organizations and their
//! servers, no health data and nothing about the patient), so the cache is plain
//! JSON outside the vault; what the patient chose to connect to lives in the
//! vault, not here. Files are written atomically (temporary file, fsync, rename,
//! fsync of the folder) so a crash leaves the old list or the new one. A file
//! that cannot be read is skipped with a warning and left where it is, so
//! nothing is lost silently and a later download of that source replaces it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{DirectoryError, Result};
use super::infer::usable_base;
use super::source::{is_source_id, Imported};
use super::types::{DirectoryEntry, DirectorySourceView};

const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedSource {
    pub format_version: u32,
    pub source: DirectorySourceView,
    /// Items of the downloaded list that gave no entry.
    pub skipped: u32,
    pub entries: Vec<DirectoryEntry>,
}

impl From<Imported> for CachedSource {
    fn from(i: Imported) -> Self {
        CachedSource {
            format_version: FORMAT_VERSION,
            source: i.view,
            skipped: i.skipped,
            entries: i.entries,
        }
    }
}

pub fn path_for(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.json"))
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> DirectoryError {
    let path = path.to_owned();
    move |source| DirectoryError::Cache {
        action,
        path,
        source,
    }
}

pub fn write(dir: &Path, cached: &CachedSource) -> Result<()> {
    let path = path_for(dir, &cached.source.id);
    let bytes = serde_json::to_vec(cached).map_err(|e| DirectoryError::Cache {
        action: "written",
        path: path.clone(),
        source: e.into(),
    })?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".incoming-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io("written", dir))?;
    tmp.write_all(&bytes).map_err(io("written", &path))?;
    tmp.as_file().sync_all().map_err(io("written", &path))?;
    tmp.persist(&path)
        .map_err(|e| e.error)
        .map_err(io("written", &path))?;
    sync_dir(dir);
    Ok(())
}

pub fn remove(dir: &Path, id: &str) -> Result<()> {
    let path = path_for(dir, id);
    match fs::remove_file(&path) {
        Ok(()) => {
            sync_dir(dir);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io("changed", &path)(e)),
    }
}

/// Every readable cached source, and a sentence for each file that was not.
pub fn read_all(dir: &Path) -> Result<(Vec<CachedSource>, Vec<String>)> {
    fs::create_dir_all(dir).map_err(io("created", dir))?;
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(io("read", dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut sources = Vec::new();
    let mut warnings = Vec::new();
    for path in files {
        match read_one(&path) {
            Ok((cached, dropped)) => {
                if dropped > 0 {
                    warnings.push(format!(
                        "{dropped} portals in the saved list {} were not valid and were left out.",
                        path.display()
                    ));
                }
                sources.push(cached);
            }
            Err(reason) => warnings.push(format!(
                "The saved portal list {} could not be read ({reason}); it was skipped and left in place. \
                 Adding that list again replaces it.",
                path.display()
            )),
        }
    }
    Ok((sources, warnings))
}

fn read_one(path: &Path) -> std::result::Result<(CachedSource, usize), String> {
    let bytes = fs::read(path).map_err(|e| e.to_string())?;
    let mut cached: CachedSource =
        serde_json::from_slice(&bytes).map_err(|_| "it is damaged".to_owned())?;
    if cached.format_version != FORMAT_VERSION {
        return Err(format!(
            "it was saved by a different version of the app (format {})",
            cached.format_version
        ));
    }
    let id = cached.source.id.clone();
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if !is_source_id(&id) || stem != id {
        return Err("its name does not match its contents".to_owned());
    }
    // The file is outside the vault and could have been edited: it must not be
    // able to pose as the demo portal or point a login at plain http.
    let before = cached.entries.len();
    let prefix = format!("{id}:");
    cached.entries.retain(|e| {
        e.id.starts_with(&prefix)
            && usable_base(&e.fhir_base).is_some()
            && !e.name.trim().is_empty()
    });
    let dropped = before - cached.entries.len();
    for e in &mut cached.entries {
        e.demo = false;
        e.source.clone_from(&cached.source.name);
    }
    cached.source.entry_count = cached.entries.len() as u32;
    Ok((cached, dropped))
}

fn sync_dir(dir: &Path) {
    // Makes a rename durable on unix; Windows has no directory handles to sync.
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
