//! `ownchart export --out FILE [--passphrase-file F | --plaintext]`: the same
//! export as the app's. The export passphrase is read from a file, never from
//! the command line (argv is visible to other users' `ps`).

use std::path::Path;

use ownchart_core::export::{
    ExportPhase, ExportProtection, ExportReport, ExportRequest, SecretText,
};
use ownchart_core::session::Session;
use zeroize::Zeroize;

use crate::error::IpcError;

pub fn export(
    session: &mut Session,
    out: &Path,
    passphrase_file: Option<&Path>,
    plaintext: bool,
    quiet: bool,
) -> Result<ExportReport, IpcError> {
    let protection = match (passphrase_file, plaintext) {
        (Some(file), false) => ExportProtection::Passphrase {
            passphrase: read_passphrase_file(file)?,
        },
        (None, true) => ExportProtection::Plaintext { acknowledged: true },
        _ => {
            return Err(IpcError::new(
                "usage",
                "Choose --passphrase-file FILE (an encrypted export) or --plaintext (anyone who gets the file can read it).",
            ))
        }
    };
    if plaintext && !quiet {
        eprintln!("Warning: this export is not encrypted; anyone who gets the file can read your records.");
    }
    let request = ExportRequest {
        path: out.display().to_string(),
        protection,
    };
    let mut last = (ExportPhase::Preparing, u64::MAX);
    let report = session.export(&request, &mut |p| {
        let percent = if p.total == 0 {
            100
        } else {
            p.done * 100 / p.total
        };
        if !quiet && (p.phase, percent) != last {
            last = (p.phase, percent);
            eprint!("\r{:?}: {percent}%   ", p.phase);
        }
    })?;
    if !quiet {
        eprintln!();
    }
    Ok(report)
}

/// The first line of a file, without its line ending.
pub fn read_passphrase_file(file: &Path) -> Result<SecretText, IpcError> {
    let mut text = std::fs::read_to_string(file).map_err(|e| {
        IpcError::new(
            "io",
            format!(
                "The passphrase file {} could not be read: {e}",
                file.display()
            ),
        )
    })?;
    let line = text.lines().next().unwrap_or("").to_owned();
    text.zeroize();
    if line.is_empty() {
        return Err(IpcError::new(
            "passphrase_required",
            format!("The passphrase file {} is empty.", file.display()),
        ));
    }
    Ok(SecretText::new(line))
}

pub fn describe(r: &ExportReport) -> String {
    let mut s = format!(
        "Exported {} records ({} earlier versions, {} attachments) to {}\n{} bytes, {}, SHA-256 {}\nAudit log entry {}",
        r.resources,
        r.versions,
        r.attachments,
        r.path,
        r.bytes,
        if r.encrypted {
            "encrypted (age; open it with `age -d`)"
        } else {
            "NOT encrypted"
        },
        r.sha256,
        r.ledger_seq
    );
    if let Some(folder) = &r.cloud_sync_folder {
        s += &format!(
            "\nNote: the file is in a {folder} folder, which copies it to that service's servers."
        );
    }
    s
}
