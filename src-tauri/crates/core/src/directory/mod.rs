//! The portal directory the patient searches to find where to connect: a
//! built-in list (the demo portal and public SMART sandboxes) plus directory
//! sources the app downloads on request — SMART "User-access Brands" Bundles and
//! plain endpoint lists — normalized into [`DirectoryEntry`]s, cached locally
//! (public data, plain JSON: see [`cache`]) and indexed for instant search.
//!
//! [`download_source`] fetches a source with the `fhir` crate's capped client
//! and hands the bytes to [`Directory::import_source`].

mod brands;
mod builtin;
mod cache;
mod download;
mod endpoint_list;
mod error;
mod infer;
mod merge;
mod normalize;
mod search;
mod source;
mod states;
mod types;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use url::Url;

use cache::CachedSource;
use search::{EntryRef, SearchIndex};

pub use builtin::DEMO_ID;
pub use download::download_source;
pub use error::{DirectoryError, Result};
pub use search::{DEFAULT_LIMIT, MAX_LIMIT};
pub use source::MAX_SOURCE_BYTES;
pub use types::{
    DirectoryEntry, DirectoryQuery, DirectorySearchResult, DirectorySourceFormat,
    DirectorySourceView, PortalAddress, PortalKind,
};

/// What an import did beyond the source's description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub source: DirectorySourceView,
    /// Items that gave no entry: no usable secure FHIR base, no name, unreadable.
    pub skipped: u32,
    /// Items folded into another entry because they share its FHIR base.
    pub merged: u32,
}

pub struct Directory {
    cache_dir: PathBuf,
    builtins: Vec<DirectoryEntry>,
    sources: Vec<CachedSource>,
    index: SearchIndex,
    warnings: Vec<String>,
}

impl Directory {
    /// The built-in list plus every source cached in `cache_dir` (created if
    /// missing). A cached file that cannot be read is skipped, left in place and
    /// reported in [`Directory::warnings`].
    pub fn open(cache_dir: &Path) -> Result<Directory> {
        let (mut sources, warnings) = cache::read_all(cache_dir)?;
        sources.sort_by(|a, b| {
            (&a.source.fetched_at, &a.source.name).cmp(&(&b.source.fetched_at, &b.source.name))
        });
        let mut directory = Directory {
            cache_dir: cache_dir.to_owned(),
            builtins: builtin::entries()?,
            sources,
            index: SearchIndex::default(),
            warnings,
        };
        directory.reindex();
        Ok(directory)
    }

    /// Sentences about cached files that were skipped when the directory opened.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Reads a downloaded source, saves it to the cache and makes it searchable.
    /// A source downloaded earlier from the same URL is replaced.
    pub fn import_source(
        &mut self,
        url: &Url,
        bytes: &[u8],
        fetched_at: OffsetDateTime,
    ) -> Result<DirectorySourceView> {
        self.import_source_summary(url, bytes, fetched_at)
            .map(|s| s.source)
    }

    /// [`Directory::import_source`], also saying how many items were skipped or merged.
    pub fn import_source_summary(
        &mut self,
        url: &Url,
        bytes: &[u8],
        fetched_at: OffsetDateTime,
    ) -> Result<ImportSummary> {
        let imported = source::import(url, bytes, fetched_at)?;
        let summary = ImportSummary {
            source: imported.view.clone(),
            skipped: imported.skipped,
            merged: imported.merged,
        };
        let cached = CachedSource::from(imported);
        cache::write(&self.cache_dir, &cached)?;
        match self
            .sources
            .iter_mut()
            .find(|s| s.source.id == cached.source.id)
        {
            Some(slot) => *slot = cached,
            None => self.sources.push(cached),
        }
        self.reindex();
        Ok(summary)
    }

    pub fn sources(&self) -> Vec<DirectorySourceView> {
        self.sources.iter().map(|s| s.source.clone()).collect()
    }

    /// Forgets a downloaded source and deletes its cache file.
    pub fn remove_source(&mut self, id: &str) -> Result<()> {
        let at = self
            .sources
            .iter()
            .position(|s| s.source.id == id)
            .ok_or(DirectoryError::SourceNotFound)?;
        cache::remove(&self.cache_dir, id)?;
        self.sources.remove(at);
        self.reindex();
        Ok(())
    }

    /// The entry with this id; the demo portal only once its address is set.
    pub fn get(&self, id: &str) -> Option<&DirectoryEntry> {
        self.index.find(id).and_then(|at| self.entry(at))
    }

    /// Where the app started the demo portal (https, or http on loopback).
    pub fn set_demo_base(&mut self, url: &Url) -> Result<()> {
        let url = infer::usable_base(url.as_str()).ok_or(DirectoryError::InsecureUrl)?;
        for e in self.builtins.iter_mut().filter(|e| e.demo) {
            e.fhir_base = url.as_str().to_owned();
        }
        self.reindex();
        Ok(())
    }

    pub fn search(&self, query: &DirectoryQuery) -> DirectorySearchResult {
        let (found, total_matches) = self.index.search(query);
        DirectorySearchResult {
            entries: found
                .into_iter()
                .filter_map(|at| self.entry(at).cloned())
                .collect(),
            total_matches,
        }
    }

    fn entry(&self, at: EntryRef) -> Option<&DirectoryEntry> {
        let pos = at.pos as usize;
        match at.shelf {
            0 => self.builtins.get(pos),
            n => self
                .sources
                .get(n as usize - 1)
                .and_then(|s| s.entries.get(pos)),
        }
    }

    fn reindex(&mut self) {
        // The demo portal cannot be connected to before it runs, so it is not
        // offered until then.
        let builtins = self
            .builtins
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.fhir_base.is_empty())
            .map(|(pos, e)| {
                (
                    EntryRef {
                        shelf: 0,
                        pos: pos as u32,
                    },
                    e,
                )
            });
        let sourced = self.sources.iter().enumerate().flat_map(|(s, src)| {
            src.entries.iter().enumerate().map(move |(pos, e)| {
                (
                    EntryRef {
                        shelf: s as u32 + 1,
                        pos: pos as u32,
                    },
                    e,
                )
            })
        });
        self.index = SearchIndex::build(builtins.chain(sourced));
    }
}
