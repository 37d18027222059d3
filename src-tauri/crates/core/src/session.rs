//! One running Ownchart against one data folder: it takes the folder's lock,
//! unlocks the vault when the keyring can, and hands the open vault and ledger to
//! the use cases. The desktop shell and the command line each hold one `Session`.
//!
//! Architecture invariant: nothing here creates, overwrites or rekeys an existing
//! vault after a key error; such a vault is reported as `KeyUnavailable` and left
//! byte-for-byte as it was.

use std::path::{Path, PathBuf};

use ownchart_vault::{self as vault, DataDir, DirLock, DirState, KeyringStore, Opened, Passphrase};

use crate::audit::{LedgerEntryView, LedgerStatus};
use crate::import::{ImportOptions, ImportProgress, ImportReport};
use crate::overview::{ProtectionMode, RecordOverview, VaultState, VaultStatus};
use crate::{CoreError, Result};

/// The keyring service name. Debug builds use their own, so a developer's build
/// never reads (or overwrites) the key of the vault their installed app uses.
pub fn default_keyring_service() -> &'static str {
    if cfg!(debug_assertions) {
        "org.ownchart.app.dev"
    } else {
        "org.ownchart.app"
    }
}

pub struct SessionConfig {
    pub data_dir: PathBuf,
    pub keyring_service: String,
}

impl SessionConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        SessionConfig {
            data_dir: data_dir.into(),
            keyring_service: default_keyring_service().to_owned(),
        }
    }
}

pub struct Session {
    pub(crate) dir: DataDir,
    pub(crate) keyring: KeyringStore,
    pub(crate) opened: Option<Opened>,
    /// The audit log an erase kept, open without a vault (see `erase`).
    pub(crate) kept: Option<vault::KeptLedger>,
    /// Why the last unlock failed, shown on the recovery screen.
    pub(crate) unlock_failure: Option<String>,
    keyring_available: Option<bool>,
    // Held for the life of the session: one writer per data folder.
    _lock: DirLock,
}

impl Session {
    /// Takes the data folder (creating it, private to the user, if needed) and,
    /// for a keyring-protected vault, unlocks it right away.
    pub fn start(config: SessionConfig) -> Result<Self> {
        create_private_dir(&config.data_dir)?;
        let dir = DataDir::new(config.data_dir);
        let lock = dir.lock()?;
        let mut session = Session {
            keyring: KeyringStore::new(&config.keyring_service),
            dir,
            opened: None,
            kept: None,
            unlock_failure: None,
            keyring_available: None,
            _lock: lock,
        };
        // An erase a killed process left is finished before anything else.
        crate::erase::resume(&mut session)?;
        if let DirState::Present(vault::Protection::Keyring) = session.dir.inspect()? {
            // A failure is remembered and shown as the recovery screen, not raised.
            let _ = session.unlock(None);
        }
        Ok(session)
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.root()
    }

