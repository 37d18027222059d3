//! The audit & disclosure log: an append-only, hash-chained list of what was done
//! with the patient's records (vault created, imports, later connects, syncs,
//! exports, shares, erase). It lives in its own encrypted file with its own key
//! so that erasing the vault keeps it. `verify` walks the chain and names the
//! first entry that was edited, removed or moved.

use std::path::Path;

use rusqlite::{params, Connection};
use rusqlite_migration::{Migrations, M};
use sha2::{Digest, Sha256};

use crate::db::{self, Mode};
use crate::error::{Result, VaultError};
use crate::keys::Key;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(include_str!(
        "../migrations/ledger/0001_entries.sql"
    ))])
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub struct Ledger {
    conn: Connection,
    /// `ledger-head.json`: the last entry's number and hash under an HMAC with
    /// the ledger key, rewritten after every append. A log cut short (its last
    /// entries deleted) still chains correctly; the head shows what is missing.
    head_path: std::path::PathBuf,
    key: Key,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Head {
    seq: u64,
    hash: String,
    mac: String,
}

fn head_mac(key: &Key, seq: u64, hash: &str) -> Result<String> {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key.as_bytes())
        .map_err(|_| VaultError::Crypto("ledger head"))?;
    mac.update(format!("ownchart-ledger-head:{seq}:{hash}").as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

/// Where a ledger file's head is kept.
pub(crate) fn head_path(ledger: &Path) -> std::path::PathBuf {
    ledger.with_file_name("ledger-head.json")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub seq: u64,
    pub ts_utc: String,
    pub event: String,
    pub description: String,
    pub recipient: Option<String>,
    pub purpose: Option<String>,
    /// Machine-readable details (JSON), e.g. counts per category.
    pub details: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// What a use case asks to record.
#[derive(Debug, Clone, Default)]
pub struct NewLedgerEntry {
    pub event: String,
    pub description: String,
    pub recipient: Option<String>,
    pub purpose: Option<String>,
    pub details: Option<String>,
}

impl NewLedgerEntry {
    pub fn new(event: &str, description: impl Into<String>) -> NewLedgerEntry {
        NewLedgerEntry {
            event: event.to_owned(),
            description: description.into(),
            ..NewLedgerEntry::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerVerification {
    Intact {
        entries: u64,
        head: Option<String>,
    },
    /// The first entry whose place in the chain does not hold.
    Broken {
        seq: u64,
        reason: String,
    },
}

impl Ledger {
    pub(crate) fn create(path: &Path, key: &Key) -> Result<Ledger> {
        Ok(Ledger {
            conn: db::open(path, key, Mode::Create, 2048, &migrations())?,
            head_path: head_path(path),
            key: key.clone(),
        })
    }

    pub fn open(path: &Path, key: &Key) -> Result<Ledger> {
        Ok(Ledger {
            conn: db::open(path, key, Mode::Open, 2048, &migrations())?,
            head_path: head_path(path),
            key: key.clone(),
        })
    }

    fn write_head(&self, seq: u64, hash: &str) -> Result<()> {
        let head = Head {
            seq,
            hash: hash.to_owned(),
            mac: head_mac(&self.key, seq, hash)?,
        };
        let bytes = serde_json::to_vec(&head).map_err(|e| VaultError::Ledger(e.to_string()))?;
        crate::header::write_atomic(&self.head_path, &bytes)
    }

    /// The recorded head, when there is one and its MAC holds.
    fn read_head(&self) -> Result<Option<std::result::Result<Head, ()>>> {
        let Ok(bytes) = std::fs::read(&self.head_path) else {
            return Ok(None);
        };
        let Ok(head) = serde_json::from_slice::<Head>(&bytes) else {
            return Ok(Some(Err(())));
        };
        let ok = head_mac(&self.key, head.seq, &head.hash)? == head.mac;
        Ok(Some(if ok { Ok(head) } else { Err(()) }))
    }

    /// Appends an entry chained to the current head, in one transaction.
    pub fn append(&mut self, new: NewLedgerEntry) -> Result<LedgerEntry> {
        let tx = self.conn.transaction()?;
        let head: Option<(i64, String)> = tx
            .query_row(
                "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        let (seq, prev_hash) = match head {
            Some((seq, hash)) => (seq.max(0) as u64 + 1, hash),
            None => (1, GENESIS.to_owned()),
        };
        let ts_utc = now_utc();
        let mut entry = LedgerEntry {
            seq,
            ts_utc,
            event: new.event,
            description: new.description,
            recipient: new.recipient,
            purpose: new.purpose,
            details: new.details,
            prev_hash,
            hash: String::new(),
        };
        entry.hash = hash_of(&entry)?;
        tx.execute(
            "INSERT INTO entries (seq, ts_utc, event, description, recipient, purpose, details, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                entry.seq as i64,
                entry.ts_utc,
                entry.event,
                entry.description,
                entry.recipient,
                entry.purpose,
                entry.details,
                entry.prev_hash,
                entry.hash
            ],
        )?;
        tx.commit()?;
        self.write_head(entry.seq, &entry.hash)?;
        Ok(entry)
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> Result<Vec<LedgerEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, ts_utc, event, description, recipient, purpose, details, prev_hash, hash
             FROM entries ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(LedgerEntry {
                seq: r.get::<_, i64>(0)?.max(0) as u64,
                ts_utc: r.get(1)?,
                event: r.get(2)?,
                description: r.get(3)?,
                recipient: r.get(4)?,
                purpose: r.get(5)?,
                details: r.get(6)?,
                prev_hash: r.get(7)?,
                hash: r.get(8)?,
            })
        })?;
        rows.collect::<std::result::Result<_, _>>()
            .map_err(Into::into)
    }

    /// Walks the chain from the first entry.
    pub fn verify(&self) -> Result<LedgerVerification> {
        let mut expected_seq = 1u64;
        let mut prev = GENESIS.to_owned();
        for entry in self.entries()? {
            if entry.seq != expected_seq {
                return Ok(LedgerVerification::Broken {
                    seq: expected_seq,
                    reason: format!("entry {expected_seq} is missing"),
                });
            }
            if entry.prev_hash != prev {
                return Ok(LedgerVerification::Broken {
                    seq: entry.seq,
                    reason: "it does not follow the entry before it (removed or reordered)"
                        .to_owned(),
                });
            }
            if hash_of(&entry)? != entry.hash {
                return Ok(LedgerVerification::Broken {
                    seq: entry.seq,
                    reason: "its contents were changed".to_owned(),
                });
            }
            prev = entry.hash;
            expected_seq += 1;
        }
        let count = expected_seq - 1;
        match self.read_head()? {
            None => {}
            Some(Err(())) => {
                return Ok(LedgerVerification::Broken {
                    seq: count,
                    reason: "the log's recorded head was altered".to_owned(),
                })
            }
            // The head is written right after each commit, so it may lag by one.
            Some(Ok(head)) if head.seq > count => {
                return Ok(LedgerVerification::Broken {
                    seq: count + 1,
                    reason: format!(
                        "entries {} to {} are missing (the log was cut short)",
                        count + 1,
                        head.seq
                    ),
                })
            }
            Some(Ok(head)) => {
                let at = self.entries()?.into_iter().find(|e| e.seq == head.seq);
                if at.is_some_and(|e| e.hash != head.hash) {
                    return Ok(LedgerVerification::Broken {
                        seq: head.seq,
                        reason: "it does not match the log's recorded head".to_owned(),
                    });
                }
            }
        }
        Ok(LedgerVerification::Intact {
            entries: expected_seq - 1,
            head: (expected_seq > 1).then_some(prev),
        })
    }

    pub fn integrity_check(&self) -> Result<Vec<String>> {
        db::integrity_check(&self.conn)
    }
}

/// SHA-256 over a JSON array of every field but the hash itself: unambiguous (no
/// field can run into the next) and stable.
fn hash_of(e: &LedgerEntry) -> Result<String> {
    let canonical = serde_json::to_vec(&(
        e.seq,
        &e.ts_utc,
        &e.event,
        &e.description,
        &e.recipient,
        &e.purpose,
        &e.details,
        &e.prev_hash,
    ))
    .map_err(|e| VaultError::Ledger(e.to_string()))?;
    Ok(hex::encode(Sha256::digest(&canonical)))
}

pub(crate) fn now_utc() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn ledger_with(n: usize) -> (tempfile::TempDir, Ledger) {
        let tmp = tempfile::tempdir().unwrap();
        let mut l = Ledger::create(&tmp.path().join("ledger.db"), &Key::random().unwrap()).unwrap();
        for i in 0..n {
            l.append(NewLedgerEntry::new("IMPORT", format!("import {i}")))
                .unwrap();
        }
        (tmp, l)
    }

    fn broken_at(l: &Ledger) -> Option<u64> {
        match l.verify().unwrap() {
            LedgerVerification::Intact { .. } => None,
            LedgerVerification::Broken { seq, .. } => Some(seq),
        }
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let (_t, l) = ledger_with(5);
        match l.verify().unwrap() {
            LedgerVerification::Intact { entries, head } => {
                assert_eq!(entries, 5);
                assert_eq!(head.as_deref(), Some(l.entries().unwrap()[4].hash.as_str()));
            }
            other => panic!("{other:?}"),
        }
        let (_t, empty) = ledger_with(0);
        assert_eq!(
            empty.verify().unwrap(),
            LedgerVerification::Intact {
                entries: 0,
                head: None
            }
        );
    }

    #[test]
    fn an_edited_entry_is_named() {
        let (_t, l) = ledger_with(5);
        l.conn
            .execute(
                "UPDATE entries SET description = 'nothing happened' WHERE seq = 3",
                [],
            )
            .unwrap();
        assert_eq!(broken_at(&l), Some(3));
    }

    #[test]
    fn a_deleted_entry_is_named() {
        let (_t, l) = ledger_with(5);
        l.conn
            .execute("DELETE FROM entries WHERE seq = 2", [])
            .unwrap();
        assert_eq!(broken_at(&l), Some(2));
        let (_t, l) = ledger_with(5);
        l.conn
            .execute("DELETE FROM entries WHERE seq = 1", [])
            .unwrap();
        assert_eq!(broken_at(&l), Some(1));
    }

    #[test]
    fn reordered_entries_are_named() {
        let (_t, l) = ledger_with(5);
        // Swap the contents of entries 2 and 4, keeping their numbers.
        l.conn
            .execute_batch(
                "UPDATE entries SET seq = 100 WHERE seq = 2;
                 UPDATE entries SET seq = 2 WHERE seq = 4;
                 UPDATE entries SET seq = 4 WHERE seq = 100;",
            )
            .unwrap();
        assert_eq!(broken_at(&l), Some(2));
    }

    #[test]
    fn a_log_cut_short_is_named_by_its_recorded_head() {
        let (_t, l) = ledger_with(5);
        l.conn
            .execute("DELETE FROM entries WHERE seq >= 4", [])
            .unwrap();
        assert_eq!(broken_at(&l), Some(4));
        let (_t, l) = ledger_with(3);
        l.conn.execute("DELETE FROM entries", []).unwrap();
        assert_eq!(broken_at(&l), Some(1));
        // A head edited by hand fails its MAC.
        let (_t, l) = ledger_with(3);
        let text = std::fs::read_to_string(&l.head_path).unwrap();
        std::fs::write(&l.head_path, text.replace("\"seq\":3", "\"seq\":2")).unwrap();
        assert!(broken_at(&l).is_some());
    }

    #[test]
    fn a_forged_entry_with_a_recomputed_hash_still_breaks_the_next_link() {
        let (_t, l) = ledger_with(4);
        let mut e = l.entries().unwrap()[1].clone();
        e.description = "forged".into();
        e.hash = hash_of(&e).unwrap();
        l.conn
            .execute(
                "UPDATE entries SET description = ?1, hash = ?2 WHERE seq = 2",
                params![e.description, e.hash],
            )
            .unwrap();
        assert_eq!(broken_at(&l), Some(3));
    }
}
