//! `ownchart connect`, `ownchart connections` and `ownchart directory`: the same
//! connector the app uses, driven from a terminal. The login finishes through the
//! loopback redirect (a terminal process cannot receive `ownchart://` links; the
//! app can). The sign-in page opens in the system browser (`BROWSER` honoured).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ownchart_core::connect::{
    ConnectConfig, ConnectTarget, ConnectionStatus, ConnectionView, Connector, LoginOutcome,
    PortalTarget, RedirectKind,
};
use ownchart_core::directory::{Directory, DirectoryQuery, DirectorySearchResult, PortalKind};
use ownchart_core::session::Session;

use crate::error::IpcError;

pub(super) fn runtime() -> Result<tokio::runtime::Runtime, IpcError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| IpcError::internal(e.to_string()))
}

fn open_directory(data_dir: &Path) -> Result<Directory, IpcError> {
    Ok(Directory::open(&data_dir.join("directory"))?)
}

pub fn connect(
    session: Session,
    data_dir: &Path,
    target: &str,
    client_id: Option<String>,
    timeout_secs: u64,
) -> Result<ConnectionView, IpcError> {
    let mut directory = open_directory(data_dir)?;
    let target = if target.contains("://") {
        ConnectTarget::FhirBase {
            url: target.to_owned(),
        }
    } else {
        ConnectTarget::Directory {
            id: target.to_owned(),
        }
    };
    let rt = runtime()?;
    // The demo portal lives in this process for as long as the command runs.
    let demo = match &target {
        ConnectTarget::Directory { id } if directory.get(id).is_some_and(|e| e.demo) => {
            let portal = crate::demo_portal::start().ok_or_else(|| {
                IpcError::new("portal_unreachable", "The demo portal could not start.")
            })?;
            let base = url::Url::parse(&portal.fhir_base_r4())
                .map_err(|e| IpcError::internal(e.to_string()))?;
            directory.set_demo_base(&base)?;
            Some(portal)
        }
        _ => None,
    };
    let portal =
        PortalTarget::resolve(&directory, &target).map_err(ownchart_core::CoreError::from)?;
    let (tx, rx) = std::sync::mpsc::channel();
    let connector = Connector::new(
        ConnectConfig {
            login_timeout: Duration::from_secs(timeout_secs.max(1)),
            ..ConnectConfig::default()
        },
        Arc::new(Mutex::new(session)),
        Arc::new(crate::browser::open),
        Arc::new(move |finished| {
            let _ = tx.send(finished.clone());
        }),
    )?;
    let started =
        rt.block_on(connector.start_login(portal, client_id, RedirectKind::Loopback, None))?;
    eprintln!(
        "Sign in to {} in your browser ({}). Waiting up to {} s…",
        started.portal_name, started.authorize_origin, timeout_secs
    );
    let finished = rx
        .recv_timeout(Duration::from_secs(timeout_secs.saturating_add(5)))
        .map_err(|_| {
            IpcError::new(
                "login_timeout",
                "The sign-in took too long and was stopped.",
            )
        })?;
    drop(demo);
    match finished.result {
        LoginOutcome::Connected { connection } => Ok(*connection),
        LoginOutcome::Cancelled => Err(IpcError::new(
            "login_cancelled",
            "The sign-in was cancelled.",
        )),
        LoginOutcome::Failed { code, message } => Err(IpcError::new(&code, message)),
    }
}

pub fn list(session: Session) -> Result<Vec<ConnectionView>, IpcError> {
    let connector = Connector::new(
        ConnectConfig::default(),
        Arc::new(Mutex::new(session)),
        Arc::new(|_: &url::Url| Err("no browser needed".to_owned())),
        Arc::new(|_: &ownchart_core::connect::LoginFinished| {}),
    )?;
    Ok(connector.connections()?)
}

pub fn search(
    data_dir: &Path,
    words: &[String],
    kind: Option<&str>,
) -> Result<DirectorySearchResult, IpcError> {
    let directory = open_directory(data_dir)?;
    Ok(directory.search(&DirectoryQuery {
        text: words.join(" "),
        kind: match kind {
            Some("payer") => Some(PortalKind::Payer),
            Some("clinical") => Some(PortalKind::Clinical),
            _ => None,
        },
        limit: 50,
    }))
}

pub fn describe(c: &ConnectionView) -> String {
    let status = match &c.status {
        ConnectionStatus::Connected => "connected".to_owned(),
        ConnectionStatus::ReconnectNeeded { reason } => format!("reconnect needed — {reason}"),
        ConnectionStatus::Error { reason } => format!("error — {reason}"),
    };
    let mut s = format!("{} [{}]: {} ({})", c.portal_name, c.id, status, c.fhir_base);
    if let Some(name) = &c.patient_name {
        s += &format!("\n  patient: {name}");
    }
    if let Some(expires) = &c.expires_at {
        s += &format!("\n  access until: {expires}");
    }
    s
}

pub fn describe_directory(r: &DirectorySearchResult) -> String {
    let mut s = format!("{} portals match", r.total_matches);
    for e in &r.entries {
        let place = e
            .addresses
            .first()
            .map(|a| {
                [a.city.as_deref(), a.state.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        s += &format!("\n{}  {}  {}  {}", e.id, e.name, place, e.fhir_base);
    }
    s
}
