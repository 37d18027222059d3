//! End to end: connecting portals in the real app under Xvfb, driven through
//! WebDriver. The "system browser" is `BROWSER`: a scripted person who signs in at
//! the portal over HTTP and then hands the callback back exactly as an OS does —
//! by launching the app binary with the `ownchart://` URL, which single-instance
//! forwards to the running app — or, in the loopback run, by following the
//! redirect to the app's 127.0.0.1 listener.

use std::time::Duration;

use fantoccini::Locator;
use ownchart_portal::{PortalConfig, RunningPortal};

use crate::connect_cli::browser_script;
use crate::e2e::*;
use crate::util::*;

#[test]
fn connect_the_demo_portal_by_deep_link_and_a_test_portal_by_loopback() {
    if !e2e_or_skip() {
        return;
    }
    let _one_app_at_a_time = app_lock();
    let sb = Sandbox::new();
    // Deep link: the person delivers the callback by launching the app binary.
    let browser = browser_script(sb.root.path(), "demo", "demo", Some(BIN));
    run_app(&sb, &[("BROWSER", browser.display().to_string())], |c| {
        Box::pin(async move {
            click(c, "[data-testid=create-keyring]").await;
            click(c, "[data-testid=nav-connect]").await;
            type_into(c, "[data-testid=directory-search]", "demo").await;
            click(
                    c,
                    "[data-testid=directory-result][data-entry-id='builtin:ownchart-demo'] [data-testid=connect-button]",
                )
                .await;
            let done = text(c, "[data-testid=login-connected]").await;
            assert!(done.contains("Demo") || done.contains("demo"), "{done}");
            click(c, "[data-testid=nav-connections]").await;
            let status = text(c, "[data-testid=connection-status]").await;
            assert!(status.to_lowercase().contains("connected"), "{status}");
            save_png("connections.png", &screenshot(c).await);
            click(c, "[data-testid=nav-records]").await;
            assert_eq!(text(c, "[data-testid=category-count-patient]").await, "1");
        })
    });

    // Loopback: a portal of the test's own, by its FHIR address.
    let portal = RunningPortal::start_background(PortalConfig::default()).unwrap();
    // Slow enough that the progress rows are seen while the download runs.
    portal.set_faults(ownchart_portal::Faults {
        latency: Some(Duration::from_millis(150)),
        ..Default::default()
    });
    let user = &portal.config().users[0];
    let expected_labs = ownchart_synth::Generator::new(user.seed)
        .resources(user.resources)
        .filter(|raw| {
            let v: serde_json::Value = serde_json::from_slice(raw).unwrap();
            expected_category(&v) == "labs"
        })
        .count();
    let base = portal.fhir_base_r4();
    run_app(
        &sb,
        &[
            ("BROWSER", browser.display().to_string()),
            ("OWNCHART_LOGIN_REDIRECT", "loopback".to_owned()),
        ],
        |c| {
            let base = base.clone();
            Box::pin(async move {
                click(c, "[data-testid=nav-connect]").await;
                type_into(c, "[data-testid=custom-url-input]", &base).await;
                click(c, "[data-testid=custom-url-connect]").await;
                text(c, "[data-testid=login-connected]").await;
                click(c, "[data-testid=nav-connections]").await;
                let rows = c
                    .find_all(Locator::Css("[data-testid=connection-row]"))
                    .await
                    .unwrap();
                assert_eq!(rows.len(), 2);
                // Download the record: progress per category, then the result.
                // The test portal's row (the demo portal's grant ended with the
                // app that started it, so that connection asks to reconnect).
                let port = url::Url::parse(&base).unwrap().port().unwrap();
                let row = format!("//*[@data-testid='connection-row'][contains(., ':{port}/')]");
                c.wait()
                    .at_most(Duration::from_secs(30))
                    .for_element(Locator::XPath(&format!(
                        "{row}//*[starts-with(@data-testid, 'sync-now-')]"
                    )))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap();
                text(c, "[data-testid=sync-progress] [data-testid=sync-row-labs]").await;
                let _ = c
                    .execute(
                        "document.querySelector('[data-testid=sync-progress]').scrollIntoView()",
                        vec![],
                    )
                    .await;
                save_png("sync-progress.png", &screenshot(c).await);
                let outcome = c
                    .wait()
                    .at_most(Duration::from_secs(120))
                    .for_element(Locator::XPath(&format!(
                        "{row}//*[@data-testid='sync-outcome'][@data-outcome='complete']"
                    )))
                    .await;
                assert!(outcome.is_ok(), "the sync did not complete");
                let labs = c
                    .find(Locator::XPath(&format!(
                        "{row}//*[@data-testid='sync-result']//*[@data-testid='sync-count-labs']"
                    )))
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                assert_eq!(labs.replace(',', ""), expected_labs.to_string());
                let _ = c
                    .execute(
                        "document.querySelector('[data-testid=sync-result]').scrollIntoView()",
                        vec![],
                    )
                    .await;
                save_png("sync-result.png", &screenshot(c).await);
                click(c, "[data-testid=nav-records]").await;
                let shown = text(c, "[data-testid=category-count-labs]").await;
                assert_eq!(shown.replace(',', ""), expected_labs.to_string());
            })
        },
    );
    assert_eq!(portal.stats().token_requests.authorization_code, 1);
    let redirect = portal
        .stats()
        .last_authorize
        .and_then(|q| q.get("redirect_uri").map(str::to_owned))
        .unwrap();
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
}
