//! The export itself: one pass over the vault in key order (bounded batches,
//! decompressed on this thread) feeding two writer threads: one appends each
//! current R4 resource to `bundle.json` in the final zip (`bundle_stream.rs`),
//! the other appends every resource, version and original to its type's
//! NDJSON spool and restore spool, and attachments to theirs. Then the spools
//! are copied into the final zip, the manifest goes last, the file is fsynced
//! and renamed into place, and the EXPORT entry is appended to the ledger.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};
use std::path::Path;
use std::sync::{mpsc, Arc};

use ownchart_vault::{
    DumpOriginal, DumpResource, DumpVersion, JsonCodec, Ledger, NewLedgerEntry, Vault,
};

use super::archive::{self, Sink, Spool, SpoolKey};
use super::atomic;
use super::bundle_stream::BundleStream;
use super::error::ExportError;
use super::layout::{self, CurrentLine, Manifest, OriginalLine, VersionLine};
use super::minify;
use super::types::*;

/// Rows per read: large enough to amortize the query, small enough that memory
/// stays bounded by a few batches of resources.
const BATCH: usize = 512;

/// Current resources go to both writers, hence shared.
type Current = Arc<Vec<(DumpResource, Vec<u8>)>>;

enum Batch {
    Current(Current),
    Versions(Vec<(DumpVersion, Vec<u8>)>),
    Originals(Vec<(DumpOriginal, Vec<u8>)>),
}

pub fn export(
    vault: &Vault,
    ledger: &mut Ledger,
    data_dir: &Path,
    request: &ExportRequest,
    progress: &mut dyn FnMut(&ExportProgress),
) -> Result<ExportReport, ExportError> {
    let passphrase = match &request.protection {
        ExportProtection::Plaintext {
            acknowledged: false,
        } => return Err(ExportError::PlaintextNotAcknowledged),
        ExportProtection::Plaintext { acknowledged: true } => None,
        ExportProtection::Passphrase { passphrase } if passphrase.expose().is_empty() => {
            return Err(ExportError::EmptyPassphrase)
        }
        ExportProtection::Passphrase { passphrase } => Some(passphrase.expose()),
    };
    progress(&ExportProgress {
        phase: ExportPhase::Preparing,
        done: 0,
        total: 0,
    });
    let final_path = Path::new(&request.path);
    let work = atomic::begin(data_dir, final_path)?;
    match write_file(vault, ledger, &work, passphrase, progress) {
        Ok(written) => {
            let partial = work.partial.clone();
            work.release().inspect_err(|_| {
                let _ = std::fs::remove_file(&partial);
            })?;
            finish(ledger, final_path, passphrase.is_some(), written)
        }
        Err(e) => {
            work.abandon();
            Err(e)
        }
    }
}

struct Written {
    manifest: Manifest,
    sha256: String,
    bytes: u64,
}

fn finish(
    ledger: &mut Ledger,
    path: &Path,
    encrypted: bool,
    w: Written,
) -> Result<ExportReport, ExportError> {
    let versions: u64 = w.manifest.versions.iter().map(|c| c.count).sum();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut entry = NewLedgerEntry::new(
        "EXPORT",
        format!(
            "Exported {} records ({} earlier versions, {} attachments) to {name}, {}.",
            w.manifest.resources,
            versions,
            w.manifest.attachments,
            if encrypted {
                "encrypted with a passphrase (age)"
            } else {
                "as a plaintext file the patient chose not to encrypt"
            }
        ),
    );
    entry.recipient = Some("the patient (export file)".to_owned());
    entry.purpose = Some("complete record export".to_owned());
    entry.details = serde_json::to_string(&serde_json::json!({
        "file": path.display().to_string(),
        "encrypted": encrypted,
        "bytes": w.bytes,
        "sha256": w.sha256,
        "resources": w.manifest.resources,
        "versions": versions,
        "attachments": w.manifest.attachments,
        "counts": w.manifest.counts,
        "ledger_head": w.manifest.ledger_head,
    }))
    .ok();
    let appended = ledger.append(entry)?;
    Ok(ExportReport {
        path: path.display().to_string(),
        bytes: w.bytes,
        encrypted,
        resources: w.manifest.resources,
        versions,
        attachments: w.manifest.attachments,
        counts: per_type(&w.manifest.counts),
        sha256: w.sha256,
        ledger_seq: appended.seq,
        cloud_sync_folder: atomic::cloud_sync_folder(path),
    })
}

/// The report's counts, one per resource type whatever version it was kept in.
fn per_type(counts: &[TypeCount]) -> Vec<TypeCount> {
    let mut merged: BTreeMap<&str, u64> = BTreeMap::new();
    for c in counts {
        *merged.entry(&c.resource_type).or_default() += c.count;
    }
    merged
        .into_iter()
        .map(|(resource_type, count)| TypeCount {
            resource_type: resource_type.to_owned(),
            count,
            fhir_version: None,
        })
        .collect()
}

