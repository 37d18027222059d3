//! The Tauri shell: it builds the app (plugins, state, commands) and nothing else.
//! All domain logic lives in the `ownchart-core`, `-vault` and `-fhir` crates.

mod browser;
mod cli;
pub mod commands;
pub mod deep_link;
mod demo_portal;
pub mod error;
mod ipc_log;
mod navigation;
mod state;

use std::process::ExitCode;

use clap::Parser;
use ownchart_core::session::{Session, SessionConfig};
use std::path::Path;
use std::sync::{Arc, Mutex};

use ownchart_core::connect::{ConnectConfig, Connector, RedirectKind};
use ownchart_core::directory::Directory;
use ownchart_core::sync::{SyncConfig, SyncEngine, SyncRequest};
use tauri::{Emitter, Manager};
use tauri_plugin_deep_link::DeepLinkExt;

use crate::error::IpcError;
use crate::state::{AppState, Services};

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
    let context = tauri::generate_context!();
    #[cfg(debug_assertions)]
    if std::env::var("OWNCHART_EMPTY_PAGE").is_ok_and(|v| v == "1") {
        return run_empty_page(context);
    }
    let commands = command_list(tauri::generate_handler![
        commands::vault::vault_status,
        commands::vault::create_vault,
        commands::vault::unlock_vault,
        commands::records::record_overview,
        commands::records::records_timeline,
        commands::records::records_category,
        commands::records::records_sources,
        commands::records::record_detail,
        commands::records::record_version_json,
        commands::records::record_attachment,
        commands::records::record_attachment_save,
        commands::records::records_series,
        commands::records::records_chart,
        commands::records::records_dashboard,
        commands::records::open_external_link,
        commands::import::choose_import_files,
        commands::import::import_files,
        commands::audit::ledger_entries,
        commands::audit::verify_ledger,
        commands::audit::ledger_unlock,
        commands::audit::ledger_export,
        commands::export::export_choose_path,
        commands::export::export_start,
        commands::erase::erase_everything,
        commands::directory::directory_search,
        commands::directory::directory_sources,
        commands::directory::directory_add_source,
        commands::directory::directory_remove_source,
        commands::connect::connect_start,
        commands::connect::connect_cancel,
        commands::connect::connect_api_credentials,
        commands::connect::connections_list,
        commands::connect::connection_reconnect,
        commands::connect::connection_disconnect,
        commands::sync::sync_start,
        commands::sync::sync_cancel,
        commands::sync::sync_active,
        commands::sync::sync_history,
        commands::sync::sync_schedule,
        commands::sync::sync_set_schedule,
        commands::share::share_preview,
        commands::share::share_choose_dir,
        commands::share::share_create,
        commands::share::share_open_summary,
        commands::about::about_info,
        commands::integrator::integrator_account,
        commands::integrator::integrator_save_account,
        commands::integrator::integrator_remove_account,
        commands::integrator::integrator_choose_certificate,
        commands::integrator::integrator_directory_search,
        commands::integrator::integrator_connect_start,
    ]);
    // Tests name a file in OWNCHART_IPC_LOG to see which commands the webview
    // called (names only); without it the handler is the plain command list.
    let ipc_log = ipc_log::IpcLog::from_env();
    let result = tauri::Builder::default()
        // Single-instance first: a second launch (e.g. the OS handing over an
        // ownchart:// link) is forwarded to the running app instead of starting.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            // The deep-link plugin (single-instance's `deep-link` feature) has
            // already passed any ownchart:// URL in argv to `on_open_url`.
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
            let session =
                Session::start(SessionConfig::new(data_dir.clone())).map_err(IpcError::from);
            if let Err(e) = &session {
                eprintln!("ownchart: {}", e.message);
            }
            let state = AppState::new(session);
            app.manage(state.clone());
            app.manage(commands::share::WrittenShares::default());
            let services = build_services(app.handle(), &data_dir, state)?;
            let connector = services.connector.clone();
            background_sync(services.sync.clone());
            app.manage(services);
            wire_deep_links(app, connector)?;
            Ok(())
        })
        .invoke_handler(move |invoke| {
            if let Some(log) = &ipc_log {
                log.record(invoke.message.command());
            }
            commands(invoke)
        })
        .run(context);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ownchart: the window could not start: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Names the type of the generated command handler, so it can be wrapped.
fn command_list<F>(handler: F) -> F
where
    F: Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static,
{
    handler
}

