//! Writing a share so that the disclosure is on record before anything is
//! released: every file is first written under a temporary name in a new
//! folder, flushed to disk and hashed; then the SHARE entry (with the names and
//! SHA-256s) is committed to the ledger; only then are the files renamed into
//! place. A failure before the commit removes everything this share wrote.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::error::ShareError;
use super::types::SharedFile;

/// One file to write.
pub struct Artifact {
    pub name: String,
    pub kind: &'static str,
    pub bytes: Vec<u8>,
}

/// A new folder for the share inside `out_dir`: `ownchart-share-<stamp>`, with a
/// number added if that name is taken (never an existing folder).
pub fn create_dir(out_dir: &Path, stamp: &str) -> Result<PathBuf, ShareError> {
    if !out_dir.is_dir() {
        return Err(ShareError::OutDirMissing(out_dir.display().to_string()));
    }
    for n in 1..1000 {
        let name = if n == 1 {
            format!("ownchart-share-{stamp}")
        } else {
            format!("ownchart-share-{stamp}-{n}")
        };
        let dir = out_dir.join(name);
        match fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(write_error(out_dir, &e)),
        }
    }
    Err(ShareError::Write {
        dir: out_dir.display().to_string(),
        reason: "too many shares with the same time stamp".into(),
    })
}

/// Writes the artifacts as temporary files in `dir`, calls `commit` with their
/// descriptions (the ledger entry), then renames them into place. `dir` is
/// removed again if anything fails before `commit` returns Ok.
pub fn release(
    dir: &Path,
    artifacts: Vec<Artifact>,
    commit: impl FnOnce(&[SharedFile]) -> crate::Result<u64>,
) -> crate::Result<(Vec<SharedFile>, u64)> {
    let mut staged: Vec<(PathBuf, PathBuf)> = vec![];
    let mut files = vec![];
    let staged_ok = (|| -> Result<(), ShareError> {
        for a in artifacts {
            let tmp = dir.join(format!(".{}.part", a.name));
            let final_path = dir.join(&a.name);
            staged.push((tmp.clone(), final_path));
            write_synced(&tmp, &a.bytes).map_err(|e| write_error(dir, &e))?;
            files.push(SharedFile {
                name: a.name,
                kind: a.kind.to_owned(),
                bytes: a.bytes.len() as u64,
                sha256: hex::encode(Sha256::digest(&a.bytes)),
            });
        }
        Ok(())
    })();
    let committed = match staged_ok {
        Ok(()) => commit(&files),
        Err(e) => Err(e.into()),
    };
    let seq = match committed {
        Ok(seq) => seq,
        Err(e) => {
            for (tmp, _) in &staged {
                let _ = fs::remove_file(tmp);
            }
            let _ = fs::remove_dir(dir);
            return Err(e);
        }
    };
    for (tmp, final_path) in &staged {
        fs::rename(tmp, final_path).map_err(|e| ShareError::Release {
            dir: dir.display().to_string(),
            reason: e.to_string(),
        })?;
    }
    sync_dir(dir);
    Ok((files, seq))
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = fs::File::create_new(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Makes the renames durable where the platform allows opening a folder.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn write_error(dir: &Path, e: &std::io::Error) -> ShareError {
    ShareError::Write {
        dir: dir.display().to_string(),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn artifacts() -> Vec<Artifact> {
        vec![
            Artifact {
                name: "a.json".into(),
                kind: "ips_bundle",
                bytes: b"{}".to_vec(),
            },
            Artifact {
                name: "b.html".into(),
                kind: "html_summary",
                bytes: b"<p>".to_vec(),
            },
        ]
    }

    #[test]
    fn files_appear_only_after_the_commit_and_carry_their_hashes() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = create_dir(tmp.path(), "20260203-040506").unwrap();
        assert!(dir.ends_with("ownchart-share-20260203-040506"));
        let again = create_dir(tmp.path(), "20260203-040506").unwrap();
        assert!(again.ends_with("ownchart-share-20260203-040506-2"));

        let (files, seq) = release(&dir, artifacts(), |files| {
            // At commit time nothing is released yet: only temporary files exist.
            assert!(!dir.join("a.json").exists());
            assert!(dir.join(".a.json.part").exists());
            assert_eq!(files.len(), 2);
            Ok(7)
        })
        .unwrap();
        assert_eq!(seq, 7);
        assert_eq!(std::fs::read(dir.join("a.json")).unwrap(), b"{}");
        assert_eq!(
            files[0].sha256,
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert_eq!(files[1].bytes, 3);
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn a_failed_commit_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = create_dir(tmp.path(), "x").unwrap();
        let err = release(&dir, artifacts(), |_| Err(crate::CoreError::VaultLocked)).unwrap_err();
        assert_eq!(err.code(), "vault_locked");
        assert!(!dir.exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_missing_folder_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let err = create_dir(&tmp.path().join("nope"), "x").unwrap_err();
        assert_eq!(err.code(), "share_out_dir_missing");
    }
}
