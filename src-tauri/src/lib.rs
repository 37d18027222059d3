//! The Tauri shell: it builds the app (plugins, state, commands) and nothing else.
//! All domain logic lives in the `ownchart-core`, `-vault` and `-fhir` crates.

mod cli;
pub mod commands;
pub mod deep_link;
pub mod error;
mod navigation;
mod state;

use std::process::ExitCode;

use clap::Parser;
use ownchart_core::session::{Session, SessionConfig};
use tauri::Manager;
use tauri_plugin_deep_link::DeepLinkExt;

use crate::error::IpcError;
use crate::state::AppState;

/// The process entry point: a headless subcommand, or the desktop app.
pub fn main_entry() -> ExitCode {
    let cli = cli::Cli::parse();
    if let Some(command) = &cli.command {
        return cli::run(&cli, command);
    }
    // The only bare argument the app takes is a link the OS hands over; anything
    // else is a mistyped subcommand, not a reason to open a window.
    if let Some(arg) = cli.link.as_deref().filter(|a| !a.starts_with("ownchart:")) {
        eprintln!("ownchart: unknown command '{arg}' (try --help)");
        return ExitCode::from(2);
    }
    match cli::data_dir(&cli) {
        Ok(dir) => run_app(dir),
        Err(e) => {
            eprintln!("ownchart: {}", e.message);
            ExitCode::FAILURE
        }
    }
}

fn run_app(data_dir: std::path::PathBuf) -> ExitCode {
    let result = tauri::Builder::default()
        // Single-instance first: a second launch (e.g. the OS handing over an
        // ownchart:// link) is forwarded to the running app instead of starting.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(navigation::guard())
        .setup(move |app| {
            let session = Session::start(SessionConfig::new(data_dir)).map_err(IpcError::from);
            if let Err(e) = &session {
                eprintln!("ownchart: {}", e.message);
            }
            app.manage(AppState::new(session));
            wire_deep_links(app)?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::vault::vault_status,
            commands::vault::create_vault,
            commands::vault::unlock_vault,
            commands::records::record_overview,
            commands::import::choose_import_files,
            commands::import::import_files,
            commands::audit::ledger_entries,
            commands::audit::verify_ledger,
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ownchart: the window could not start: {e}");
            ExitCode::FAILURE
        }
    }
}

fn wire_deep_links(app: &mut tauri::App) -> tauri::Result<()> {
    let links = app.deep_link();
    // Installed packages register the scheme themselves; development builds on
    // Linux and Windows have no installer, so they register at start-up.
    #[cfg(all(debug_assertions, any(target_os = "linux", windows)))]
    if let Err(e) = links.register_all() {
        eprintln!("ownchart: could not register the ownchart:// link handler: {e}");
    }
    // A cold start by a link: the URL is in argv.
    if let Ok(Some(urls)) = links.get_current() {
        urls.iter().for_each(deep_link::handle);
    }
    links.on_open_url(|event| event.urls().iter().for_each(deep_link::handle));
    Ok(())
}
