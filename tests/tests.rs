//! Ownchart's integration and end-to-end tests. They drive the real `ownchart`
//! binary (headless subcommands, and the desktop app through WebDriver) against
//! real SQLCipher files and the real OS keyring.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

mod cli;
mod config;
mod connect;
mod connect_cli;
mod crash;
mod directory;
mod e2e;
mod e2e_about;
mod e2e_connect;
mod e2e_export;
mod e2e_integrator;
mod e2e_records;
mod erase;
mod export_cli;
mod fixtures;
mod integrator;
mod no_portal_password;
mod plaintext;
mod records;
mod release_config;
mod share;
mod sync;
mod sync_crash;
