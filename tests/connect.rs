//! Connecting portals, in process: the real connector against the project's
//! SMART portal on 127.0.0.1:0, a real passphrase-protected vault, and a scripted
//! person who signs in over HTTP. The callback is handed to the connector the way
//! the shell does with a deep link. Covers threat model O-01, O-03, O-04, O-07,
//! O-08, O-09, O-10 and seed 000 (access ends → reconnect, data kept).

use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use ownchart_core::connect::{
    ApiCredentialsInput, ConnectConfig, ConnectionStatus, Connector, LoginFinished, LoginOutcome,
    PortalTarget, RedirectKind, RevocationOutcome,
};
use ownchart_core::overview::ProtectionMode;
use ownchart_core::session::{Session, SessionConfig};
use ownchart_core::CoreError;
use ownchart_portal::{person, Faults, Lifetimes, PortalConfig, RunningPortal};
use ownchart_vault::Passphrase;
use url::Url;

pub(crate) struct World {
    pub(crate) _dir: tempfile::TempDir,
    /// The FHIR base `target()` connects to (the R4 base unless a test changes it).
    pub(crate) base: String,
    pub(crate) session: Arc<Mutex<Session>>,
    pub(crate) connector: Arc<Connector>,
    pub(crate) portal: RunningPortal,
    /// Authorize URLs the "browser" was asked to open.
    pub(crate) opened: mpsc::Receiver<Url>,
    pub(crate) finished: Arc<Mutex<Vec<LoginFinished>>>,
    pub(crate) rt: tokio::runtime::Runtime,
}