    pub fn status(&mut self) -> Result<VaultStatus> {
        let state = match self.dir.inspect()? {
            DirState::Empty => VaultState::NotCreated {
                keyring_available: self.keyring_available(),
            },
            DirState::HeaderMissing => VaultState::KeyUnavailable {
                protection: ProtectionMode::Keyring,
                reason: vault::VaultError::HeaderMissing.to_string(),
            },
            DirState::Present(protection) => {
                let protection = mode_of(protection);
                match (&self.opened, &self.unlock_failure, protection) {
                    (Some(_), _, _) => VaultState::Unlocked { protection },
                    (None, _, ProtectionMode::Passphrase) => VaultState::Locked { protection },
                    (None, reason, ProtectionMode::Keyring) => VaultState::KeyUnavailable {
                        protection,
                        reason: reason.clone().unwrap_or_else(|| {
                            "The vault's key could not be read from this computer's keyring."
                                .to_owned()
                        }),
                    },
                }
            }
        };
        Ok(VaultStatus {
            state,
            data_dir: self.dir.root().display().to_string(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
        })
    }

    pub fn create(
        &mut self,
        mode: ProtectionMode,
        passphrase: Option<Passphrase>,
    ) -> Result<VaultStatus> {
        if !matches!(self.dir.inspect()?, DirState::Empty) {
            return Err(CoreError::VaultExists);
        }
        let opened = self.create_opened(mode, passphrase)?;
        self.opened = Some(opened);
        self.unlock_failure = None;
        self.status()
    }

    /// Unlocks with the keyring (no passphrase) or with the patient's passphrase.
    pub fn unlock(&mut self, passphrase: Option<Passphrase>) -> Result<VaultStatus> {
        if self.opened.is_some() {
            return self.status();
        }
        let protection = match self.dir.inspect()? {
            DirState::Empty => return Err(vault::VaultError::NotFound.into()),
            DirState::HeaderMissing => return Err(vault::VaultError::HeaderMissing.into()),
            DirState::Present(p) => p,
        };
        let attempt = match (protection, passphrase) {
            (vault::Protection::Keyring, _) => vault::open_with_keyring(&self.dir, &self.keyring),
            (vault::Protection::Passphrase, Some(pass)) => {
                vault::open_with_passphrase(&self.dir, &pass)
            }
            (vault::Protection::Passphrase, None) => return Err(CoreError::PassphraseRequired),
        };
        match attempt {
            Ok(opened) => {
                self.opened = Some(opened);
                self.unlock_failure = None;
                self.status()
            }
            Err(e) => {
                if !matches!(e, vault::VaultError::WrongPassphrase) {
                    self.unlock_failure = Some(e.to_string());
                }
                Err(e.into())
            }
        }
    }

    pub fn overview(&self) -> Result<RecordOverview> {
        let opened = self.opened()?;
        crate::overview::from_counts(opened.vault.counts_by_category()?)
    }

    pub fn import(
        &mut self,
        paths: &[PathBuf],
        options: &ImportOptions,
        progress: &mut dyn FnMut(&ImportProgress),
    ) -> Result<ImportReport> {
        let opened = self.opened.as_mut().ok_or(CoreError::VaultLocked)?;
        // Ownchart exports among the files are restored; the rest is imported.
        crate::export::import_all(
            &mut opened.vault,
            &mut opened.ledger,
            paths,
            options,
            progress,
        )
    }

    /// The audit log, also when there is no vault (after an erase).
    pub fn ledger_entries(&self) -> Result<Vec<LedgerEntryView>> {
        let Some(ledger) = self.current_ledger()? else {
            return Ok(Vec::new());
        };
        Ok(ledger
            .entries()?
            .into_iter()
            .map(LedgerEntryView::from)
            .collect())
    }

    pub fn verify_ledger(&self) -> Result<LedgerStatus> {
        Ok(match self.current_ledger()? {
            Some(ledger) => LedgerStatus::from(ledger.verify()?),
            None => LedgerStatus::from(vault::LedgerVerification::Intact {
                entries: 0,
                head: None,
            }),
        })
    }

    pub fn opened_mut(&mut self) -> Result<&mut Opened> {
        self.opened.as_mut().ok_or(CoreError::VaultLocked)
    }

    /// The open vault, for use cases that need more than this type offers.
    pub fn opened(&self) -> Result<&Opened> {
        self.opened.as_ref().ok_or(CoreError::VaultLocked)
    }

    fn keyring_available(&mut self) -> bool {
        *self
            .keyring_available
            .get_or_insert_with(|| self.keyring.probe().is_ok())
    }
}

fn mode_of(protection: vault::Protection) -> ProtectionMode {
    match protection {
        vault::Protection::Keyring => ProtectionMode::Keyring,
        vault::Protection::Passphrase => ProtectionMode::Passphrase,
    }
}

fn create_private_dir(path: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path).map_err(vault::VaultError::from)?;
    Ok(())
}

/// Where the vault lives unless the patient or a test chooses (`--data-dir`,
/// `OWNCHART_DATA_DIR`): the platform's per-user data folder. Debug builds use
/// their own folder, matching their own keyring service.
pub fn default_data_dir() -> Option<PathBuf> {
    let name = if cfg!(debug_assertions) {
        "org.ownchart.app.dev"
    } else {
        "org.ownchart.app"
    };
    dirs::data_dir().map(|d| d.join(name))
}
