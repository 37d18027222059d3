//! Starting and stopping: a background portal for synchronous callers, 127.0.0.1 only,
//! stopping on drop, and refusing bad configurations.

use std::net::TcpStream;

use ownchart_portal::{PortalConfig, PortalError, PortalUser, RunningPortal};

#[test]
fn a_background_portal_listens_on_loopback_and_stops_when_dropped() {
    let portal = RunningPortal::start_background(PortalConfig::with_users(vec![PortalUser::new(
        "demo", "demo", 1, 30,
    )]))
    .unwrap();
    let port = portal.port();
    assert_eq!(portal.origin(), format!("http://127.0.0.1:{port}"));
    assert_eq!(
        portal.fhir_base_r4(),
        format!("http://127.0.0.1:{port}/fhir/r4")
    );
    assert_eq!(
        portal.fhir_base_dstu2(),
        format!("http://127.0.0.1:{port}/fhir/dstu2")
    );
    assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
    portal.shutdown();
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn the_default_configuration_is_the_demo() {
    let c = PortalConfig::default();
    assert_eq!(c.users.len(), 1);
    assert_eq!(
        (
            c.users[0].username.as_str(),
            c.users[0].password.as_str(),
            c.users[0].seed
        ),
        ("demo", "demo", 1)
    );
    assert!(c.users[0].resources >= 300);
    assert_eq!(c.clients[0].client_id, "ownchart");
    assert_eq!(
        c.clients[0].redirect_uris,
        [
            "ownchart://callback",
            "http://127.0.0.1/callback",
            "http://[::1]/callback",
            "https://ownchart.app/oauth/callback"
        ]
    );
    assert_eq!(c.lifetimes.access_token.as_secs(), 3600);
    assert_eq!(c.lifetimes.refresh_token.as_secs(), 90 * 86_400);
    assert_eq!(c.lifetimes.authorization_code.as_secs(), 60);
    assert!(c.include_patient_in_client_credentials && !c.grant_fewer_scopes);
    assert!(!format!("{c:?}").contains("password: \"demo\""));
}

#[test]
fn bad_configurations_and_busy_ports_are_refused() {
    let twins = PortalConfig::with_users(vec![
        PortalUser::new("a", "x", 1, 5),
        PortalUser::new("b", "y", 1, 5),
    ]);
    assert!(matches!(
        RunningPortal::start_background(twins),
        Err(PortalError::Config(_))
    ));
    let nobody = PortalConfig::with_users(vec![]);
    assert!(matches!(
        RunningPortal::start_background(nobody),
        Err(PortalError::Config(_))
    ));
    let first = RunningPortal::start_background(PortalConfig::with_users(vec![PortalUser::new(
        "a", "x", 1, 5,
    )]))
    .unwrap();
    let clash = PortalConfig {
        port: Some(first.port()),
        ..PortalConfig::with_users(vec![PortalUser::new("a", "x", 1, 5)])
    };
    assert!(matches!(
        RunningPortal::start_background(clash),
        Err(PortalError::Bind { .. })
    ));
}