pub(crate) fn world_with(config: PortalConfig, connect: ConnectConfig) -> World {
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(SessionConfig {
        data_dir: dir.path().join("data"),
        keyring_service: "org.ownchart.test.unused".into(),
    })
    .unwrap();
    session
        .create(
            ProtectionMode::Passphrase,
            Some(Passphrase::new("a test passphrase".into())),
        )
        .unwrap();
    let session = Arc::new(Mutex::new(session));
    let portal = RunningPortal::start_background(config).unwrap();
    let (tx, opened) = mpsc::channel();
    let tx = Mutex::new(tx);
    let finished = Arc::new(Mutex::new(Vec::new()));
    let log = finished.clone();
    let connector = Connector::new(
        connect,
        session.clone(),
        Arc::new(move |url: &Url| {
            tx.lock().unwrap().send(url.clone()).unwrap();
            Ok(())
        }),
        Arc::new(move |f: &LoginFinished| log.lock().unwrap().push(f.clone())),
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    World {
        base: portal.fhir_base_r4(),
        _dir: dir,
        session,
        connector,
        portal,
        opened,
        finished,
        rt,
    }
}

pub(crate) fn world() -> World {
    world_with(PortalConfig::default(), ConnectConfig::default())
}

impl World {
    pub(crate) fn target(&self) -> PortalTarget {
        PortalTarget {
            name: "Test Portal".into(),
            fhir_base: Url::parse(&self.base).unwrap(),
            directory_id: None,
        }
    }

    /// Starts a deep-link login and returns the authorize URL the browser got.
    pub(crate) fn start(&self) -> Url {
        self.rt
            .block_on(
                self.connector
                    .start_login(self.target(), None, RedirectKind::DeepLink, None),
            )
            .unwrap();
        self.opened.recv_timeout(Duration::from_secs(5)).unwrap()
    }

    pub(crate) fn person(&self, authorize: &Url, password: &str, allow: bool) -> Url {
        self.rt
            .block_on(person::log_in(authorize.as_str(), "demo", password, allow))
            .unwrap()
    }

    pub(crate) fn complete(&self, callback: &Url) -> Result<LoginFinished, CoreError> {
        self.rt.block_on(
            self.connector
                .complete_login(callback, RedirectKind::DeepLink),
        )
    }

    pub(crate) fn connect(&self) -> ownchart_core::connect::ConnectionView {
        let authorize = self.start();
        let callback = self.person(&authorize, "demo", true);
        match self.complete(&callback).unwrap().result {
            LoginOutcome::Connected { connection } => *connection,
            other => panic!("not connected: {other:?}"),
        }
    }

    pub(crate) fn patient_count(&self) -> u64 {
        let s = self.session.lock().unwrap();
        s.overview()
            .unwrap()
            .categories
            .iter()
            .find(|c| c.category == "patient")
            .map(|c| c.count)
            .unwrap_or(0)
    }

    pub(crate) fn ledger_events(&self) -> Vec<String> {
        let s = self.session.lock().unwrap();
        s.ledger_entries()
            .unwrap()
            .into_iter()
            .map(|e| e.event)
            .collect()
    }
}

fn with_query(url: &Url, name: &str, value: &str) -> Url {
    let mut out = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    out.query_pairs_mut()
        .clear()
        .extend_pairs(pairs)
        .append_pair(name, value);
    out
}

#[test]
fn a_login_in_the_system_browser_connects_and_stores_the_patient() {
    let w = world();
    let authorize = w.start();
    // O-01: the browser got the portal's authorize URL with PKCE S256, a fresh
    // state and aud = the FHIR base.
    let q: std::collections::HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["aud"], w.portal.fhir_base_r4());
    assert!(q["state"].len() >= 43, "state has ≥ 256 bits");
    assert!(q["scope"].contains("patient/*.rs"), "{}", q["scope"]);
    assert!(q["scope"].contains("offline_access"));
    let callback = w.person(&authorize, "demo", true);
    let finished = w.complete(&callback).unwrap();
    let LoginOutcome::Connected { connection } = &finished.result else {
        panic!("{finished:?}")
    };
    assert_eq!(connection.status, ConnectionStatus::Connected);
    assert_eq!(
        connection.patient_id.as_deref(),
        w.portal.patient_id("demo").as_deref()
    );
    assert!(connection.expires_at.is_some());
    assert!(!connection.granted_scopes.is_empty());
    assert_eq!(w.patient_count(), 1);
    assert_eq!(
        w.ledger_events().last().map(String::as_str),
        Some("CONNECT")
    );
    assert_eq!(w.finished.lock().unwrap().len(), 1, "the UI is told once");
    assert_eq!(w.connector.connections().unwrap().len(), 1);
    // O-03: the same callback again is refused; nothing more is requested.
    let tokens_before = w.portal.stats().token_requests.authorization_code;
    assert!(matches!(
        w.complete(&callback),
        Err(CoreError::Connect(
            ownchart_core::connect::ConnectError::NoPendingLogin
        ))
    ));
    assert_eq!(
        w.portal.stats().token_requests.authorization_code,
        tokens_before
    );
}

#[test]
fn forged_or_unknown_callbacks_are_rejected_without_side_effects() {
    let w = world();
    let authorize = w.start();
    let real = w.person(&authorize, "demo", true);
    for forged in [
        with_query(
            &real,
            "state",
            "forged-state-value-forged-state-value-12345",
        ),
        Url::parse("ownchart://callback?code=abc").unwrap(),
        Url::parse("ownchart://callback").unwrap(),
    ] {
        assert!(matches!(
            w.complete(&forged),
            Err(CoreError::Connect(
                ownchart_core::connect::ConnectError::NoPendingLogin
            ))
        ));
    }
    // The real login is still pending and still completes (O-05).
    assert_eq!(w.connector.pending_logins(), 1);
    assert_eq!(w.portal.stats().token_requests.authorization_code, 0);
    assert!(w.finished.lock().unwrap().is_empty());
    assert!(matches!(
        w.complete(&real).unwrap().result,
        LoginOutcome::Connected { .. }
    ));
}

