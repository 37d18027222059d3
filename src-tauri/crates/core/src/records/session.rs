//! The records use cases on the process's `Session`. Each first makes sure
//! rows stored before the records index existed have been given theirs.

use std::path::Path;

use ownchart_vault::{NewLedgerEntry, Vault};

use super::attachments;
use super::types::*;
use super::{charts, dashboard, detail, index, list};
use crate::session::Session;
use crate::{CoreError, Result};

impl Session {
    fn records_vault(&mut self) -> Result<&Vault> {
        let opened = self.opened_mut()?;
        index::ensure_index(&mut opened.vault)?;
        Ok(&opened.vault)
    }

    pub fn records_timeline(&mut self, query: &RecordQuery) -> Result<TimelinePage> {
        list::timeline(self.records_vault()?, query)
    }

    pub fn records_category(
        &mut self,
        category: &str,
        query: &RecordQuery,
    ) -> Result<CategoryTable> {
        list::category_table(self.records_vault()?, category, query)
    }

    pub fn records_sources(&mut self) -> Result<Vec<SourceView>> {
        list::sources(self.records_vault()?)
    }

    pub fn record_detail(&mut self, key: &str) -> Result<RecordDetail> {
        detail::detail(self.records_vault()?, key)
    }

    pub fn record_version_json(&mut self, key: &str, version_index: u32) -> Result<String> {
        detail::version_json(self.records_vault()?, key, version_index)
    }

    pub fn record_attachment(&mut self, key: &str, index: u32) -> Result<AttachmentContent> {
        attachments::content(self.records_vault()?, key, index)
    }

    /// A file name to offer in the save dialog for an attachment.
    pub fn record_attachment_file_name(&mut self, key: &str, index: u32) -> Result<String> {
        let b = attachments::bytes(self.records_vault()?, key, index)?;
        Ok(attachments::file_name(
            b.title.as_deref(),
            &b.content_type,
            &b.data,
        ))
    }

    /// Writes an attachment's bytes to `path` (chosen by the patient in the
    /// native dialog), atomically, and notes it in the ledger (data left the
    /// vault; the entry names the record type, not its contents or the path).
    pub fn record_attachment_save(&mut self, key: &str, index: u32, path: &Path) -> Result<()> {
        let vault = self.records_vault()?;
        let b = attachments::bytes(vault, key, index)?;
        let resource_type = list::parse_key(key)
            .ok()
            .and_then(|pk| vault.record_row(pk).ok().flatten())
            .map(|r| r.resource_type)
            .unwrap_or_default();
        attachments::write_atomic(path, &b.data)?;
        let opened = self.opened_mut()?;
        opened
            .ledger
            .append(NewLedgerEntry::new(
                "ATTACHMENT_SAVED",
                format!(
                    "An attachment of a {resource_type} record ({} bytes) was saved to a file the patient chose.",
                    b.data.len()
                ),
            ))
            .map_err(CoreError::from)?;
        Ok(())
    }

    pub fn records_series(&mut self) -> Result<Vec<SeriesSummary>> {
        charts::series(self.records_vault()?, None)
    }

    pub fn records_chart(&mut self, code: &str) -> Result<ChartSeries> {
        charts::chart(self.records_vault()?, code)
    }

    pub fn records_dashboard(&mut self) -> Result<Dashboard> {
        dashboard::dashboard(self.records_vault()?)
    }
}
