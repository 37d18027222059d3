//! `bundle.json`, written straight into the final zip on its own thread while
//! the per-type files are spooled on another: the two outputs share no state,
//! and hashing the Bundle and the file (twice over every resource) is as much
//! work as deflating the NDJSON, so each gets a core.

use std::io::{self, Write};

use sha2::{Digest, Sha256};

use super::archive::{self, FinalZip};
use super::layout::{self, FileEntry};

pub struct BundleStream {
    zip: FinalZip,
    sha: Sha256,
    bytes: u64,
    entries: u64,
}

impl BundleStream {
    /// Starts `bundle.json` (stored: it is the NDJSON's content again, and
    /// deflating it would double the export's compression work).
    pub fn start(mut zip: FinalZip) -> io::Result<BundleStream> {
        zip.start_file(layout::BUNDLE, archive::stored())
            .map_err(io::Error::other)?;
        let mut stream = BundleStream {
            zip,
            sha: Sha256::new(),
            bytes: 0,
            entries: 0,
        };
        stream.write(&header())?;
        Ok(stream)
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.sha.update(bytes);
        self.bytes += bytes.len() as u64;
        self.zip.write_all(bytes)
    }

    /// Appends one resource (its stored JSON, as it is) as the next entry.
    pub fn add(&mut self, raw: &[u8]) -> io::Result<()> {
        let lead: &[u8] = if self.entries == 0 {
            b",\"entry\":[{\"resource\":"
        } else {
            b",{\"resource\":"
        };
        self.write(lead)?;
        self.write(raw)?;
        self.write(b"}")?;
        self.entries += 1;
        Ok(())
    }

    /// Ends the Bundle; returns the final zip and the Bundle's manifest entry.
    pub fn close(mut self) -> io::Result<(FinalZip, FileEntry)> {
        let tail: &[u8] = if self.entries == 0 { b"}" } else { b"]}" };
        self.write(tail)?;
        let entry = FileEntry {
            path: layout::BUNDLE.to_owned(),
            bytes: self.bytes,
            sha256: hex::encode(self.sha.finalize()),
        };
        Ok((self.zip, entry))
    }
}

fn header() -> Vec<u8> {
    let now = crate::clock::now_rfc3339();
    let mut id = [0u8; 16];
    let _ = getrandom::fill(&mut id);
    format!(
        "{{\"resourceType\":\"Bundle\",\"id\":\"{}\",\"meta\":{{\"lastUpdated\":\"{now}\"}},\"type\":\"collection\",\"timestamp\":\"{now}\"",
        hex::encode(id)
    )
    .into_bytes()
}
