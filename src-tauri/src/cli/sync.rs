//! `ownchart sync`: the app's sync engine driven from a terminal. Progress goes
//! to stderr (one line per category as it changes state, and per page with
//! `--verbose`), the per-category results to stdout (`--json`: the reports in
//! seed 002's errorData shape).

use std::sync::{Arc, Mutex};

use ownchart_core::connect::{ConnectConfig, Connector};
use ownchart_core::session::Session;
use ownchart_core::sync::{
    CategoryState, SyncConfig, SyncEngine, SyncEvent, SyncOutcome, SyncReport, SyncRequest,
};

use crate::error::IpcError;

/// What the command line may change of a run.
pub struct SyncArgs {
    pub request: SyncRequest,
    pub concurrency: Option<usize>,
    pub page_size: Option<u32>,
}

pub fn sync(session: Session, args: SyncArgs) -> Result<Vec<SyncReport>, IpcError> {
    let rt = super::connect::runtime()?;
    let vault = Arc::new(Mutex::new(session));
    let connector = Connector::new(
        ConnectConfig::default(),
        vault.clone(),
        Arc::new(|_: &url::Url| Err("no browser needed".to_owned())),
        Arc::new(|_: &ownchart_core::connect::LoginFinished| {}),
    )?;
    let defaults = SyncConfig::default();
    let config = SyncConfig {
        concurrency: args.concurrency.unwrap_or(defaults.concurrency),
        page_size: args.page_size.unwrap_or(defaults.page_size),
        ..defaults
    };
    let engine = SyncEngine::new(config, connector, vault, Arc::new(progress_line))?;
    Ok(rt.block_on(engine.run(args.request))?)
}

fn progress_line(event: &SyncEvent) {
    match event {
        SyncEvent::Started { run, .. } => eprintln!(
            "{} {} (run {})",
            if run.resumed {
                "Resuming"
            } else {
                "Downloading from"
            },
            run.portal_name,
            run.run_id
        ),
        SyncEvent::Progress { category, .. } => {
            let state = match category.state {
                CategoryState::Running if category.pages == 0 => "started",
                CategoryState::Running => return,
                CategoryState::Complete => "done",
                CategoryState::Partial => "partly done",
                CategoryState::Failed => "failed",
                CategoryState::Skipped => "skipped",
                CategoryState::Cancelled => "cancelled",
                CategoryState::Waiting => return,
            };
            eprintln!(
                "  {:<28} {:<12} {:>7} records {:>5} pages",
                category.label, state, category.resources, category.pages
            );
        }
        SyncEvent::Finished { report } => eprintln!("Finished: {}", outcome_text(report.outcome)),
    }
}

pub fn outcome_text(o: SyncOutcome) -> &'static str {
    match o {
        SyncOutcome::Complete => "complete",
        SyncOutcome::Partial => "partly downloaded (see the errors)",
        SyncOutcome::ReconnectNeeded => "reconnect needed",
        SyncOutcome::Cancelled => "cancelled",
        SyncOutcome::Failed => "failed",
    }
}

pub fn describe(reports: &[SyncReport]) -> String {
    let mut s = String::new();
    for r in reports {
        s += &format!("{} — {}\n", r.portal_name, outcome_text(r.outcome));
        for c in &r.categories {
            s += &format!(
                "  {:<28} {:>7} records ({} new, {} updated, {} unchanged{})\n",
                c.label,
                c.resources,
                c.added,
                c.updated,
                c.unchanged,
                if c.set_aside > 0 {
                    format!(", {} set aside", c.set_aside)
                } else {
                    String::new()
                }
            );
            if let Some(note) = &c.note {
                s += &format!("      {note}\n");
            }
        }
    }
    s.trim_end().to_owned()
}
