//! The integrator connector (seeds 002, 003) against the project's simulator on
//! 127.0.0.1, in process: the account in Settings, the directory, the sign-in
//! through the redirector with and without PKCE and `state`, patient tokens
//! with and without `patId`, refresh and the end of access, synchronous and
//! asynchronous queries (several polls, an expired result), errorData with
//! failing resource types, and mutual TLS with a CA made at test time.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use ownchart_core::connect::{
    ConnectConfig, ConnectError, ConnectMethod, ConnectionStatus, ConnectionView, LoginOutcome,
    RedirectKind,
};
use ownchart_core::directory::{DirectoryQuery, PortalKind};
use ownchart_core::integrator::{
    CertificateInput, CertificateKind, IntegratorAccountInput, IntegratorEndpoint,
    IntegratorSearchResult,
};
use ownchart_core::sync::{
    CategoryState, IntegratorPolling, SyncConfig, SyncEngine, SyncOutcome, SyncReport, SyncRequest,
};
use ownchart_core::CoreError;
use ownchart_portal::{Integrator, IntegratorConfig, Lifetimes, PortalConfig, TestPki};
use url::Url;

use crate::connect::{world_with, World};
use crate::util::expected_category;

const CANARY_DEVICE: &str = "canary-device-token-5150";

struct IWorld {
    w: World,
    sim: Integrator,
}

fn sim_config() -> IntegratorConfig {
    IntegratorConfig {
        device_token: CANARY_DEVICE.to_owned(),
        ..IntegratorConfig::default()
    }
}

fn iworld_with(sim: IntegratorConfig, connect: ConnectConfig, lifetimes: Lifetimes) -> IWorld {
    let w = world_with(
        PortalConfig {
            integrator: Some(sim),
            lifetimes,
            ..PortalConfig::default()
        },
        connect,
    );
    let sim = w.portal.integrator().unwrap();
    IWorld { w, sim }
}

fn iworld() -> IWorld {
    iworld_with(sim_config(), ConnectConfig::default(), Lifetimes::default())
}

fn fast_sync() -> SyncConfig {
    SyncConfig {
        integrator: IntegratorPolling {
            asynchronous: true,
            first_interval: Duration::from_millis(20),
            max_interval: Duration::from_millis(80),
            max_wait: Duration::from_secs(30),
        },
        ..SyncConfig::default()
    }
}

impl IWorld {
    fn account_input(&self, certificate: CertificateInput) -> IntegratorAccountInput {
        IntegratorAccountInput {
            directory_url: self.sim.directory_base(),
            integrator_url: self.sim.integrator_base(),
            redirector_url: self.sim.redirector_base(),
            device_token: Some(self.sim.device_token().to_owned()),
            certificate,
        }
    }

    fn save_account(&self, certificate: CertificateInput) {
        let input = self.account_input(certificate);
        self.w
            .session
            .lock()
            .unwrap()
            .save_integrator_account(input)
            .unwrap();
    }

    fn search(&self, text: &str, kind: Option<PortalKind>) -> IntegratorSearchResult {
        self.w
            .rt
            .block_on(self.w.connector.integrator_search(&DirectoryQuery {
                text: text.to_owned(),
                kind,
                limit: 0,
            }))
    }

