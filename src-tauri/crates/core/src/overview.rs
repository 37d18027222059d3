//! What the patient sees at a glance: their vault's state and their records counted
//! by category. These types cross the IPC boundary, so TypeScript bindings are
//! generated from them (`cargo test` writes them into the UI).

use serde::Serialize;
use ts_rs::TS;

/// How the vault key is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProtectionMode {
    /// A random key kept in the operating system's keyring.
    Keyring,
    /// A random key wrapped with a key derived from the patient's passphrase.
    Passphrase,
}

/// Where the vault stands, as the first screen needs to know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(export)]
pub enum VaultState {
    /// No vault in the data directory yet: show first run.
    NotCreated {
        /// Whether a working OS keyring was found (if not, only passphrase mode is offered).
        keyring_available: bool,
    },
    /// A vault exists and waits for its passphrase.
    Locked { protection: ProtectionMode },
    /// A vault exists but its key cannot be had or does not open it. Nothing is
    /// re-created or overwritten; the patient is shown how to recover.
    KeyUnavailable {
        protection: ProtectionMode,
        /// A sentence for the patient saying what went wrong.
        reason: String,
    },
    /// The vault is open.
    Unlocked { protection: ProtectionMode },
}

/// The vault's state plus where it lives.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VaultStatus {
    #[serde(flatten)]
    #[ts(flatten)]
    pub state: VaultState,
    pub data_dir: String,
    pub app_version: String,
}

/// One row of the records overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CategoryCount {
    /// Stable key, e.g. `labs`, `medication_request`, `other`.
    pub category: String,
    /// Human label, e.g. "Lab results".
    pub label: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// Records counted by category: the 16 categories always listed (zero or not), then "other".
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RecordOverview {
    #[ts(type = "number")]
    pub total: u64,
    pub categories: Vec<CategoryCount>,
}

/// Builds the overview from the vault's raw counts: every category listed in display
/// order, and any key the FHIR crate does not know folded into "other".
pub fn from_counts(
    counts: std::collections::BTreeMap<String, u64>,
) -> crate::Result<RecordOverview> {
    use ownchart_fhir::Category;
    let mut other = 0;
    for (key, n) in &counts {
        match Category::from_key(key) {
            Some(c) if c != Category::Other => {}
            _ => other += n,
        }
    }
    let categories = Category::ALL
        .iter()
        .map(|c| CategoryCount {
            category: c.key().to_owned(),
            label: c.label().to_owned(),
            count: if *c == Category::Other {
                other
            } else {
                counts.get(c.key()).copied().unwrap_or(0)
            },
        })
        .collect();
    Ok(RecordOverview {
        total: counts.values().sum(),
        categories,
    })
}
