//! End to end: a connection through the integrator in the real app under Xvfb,
//! driven through WebDriver. The test runs the project's portal with its
//! integrator simulator; the patient fills in the integrator account in
//! Settings, finds the partner portal in the Connect screen's directory (marked
//! "via integrator"), connects — the scripted person at the "system browser"
//! goes through the redirector, signs in at the portal and the app receives the
//! answer by deep link — and syncs; the records are counted.

use std::time::Duration;

use fantoccini::Locator;
use ownchart_portal::{IntegratorConfig, PortalConfig, RunningPortal};

use crate::connect_cli::browser_script;
use crate::e2e::*;
use crate::util::*;

#[test]
fn connect_through_the_integrator_and_sync() {
    if !e2e_or_skip() {
        return;
    }
    let _one_app_at_a_time = app_lock();
    let portal = RunningPortal::start_background(PortalConfig {
        integrator: Some(IntegratorConfig {
            polls_before_ready: 1,
            ..IntegratorConfig::default()
        }),
        ..PortalConfig::default()
    })
    .unwrap();
    let sim = portal.integrator().unwrap();
    let user = &portal.config().users[0];
    let expected_labs = ownchart_synth::Generator::new(user.seed)
        .resources(user.resources)
        .filter(|raw| {
            let v: serde_json::Value = serde_json::from_slice(raw).unwrap();
            expected_category(&v) == "labs"
        })
        .count();

    let sb = Sandbox::new();
    let browser = browser_script(sb.root.path(), "demo", "demo", Some(BIN));
    let (driver, port) = start_driver(&sb, &[("BROWSER", browser.display().to_string())]);
    let (directory, integrator, redirector, token) = (
        sim.directory_base(),
        sim.integrator_base(),
        sim.redirector_base(),
        sim.device_token().to_owned(),
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = connect(port).await;
        click(&c, "[data-testid=create-keyring]").await;

        // Settings: the integrator account.
        click(&c, "[data-testid=nav-settings]").await;
        type_into(&c, "[data-testid=integrator-directory-url]", &directory).await;
        type_into(&c, "[data-testid=integrator-service-url]", &integrator).await;
        type_into(&c, "[data-testid=integrator-redirector-url]", &redirector).await;
        type_into(&c, "[data-testid=integrator-device-token]", &token).await;
        click(&c, "[data-testid=integrator-save]").await;
        let saved = text(&c, "[data-testid=integrator-status]").await;
        assert!(saved.contains("Saved"), "{saved}");
        let state = text(&c, "[data-testid=integrator-token-state]").await;
        assert!(state.contains("set") && !state.contains(&token), "{state}");
        save_png("integrator-settings.png", &screenshot(&c).await);

        // Connect: the directory search shows the partner portal, via the integrator.
        click(&c, "[data-testid=nav-connect]").await;
        type_into(&c, "[data-testid=directory-search]", "Epic").await;
        let row = "[data-testid=integrator-result][data-endpoint-id='8e9cb0f7-f920-49c3-ad23-b54b8a9ebe9f']";
        let shown = text(&c, row).await;
        assert!(shown.contains("Epic New"), "{shown}");
        assert!(shown.contains("via integrator"), "{shown}");
        assert!(shown.contains("Verona") && shown.contains("53593"), "{shown}");
        assert!(shown.contains("Epic") && shown.contains("active"), "{shown}");
        save_png("integrator-directory.png", &screenshot(&c).await);
        click(&c, &format!("{row} [data-testid=integrator-connect-button]")).await;
        let done = text(&c, "[data-testid=login-connected]").await;
        assert!(done.contains("Epic New"), "{done}");

        // Connections: sync it.
        click(&c, "[data-testid=nav-connections]").await;
        let status = text(&c, "[data-testid=connection-status]").await;
        assert!(status.to_lowercase().contains("connected"), "{status}");
        c.wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::XPath(
                "//*[@data-testid='connection-row']//*[starts-with(@data-testid, 'sync-now-')]",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let outcome = c
            .wait()
            .at_most(Duration::from_secs(120))
            .for_element(Locator::XPath(
                "//*[@data-testid='connection-row']//*[@data-testid='sync-outcome'][@data-outcome='complete']",
            ))
            .await;
        assert!(outcome.is_ok(), "the sync did not complete");
        let labs = c
            .find(Locator::XPath(
                "//*[@data-testid='connection-row']//*[@data-testid='sync-result']//*[@data-testid='sync-count-labs']",
            ))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(labs.replace(',', ""), expected_labs.to_string());
        save_png("integrator-sync.png", &screenshot(&c).await);
        click(&c, "[data-testid=nav-records]").await;
        let counted = text(&c, "[data-testid=category-count-labs]").await;
        assert_eq!(counted.replace(',', ""), expected_labs.to_string());
        c.close().await.unwrap();
    });
    drop(driver);
    let stats = sim.stats();
    assert_eq!(stats.code_exchanges, 1);
    assert_eq!(stats.pkce_checked, 1);
    assert!(stats.async_queries >= 1 && stats.polls >= 2, "{stats:?}");
    assert!(stats
        .last_client_url
        .is_some_and(|u| u.starts_with("ownchart://callback/integrator/")));
}