#[test]
fn an_injected_code_from_another_login_fails_on_pkce() {
    let w = world();
    // The attacker's own login: a valid code for the same client.
    let attacker_authorize = w.start();
    let attacker_callback = w.person(&attacker_authorize, "demo", true);
    let attacker_code = attacker_callback
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    // The victim's login; the attacker swaps in their code (O-04).
    let victim_authorize = w.start();
    let victim_callback = w.person(&victim_authorize, "demo", true);
    let injected = with_query(&victim_callback, "code", &attacker_code);
    match w.complete(&injected).unwrap().result {
        LoginOutcome::Failed { code, .. } => assert_eq!(code, "login_failed"),
        other => panic!("{other:?}"),
    }
    assert!(w.connector.connections().unwrap().is_empty());
}

#[test]
fn a_wrong_issuer_is_refused_and_a_denial_is_a_cancel() {
    let w = world();
    let authorize = w.start();
    let callback = w.person(&authorize, "demo", true);
    let mixed_up = with_query(&callback, "iss", "https://attacker.example/fhir");
    match w.complete(&mixed_up).unwrap().result {
        LoginOutcome::Failed { code, .. } => assert_eq!(code, "login_rejected"),
        other => panic!("{other:?}"),
    }
    assert_eq!(w.portal.stats().token_requests.authorization_code, 0);

    let authorize = w.start();
    let denied = w.person(&authorize, "demo", false);
    assert_eq!(w.complete(&denied).unwrap().result, LoginOutcome::Cancelled);
    assert!(w.connector.connections().unwrap().is_empty());
}

#[test]
fn a_login_nobody_finishes_times_out_and_its_callback_is_then_refused() {
    let w = world_with(
        PortalConfig::default(),
        ConnectConfig {
            login_timeout: Duration::from_millis(300),
            ..ConnectConfig::default()
        },
    );
    let authorize = w.start();
    let callback = w.person(&authorize, "demo", true);
    std::thread::sleep(Duration::from_millis(800));
    let finished = w.finished.lock().unwrap().clone();
    assert!(matches!(
        &finished[..],
        [LoginFinished { result: LoginOutcome::Failed { code, .. }, .. }] if code == "login_timeout"
    ));
    assert!(w.complete(&callback).is_err());
    assert!(w.connector.connections().unwrap().is_empty());
}

#[test]
fn refresh_is_single_flight_and_never_reuses_a_rotated_token() {
    let w = world();
    let connection = w.connect();
    let cycles = 100;
    w.rt.block_on(async {
        for _ in 0..cycles {
            let current = w
                .connector
                .access_token(&connection.id, None)
                .await
                .unwrap();
            // Two sync tasks get a 401 for the same token at the same moment (O-09).
            let (a, b) = tokio::join!(
                w.connector
                    .access_token(&connection.id, Some(&current.token)),
                w.connector
                    .access_token(&connection.id, Some(&current.token))
            );
            let (a, b) = (a.unwrap(), b.unwrap());
            assert_eq!(
                a.token.expose(),
                b.token.expose(),
                "both use the one new token"
            );
            assert_ne!(a.token.expose(), current.token.expose());
        }
    });
    let stats = w.portal.stats();
    assert_eq!(
        stats.token_requests.refresh_token, cycles,
        "one refresh per expiry"
    );
    assert_eq!(stats.refresh_token_reuse_detections, 0);
    assert_eq!(stats.token_errors, 0);
}

#[test]
fn an_expiring_token_is_refreshed_before_use() {
    let w = world_with(
        PortalConfig {
            lifetimes: Lifetimes {
                access_token: Duration::from_secs(30),
                ..Lifetimes::default()
            },
            ..PortalConfig::default()
        },
        ConnectConfig {
            refresh_margin: Duration::from_secs(60),
            ..ConnectConfig::default()
        },
    );
    let connection = w.connect();
    let first =
        w.rt.block_on(w.connector.access_token(&connection.id, None))
            .unwrap();
    assert_eq!(w.portal.stats().token_requests.refresh_token, 1);
    let views = w.connector.connections().unwrap();
    assert_eq!(views[0].status, ConnectionStatus::Connected);
    assert!(!first.token.expose().is_empty());
}