fn write_file(
    vault: &Vault,
    ledger: &Ledger,
    work: &atomic::Work,
    passphrase: Option<&str>,
    progress: &mut dyn FnMut(&ExportProgress),
) -> Result<Written, ExportError> {
    let err = |e: io::Error| ExportError::write(&work.final_path, e);
    let (resources, versions, originals) = vault.dump_counts()?;
    let total = resources + versions + originals;
    let last = ledger.entries()?.pop();
    let key = SpoolKey::new();
    let sink = Sink::create(&work.partial, passphrase).map_err(err)?;
    let bundle = BundleStream::start(archive::final_zip(sink)).map_err(err)?;
    let files = TypeFiles::new(&work.dir, &key);

    let (to_files, files_rx) = mpsc::sync_channel::<Batch>(4);
    let (to_bundle, bundle_rx) = mpsc::sync_channel::<Current>(4);
    let (bundle, files) = std::thread::scope(|scope| {
        let bundle_writer = scope.spawn(move || -> io::Result<BundleStream> {
            let mut bundle = bundle;
            for batch in bundle_rx {
                for (r, raw) in batch.iter() {
                    // The Bundle is R4: a resource kept in another FHIR
                    // version stays in the NDJSON files only.
                    if r.fhir_version == "R4" {
                        bundle.add(raw)?;
                    }
                }
            }
            Ok(bundle)
        });
        let files_writer = scope.spawn(move || -> io::Result<TypeFiles<'_>> {
            let mut files = files;
            for batch in files_rx {
                files.take(batch)?;
            }
            Ok(files)
        });
        let read = read_all(vault, &to_files, &to_bundle, total, progress);
        drop(to_files);
        drop(to_bundle);
        let stopped = || err(io::Error::other("the export's writer stopped"));
        let bundle = bundle_writer.join().map_err(|_| stopped());
        let files = files_writer.join().map_err(|_| stopped());
        // A writer's error explains why the reader stopped early.
        let bundle = bundle?.map_err(err)?;
        let files = files?.map_err(err)?;
        read?;
        Ok::<_, ExportError>((bundle, files))
    })?;
    let (mut zip, bundle_entry) = bundle.close().map_err(err)?;
    let counts = files.close();
    let mut manifest_files = vec![bundle_entry];
    let spools = counts.spools.len() as u64;
    for (i, (order, spool)) in counts.spools.into_iter().enumerate() {
        // The attachments' spool sorts first; then the per-type files are put
        // together with bundle.json into the final file.
        progress(&ExportProgress {
            phase: if order.starts_with('0') {
                ExportPhase::Attachments
            } else {
                ExportPhase::Bundle
            },
            done: i as u64,
            total: spools,
        });
        manifest_files.extend(spool.copy_into(&mut zip, &key).map_err(err)?);
    }
    progress(&ExportProgress {
        phase: ExportPhase::Finishing,
        done: spools,
        total: spools,
    });
    let as_counts = |m: BTreeMap<(String, Option<String>), u64>| {
        m.into_iter()
            .map(|((resource_type, fhir_version), count)| TypeCount {
                resource_type,
                count,
                fhir_version,
            })
            .collect::<Vec<_>>()
    };
    let manifest = Manifest {
        format: layout::FORMAT.to_owned(),
        format_version: layout::FORMAT_VERSION,
        exported_at: crate::clock::now_rfc3339(),
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        fhir_version: "4.0.1".to_owned(),
        ledger_head: last.as_ref().map(|e| e.hash.clone()),
        ledger_entries: last.as_ref().map(|e| e.seq).unwrap_or(0),
        resources: counts.current.values().sum(),
        counts: as_counts(counts.current),
        versions: as_counts(counts.versions),
        originals: as_counts(counts.originals),
        attachments: counts.attachments,
        files: manifest_files,
    };
    let bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| err(io::Error::other(e)))?;
    zip.start_file(layout::MANIFEST, archive::deflated())
        .map_err(|e| err(io::Error::other(e)))?;
    zip.write_all(&bytes).map_err(err)?;
    let sink = zip
        .finish()
        .map_err(|e| err(io::Error::other(e)))?
        .into_inner();
    let (sha256, size) = sink.finish().map_err(err)?;
    Ok(Written {
        manifest,
        sha256,
        bytes: size,
    })
}