    fn endpoint(&self, name: &str) -> IntegratorEndpoint {
        let found = self.search(name, None);
        assert_eq!(found.error, None);
        found
            .entries
            .into_iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("{name} not in the directory"))
    }

    /// Starts a deep-link sign-in at `name` and returns the URL the browser got.
    fn start(&self, name: &str) -> Url {
        let id = self.endpoint(name).id;
        self.w
            .rt
            .block_on(
                self.w
                    .connector
                    .start_integrator_login(&id, RedirectKind::DeepLink),
            )
            .unwrap();
        self.w.opened.recv_timeout(Duration::from_secs(5)).unwrap()
    }

    fn connect(&self, name: &str) -> ConnectionView {
        let outbound = self.start(name);
        let back = self.w.person(&outbound, "demo", true);
        match self.w.complete(&back).unwrap().result {
            LoginOutcome::Connected { connection } => *connection,
            other => panic!("not connected: {other:?}"),
        }
    }

    fn engine(&self, config: SyncConfig) -> Arc<SyncEngine> {
        SyncEngine::new(
            config,
            self.w.connector.clone(),
            self.w.session.clone(),
            Arc::new(|_: &ownchart_core::sync::SyncEvent| {}),
        )
        .unwrap()
    }

    fn sync(&self, config: SyncConfig, request: SyncRequest) -> SyncReport {
        let engine = self.engine(config);
        let mut reports = self.w.rt.block_on(engine.run(request)).unwrap();
        assert_eq!(reports.len(), 1);
        reports.remove(0)
    }

    fn counts(&self) -> BTreeMap<String, u64> {
        let s = self.w.session.lock().unwrap();
        s.opened().unwrap().vault.counts_by_category().unwrap()
    }
}

/// What the demo user's synthetic record holds, per category key.
fn expected_counts(w: &World) -> BTreeMap<String, u64> {
    let user = &w.portal.config().users[0];
    let mut out = BTreeMap::new();
    for raw in ownchart_synth::Generator::new(user.seed).resources(user.resources) {
        let v: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        *out.entry(expected_category(&v).to_owned()).or_insert(0) += 1;
    }
    out
}

fn query(url: &Url) -> BTreeMap<String, String> {
    url.query_pairs().into_owned().collect()
}

fn state_of(report: &SyncReport, key: &str) -> CategoryState {
    report
        .categories
        .iter()
        .find(|c| c.category == key)
        .map(|c| c.state)
        .unwrap_or_else(|| panic!("no {key} in {report:?}"))
}

#[test]
fn the_account_keeps_its_token_to_itself() {
    let iw = iworld();
    let view = iw.w.session.lock().unwrap().integrator_account().unwrap();
    assert!(!view.configured);
    // Without an account the integrator is not asked anything.
    let none = iw.search("", None);
    assert!(!none.configured && none.entries.is_empty());
    assert_eq!(iw.sim.stats().directory_searches, 0);

    let mut input = iw.account_input(CertificateInput::Remove);
    input.device_token = None;
    let refused = iw.w.session.lock().unwrap().save_integrator_account(input);
    assert!(refused.is_err(), "the first save needs the device token");

    iw.save_account(CertificateInput::Keep);
    let view = iw.w.session.lock().unwrap().integrator_account().unwrap();
    assert!(view.configured && view.device_token_set);
    assert_eq!(view.certificate, CertificateKind::None);
    let shown = serde_json::to_string(&view).unwrap() + &format!("{view:?}");
    assert!(!shown.contains(CANARY_DEVICE), "{shown}");
    // Saving again without a token keeps the one saved.
    let mut again = iw.account_input(CertificateInput::Keep);
    again.device_token = Some(String::new());
    iw.w.session
        .lock()
        .unwrap()
        .save_integrator_account(again)
        .unwrap();
    assert_eq!(iw.search("Epic", None).error, None);
    // A certificate that is not one is refused when saved.
    let bad = iw.account_input(CertificateInput::Pem {
        certificate_pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----".into(),
        private_key_pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----".into(),
    });
    assert!(iw
        .w
        .session
        .lock()
        .unwrap()
        .save_integrator_account(bad)
        .is_err());
    assert!(iw
        .w
        .ledger_events()
        .iter()
        .any(|e| e == "INTEGRATOR_ACCOUNT"));
}

