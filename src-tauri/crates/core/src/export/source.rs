//! Opening an export for reading: a plain zip, or an age file decrypted with
//! its passphrase. The decrypted stream is seekable (age authenticates it in
//! 64 KiB chunks), and [`Cursor`]s share it so two entries can be read side by
//! side (a data file and its restore file) without decrypting the file twice.

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

use super::error::ExportError;

const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Zip,
    Age,
}

/// Whether the file looks like an export (a zip or an age file), from its
/// first bytes. A zip is only taken for an export once its manifest is read.
pub fn sniff(path: &Path) -> Option<Kind> {
    let mut head = [0u8; 22];
    let n = File::open(path).ok()?.read(&mut head).ok()?;
    let head = &head[..n];
    if head.starts_with(AGE_MAGIC) {
        Some(Kind::Age)
    } else if head.starts_with(ZIP_MAGIC) {
        Some(Kind::Zip)
    } else {
        None
    }
}

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// A reader over the shared (maybe decrypting) stream with its own position.
#[derive(Clone)]
pub struct Cursor {
    inner: Rc<RefCell<(Box<dyn ReadSeek>, u64)>>,
    pos: u64,
}

impl Read for Cursor {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut shared = self.inner.borrow_mut();
        let (stream, at) = &mut *shared;
        if *at != self.pos {
            *at = stream.seek(SeekFrom::Start(self.pos))?;
        }
        let n = stream.read(buf)?;
        *at += n as u64;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Cursor {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.pos = match to {
            SeekFrom::Start(p) => p,
            SeekFrom::Current(d) => self
                .pos
                .checked_add_signed(d)
                .ok_or_else(|| io::Error::other("seek before the start"))?,
            SeekFrom::End(d) => {
                let mut shared = self.inner.borrow_mut();
                let end = shared.0.seek(SeekFrom::End(d))?;
                shared.1 = end;
                end
            }
        };
        Ok(self.pos)
    }
}

/// Opens the export; an age file needs its passphrase.
pub fn open(path: &Path, kind: Kind, passphrase: Option<&str>) -> Result<Cursor, ExportError> {
    let file_name = path.display().to_string();
    let unreadable = |e: &dyn std::fmt::Display| ExportError::Unreadable {
        file: file_name.clone(),
        detail: e.to_string(),
    };
    let file = BufReader::with_capacity(256 * 1024, File::open(path).map_err(|e| unreadable(&e))?);
    let stream: Box<dyn ReadSeek> = match kind {
        Kind::Zip => Box::new(file),
        Kind::Age => {
            let Some(passphrase) = passphrase.filter(|p| !p.is_empty()) else {
                return Err(ExportError::PassphraseRequired { file: file_name });
            };
            let decryptor =
                age::Decryptor::new_buffered(file).map_err(|e| ExportError::Tampered {
                    file: file_name.clone(),
                    detail: format!("its encryption header is damaged: {e}"),
                })?;
            if !decryptor.is_scrypt() {
                return Err(unreadable(&"it is not protected by a passphrase"));
            }
            let identity =
                age::scrypt::Identity::new(age::secrecy::SecretString::from(passphrase.to_owned()));
            let reader = decryptor
                .decrypt(std::iter::once(&identity as &dyn age::Identity))
                .map_err(|e| match e {
                    age::DecryptError::DecryptionFailed
                    | age::DecryptError::KeyDecryptionFailed
                    | age::DecryptError::NoMatchingKeys => ExportError::PassphraseWrong {
                        file: file_name.clone(),
                    },
                    other => ExportError::Tampered {
                        file: file_name.clone(),
                        detail: format!("its encryption header is damaged: {other}"),
                    },
                })?;
            Box::new(reader)
        }
    };
    Ok(Cursor {
        inner: Rc::new(RefCell::new((stream, 0))),
        pos: 0,
    })
}