#[test]
fn when_the_portal_ends_access_the_connection_asks_to_reconnect_and_keeps_the_data() {
    let w = world_with(
        PortalConfig::default(),
        ConnectConfig {
            refresh_margin: Duration::from_secs(7200),
            ..ConnectConfig::default()
        },
    );
    let connection = w.connect();
    assert!(w.portal.revoke_access("demo") > 0);
    let err =
        w.rt.block_on(w.connector.access_token(&connection.id, None))
            .err()
            .unwrap();
    assert_eq!(err.code(), "reconnect_needed");
    let views = w.connector.connections().unwrap();
    assert!(matches!(
        views[0].status,
        ConnectionStatus::ReconnectNeeded { .. }
    ));
    assert_eq!(w.patient_count(), 1, "the records stay (seed 000)");
    // Reconnecting renews the same connection.
    w.rt.block_on(
        w.connector
            .start_reconnect(&connection.id, RedirectKind::DeepLink),
    )
    .unwrap();
    let authorize = w.opened.recv_timeout(Duration::from_secs(5)).unwrap();
    let callback = w.person(&authorize, "demo", true);
    let LoginOutcome::Connected { connection: again } = w.complete(&callback).unwrap().result
    else {
        panic!()
    };
    assert_eq!(again.id, connection.id);
    assert_eq!(again.status, ConnectionStatus::Connected);
    assert_eq!(w.connector.connections().unwrap().len(), 1);
    assert!(w.ledger_events().contains(&"RECONNECT".to_owned()));
}

#[test]
fn disconnect_revokes_at_the_portal_and_deletes_tokens_even_when_revocation_fails() {
    let w = world();
    let first = w.connect();
    let report = w.rt.block_on(w.connector.disconnect(&first.id)).unwrap();
    assert_eq!(report.remote_revocation, RevocationOutcome::Revoked);
    let hints: Vec<_> = w
        .portal
        .stats()
        .revocations
        .iter()
        .map(|r| r.token_type_hint.clone().unwrap_or_default())
        .collect();
    assert_eq!(hints, ["refresh_token", "access_token"]);
    assert!(w.connector.connections().unwrap().is_empty());
    assert_eq!(w.patient_count(), 1, "downloaded records stay");

    let second = w.connect();
    w.portal.set_faults(Faults {
        revocation_unavailable: true,
        ..Faults::default()
    });
    let report = w.rt.block_on(w.connector.disconnect(&second.id)).unwrap();
    assert_eq!(report.remote_revocation, RevocationOutcome::Failed);
    assert!(report.message.contains("portal"));
    assert!(w.connector.connections().unwrap().is_empty());
    let entries = w.session.lock().unwrap().ledger_entries().unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last.event, "DISCONNECT");
    assert!(
        last.description.contains("remote revocation failed"),
        "{}",
        last.description
    );
}

#[test]
fn patient_generated_api_credentials_connect_with_or_without_a_patient_in_the_token() {
    for include_patient in [true, false] {
        let w = world_with(
            PortalConfig {
                include_patient_in_client_credentials: include_patient,
                ..PortalConfig::default()
            },
            ConnectConfig::default(),
        );
        let creds = w.portal.issue_api_credentials("demo", "Ownchart").unwrap();
        let view =
            w.rt.block_on(w.connector.connect_api_credentials(ApiCredentialsInput {
                fhir_base: w.portal.fhir_base_r4(),
                key: creds.key.clone(),
                secret: creds.secret.expose().to_owned(),
                label: Some("My clinic".into()),
            }))
            .unwrap();
        assert_eq!(view.portal_name, "My clinic");
        assert_eq!(view.patient_id, w.portal.patient_id("demo"));
        assert_eq!(w.patient_count(), 1);
        // A wrong secret is refused and stores nothing.
        let bad =
            w.rt.block_on(w.connector.connect_api_credentials(ApiCredentialsInput {
                fhir_base: w.portal.fhir_base_r4(),
                key: creds.key.clone(),
                secret: "not the secret".into(),
                label: None,
            }));
        assert!(bad.is_err());
        assert_eq!(w.connector.connections().unwrap().len(), 1);
        // Deleting the credentials in the portal revokes; disconnect still cleans up.
        assert!(w.portal.delete_api_credentials(&creds.key));
        w.rt.block_on(w.connector.disconnect(&view.id)).unwrap();
        assert!(w.connector.connections().unwrap().is_empty());
    }
}

