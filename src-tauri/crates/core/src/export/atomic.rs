//! Writing the export so that its final name only ever holds a whole file:
//! `<final>.partial-<random>` in the same folder, fsync, rename, fsync of the
//! folder. Each export also gets a private work folder in the data folder
//! (`export-tmp/<random>/`, for its encrypted spools) that records the partial
//! file's path, so a later export or an erase removes what a killed export
//! left: only files this app created, never anything else in the folder.

use std::path::{Path, PathBuf};

use super::error::ExportError;

const WORK: &str = "export-tmp";
const PARTIAL_NOTE: &str = "partial-path";

pub struct Work {
    pub dir: PathBuf,
    pub partial: PathBuf,
    pub final_path: PathBuf,
}

fn random_hex() -> Result<String, ExportError> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|_| ExportError::Write {
        path: String::new(),
        reason: "no system randomness".to_owned(),
    })?;
    Ok(hex::encode(b))
}

/// Removes what earlier exports left behind (a killed process); returns how
/// many files went.
pub fn remove_stale(data_dir: &Path) -> u64 {
    let mut removed = 0;
    let Ok(entries) = std::fs::read_dir(data_dir.join(WORK)) else {
        return 0;
    };
    for entry in entries.flatten() {
        let dir = entry.path();
        if let Ok(note) = std::fs::read_to_string(dir.join(PARTIAL_NOTE)) {
            let partial = PathBuf::from(note.trim());
            let ours = partial
                .file_name()
                .is_some_and(|n| n.to_string_lossy().contains(".partial-"));
            if ours && std::fs::remove_file(&partial).is_ok() {
                removed += 1;
            }
        }
        if let Ok(files) = std::fs::read_dir(&dir) {
            removed += files.flatten().count() as u64;
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    let _ = std::fs::remove_dir(data_dir.join(WORK));
    removed
}

pub fn begin(data_dir: &Path, final_path: &Path) -> Result<Work, ExportError> {
    remove_stale(data_dir);
    let name = final_path
        .file_name()
        .ok_or_else(|| ExportError::write(final_path, "it names no file"))?
        .to_string_lossy()
        .into_owned();
    let parent = match final_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(ExportError::write(final_path, "its folder does not exist"));
    }
    let token = random_hex()?;
    let dir = data_dir.join(WORK).join(&token);
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(&dir)
        .map_err(|e| ExportError::write(final_path, e))?;
    let partial = parent.join(format!("{name}.partial-{token}"));
    let absolute = std::path::absolute(&partial).unwrap_or_else(|_| partial.clone());
    std::fs::write(dir.join(PARTIAL_NOTE), absolute.display().to_string())
        .map_err(|e| ExportError::write(final_path, e))?;
    Ok(Work {
        dir,
        partial,
        final_path: final_path.to_owned(),
    })
}

impl Work {
    /// Renames the finished (and fsynced) partial file to its final name.
    pub fn release(self) -> Result<(), ExportError> {
        std::fs::rename(&self.partial, &self.final_path)
            .map_err(|e| ExportError::write(&self.final_path, e))?;
        if let Some(parent) = self.final_path.parent() {
            sync_dir(parent);
        }
        self.remove_work_dir();
        Ok(())
    }

    pub fn abandon(self) {
        let _ = std::fs::remove_file(&self.partial);
        self.remove_work_dir();
    }

    /// Its own folder, and the shared one when no other export is running, so
    /// a finished export leaves nothing in the data folder.
    fn remove_work_dir(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(shared) = self.dir.parent() {
            let _ = std::fs::remove_dir(shared);
        }
    }
}

pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The name of a cloud-synchronized folder the path lies in, if any (D-05):
/// such a folder copies the file to a company's servers.
pub fn cloud_sync_folder(path: &Path) -> Option<String> {
    const KNOWN: &[&str] = &[
        "Dropbox",
        "OneDrive",
        "iCloud Drive",
        "iCloudDrive",
        "Mobile Documents",
        "Google Drive",
        "GoogleDrive",
        "My Drive",
        "Box Sync",
        "pCloudDrive",
        "MEGA",
        "Nextcloud",
        "ownCloud",
        "Yandex.Disk",
        "CloudStorage",
    ];
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    absolute.ancestors().find_map(|a| {
        let name = a.file_name()?.to_string_lossy();
        KNOWN
            .iter()
            .find(|k| {
                name.eq_ignore_ascii_case(k)
                    || name.starts_with(&format!("{k} "))
                    || name.starts_with(&format!("{k}-"))
            })
            .map(|k| (*k).to_owned())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_partial_left_by_a_killed_export_goes_at_the_next_one() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let out = tmp.path().join("export.zip");
        let work = begin(&data, &out).unwrap();
        std::fs::write(&work.partial, b"half").unwrap();
        std::fs::write(work.dir.join("spool-0"), b"x").unwrap();
        let partial = work.partial.clone();
        std::mem::forget(work); // as if killed
        let neighbour = tmp.path().join("notes.txt.partial-mine");
        std::fs::write(&neighbour, b"not ours").unwrap();
        assert!(remove_stale(&data) >= 2);
        assert!(!partial.exists());
        assert!(neighbour.exists());
        assert!(!data.join(WORK).exists());
    }

    #[test]
    fn cloud_folders_are_recognized() {
        assert_eq!(
            cloud_sync_folder(Path::new("/home/a/Dropbox/x.zip")).as_deref(),
            Some("Dropbox")
        );
        assert_eq!(
            cloud_sync_folder(Path::new("/home/a/OneDrive - Contoso/x.zip")).as_deref(),
            Some("OneDrive")
        );
        assert_eq!(
            cloud_sync_folder(Path::new("/home/a/Documents/x.zip")),
            None
        );
    }
}
