//! The zip plumbing of an export: the final file (a plain zip, or a zip inside
//! an age file), and encrypted spools. The resources are read once, in key
//! order, while `bundle.json` is written straight into the final zip; each
//! per-type file grows in its own spool (a one-entry zip inside an age file
//! under a key that lives only in memory, so a killed export leaves nothing
//! readable) and is copied into the final zip at the end without being
//! compressed again.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::layout::FileEntry;

const BUFFER: usize = 256 * 1024;

/// Text compresses ~4.5× at level 1 at ~200 MB/s; higher levels cost more time
/// than the export budget allows for a few percent of size.
pub fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true)
}

pub fn stored() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(true)
}

/// A writer that hashes and counts what goes through it.
pub struct Hashing<W> {
    inner: W,
    sha: Sha256,
    bytes: u64,
}

impl<W: Write> Hashing<W> {
    pub fn new(inner: W) -> Self {
        Hashing {
            inner,
            sha: Sha256::new(),
            bytes: 0,
        }
    }

    pub fn finish(self) -> (W, String, u64) {
        (self.inner, hex::encode(self.sha.finalize()), self.bytes)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sha.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Where the final zip's bytes go: the file, or an age encryptor in front of it.
pub enum Sink {
    Plain(Hashing<BufWriter<File>>),
    Age(Box<age::stream::StreamWriter<Hashing<BufWriter<File>>>>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(buf),
            Sink::Age(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Age(w) => w.flush(),
        }
    }
}

impl Sink {
    pub fn create(path: &Path, passphrase: Option<&str>) -> io::Result<Sink> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = Hashing::new(BufWriter::with_capacity(BUFFER, options.open(path)?));
        Ok(match passphrase {
            None => Sink::Plain(file),
            Some(p) => {
                let secret = age::secrecy::SecretString::from(p.to_owned());
                let encryptor = age::Encryptor::with_user_passphrase(secret);
                Sink::Age(Box::new(encryptor.wrap_output(file)?))
            }
        })
    }

    /// Ends the age stream, flushes and fsyncs; returns (SHA-256, bytes) of the file.
    pub fn finish(self) -> io::Result<(String, u64)> {
        let hashing = match self {
            Sink::Plain(w) => w,
            Sink::Age(w) => w.finish()?,
        };
        let (buffered, sha, bytes) = hashing.finish();
        let file = buffered.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok((sha, bytes))
    }
}

pub type FinalZip = ZipWriter<StreamWriter<Sink>>;

pub fn final_zip(sink: Sink) -> FinalZip {
    ZipWriter::new_stream(sink)
}

type SpoolWriter = ZipWriter<StreamWriter<age::stream::StreamWriter<BufWriter<File>>>>;

/// The in-memory key of this export's spools.
pub struct SpoolKey {
    identity: age::x25519::Identity,
}

impl SpoolKey {
    pub fn new() -> SpoolKey {
        SpoolKey {
            identity: age::x25519::Identity::generate(),
        }
    }
}

/// One spool: a zip inside an age file in the export's work folder. It holds
/// one entry at a time; `start` begins the next.
pub struct Spool {
    path: PathBuf,
    zip: SpoolWriter,
    entry: Option<(String, Sha256, u64)>,
    entries: Vec<FileEntry>,
}

impl Spool {
    pub fn create(dir: &Path, index: usize, key: &SpoolKey) -> io::Result<Spool> {
        let path = dir.join(format!("spool-{index}"));
        let file = BufWriter::with_capacity(64 * 1024, File::create(&path)?);
        let recipient = key.identity.to_public();
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(io::Error::other)?;
        let zip = ZipWriter::new_stream(encryptor.wrap_output(file)?);
        Ok(Spool {
            path,
            zip,
            entry: None,
            entries: Vec::new(),
        })
    }

    pub fn start(&mut self, name: &str, options: SimpleFileOptions) -> io::Result<()> {
        self.close_entry();
        self.zip
            .start_file(name, options)
            .map_err(io::Error::other)?;
        self.entry = Some((name.to_owned(), Sha256::new(), 0));
        Ok(())
    }

    pub fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        if let Some((_, sha, bytes)) = &mut self.entry {
            sha.update(data);
            *bytes += data.len() as u64;
        }
        self.zip.write_all(data)
    }

    fn close_entry(&mut self) {
        if let Some((path, sha, bytes)) = self.entry.take() {
            self.entries.push(FileEntry {
                path,
                bytes,
                sha256: hex::encode(sha.finalize()),
            });
        }
    }

    /// Closes the spool and copies its entries into the final zip, compressed
    /// bytes as they are; the spool file is then removed.
    pub fn copy_into(mut self, out: &mut FinalZip, key: &SpoolKey) -> io::Result<Vec<FileEntry>> {
        self.close_entry();
        let age_writer = self.zip.finish().map_err(io::Error::other)?.into_inner();
        let buffered = age_writer.finish()?;
        buffered.into_inner().map_err(|e| e.into_error())?;
        let file = BufReader::with_capacity(BUFFER, File::open(&self.path)?);
        let decryptor = age::Decryptor::new(file).map_err(io::Error::other)?;
        let reader = decryptor
            .decrypt(std::iter::once(&key.identity as &dyn age::Identity))
            .map_err(io::Error::other)?;
        let mut archive = ZipArchive::new(reader).map_err(io::Error::other)?;
        for i in 0..archive.len() {
            let entry = archive.by_index_raw(i).map_err(io::Error::other)?;
            out.raw_copy_file(entry).map_err(io::Error::other)?;
        }
        drop(archive);
        let _ = std::fs::remove_file(&self.path);
        Ok(self.entries)
    }
}
