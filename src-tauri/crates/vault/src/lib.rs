//! Ownchart's encrypted store. A data folder holds `vault.db` (the records, an
//! SQLCipher 4 database), `ledger.db` (the audit & disclosure log, a second
//! SQLCipher database with its own key, so erasing the vault can keep it), and
//! `vault-header.json` (plaintext: the protection mode and, in passphrase mode, the
//! wrapped keys — nothing clinical). Keys are random 32-byte keys from the OS
//! CSPRNG, kept in the OS keyring or wrapped by an Argon2id-derived key.
//!
//! This crate has no network code and knows nothing of FHIR beyond the columns it
//! indexes.

mod codec;
mod connections;
mod datadir;
mod db;
mod dump;
mod error;
mod header;
mod kept;
mod integrator;
mod keyring_store;
mod keys;
mod ledger;
mod open;
mod records;
mod select;
mod restore;
mod sync;
mod vault;

pub use codec::JsonCodec;
pub use connections::{ConnectionRecord, TokenRecord};
pub use datadir::{DataDir, DirLock, DirState};
pub use dump::{DumpOriginal, DumpResource, DumpVersion};
pub use error::{Result, VaultError};
pub use header::Protection;
pub use kept::{
    destroy_vault, keep_ledger_alone, kept_ledger_protection, open_kept_ledger,
    set_kept_ledger_aside, KeptLedger,
};
pub use integrator::{IntegratorAccountRecord, IntegratorCertificate, IntegratorLink};
pub use keyring_store::KeyringStore;
pub use keys::{Key, Passphrase};
pub use ledger::{Ledger, LedgerEntry, LedgerVerification, NewLedgerEntry};
pub use open::{
    create_with_keyring, create_with_keyring_keeping, create_with_passphrase,
    create_with_passphrase_keeping, open_with_keyring, open_with_passphrase, Opened,
};
pub use records::{
    category_facet, fts_query, source_facet, Position, RecordBody, RecordFilter, RecordIndex,
    RecordRow, SeriesRow, ValuePoint, ValueRow, VersionRecord,
};
pub use select::{ResourceHead, ResourceQuery};
pub use restore::{RestoreOriginal, RestoreResource, RestoreVersion};
pub use sync::{OriginalRow, QuarantineRow, SyncPage, SyncQueryRecord, SyncRunRecord};
pub use vault::{BatchMeta, BatchOutcome, ResourceRow, StoredResource, Vault};