/// Reads every row in key order and hands batches to the writer; stops early
/// when the writer has gone (its error is reported instead).
fn read_all(
    vault: &Vault,
    tx: &mpsc::SyncSender<Batch>,
    to_bundle: &mpsc::SyncSender<Current>,
    total: u64,
    progress: &mut dyn FnMut(&ExportProgress),
) -> Result<(), ExportError> {
    let mut codec = JsonCodec::new()?;
    let mut done = 0u64;
    let mut report = |n: usize| {
        done += n as u64;
        progress(&ExportProgress {
            phase: ExportPhase::Resources,
            done,
            total,
        });
    };
    let mut after = 0;
    loop {
        let rows = vault.dump_resources(after, BATCH)?;
        let Some(last) = rows.last() else { break };
        after = last.pk;
        let n = rows.len();
        let mut batch = Vec::with_capacity(n);
        for mut r in rows {
            let raw = codec.decode(&r.raw_zstd, r.raw_len)?;
            r.raw_zstd = Vec::new();
            batch.push((r, raw));
        }
        let batch = Arc::new(batch);
        if to_bundle.send(Arc::clone(&batch)).is_err() || tx.send(Batch::Current(batch)).is_err() {
            return Ok(());
        }
        report(n);
    }
    let mut after = 0;
    loop {
        let rows = vault.dump_versions(after, BATCH)?;
        let Some(last) = rows.last() else { break };
        after = last.pk;
        let n = rows.len();
        let mut batch = Vec::with_capacity(n);
        for mut r in rows {
            let raw = codec.decode(&r.raw_zstd, r.raw_len)?;
            r.raw_zstd = Vec::new();
            batch.push((r, raw));
        }
        if tx.send(Batch::Versions(batch)).is_err() {
            return Ok(());
        }
        report(n);
    }
    let mut after = 0;
    loop {
        let rows = vault.dump_originals(after, BATCH)?;
        let Some(last) = rows.last() else { break };
        after = last.pk;
        let n = rows.len();
        let mut batch = Vec::with_capacity(n);
        for mut r in rows {
            let raw = codec.decode(&r.raw_zstd, r.raw_len)?;
            r.raw_zstd = Vec::new();
            batch.push((r, raw));
        }
        if tx.send(Batch::Originals(batch)).is_err() {
            return Ok(());
        }
        report(n);
    }
    Ok(())
}

/// A data file and its restore file, growing side by side.
struct Pair {
    data: Spool,
    restore: Spool,
}

#[derive(Default)]
struct Counts {
    /// By resource type and, when not R4, the version it was kept in.
    current: BTreeMap<(String, Option<String>), u64>,
    versions: BTreeMap<(String, Option<String>), u64>,
    originals: BTreeMap<(String, Option<String>), u64>,
    attachments: u64,
    /// Every spool in the order it goes into the final zip.
    spools: BTreeMap<String, Spool>,
}

/// The per-type NDJSON files, their restore files and the attachments, each
/// growing in its own spool.
struct TypeFiles<'k> {
    dir: std::path::PathBuf,
    key: &'k SpoolKey,
    pairs: BTreeMap<String, Pair>,
    attachments: Option<Spool>,
    used_names: HashSet<String>,
    next_spool: usize,
    /// Reused for lines that need minifying and for restore lines.
    line: Vec<u8>,
    restore_line: Vec<u8>,
    counts: Counts,
}

