//! Opening an SQLCipher database with a raw 256-bit key, and the settings that
//! matter for safety and speed (see PERFORMANCE in the project notes):
//! 16 KiB cipher pages, WAL, `secure_delete`, temp store in memory (sorts and
//! temporary tables never reach disk in clear), a 64 MiB page cache.
//!
//! The key is checked by a first read before anything else touches the file, so
//! a wrong key never migrates, rewrites or rekeys an existing database.

use std::path::Path;

use rusqlite::{Connection, ErrorCode, OpenFlags};
use rusqlite_migration::Migrations;

use crate::error::{Result, VaultError};
use crate::keys::Key;

pub(crate) enum Mode {
    /// The file must not exist yet.
    Create,
    /// The file must exist.
    Open,
}

pub(crate) fn open(
    path: &Path,
    key: &Key,
    mode: Mode,
    cache_kib: i64,
    migrations: &Migrations<'_>,
) -> Result<Connection> {
    let flags = match mode {
        Mode::Create => {
            if path.exists() {
                return Err(VaultError::AlreadyExists);
            }
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        }
        Mode::Open => {
            if !path.exists() {
                return Err(VaultError::NotFound);
            }
            OpenFlags::SQLITE_OPEN_READ_WRITE
        }
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)?;
    let pragma = zeroize::Zeroizing::new(format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA cipher_page_size = 16384;",
        key.to_hex().as_str()
    ));
    conn.execute_batch(&pragma)?;
    drop(pragma);
    // SQLCipher checks the key lazily: this read is where a wrong key shows.
    if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        return Err(match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => VaultError::WrongKey,
            _ => e.into(),
        });
    }
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -{cache_kib};"
    ))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    migrations
        .to_latest(&mut conn)
        .map_err(|e| VaultError::Migration(e.to_string()))?;
    Ok(conn)
}

/// SQLCipher's page-HMAC check plus SQLite's own: the problems found, if any.
pub(crate) fn integrity_check(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for row in rows {
        problems.push(row?);
    }
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    for row in rows {
        let row = row?;
        if row != "ok" {
            problems.push(row);
        }
    }
    Ok(problems)
}
