//! End to end: the real desktop app under a (virtual) display, driven through
//! WebDriver (tauri-driver + WebKitWebDriver). First run creates the vault with
//! the OS keyring, a file is imported, and the records overview shows the counts a
//! plain reading of the file predicts; a screenshot is saved.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use ownchart_synth::Generator;

use crate::util::*;

pub fn e2e_or_skip() -> bool {
    let required = std::env::var("OWNCHART_REQUIRE_E2E").is_ok_and(|v| v == "1");
    let have_display = std::env::var("DISPLAY").is_ok();
    let have_driver = Command::new("tauri-driver")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if required {
        assert!(
            have_display,
            "OWNCHART_REQUIRE_E2E=1 but there is no DISPLAY"
        );
        assert!(
            have_driver,
            "OWNCHART_REQUIRE_E2E=1 but tauri-driver is not on PATH"
        );
    } else if !(have_display && have_driver) {
        eprintln!("e2e: skipped (needs DISPLAY and tauri-driver; .ci/test provides both)");
        return false;
    }
    keyring_or_skip("e2e")
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One app per D-Bus session: single-instance would forward a second app's
/// start to the first, so the end-to-end tests take turns.
pub fn app_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

pub struct Driver(pub Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts tauri-driver (which starts the app) on `sb`'s data folder with the
/// extra environment `envs`; returns it (stopped when dropped) and its port.
pub fn start_driver<V: AsRef<std::ffi::OsStr>>(sb: &Sandbox, envs: &[(&str, V)]) -> (Driver, u16) {
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
    (Driver(cmd.spawn().expect("tauri-driver starts")), port)
}

/// Runs `script` against the app started on `sb` with `envs`, then closes it.
pub fn run_app<F>(sb: &Sandbox, envs: &[(&str, String)], script: F)
where
    F: for<'c> FnOnce(&'c Client) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'c>>,
{
    let (driver, port) = start_driver(sb, envs);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = connect(port).await;
        script(&c).await;
        c.close().await.unwrap();
    });
    drop(driver);
}

/// The element `css` names, waiting up to `seconds` for it to appear.
pub async fn element(c: &Client, css: &str, seconds: u64) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(seconds))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
}

pub async fn type_into(c: &Client, css: &str, text: &str) {
    let el = element(c, css, 30).await;
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

/// Keeps a screenshot where CI collects them (`target/tmp/e2e`).
pub fn save_png(name: &str, png: &[u8]) {
    assert!(png.starts_with(b"\x89PNG"), "{name} is not a PNG");
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(name), png).unwrap();
}

pub async fn connect(port: u16) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": BIN }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let mut last = String::new();
    // tauri-driver takes a moment to listen; the first session can also fail fast.
    for _ in 0..60 {
        // WebDriver runs on loopback: plain HTTP, no TLS stack to build.
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(c) => return c,
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("no WebDriver session: {last}");
}

pub async fn text(c: &Client, css: &str) -> String {
    element(c, css, 30)
        .await
        .text()
        .await
        .unwrap()
        .trim()
        .to_owned()
}

pub async fn click(c: &Client, css: &str) {
    element(c, css, 30)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("could not click {css}: {e}"));
}

/// WebKitWebDriver returns the last painted frame: let two frames pass first,
/// or the picture shows the screen before the last click.
pub async fn screenshot(c: &Client) -> Vec<u8> {
    c.execute_async(
        "const done = arguments[arguments.length - 1];
         requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300)));",
        vec![],
    )
    .await
    .unwrap();
    c.screenshot().await.unwrap()
}

#[test]
fn first_run_then_import_shows_the_right_counts_in_the_real_app() {
    if !e2e_or_skip() {
        return;
    }
    let _one_app_at_a_time = app_lock();
    let sb = Sandbox::new();
    let bundle = Generator::new(42).bundle(500);
    let file = sb.file("my-records.json", &bundle);
    let expected = expected_counts(&bundle_resources(&bundle));

    let (driver, port) = start_driver(&sb, &[("OWNCHART_E2E_PICK_FILES", &file)]);

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = connect(port).await;

        click(&c, "[data-testid=create-keyring]").await;
        click(&c, "[data-testid=import-button]").await;
        let result = text(&c, "[data-testid=import-result]").await;
        assert!(result.contains("500"), "import result: {result}");

        assert_eq!(text(&c, "[data-testid=total-count]").await, "500");
        for key in [
            "patient",
            "immunization",
            "allergy_intolerance",
            "medication_request",
            "medication_statement",
            "vitals",
            "labs",
            "diagnostic_report",
            "condition",
            "procedure",
            "family_member_history",
            "document_reference",
            "care_team",
            "care_plan",
            "explanation_of_benefit",
            "coverage",
            "other",
        ] {
            let shown = text(&c, &format!("[data-testid=category-count-{key}]")).await;
            let want = expected.get(key).copied().unwrap_or(0);
            assert_eq!(shown.replace(',', ""), want.to_string(), "category {key}");
        }

        let png = screenshot(&c).await;
        save_png("records-overview.png", &png);

        click(&c, "[data-testid=nav-settings]").await;
        let mode = text(&c, "[data-testid=protection-mode]").await;
        assert!(mode.to_lowercase().contains("keyring"), "{mode}");
        let png = screenshot(&c).await;
        save_png("vault-settings.png", &png);
        click(&c, "[data-testid=nav-audit]").await;
        let ledger = text(&c, "[data-testid=ledger-status]").await;
        assert!(ledger.starts_with("Intact"), "{ledger}");

        c.close().await.unwrap();
    });

    drop(driver);
    // The vault the app created is the one the command line sees, once the app
    // has exited and released the data folder.
    let mut status = serde_json::Value::Null;
    for _ in 0..100 {
        let (ok, v) = sb.json(&["status"]);
        status = v;
        if ok || status["error"]["code"] != "in_use" {
            assert!(ok, "{status}");
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(nonzero(counts(&status)), expected);
}