/// Debug builds only: the same binary showing an empty page of its own origin
/// (`ui/public/empty.html`, served like the app's pages) in a bare window (no
/// vault, no services, no plugins): the baseline the idle-memory benchmark
/// compares the app with. (`about:blank` would not do: WebKit shows it without
/// starting a web process at all.)
#[cfg(debug_assertions)]
fn run_empty_page(mut context: tauri::Context<tauri::Wry>) -> ExitCode {
    for window in &mut context.config_mut().app.windows {
        window.url = tauri::WebviewUrl::App("empty.html".into());
    }
    match tauri::Builder::default().run(context) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ownchart: the window could not start: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The connector, the directory and the built-in demo portal.
fn build_services(
    app: &tauri::AppHandle,
    data_dir: &Path,
    state: AppState,
) -> Result<Services, Box<dyn std::error::Error>> {
    let demo = demo_portal::start();
    let mut directory = Directory::open(&data_dir.join("directory"))?;
    if let Some(portal) = &demo {
        directory.set_demo_base(&url::Url::parse(&portal.fhir_base_r4())?)?;
    }
    let events = app.clone();
    let connector = Connector::new(
        ConnectConfig::default(),
        Arc::new(state.clone()),
        Arc::new(browser::open),
        Arc::new(move |finished| {
            if let Some(window) = events.get_webview_window("main") {
                let _ = window.set_focus();
            }
            let _ = events.emit("login-finished", finished);
        }),
    )
    .map_err(IpcError::from)?;
    let events = app.clone();
    let sync = SyncEngine::new(
        SyncConfig::default(),
        connector.clone(),
        Arc::new(state),
        Arc::new(move |event| {
            let _ = events.emit("sync-progress", event);
        }),
    )
    .map_err(IpcError::from)?;
    Ok(Services {
        connector,
        sync,
        directory: Arc::new(Mutex::new(directory)),
        demo,
    })
}

/// Finishes the runs an earlier process left unfinished (the app was closed or
/// killed mid-sync), then runs the optional schedule: every connection synced
/// when the newest run is older than the chosen number of days.
fn background_sync(sync: Arc<SyncEngine>) {
    tauri::async_runtime::spawn(async move {
        // Only when the vault is open (a passphrase vault resumes after unlock).
        let _ = sync.resume_unfinished();
        loop {
            if sync.active_runs().is_empty() && sync.scheduled_sync_due().unwrap_or(false) {
                let _ = sync.start(SyncRequest::default());
            }
            tokio::time::sleep(std::time::Duration::from_secs(15 * 60)).await;
        }
    });
}

/// How portals send the browser back: the `ownchart://` deep link, unless
/// `OWNCHART_LOGIN_REDIRECT=loopback` asks for the RFC 8252 loopback listener
/// (for systems where the link handler cannot be registered, and for tests).
pub(crate) fn login_redirect() -> RedirectKind {
    match std::env::var("OWNCHART_LOGIN_REDIRECT").as_deref() {
        Ok("loopback") => RedirectKind::Loopback,
        _ => RedirectKind::DeepLink,
    }
}

fn wire_deep_links(app: &mut tauri::App, connector: Arc<Connector>) -> tauri::Result<()> {
    let links = app.deep_link();
    // Installed packages register the scheme themselves: the .deb's desktop entry
    // (MimeType), the NSIS/MSI installers' registry keys, the macOS bundle's
    // Info.plist. Only a copy that no installer set up registers at start-up.
    #[cfg(any(target_os = "linux", windows))]
    if needs_runtime_registration(app, links) {
        if let Err(e) = links.register_all() {
            eprintln!("ownchart: could not register the ownchart:// link handler: {e}");
        }
    }
    // A cold start by a link: the URL is in argv.
    if let Ok(Some(urls)) = links.get_current() {
        urls.iter().for_each(|u| deep_link::handle(&connector, u));
    }
    links.on_open_url(move |event| {
        event
            .urls()
            .iter()
            .for_each(|u| deep_link::handle(&connector, u))
    });
    Ok(())
}

/// Development builds and an AppImage (which has no installer) register the
/// scheme at start-up; a release installed from the .deb never rewrites what its
/// package set up.
#[cfg(target_os = "linux")]
fn needs_runtime_registration(
    app: &tauri::App,
    _links: &tauri_plugin_deep_link::DeepLink<tauri::Wry>,
) -> bool {
    cfg!(debug_assertions) || app.env().appimage.is_some()
}

/// Development builds register the scheme at start-up, and so does a release no
/// installer registered (a portable copy); an installed one finds the installer's
/// registry keys pointing at itself and leaves them alone.
#[cfg(windows)]
fn needs_runtime_registration(
    _app: &tauri::App,
    links: &tauri_plugin_deep_link::DeepLink<tauri::Wry>,
) -> bool {
    cfg!(debug_assertions) || !links.is_registered("ownchart").unwrap_or(false)
}