#[test]
fn the_directory_lists_partner_portals_by_name_zip_and_kind() {
    let iw = iworld();
    iw.save_account(CertificateInput::Remove);
    let all = iw.search("", None);
    assert!(all.configured);
    assert_eq!(all.error, None);
    assert_eq!(all.entries.len(), iw.sim.endpoints().len());
    let epic = iw.endpoint("Epic New");
    assert_eq!(epic.id, "8e9cb0f7-f920-49c3-ad23-b54b8a9ebe9f");
    assert_eq!(epic.vendor.as_deref(), Some("Epic"));
    assert_eq!(epic.endpoint_status.as_deref(), Some("active"));
    assert_eq!(epic.city.as_deref(), Some("Verona"));
    assert_eq!(epic.zip.as_deref(), Some("53593"));
    assert_eq!(epic.data_type, PortalKind::Clinical);
    assert!(epic.pkce);
    assert!(!iw.endpoint("Cerner Plain").pkce);
    let by_zip = iw.search("64117", None);
    assert_eq!(
        by_zip
            .entries
            .iter()
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>(),
        ["Cerner Plain"]
    );
    let payers = iw.search("", Some(PortalKind::Payer));
    assert!(payers
        .entries
        .iter()
        .all(|e| e.data_type == PortalKind::Payer));
    assert_eq!(payers.entries.len(), 1);
    assert!(iw.search("nothing like it", None).entries.is_empty());

    // Without the device token (or with another) the directory says 401.
    let wrong = IntegratorAccountInput {
        device_token: Some("not-the-device-token".into()),
        ..iw.account_input(CertificateInput::Keep)
    };
    iw.w.session
        .lock()
        .unwrap()
        .save_integrator_account(wrong)
        .unwrap();
    let refused_before = iw.sim.stats().device_token_refusals;
    let failed = iw.search("Epic", None);
    assert!(failed.entries.is_empty());
    let error = failed.error.unwrap();
    assert!(error.contains("device"), "{error}");
    assert!(iw.sim.stats().device_token_refusals > refused_before);
    let bare = iw.w.rt.block_on(bare_get(&format!(
        "{}/client/endpoint/clinical/search/Epic",
        iw.sim.directory_base()
    )));
    assert_eq!(bare, 401);
}

/// A GET without any credentials, through the app's own capped client.
async fn bare_get(url: &str) -> u16 {
    let http = ownchart_fhir::HttpClient::new(ownchart_fhir::HttpLimits::default()).unwrap();
    let url = Url::parse(url).unwrap();
    http.send_json(&url, None, None, None, 1024 * 1024)
        .await
        .unwrap()
        .status
}

#[test]
fn a_pkce_portal_that_returns_state_connects_and_stores_the_patient() {
    let iw = iworld();
    iw.save_account(CertificateInput::Remove);
    let outbound = iw.start("Epic New");
    // Seed 002: the redirector URL keeps portalURL (with a PKCE challenge added)
    // and gets clientURL, a return location unique to this attempt.
    assert!(outbound.as_str().starts_with(&iw.sim.redirector_base()));
    let q = query(&outbound);
    let client_url = Url::parse(&q["clientURL"]).unwrap();
    assert_eq!(client_url.scheme(), "ownchart");
    assert!(client_url.path().starts_with("/integrator/"));
    let portal = Url::parse(&q["portalURL"]).unwrap();
    let pq = query(&portal);
    assert_eq!(pq["code_challenge_method"], "S256");
    assert_eq!(pq["code_challenge"].len(), 43);
    assert_eq!(
        pq["client_id"],
        format!("onerecord-{}", iw.endpoint("Epic New").id)
    );
    assert!(!pq.contains_key("clientURL"));

    let back = iw.w.person(&outbound, "demo", true);
    assert!(back.as_str().starts_with(client_url.as_str()));
    assert!(
        query(&back).contains_key("state"),
        "this portal returns state"
    );
    let finished = iw.w.complete(&back).unwrap();
    let LoginOutcome::Connected { connection } = finished.result else {
        panic!("{finished:?}")
    };
    assert_eq!(connection.method, ConnectMethod::Integrator);
    assert_eq!(connection.portal_name, "Epic New");
    assert_eq!(connection.status, ConnectionStatus::Connected);
    assert_eq!(connection.patient_id, iw.w.portal.patient_id("demo"));
    assert!(connection.patient_name.is_some());
    assert!(connection.expires_at.is_some());
    assert_eq!(iw.w.patient_count(), 1);
    let stats = iw.sim.stats();
    assert_eq!(stats.code_exchanges, 1);
    assert_eq!(stats.pkce_checked, 1, "the verifier was checked");
    assert_eq!(stats.last_exchange_had_state, Some(true));
    assert_eq!(stats.token_errors, 0);
    assert_eq!(
        iw.w.ledger_events().last().map(String::as_str),
        Some("CONNECT")
    );

    // The same answer again matches nothing and asks nothing.
    assert!(matches!(
        iw.w.complete(&back),
        Err(CoreError::Connect(ConnectError::NoPendingLogin))
    ));
    assert_eq!(iw.sim.stats().code_exchanges, 1);
}

