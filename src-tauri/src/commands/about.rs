//! The About screen: the app's version and build, where its data lives, how the
//! vault is protected, and the third-party license notices. The notices are
//! generated at build time by `src-tauri/build.rs` from the dependency trees that
//! went into this binary (Rust crates for this target, the UI's npm packages) and
//! embedded, so the screen works offline and cannot list what was not built in.

use ownchart_core::overview::{ProtectionMode, VaultState};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::error::{IpcError, IpcResult};
use crate::state::AppState;

/// Written by `src-tauri/build.rs`.
const NOTICES_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/third_party_licenses.json"));

/// Whether this binary is a development build (its own data folder and keyring
/// entry) or a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BuildKind {
    Debug,
    Release,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AboutInfo {
    pub version: String,
    pub build: BuildKind,
    /// Ownchart's own license (SPDX).
    pub license: String,
    pub data_dir: String,
    /// How the vault key is protected; `null` before a vault exists.
    pub protection: Option<ProtectionMode>,
    pub notices: LicenseNotices,
}

/// Every third-party package built into the app, and the license texts they carry.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LicenseNotices {
    /// Sorted by name.
    pub packages: Vec<NoticePackage>,
    /// Each distinct text once; packages refer to them by index.
    pub texts: Vec<LicenseText>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Ecosystem {
    /// A Rust crate linked into the binary.
    Rust,
    /// An npm package bundled into the web UI.
    Npm,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NoticePackage {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: String,
    /// The SPDX expression the package declares, if it declares one.
    pub license: Option<String>,
    pub repository: Option<String>,
    /// Indexes into [`LicenseNotices::texts`].
    pub texts: Vec<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LicenseText {
    /// The file the text came from, e.g. `LICENSE-MIT`.
    pub file: String,
    pub text: String,
}

/// The notices embedded at build time.
pub fn license_notices() -> IpcResult<LicenseNotices> {
    serde_json::from_str(NOTICES_JSON).map_err(|e| {
        IpcError::internal(format!(
            "The license notices in this build are unreadable: {e}"
        ))
    })
}

#[tauri::command]
pub async fn about_info(state: State<'_, AppState>) -> IpcResult<AboutInfo> {
    let status = state.with(|s| Ok(s.status()?))?;
    let protection = match status.state {
        VaultState::NotCreated { .. } => None,
        VaultState::Locked { protection }
        | VaultState::KeyUnavailable { protection, .. }
        | VaultState::Unlocked { protection } => Some(protection),
    };
    Ok(AboutInfo {
        version: status.app_version,
        build: if cfg!(debug_assertions) {
            BuildKind::Debug
        } else {
            BuildKind::Release
        },
        license: env!("CARGO_PKG_LICENSE").to_owned(),
        data_dir: status.data_dir,
        protection,
        notices: license_notices()?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn find<'a>(n: &'a LicenseNotices, eco: Ecosystem, name: &str) -> &'a NoticePackage {
        n.packages
            .iter()
            .find(|p| p.ecosystem == eco && p.name == name)
            .unwrap_or_else(|| panic!("{name} is missing from the notices"))
    }

    fn texts<'a>(n: &'a LicenseNotices, p: &NoticePackage) -> Vec<&'a str> {
        p.texts
            .iter()
            .map(|i| n.texts[*i as usize].text.as_str())
            .collect()
    }

    #[test]
    fn the_notices_name_the_main_dependencies_with_their_licenses_and_texts() {
        let n = license_notices().unwrap();
        for (eco, name, spdx) in [
            (Ecosystem::Rust, "tauri", "MIT"),
            (Ecosystem::Rust, "rusqlite", "MIT"),
            (Ecosystem::Rust, "keyring", "MIT"),
            (Ecosystem::Npm, "svelte", "MIT"),
            (Ecosystem::Npm, "@tauri-apps/api", "MIT"),
        ] {
            let p = find(&n, eco, name);
            assert!(
                p.license.as_deref().is_some_and(|l| l.contains(spdx)),
                "{name}: {:?}",
                p.license
            );
            assert!(!p.version.is_empty());
            let texts = texts(&n, p);
            assert!(
                texts
                    .iter()
                    .any(|t| t.contains("Permission is hereby granted")),
                "{name} has no MIT text among {} texts",
                texts.len()
            );
        }
        let tauri = find(&n, Ecosystem::Rust, "tauri");
        assert!(texts(&n, tauri)
            .iter()
            .any(|t| t.contains("Apache License")));
        assert!(tauri
            .repository
            .as_deref()
            .is_some_and(|r| r.contains("github.com/tauri-apps/tauri")));
    }

    #[test]
    fn bundled_c_libraries_bring_their_own_license() {
        let n = license_notices().unwrap();
        // SQLCipher's BSD-style license travels one folder down in libsqlite3-sys.
        let sys = find(&n, Ecosystem::Rust, "libsqlite3-sys");
        assert!(texts(&n, sys).iter().any(|t| t.contains("Zetetic")));
    }

    #[test]
    fn only_third_party_packages_of_this_target_are_listed() {
        let n = license_notices().unwrap();
        assert!(n.packages.len() > 300, "{} packages", n.packages.len());
        assert!(n.packages.iter().all(|p| !p.name.starts_with("ownchart")));
        // Build tools and test-only crates do not ship.
        for absent in [
            "tauri-build",
            "cc",
            "pkg-config",
            "fantoccini",
            "vite",
            "eslint",
        ] {
            assert!(
                n.packages.iter().all(|p| p.name != absent),
                "{absent} is listed"
            );
        }
        #[cfg(target_os = "linux")]
        for other_platform in ["webview2-com", "security-framework", "openssl-src"] {
            assert!(n.packages.iter().all(|p| p.name != other_platform));
        }
    }

    #[test]
    fn every_text_is_distinct_bounded_and_referenced() {
        let n = license_notices().unwrap();
        let mut seen = std::collections::HashSet::new();
        for t in &n.texts {
            assert!(seen.insert(t.text.as_str()), "{} twice", t.file);
            assert!(!t.text.is_empty() && t.text.len() <= 64 * 1024);
        }
        let mut used = vec![false; n.texts.len()];
        for p in &n.packages {
            for i in &p.texts {
                used[*i as usize] = true;
            }
        }
        assert!(used.iter().all(|u| *u));
    }
}
