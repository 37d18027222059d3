//! The built-in demo portal: the project's own SMART on FHIR test portal, run
//! in-process on this computer's loopback interface so a new user can try
//! connecting, syncing and everything after it without a real portal account.
//! Its sign-in is `demo` / `demo`. It prefers a fixed port, so connections made
//! to it keep their address across restarts; it forgets its grants when the app
//! quits, and those connections then ask to reconnect, as a real portal's would.

use ownchart_portal::{PortalConfig, RunningPortal};

/// A fixed, unassigned port (falls back to any free one when taken).
const PREFERRED_PORT: u16 = 47_651;

pub fn start() -> Option<RunningPortal> {
    if std::env::var_os("OWNCHART_NO_DEMO_PORTAL").is_some() {
        return None;
    }
    let fixed = PortalConfig {
        port: Some(PREFERRED_PORT),
        ..PortalConfig::default()
    };
    match RunningPortal::start_background(fixed) {
        Ok(p) => Some(p),
        Err(_) => match RunningPortal::start_background(PortalConfig::default()) {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("ownchart: the demo portal could not start: {e}");
                None
            }
        },
    }
}