impl<'k> TypeFiles<'k> {
    fn new(dir: &Path, key: &'k SpoolKey) -> TypeFiles<'k> {
        TypeFiles {
            dir: dir.to_owned(),
            key,
            pairs: BTreeMap::new(),
            attachments: None,
            used_names: HashSet::new(),
            next_spool: 0,
            line: Vec::with_capacity(64 * 1024),
            restore_line: Vec::with_capacity(4 * 1024),
            counts: Counts::default(),
        }
    }

    fn spool(&mut self, name: &str) -> io::Result<Spool> {
        let mut spool = Spool::create(&self.dir, self.next_spool, self.key)?;
        self.next_spool += 1;
        spool.start(name, archive::deflated())?;
        Ok(spool)
    }

    fn pair(&mut self, path: String) -> io::Result<&mut Pair> {
        if !self.pairs.contains_key(&path) {
            let data = self.spool(&path)?;
            let restore = self.spool(&layout::restore_of(&path))?;
            self.pairs.insert(path.clone(), Pair { data, restore });
        }
        self.pairs
            .get_mut(&path)
            .ok_or_else(|| io::Error::other("spool missing"))
    }

    /// Writes one NDJSON line and its restore line; `restore` gets the exact
    /// bytes when the stored JSON is not one line.
    fn lines<T: serde::Serialize>(
        &mut self,
        path: String,
        raw: &[u8],
        restore: impl FnOnce(Option<String>) -> T,
    ) -> io::Result<()> {
        let mut line = std::mem::take(&mut self.line);
        let mut restore_line = std::mem::take(&mut self.restore_line);
        let one_line = minify::is_one_line(raw);
        let exact = if one_line {
            None
        } else {
            line.clear();
            minify::one_line(raw, &mut line);
            line.push(b'\n');
            Some(
                String::from_utf8(raw.to_vec())
                    .map_err(|_| io::Error::other("a stored record is not UTF-8 text"))?,
            )
        };
        restore_line.clear();
        serde_json::to_writer(&mut restore_line, &restore(exact)).map_err(io::Error::other)?;
        restore_line.push(b'\n');
        let pair = self.pair(path)?;
        if one_line {
            pair.data.write_all(raw)?;
            pair.data.write_all(b"\n")?;
        } else {
            pair.data.write_all(&line)?;
        }
        pair.restore.write_all(&restore_line)?;
        self.line = line;
        self.restore_line = restore_line;
        Ok(())
    }

    fn take(&mut self, batch: Batch) -> io::Result<()> {
        match batch {
            Batch::Current(items) => {
                for (r, raw) in items.iter() {
                    self.current(r, raw)?;
                }
            }
            Batch::Versions(items) => {
                for (v, raw) in items {
                    let kept_in = layout::non_r4(&v.fhir_version);
                    let path =
                        layout::versions(&layout::safe_name(&v.resource_type), kept_in.as_deref());
                    self.lines(path, &raw, |exact| VersionLine {
                        source: v.source.clone(),
                        id: v.resource_id.clone(),
                        origin: v.origin.clone(),
                        version_id: v.version_id.clone(),
                        last_updated: v.last_updated.clone(),
                        fhir_version: v.fhir_version.clone(),
                        fetched_at: v.fetched_at.clone(),
                        superseded_at: v.superseded_at.clone(),
                        sha256: hex::encode(&v.sha256),
                        exact,
                    })?;
                    *self
                        .counts
                        .versions
                        .entry((v.resource_type, kept_in))
                        .or_default() += 1;
                }
            }
            Batch::Originals(items) => {
                for (o, raw) in items {
                    let path = layout::originals(&layout::safe_name(&o.resource_type));
                    self.lines(path, &raw, |exact| OriginalLine {
                        source: o.source.clone(),
                        id: o.resource_id.clone(),
                        fhir_version: o.fhir_version.clone(),
                        notes: o.notes.clone(),
                        sha256: hex::encode(&o.sha256),
                        exact,
                    })?;
                    *self
                        .counts
                        .originals
                        .entry((o.resource_type, None))
                        .or_default() += 1;
                }
            }
        }
        Ok(())
    }

    fn current(&mut self, r: &DumpResource, raw: &[u8]) -> io::Result<()> {
        let kept_in = layout::non_r4(&r.fhir_version);
        let path = layout::current(&layout::safe_name(&r.resource_type), kept_in.as_deref());
        self.lines(path, raw, |exact| CurrentLine {
            source: r.source.clone(),
            origin: r.origin.clone(),
            fetched_at: r.fetched_at.clone(),
            id: r.resource_id.clone(),
            version_id: r.version_id.clone(),
            last_updated: r.last_updated.clone(),
            category: r.category.clone(),
            clinical_date: r.clinical_date.clone(),
            code: r.code.clone(),
            display: r.display.clone(),
            fhir_version: r.fhir_version.clone(),
            sha256: hex::encode(&r.sha256),
            exact,
        })?;
        if super::attachments::may_carry(&r.resource_type, raw) {
            for (name, bytes) in super::attachments::extract(
                &r.resource_type,
                &r.resource_id,
                raw,
                &mut self.used_names,
            ) {
                if self.attachments.is_none() {
                    let spool = Spool::create(&self.dir, self.next_spool, self.key)?;
                    self.next_spool += 1;
                    self.attachments = Some(spool);
                }
                if let Some(spool) = self.attachments.as_mut() {
                    spool.start(&name, archive::deflated())?;
                    spool.write_all(&bytes)?;
                }
                self.counts.attachments += 1;
            }
        }
        *self
            .counts
            .current
            .entry((r.resource_type.clone(), kept_in))
            .or_default() += 1;
        Ok(())
    }

    /// The counts with every spool in its place: attachments first, then
    /// data files, then restore files (sorted).
    fn close(self) -> Counts {
        let mut counts = self.counts;
        if let Some(spool) = self.attachments {
            counts.spools.insert("0".to_owned(), spool);
        }
        for (path, pair) in self.pairs {
            counts.spools.insert(format!("1{path}"), pair.data);
            counts.spools.insert(format!("2{path}"), pair.restore);
        }
        counts
    }
}