#[test]
fn a_portal_without_pkce_state_or_pat_id_still_connects() {
    let iw = iworld();
    iw.save_account(CertificateInput::Remove);
    let outbound = iw.start("Cerner Plain");
    let portal = Url::parse(&query(&outbound)["portalURL"]).unwrap();
    assert!(!query(&portal).contains_key("code_challenge"));
    let back = iw.w.person(&outbound, "demo", true);
    assert!(!query(&back).contains_key("state"));
    assert!(query(&back).contains_key("code"));
    let finished = iw.w.complete(&back).unwrap();
    let LoginOutcome::Connected { connection } = finished.result else {
        panic!("{finished:?}")
    };
    // No patId: the patient came from the Patient the integrator returned.
    assert_eq!(connection.patient_id, iw.w.portal.patient_id("demo"));
    let stats = iw.sim.stats();
    assert_eq!(stats.last_exchange_had_state, Some(false));
    assert_eq!(stats.pkce_checked, 0);
    assert!(stats.sync_queries >= 1, "the Patient was fetched");
}

#[test]
fn an_answer_for_another_attempt_or_a_denied_consent_connects_nothing() {
    let iw = iworld();
    iw.save_account(CertificateInput::Remove);
    let outbound = iw.start("Cerner Plain");
    let back = iw.w.person(&outbound, "demo", true);
    // The code sent to another return location (another nonce) is ignored.
    let mut forged = back.clone();
    forged.set_path("/integrator/0123456789abcdef0123456789abcdef");
    assert!(matches!(
        iw.w.complete(&forged),
        Err(CoreError::Connect(ConnectError::NoPendingLogin))
    ));
    // Plain `ownchart://callback` with a code and no state is not an answer either.
    let plain = Url::parse(&format!(
        "ownchart://callback?code={}",
        query(&back)["code"]
    ))
    .unwrap();
    assert!(iw.w.complete(&plain).is_err());
    assert_eq!(iw.sim.stats().code_exchanges, 0);
    // Arriving by loopback for a deep-link attempt is refused too.
    let by_loopback =
        iw.w.rt
            .block_on(iw.w.connector.complete_login(&back, RedirectKind::Loopback));
    assert!(matches!(
        by_loopback.map(|f| f.result),
        Ok(LoginOutcome::Failed { .. }) | Err(_)
    ));
    assert!(iw.w.connector.connections().unwrap().is_empty());

    // Deny at the portal: cancelled, nothing stored.
    let outbound = iw.start("Epic New");
    let back = iw.w.person(&outbound, "demo", false);
    assert_eq!(
        query(&back).get("error").map(String::as_str),
        Some("access_denied")
    );
    let finished = iw.w.complete(&back).unwrap();
    assert_eq!(finished.result, LoginOutcome::Cancelled);
    assert!(iw.w.connector.connections().unwrap().is_empty());
}

