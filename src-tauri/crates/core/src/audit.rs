//! The audit & disclosure log as the UI shows it: entries without their hashes,
//! and the chain's verification as a flat status.

use ownchart_vault::{LedgerEntry, LedgerVerification};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LedgerEntryView {
    #[ts(type = "number")]
    pub seq: u64,
    pub ts_utc: String,
    pub event: String,
    pub description: String,
    pub recipient: Option<String>,
    pub purpose: Option<String>,
}

impl From<LedgerEntry> for LedgerEntryView {
    fn from(e: LedgerEntry) -> Self {
        LedgerEntryView {
            seq: e.seq,
            ts_utc: e.ts_utc,
            event: e.event,
            description: e.description,
            recipient: e.recipient,
            purpose: e.purpose,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LedgerStatus {
    pub intact: bool,
    #[ts(type = "number")]
    pub entries: u64,
    pub head: Option<String>,
    #[ts(type = "number | null")]
    pub broken_at: Option<u64>,
    pub reason: Option<String>,
}

impl From<LedgerVerification> for LedgerStatus {
    fn from(v: LedgerVerification) -> Self {
        match v {
            LedgerVerification::Intact { entries, head } => LedgerStatus {
                intact: true,
                entries,
                head,
                broken_at: None,
                reason: None,
            },
            LedgerVerification::Broken { seq, reason } => LedgerStatus {
                intact: false,
                entries: 0,
                head: None,
                broken_at: Some(seq),
                reason: Some(reason),
            },
        }
    }
}

/// The formats the audit log can be saved in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LedgerExportFormat {
    Csv,
    Json,
}

impl LedgerExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            LedgerExportFormat::Csv => "csv",
            LedgerExportFormat::Json => "json",
        }
    }
}

/// The whole log with its hashes (so anyone can check the chain again) and
/// the result of verifying it now.
pub fn render(
    entries: &[LedgerEntry],
    status: &LedgerStatus,
    format: LedgerExportFormat,
) -> crate::Result<Vec<u8>> {
    match format {
        LedgerExportFormat::Json => {
            let rows: Vec<_> = entries
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "seq": e.seq,
                        "ts_utc": e.ts_utc,
                        "event": e.event,
                        "description": e.description,
                        "recipient": e.recipient,
                        "purpose": e.purpose,
                        "details": e.details.as_deref().and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok()),
                        "prev_hash": e.prev_hash,
                        "hash": e.hash,
                    })
                })
                .collect();
            serde_json::to_vec_pretty(&serde_json::json!({
                "exported_at": crate::clock::now_rfc3339(),
                "integrity": status,
                "entries": rows,
            }))
            .map_err(|e| crate::CoreError::Sync(e.to_string()))
        }
        LedgerExportFormat::Csv => {
            let mut out = String::from(
                "seq,date_utc,action,description,recipient,purpose,prev_hash,hash\r\n",
            );
            for e in entries {
                let cells = [
                    e.seq.to_string(),
                    e.ts_utc.clone(),
                    e.event.clone(),
                    e.description.clone(),
                    e.recipient.clone().unwrap_or_default(),
                    e.purpose.clone().unwrap_or_default(),
                    e.prev_hash.clone(),
                    e.hash.clone(),
                ];
                let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
                out += &line.join(",");
                out += "\r\n";
            }
            Ok(out.into_bytes())
        }
    }
}

/// RFC 4180 quoting; a cell a spreadsheet would run as a formula is prefixed
/// with an apostrophe.
fn csv_cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

impl crate::session::Session {
    /// Writes the audit log to `path` (atomically: temporary file, fsync, rename).
    pub fn export_ledger(
        &self,
        format: LedgerExportFormat,
        path: &std::path::Path,
    ) -> crate::Result<()> {
        let entries = match self.current_ledger()? {
            Some(l) => l.entries()?,
            None => Vec::new(),
        };
        let status = self.verify_ledger()?;
        let bytes = render(&entries, &status, format)?;
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => std::path::PathBuf::from("."),
        };
        let mut tmp =
            tempfile::NamedTempFile::new_in(&parent).map_err(ownchart_vault::VaultError::from)?;
        std::io::Write::write_all(&mut tmp, &bytes).map_err(ownchart_vault::VaultError::from)?;
        tmp.as_file()
            .sync_all()
            .map_err(ownchart_vault::VaultError::from)?;
        tmp.persist(path)
            .map_err(|e| ownchart_vault::VaultError::from(e.error))?;
        crate::export::sync_dir(&parent);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
