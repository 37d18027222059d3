//! End to end: connecting portals in the real app under Xvfb, driven through
//! WebDriver. The "system browser" is `BROWSER`: a scripted person who signs in at
//! the portal over HTTP and then hands the callback back exactly as an OS does —
//! by launching the app binary with the `ownchart://` URL, which single-instance
//! forwards to the running app — or, in the loopback run, by following the
//! redirect to the app's 127.0.0.1 listener.

use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, Locator};
use ownchart_portal::{PortalConfig, RunningPortal};

use crate::connect_cli::browser_script;
use crate::e2e::*;
use crate::util::*;

fn run_app<F>(sb: &Sandbox, envs: &[(&str, String)], script: F)
where
    F: for<'c> FnOnce(&'c Client) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'c>>,
{
    let port = free_port();
    let native = free_port();
    let mut cmd = Command::new("tauri-driver");
    cmd.args([
        "--port",
        &port.to_string(),
        "--native-port",
        &native.to_string(),
    ])
    .env("OWNCHART_DATA_DIR", sb.data_dir())
    .stdout(Stdio::null());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let driver = Driver(cmd.spawn().expect("tauri-driver starts"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = connect(port).await;
        script(&c).await;
        c.close().await.unwrap();
    });
    drop(driver);
}

async fn type_into(c: &Client, css: &str, text: &str) {
    let el = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"));
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

fn save(name: &str, png: &[u8]) {
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(name), png).unwrap();
}

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
            save("connections.png", &screenshot(c).await);
            click(c, "[data-testid=nav-records]").await;
            assert_eq!(text(c, "[data-testid=category-count-patient]").await, "1");
        })
    });

    // Loopback: a portal of the test's own, by its FHIR address.
    let portal = RunningPortal::start_background(PortalConfig::default()).unwrap();
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