#[test]
fn a_loopback_sign_in_comes_back_to_its_own_listener() {
    let iw = iworld();
    iw.save_account(CertificateInput::Remove);
    let id = iw.endpoint("Epic New").id;
    iw.w.rt
        .block_on(
            iw.w.connector
                .start_integrator_login(&id, RedirectKind::Loopback),
        )
        .unwrap();
    let outbound = iw.w.opened.recv_timeout(Duration::from_secs(5)).unwrap();
    let client_url = Url::parse(&query(&outbound)["clientURL"]).unwrap();
    assert_eq!(client_url.host_str(), Some("127.0.0.1"));
    assert!(client_url.path().starts_with("/callback/integrator/"));
    let back = iw.w.person(&outbound, "demo", true);
    let delivered =
        iw.w.rt
            .block_on(ownchart_portal::person::deliver(&back, None))
            .unwrap();
    assert_eq!(delivered, ownchart_portal::person::Delivered::Fetched(200));
    let conns = iw.w.connector.connections().unwrap();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].method, ConnectMethod::Integrator);
}

#[test]
fn tokens_refresh_through_the_integrator_until_access_ends() {
    let iw = iworld_with(
        sim_config(),
        ConnectConfig {
            refresh_margin: Duration::from_secs(0),
            ..ConnectConfig::default()
        },
        Lifetimes {
            access_token: Duration::from_secs(1),
            ..Lifetimes::default()
        },
    );
    iw.save_account(CertificateInput::Remove);
    let c = iw.connect("Epic New");
    let first =
        iw.w.rt
            .block_on(iw.w.connector.access_token(&c.id, None))
            .unwrap()
            .token;
    std::thread::sleep(Duration::from_millis(1200));
    let second =
        iw.w.rt
            .block_on(iw.w.connector.access_token(&c.id, None))
            .unwrap()
            .token;
    assert_ne!(first.expose(), second.expose());
    assert_eq!(iw.sim.stats().refreshes, 1);
    // Rotation: the next refresh uses the new refresh token, never the old one.
    std::thread::sleep(Duration::from_millis(1200));
    iw.w.rt
        .block_on(iw.w.connector.access_token(&c.id, None))
        .unwrap();
    assert_eq!(iw.sim.stats().refreshes, 2);
    assert_eq!(iw.w.portal.stats().refresh_token_reuse_detections, 0);
    // A sync meanwhile works with the renewed token.
    let report = iw.sync(
        fast_sync(),
        SyncRequest {
            categories: Some(vec!["labs".into()]),
            ..SyncRequest::default()
        },
    );
    assert_eq!(report.outcome, SyncOutcome::Complete, "{report:?}");

    // The patient revokes the access at the portal: reconnect needed, data kept.
    iw.w.portal.revoke_access("demo");
    std::thread::sleep(Duration::from_millis(1200));
    let ended = iw.w.rt.block_on(iw.w.connector.access_token(&c.id, None));
    assert!(matches!(
        ended,
        Err(CoreError::Connect(ConnectError::ReconnectNeeded))
    ));
    let view = iw.w.connector.connections().unwrap().remove(0);
    assert!(matches!(
        view.status,
        ConnectionStatus::ReconnectNeeded { .. }
    ));
    assert!(iw.counts().get("labs").copied().unwrap_or(0) > 0);
    assert!(iw.w.ledger_events().iter().any(|e| e == "ACCESS_ENDED"));
    let report = iw.sync(fast_sync(), SyncRequest::default());
    assert_eq!(report.outcome, SyncOutcome::ReconnectNeeded);

    // Reconnect through the integrator: same connection, connected again.
    iw.w.rt
        .block_on(
            iw.w.connector
                .start_reconnect(&c.id, RedirectKind::DeepLink),
        )
        .unwrap();
    let outbound = iw.w.opened.recv_timeout(Duration::from_secs(5)).unwrap();
    let back = iw.w.person(&outbound, "demo", true);
    let LoginOutcome::Connected { connection } = iw.w.complete(&back).unwrap().result else {
        panic!("not reconnected")
    };
    assert_eq!(connection.id, c.id);
    assert_eq!(connection.status, ConnectionStatus::Connected);
}

