//! The complete record file: export (a zip of FHIR Bulk Data NDJSON per type
//! with every stored version, a FHIR `collection` Bundle, decoded attachments
//! and a manifest with the SHA-256 of every file and the ledger's head hash;
//! optionally inside an age file under the patient's passphrase) and restore
//! (the import of such a file, byte for byte). See `layout.rs` for the layout.

mod archive;
mod atomic;
mod attachments;
mod bundle_stream;
mod error;
mod layout;
mod minify;
mod restore;
mod source;
#[cfg(test)]
mod tests;
mod types;
mod write;

use std::path::{Path, PathBuf};

pub use atomic::cloud_sync_folder;
pub(crate) use atomic::sync_dir;
pub use error::ExportError;
pub use layout::Manifest;
pub use types::*;

use ownchart_vault::{Ledger, Vault};

use crate::import::{self, FileReport, ImportOptions, ImportPhase, ImportProgress, ImportReport};
use crate::session::Session;
use crate::{CoreError, Result};

/// The default file name offered in the save dialog.
pub fn default_file_name(encrypted: bool, today: &str) -> String {
    if encrypted {
        format!("ownchart-export-{today}.zip.age")
    } else {
        format!("ownchart-export-{today}.zip")
    }
}

/// Removes what a killed export left (its partial file and spools); the erase
/// calls it too. Returns how many files went.
pub fn remove_leftovers(data_dir: &Path) -> u64 {
    atomic::remove_stale(data_dir)
}

impl Session {
    /// Writes the export file (see the module documentation).
    pub fn export(
        &mut self,
        request: &ExportRequest,
        progress: &mut dyn FnMut(&ExportProgress),
    ) -> Result<ExportReport> {
        let data_dir = self.data_dir().to_owned();
        let opened = self.opened_mut()?;
        Ok(write::export(
            &opened.vault,
            &mut opened.ledger,
            &data_dir,
            request,
            progress,
        )?)
    }
}

/// The exports among files given to an import, checked against their
/// manifests before anything is written.
struct Restores {
    pub verified: Vec<restore::Verified>,
    pub others: Vec<PathBuf>,
}

fn sort_out(paths: &[PathBuf], passphrase: Option<&str>) -> Result<Restores> {
    let mut out = Restores {
        verified: Vec::new(),
        others: Vec::new(),
    };
    for path in paths {
        match source::sniff(path) {
            Some(kind) => match restore::verify(path, kind, passphrase)? {
                Some(v) => out.verified.push(v),
                None => out.others.push(path.clone()),
            },
            None => out.others.push(path.clone()),
        }
    }
    Ok(out)
}

/// An import whose files may include Ownchart exports: every export is checked
/// against its manifest, then the other files are imported (checked before
/// anything is written, as always), then the exports are restored.
pub(crate) fn import_all(
    vault: &mut Vault,
    ledger: &mut Ledger,
    paths: &[PathBuf],
    options: &ImportOptions,
    progress: &mut dyn FnMut(&ImportProgress),
) -> Result<ImportReport> {
    let files_total = paths.len() as u32;
    for (i, path) in paths.iter().enumerate() {
        progress(&ImportProgress {
            phase: ImportPhase::Checking,
            file_index: i as u32,
            files_total,
            file: path.display().to_string(),
            resources_done: 0,
            resources_total: 0,
        });
    }
    let sorted = sort_out(paths, options.passphrase.as_ref().map(SecretText::expose))?;
    if sorted.verified.is_empty() {
        return Ok(import::import_files(
            vault, ledger, paths, options, progress,
        )?);
    }
    let mut report = if sorted.others.is_empty() {
        ImportReport {
            files: Vec::new(),
            resources: 0,
            added: 0,
            updated: 0,
            unchanged: 0,
        }
    } else {
        import::import_files(vault, ledger, &sorted.others, options, progress)?
    };
    let first = report.files.len() as u32;
    for (i, v) in sorted.verified.into_iter().enumerate() {
        let file: FileReport =
            restore::restore(vault, ledger, v, first + i as u32, files_total, progress)?;
        report.resources += file.resources;
        report.added += file.added;
        report.updated += file.updated;
        report.unchanged += file.unchanged;
        report.files.push(file);
    }
    progress(&ImportProgress {
        phase: ImportPhase::Done,
        file_index: files_total.saturating_sub(1),
        files_total,
        file: String::new(),
        resources_done: report.resources,
        resources_total: report.resources,
    });
    Ok(report)
}

impl From<ExportError> for CoreError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Vault(v) => CoreError::Vault(v),
            other => CoreError::Export(other),
        }
    }
}