#[test]
fn fewer_scopes_granted_than_asked_are_recorded() {
    let w = world_with(
        PortalConfig {
            grant_fewer_scopes: true,
            ..PortalConfig::default()
        },
        ConnectConfig::default(),
    );
    let connection = w.connect();
    let asked = w.portal.stats().last_authorize.unwrap();
    assert!(asked.get("scope").unwrap().contains("patient/*.rs"));
    // The portal narrowed "everything" to a few types: that is what is recorded
    // (and what the sync engine will ask for).
    let granted = &connection.granted_scopes;
    assert!(!granted.iter().any(|s| s == "patient/*.rs"), "{granted:?}");
    assert!(
        granted.iter().any(|s| s == "patient/Patient.rs"),
        "{granted:?}"
    );
    let stored = w.connector.connections().unwrap();
    assert_eq!(&stored[0].granted_scopes, granted);
}

#[test]
fn plain_http_is_refused_for_anything_but_this_computer() {
    let w = world();
    let target = PortalTarget {
        name: "x".into(),
        fhir_base: Url::parse("http://portal.example/fhir").unwrap(),
        directory_id: None,
    };
    let err =
        w.rt.block_on(
            w.connector
                .start_login(target, None, RedirectKind::DeepLink, None),
        )
        .err()
        .unwrap();
    assert_eq!(err.code(), "insecure_url");
    assert!(w.opened.try_recv().is_err(), "no browser was opened");
}

#[test]
fn the_loopback_listener_takes_only_its_own_callback_and_closes_after_it() {
    let w = world();
    w.rt.block_on(
        w.connector
            .start_login(w.target(), None, RedirectKind::Loopback, None),
    )
    .unwrap();
    let authorize = w.opened.recv_timeout(Duration::from_secs(5)).unwrap();
    let redirect = authorize
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .unwrap()
        .1
        .into_owned();
    let redirect = Url::parse(&redirect).unwrap();
    // O-06: bound to 127.0.0.1, on an ephemeral port, with one exact path.
    assert_eq!(redirect.host_str(), Some("127.0.0.1"));
    assert_eq!(redirect.path(), "/callback");
    let port = redirect.port().unwrap();
    let callback = w.person(&authorize, "demo", true);
    // O-05: another local process gets there first with a forged state.
    let forged = with_query(
        &callback,
        "state",
        "someone-elses-state-someone-elses-state-00",
    );
    let answer = w.rt.block_on(person::deliver(&forged, None));
    assert!(answer.is_err(), "the forged callback is refused");
    assert_eq!(w.connector.pending_logins(), 1);
    // The real one still completes.
    w.rt.block_on(person::deliver(&callback, None)).unwrap();
    assert_eq!(w.connector.connections().unwrap().len(), 1);
    // Then the port closes.
    let mut closed = false;
    for _ in 0..50 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            closed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(closed, "the loopback listener is closed after its login");
}

#[test]
fn a_cancelled_login_closes_its_listener_and_refuses_a_late_callback() {
    let w = world();
    let started =
        w.rt.block_on(
            w.connector
                .start_login(w.target(), None, RedirectKind::Loopback, None),
        )
        .unwrap();
    let authorize = w.opened.recv_timeout(Duration::from_secs(5)).unwrap();
    let callback = w.person(&authorize, "demo", true);
    assert!(w.connector.cancel_login(&started.attempt_id));
    assert_eq!(
        w.finished.lock().unwrap().last().unwrap().result,
        LoginOutcome::Cancelled
    );
    std::thread::sleep(Duration::from_millis(100));
    assert!(w.rt.block_on(person::deliver(&callback, None)).is_err());
    assert!(w.connector.connections().unwrap().is_empty());
    assert_eq!(w.portal.stats().token_requests.authorization_code, 0);
}