#[test]
fn an_asynchronous_sync_polls_until_the_result_and_stores_every_category() {
    let iw = iworld();
    iw.sim.set_polls_before_ready(3);
    iw.save_account(CertificateInput::Remove);
    iw.connect("Epic New");
    let report = iw.sync(fast_sync(), SyncRequest::default());
    assert_eq!(report.outcome, SyncOutcome::Complete, "{report:?}");
    let stats = iw.sim.stats();
    assert_eq!(stats.async_queries, 1);
    assert!(stats.polls >= 4, "3 answers of 'not yet', then the result");
    assert_eq!(stats.last_resources.as_ref().map(Vec::len), Some(16));
    assert!(stats
        .last_resources
        .as_ref()
        .is_some_and(|r| r.contains(&"Vitals".to_owned()) && r.contains(&"Labs".to_owned())));
    let expected = expected_counts(&iw.w);
    let counts = iw.counts();
    for (key, n) in &expected {
        if key == "other" {
            continue;
        }
        assert_eq!(
            counts.get(key),
            Some(n),
            "{key}: {counts:?} vs {expected:?}"
        );
    }
    assert!(report.error_data.errors.is_empty(), "{report:?}");
    // Again: the same records, nothing added.
    let again = iw.sync(fast_sync(), SyncRequest::default());
    assert_eq!(again.outcome, SyncOutcome::Complete);
    assert_eq!(again.categories.iter().map(|c| c.added).sum::<u64>(), 0);
    assert!(iw.w.ledger_events().iter().filter(|e| *e == "SYNC").count() >= 2);
}

#[test]
fn a_synchronous_sync_sends_the_categories_and_filters() {
    let iw = iworld();
    iw.save_account(CertificateInput::Remove);
    iw.connect("Cerner Plain");
    let config = SyncConfig {
        integrator: IntegratorPolling {
            asynchronous: false,
            ..fast_sync().integrator
        },
        ..fast_sync()
    };
    let before = iw.sim.stats().sync_queries;
    let report = iw.sync(
        config,
        SyncRequest {
            categories: Some(vec!["labs".into(), "condition".into()]),
            from_time: Some("2015-01-01".into()),
            exclude_undated_entries: true,
            ..SyncRequest::default()
        },
    );
    assert_eq!(report.outcome, SyncOutcome::Complete, "{report:?}");
    let stats = iw.sim.stats();
    assert_eq!(stats.sync_queries, before + 1);
    assert_eq!(stats.async_queries, 0);
    assert_eq!(
        stats.last_resources,
        Some(vec!["Labs".to_owned(), "Condition".to_owned()])
    );
    let params = stats.last_params.unwrap();
    assert!(
        params.contains("2015-01-01") && params.contains("true"),
        "{params}"
    );
    let counts = iw.counts();
    assert!(counts.get("labs").copied().unwrap_or(0) > 0);
    assert!(counts.get("labs") <= expected_counts(&iw.w).get("labs"));
    assert_eq!(counts.get("immunization"), None);
}

#[test]
fn an_expired_result_is_asked_for_once_more_then_reported() {
    let iw = iworld();
    iw.save_account(CertificateInput::Remove);
    iw.connect("Epic New");
    iw.sim.set_polls_before_ready(1);
    iw.sim.set_cache_ttl(Duration::from_millis(1));
    let report = iw.sync(fast_sync(), SyncRequest::default());
    assert_eq!(report.outcome, SyncOutcome::Failed, "{report:?}");
    assert_eq!(iw.sim.stats().async_queries, 2, "one more transaction");
    assert!(report
        .error_data
        .errors
        .iter()
        .any(|e| e.error == "integrator_result_expired" && e.status == 404));
    assert_eq!(state_of(&report, "labs"), CategoryState::Failed);
    // With the cache back to its two hours the same sync completes.
    iw.sim.set_cache_ttl(Duration::from_secs(7200));
    let report = iw.sync(fast_sync(), SyncRequest::default());
    assert_eq!(report.outcome, SyncOutcome::Complete, "{report:?}");
}

