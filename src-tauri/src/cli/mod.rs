//! The `ownchart` command line. With no subcommand it starts the desktop app; the
//! headless subcommands drive the same core functions as the app, for scripting,
//! portable use and tests. `--json` makes every subcommand's output (including
//! errors) machine-readable; any failure exits non-zero.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use ownchart_core::connect::ConnectionView;
use ownchart_core::directory::DirectorySearchResult;
use ownchart_core::import::{ImportOptions, ImportReport};
use ownchart_core::overview::{ProtectionMode, RecordOverview, VaultState, VaultStatus};
use ownchart_core::session::{default_data_dir, Session, SessionConfig};
use ownchart_vault::Passphrase;
use serde::Serialize;
use zeroize::Zeroize;

use crate::error::IpcError;

mod connect;
mod share;
mod erase;
mod export;
mod ledger;
mod sync;

#[derive(Debug, Parser)]
#[command(
    name = "ownchart",
    version,
    about = "Your medical records, on your own computer."
)]
pub struct Cli {
    /// The folder holding the vault (default: the platform's per-user data folder).
    #[arg(long, env = "OWNCHART_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// A link handed over by the operating system (ownchart://...).
    #[arg(hide = true)]
    pub link: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new vault (keyring-protected unless --passphrase-stdin is given).
    Init(Common),
    /// Import FHIR R4 Bundle JSON or NDJSON files into the vault, or restore an
    /// Ownchart export (.zip, or .zip.age with --passphrase-file).
    Import {
        #[command(flatten)]
        common: Common,
        /// The files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// A file whose first line is the passphrase of an encrypted export.
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Export the complete record: a zip of FHIR NDJSON per type (every stored
    /// version), one FHIR Bundle, attachments and a manifest; encrypted as an
    /// age file (`age -d` opens it) unless --plaintext is given.
    Export {
        #[command(flatten)]
        common: Common,
        /// The file to write (it is written whole, or not at all).
        #[arg(long)]
        out: PathBuf,
        /// A file whose first line is the passphrase to encrypt the export with.
        #[arg(long, conflicts_with = "plaintext")]
        passphrase_file: Option<PathBuf>,
        /// Write an unencrypted zip: anyone who gets the file can read it.
        #[arg(long)]
        plaintext: bool,
    },
    /// The audit & disclosure log: show it, verify its hash chain (exit 1 when
    /// broken), or save it as CSV or JSON. Works after an erase too.
    Ledger {
        #[command(flatten)]
        common: Common,
        #[command(subcommand)]
        action: Option<LedgerAction>,
    },
    /// Delete everything: revoke every portal connection, delete the vault, its
    /// key, caches and unfinished exports. The audit log is kept.
    Erase {
        #[command(flatten)]
        common: Common,
        /// Confirm: without it nothing is deleted.
        #[arg(long)]
        yes: bool,
    },
    /// Show the vault's state, protection mode and records counted by category.
    Status(Common),
    /// Connect a patient portal: sign in at the portal in your browser; Ownchart
    /// finishes when the portal sends the browser back (loopback on 127.0.0.1).
    Connect {
        #[command(flatten)]
        common: Common,
        /// A directory id (see `ownchart directory`) or a FHIR base URL (https://...).
        target: String,
        /// The client id, for portals where you registered your own copy of Ownchart.
        #[arg(long)]
        client_id: Option<String>,
        /// Give up after this many seconds without an answer from the browser.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// List portal connections with their status.
    Connections(Common),
    /// Download records from connected portals (all, or one with --connection).
    /// Exits 0 when everything asked for was downloaded, 3 when only part of it
    /// was, 1 on failure. Resumes a run an earlier process did not finish.
    Sync {
        #[command(flatten)]
        common: Common,
        /// Only this connection (see `ownchart connections`).
        #[arg(long)]
        connection: Option<String>,
        /// Only these categories, comma-separated (`labs,vitals,coverage` or
        /// seed names such as `Labs,ExplanationOfBenefit`).
        #[arg(long, value_delimiter = ',')]
        types: Vec<String>,
        /// Only records dated on or after this day (YYYY-MM-DD) or instant.
        #[arg(long)]
        from: Option<String>,
        /// Only records dated on or before this day or instant.
        #[arg(long)]
        to: Option<String>,
        /// Leave out records that carry no date.
        #[arg(long)]
        exclude_undated: bool,
        /// Requests in flight at once (default 6).
        #[arg(long)]
        concurrency: Option<usize>,
        /// Records asked for per page (`_count`, default 200).
        #[arg(long)]
        page_size: Option<u32>,
    },
    /// Search the portal directory by name, city, state or zip code.
    Directory {
        #[command(flatten)]
        common: Common,
        /// Words to search for (all must match); empty lists everything.
        query: Vec<String>,
        /// Only insurers (payer) or only care providers (clinical).
        #[arg(long, value_parser = ["clinical", "payer"])]
        kind: Option<String>,
    },
    /// Share records with a clinician: a FHIR document (International Patient
    /// Summary), a printable HTML page and a SMART Health Link (encrypted file,
    /// link and QR code), written into a new folder inside --out. The share is
    /// recorded in the disclosure log before the files are put in place.
    Share(share::ShareArgs),
}

#[derive(Debug, Subcommand)]
pub enum LedgerAction {
    /// Every entry, oldest first (the default).
    Show,
    /// Walk the hash chain; exit 1 when it is broken.
    Verify,
    /// Save the log with its hashes.
    Export {
        #[arg(long, value_parser = ["csv", "json"], default_value = "csv")]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct Common {
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    pub json: bool,
    /// Read the vault passphrase from the first line of standard input.
    #[arg(long, global = true)]
    pub passphrase_stdin: bool,
}

pub fn data_dir(cli: &Cli) -> Result<PathBuf, IpcError> {
    cli.data_dir
        .clone()
        .or_else(default_data_dir)
        .ok_or_else(|| {
            IpcError::new(
                "io",
                "No data folder could be found; pass --data-dir or set OWNCHART_DATA_DIR.",
            )
        })
}

/// Runs a headless subcommand and returns the process exit code.
pub fn run(cli: &Cli, command: &Command) -> ExitCode {
    let common = match command {
        Command::Init(c)
        | Command::Status(c)
        | Command::Connections(c)
        | Command::Import { common: c, .. }
        | Command::Export { common: c, .. }
        | Command::Ledger { common: c, .. }
        | Command::Erase { common: c, .. }
        | Command::Connect { common: c, .. }
        | Command::Sync { common: c, .. }
        | Command::Directory { common: c, .. }
        | Command::Share(share::ShareArgs { common: c, .. }) => c,
    };
    match execute(cli, command, common) {
        Ok(output) => {
            print(common.json, &output);
            match &output {
                Output::Sync(reports) => sync_exit_code(reports),
                Output::LedgerStatus(s) if !s.intact => ExitCode::FAILURE,
                _ => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            if common.json {
                print(true, &Output::Error { error: e.clone() });
            }
            eprintln!("ownchart: {}", e.message);
            ExitCode::FAILURE
        }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum Output {
    Status {
        #[serde(flatten)]
        status: VaultStatus,
        #[serde(skip_serializing_if = "Option::is_none")]
        overview: Option<RecordOverview>,
    },
    Import(ImportReport),
    Connection(ConnectionView),
    Connections(Vec<ConnectionView>),
    Directory(DirectorySearchResult),
    Sync(Vec<ownchart_core::sync::SyncReport>),
    Share(share::ShareOutput),
    Export(ownchart_core::export::ExportReport),
    Erase(ownchart_core::erase::EraseReport),
    LedgerEntries(Vec<ownchart_core::audit::LedgerEntryView>),
    LedgerStatus(ownchart_core::audit::LedgerStatus),
    LedgerSaved {
        saved: String,
    },
    Error {
        error: IpcError,
    },
}

fn execute(cli: &Cli, command: &Command, common: &Common) -> Result<Output, IpcError> {
    let passphrase = if common.passphrase_stdin {
        Some(read_passphrase()?)
    } else {
        None
    };
    let mut session = Session::start(SessionConfig::new(data_dir(cli)?))?;
    match command {
        Command::Init(_) => {
            let mode = if passphrase.is_some() {
                ProtectionMode::Passphrase
            } else {
                ProtectionMode::Keyring
            };
            let status = session.create(mode, passphrase)?;
            Ok(Output::Status {
                status,
                overview: None,
            })
        }
        Command::Status(_) => {
            if passphrase.is_some() {
                session.unlock(passphrase)?;
            }
            let status = session.status()?;
            let overview = match status.state {
                VaultState::Unlocked { .. } => Some(session.overview()?),
                _ => None,
            };
            Ok(Output::Status { status, overview })
        }
        Command::Import {
            files,
            passphrase_file,
            ..
        } => {
            unlock_for_work(&mut session, passphrase)?;
            let options = ImportOptions {
                passphrase: passphrase_file
                    .as_deref()
                    .map(export::read_passphrase_file)
                    .transpose()?,
                ..ImportOptions::default()
            };
            let mut last_file = u32::MAX;
            let mut progress = |p: &ownchart_core::import::ImportProgress| {
                let checking = p.phase == ownchart_core::import::ImportPhase::Checking;
                if !common.json && checking && p.file_index != last_file {
                    last_file = p.file_index;
                    eprintln!("[{}/{}] {}", p.file_index + 1, p.files_total, p.file);
                }
            };
            let report = session.import(files, &options, &mut progress)?;
            Ok(Output::Import(report))
        }
        Command::Export {
            out,
            passphrase_file,
            plaintext,
            ..
        } => {
            unlock_for_work(&mut session, passphrase)?;
            Ok(Output::Export(export::export(
                &mut session,
                out,
                passphrase_file.as_deref(),
                *plaintext,
                common.json,
            )?))
        }
        Command::Ledger { action, .. } => {
            ledger::open(&mut session, passphrase)?;
            match action {
                None | Some(LedgerAction::Show) => {
                    Ok(Output::LedgerEntries(ledger::show(&session)?))
                }
                Some(LedgerAction::Verify) => Ok(Output::LedgerStatus(ledger::verify(&session)?)),
                Some(LedgerAction::Export { format, out }) => {
                    ledger::export(&session, format, out)?;
                    Ok(Output::LedgerSaved {
                        saved: out.display().to_string(),
                    })
                }
            }
        }
        Command::Erase { yes, .. } => {
            if *yes {
                unlock_for_work(&mut session, passphrase)?;
            }
            Ok(Output::Erase(erase::erase(session, *yes)?))
        }
        Command::Connect {
            target,
            client_id,
            timeout,
            ..
        } => {
            unlock_for_work(&mut session, passphrase)?;
            let dir = session.data_dir().to_owned();
            let view = connect::connect(session, &dir, target, client_id.clone(), *timeout)?;
            Ok(Output::Connection(view))
        }
        Command::Connections(_) => {
            unlock_for_work(&mut session, passphrase)?;
            Ok(Output::Connections(connect::list(session)?))
        }
        Command::Sync {
            connection,
            types,
            from,
            to,
            exclude_undated,
            concurrency,
            page_size,
            ..
        } => {
            unlock_for_work(&mut session, passphrase)?;
            let request = ownchart_core::sync::SyncRequest {
                connection_id: connection.clone(),
                categories: (!types.is_empty()).then(|| types.clone()),
                from_time: from.clone(),
                to_time: to.clone(),
                exclude_undated_entries: *exclude_undated,
            };
            Ok(Output::Sync(sync::sync(
                session,
                sync::SyncArgs {
                    request,
                    concurrency: *concurrency,
                    page_size: *page_size,
                },
            )?))
        }
        Command::Share(args) => {
            unlock_for_work(&mut session, passphrase)?;
            Ok(Output::Share(share::share(&mut session, args)?))
        }
        Command::Directory { query, kind, .. } => {
            let dir = session.data_dir().to_owned();
            Ok(Output::Directory(connect::search(
                &dir,
                query,
                kind.as_deref(),
            )?))
        }
    }
}

fn unlock_for_work(session: &mut Session, passphrase: Option<Passphrase>) -> Result<(), IpcError> {
    match session.status()?.state {
        VaultState::Unlocked { .. } => Ok(()),
        VaultState::NotCreated { .. } => Err(IpcError::new(
            "vault_not_found",
            "There is no vault in this data folder yet: start Ownchart, or run `ownchart init`.",
        )),
        VaultState::Locked { .. } => {
            session.unlock(passphrase)?;
            Ok(())
        }
        VaultState::KeyUnavailable { reason, .. } => Err(IpcError::new("key_unavailable", reason)),
    }
}

fn sync_exit_code(reports: &[ownchart_core::sync::SyncReport]) -> ExitCode {
    use ownchart_core::sync::SyncOutcome;
    if reports.iter().all(|r| r.outcome == SyncOutcome::Complete) {
        ExitCode::SUCCESS
    } else if reports.iter().any(|r| r.outcome == SyncOutcome::Partial) {
        ExitCode::from(3)
    } else {
        ExitCode::FAILURE
    }
}

fn read_passphrase() -> Result<Passphrase, IpcError> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| IpcError::new("io", format!("Could not read the passphrase: {e}")))?;
    let trimmed = line.trim_end_matches(['\r', '\n']).to_owned();
    line.zeroize();
    if trimmed.is_empty() {
        return Err(IpcError::new(
            "passphrase_required",
            "An empty passphrase was given on standard input.",
        ));
    }
    Ok(Passphrase::new(trimmed))
}

fn print(json: bool, output: &Output) {
    let mut out = std::io::stdout().lock();
    let _ = if json {
        serde_json::to_writer(&mut out, output).map_err(std::io::Error::other)
    } else {
        write!(out, "{}", human(output))
    };
    let _ = writeln!(out);
}

fn human(output: &Output) -> String {
    match output {
        Output::Status { status, overview } => {
            let mut s = format!("Data folder: {}\n", status.data_dir);
            s += &match &status.state {
                VaultState::NotCreated { keyring_available } => format!(
                    "Vault: not created yet (OS keyring {})",
                    if *keyring_available {
                        "available"
                    } else {
                        "unavailable"
                    }
                ),
                VaultState::Locked { .. } => "Vault: locked (passphrase)".to_owned(),
                VaultState::KeyUnavailable { reason, .. } => {
                    format!("Vault: key unavailable — {reason}\nNothing was changed.")
                }
                VaultState::Unlocked { protection } => format!(
                    "Vault: unlocked ({})",
                    match protection {
                        ProtectionMode::Keyring => "OS keyring",
                        ProtectionMode::Passphrase => "passphrase",
                    }
                ),
            };
            if let Some(o) = overview {
                s += &format!("\nRecords: {}", o.total);
                for c in &o.categories {
                    s += &format!("\n  {:<28} {:>8}", c.label, c.count);
                }
            }
            s
        }
        Output::Import(r) => {
            let mut s = String::new();
            for f in &r.files {
                s += &format!(
                    "{}: {} resources ({}, {}) — {} added, {} updated, {} unchanged\n",
                    f.file, f.resources, f.format, f.fhir_version, f.added, f.updated, f.unchanged
                );
                if let Some(note) = &f.note {
                    s += &format!("  note: {note}\n");
                }
            }
            s += &format!(
                "Total: {} added, {} updated, {} unchanged",
                r.added, r.updated, r.unchanged
            );
            s
        }
        Output::Connection(c) => connect::describe(c),
        Output::Connections(list) if list.is_empty() => {
            "No portal is connected yet: try `ownchart connect <directory id or FHIR URL>`."
                .to_owned()
        }
        Output::Connections(list) => list
            .iter()
            .map(connect::describe)
            .collect::<Vec<_>>()
            .join("\n"),
        Output::Directory(result) => connect::describe_directory(result),
        Output::Sync(reports) => sync::describe(reports),
        Output::Share(output) => share::describe(output),
        Output::Export(r) => export::describe(r),
        Output::Erase(r) => erase::describe(r),
        Output::LedgerEntries(entries) => ledger::describe_entries(entries),
        Output::LedgerStatus(s) => ledger::describe_status(s),
        Output::LedgerSaved { saved } => format!("Audit log saved to {saved}"),
        Output::Error { error } => error.message.clone(),
    }
}