#[test]
fn failing_resource_types_in_error_data_fail_their_categories_only() {
    let iw = iworld();
    iw.save_account(CertificateInput::Remove);
    iw.connect("Athena Partial");
    let report = iw.sync(fast_sync(), SyncRequest::default());
    assert_eq!(report.outcome, SyncOutcome::Partial, "{report:?}");
    assert_eq!(state_of(&report, "coverage"), CategoryState::Failed);
    assert_eq!(
        state_of(&report, "explanation_of_benefit"),
        CategoryState::Failed
    );
    assert_eq!(state_of(&report, "labs"), CategoryState::Complete);
    assert_eq!(state_of(&report, "condition"), CategoryState::Complete);
    let paths: Vec<&str> = report
        .error_data
        .errors
        .iter()
        .map(|e| e.path.as_str())
        .collect();
    assert!(
        paths.contains(&"Coverage") && paths.contains(&"ExplanationOfBenefit"),
        "{paths:?}"
    );
    assert_eq!(report.error_data.highest_error.as_deref(), Some("error"));
    let coverage = report
        .categories
        .iter()
        .find(|c| c.category == "coverage")
        .unwrap();
    assert!(coverage
        .note
        .as_deref()
        .is_some_and(|n| n.contains("Coverage")));
    let counts = iw.counts();
    assert_eq!(counts.get("coverage"), None);
    assert!(counts.get("labs").copied().unwrap_or(0) > 0);
}

#[test]
fn mutual_tls_needs_the_client_certificate_from_the_trusted_ca() {
    let pki = TestPki::generate().unwrap();
    let iw = iworld_with(
        IntegratorConfig {
            tls: Some(pki.server_tls()),
            ..sim_config()
        },
        ConnectConfig {
            integrator_trusted_roots_pem: vec![pki.ca_pem.clone().into_bytes()],
            ..ConnectConfig::default()
        },
        Lifetimes::default(),
    );
    assert!(iw.sim.api_origin().starts_with("https://127.0.0.1:"));
    // No client certificate: the TLS handshake fails, nothing is listed.
    iw.save_account(CertificateInput::Remove);
    let refused = iw.search("Epic", None);
    assert!(refused.entries.is_empty());
    assert!(refused.error.is_some());
    assert_eq!(iw.sim.stats().directory_searches, 0);
    // A certificate from another CA is refused the same way.
    iw.save_account(CertificateInput::Pem {
        certificate_pem: pki.stranger.certificate_pem.clone(),
        private_key_pem: pki.stranger.private_key_pem.clone(),
    });
    assert!(iw.search("Epic", None).error.is_some());
    assert_eq!(iw.sim.stats().directory_searches, 0);
    // The client certificate the CA issued (as one PEM file): every call works.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("device.pem");
    std::fs::write(
        &file,
        format!(
            "{}{}",
            pki.client.certificate_pem, pki.client.private_key_pem
        ),
    )
    .unwrap();
    iw.save_account(CertificateInput::File {
        path: file.display().to_string(),
        password: None,
    });
    let view = iw.w.session.lock().unwrap().integrator_account().unwrap();
    assert_eq!(view.certificate, CertificateKind::Pem);
    let found = iw.search("Epic", None);
    assert_eq!(found.error, None);
    assert_eq!(found.entries.len(), 1);
    iw.connect("Epic New");
    let report = iw.sync(fast_sync(), SyncRequest::default());
    assert_eq!(report.outcome, SyncOutcome::Complete, "{report:?}");
    // And the redirector, the browser's side, stays reachable without it.
    assert!(iw.sim.stats().outbound >= 1);
}

#[test]
fn the_data_folder_never_holds_the_device_token_in_clear() {
    let iw = iworld();
    iw.save_account(CertificateInput::Remove);
    iw.connect("Epic New");
    let data = iw.w.session.lock().unwrap().data_dir().to_owned();
    let found: Vec<_> = crate::util::snapshot(&data)
        .into_iter()
        .filter(|(_, bytes)| {
            bytes
                .windows(CANARY_DEVICE.len())
                .any(|w| w == CANARY_DEVICE.as_bytes())
        })
        .map(|(path, _)| path)
        .collect();
    assert!(found.is_empty(), "{found:?}");
}
