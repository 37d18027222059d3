//! End to end: the About screen of the real app. From Settings, "About Ownchart"
//! shows the version, the build, the data folder, the vault's protection, and
//! the third-party license notices generated at build time, which a filter
//! narrows and whose license texts open.

use fantoccini::Locator;

use crate::e2e::{app_lock, click, connect, e2e_or_skip, save_png, screenshot, start_driver, text};
use crate::util::*;

#[test]
fn the_about_screen_shows_the_build_and_the_license_notices() {
    if !e2e_or_skip() {
        return;
    }
    let _one_app_at_a_time = app_lock();
    let sb = Sandbox::new();
    let (driver, port) = start_driver(&sb, &[("OWNCHART_NO_DEMO_PORTAL", "1".to_string())]);

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = connect(port).await;
        click(&c, "[data-testid=create-keyring]").await;
        click(&c, "[data-testid=nav-settings]").await;
        click(&c, "[data-testid=about-open]").await;

        let version = text(&c, "[data-testid=about-version]").await;
        assert!(
            version.contains(env!("CARGO_PKG_VERSION")) && version.contains("Development build"),
            "{version}"
        );
        let data_dir = text(&c, "[data-testid=about-data-dir]").await;
        assert_eq!(data_dir, sb.data_dir().display().to_string());
        let protection = text(&c, "[data-testid=about-protection]").await;
        assert!(
            protection.to_lowercase().contains("keyring"),
            "{protection}"
        );

        let count = text(&c, "[data-testid=about-notices-count]").await;
        let packages: usize = count
            .split_whitespace()
            .next()
            .unwrap()
            .replace(',', "")
            .parse()
            .unwrap();
        assert!(packages > 300, "{count}");
        let listed = c
            .find_all(Locator::Css("[data-testid=about-package]"))
            .await
            .unwrap();
        assert_eq!(listed.len(), packages);

        c.find(Locator::Css("[data-testid=about-filter]"))
            .await
            .unwrap()
            .send_keys("tauri-plugin-deep-link")
            .await
            .unwrap();
        let mut shown = Vec::new();
        for _ in 0..50 {
            shown = c
                .find_all(Locator::Css("[data-testid=about-package]"))
                .await
                .unwrap();
            if shown.len() == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(shown.len(), 1, "the filter left {} packages", shown.len());
        let summary = text(&c, "[data-testid=about-package] summary").await;
        assert!(summary.contains("Apache-2.0 OR MIT"), "{summary}");
        click(&c, "[data-testid=about-package] summary").await;
        text(&c, "[data-testid=about-package] pre").await;
        let mut texts = Vec::new();
        for pre in c
            .find_all(Locator::Css("[data-testid=about-package] pre"))
            .await
            .unwrap()
        {
            texts.push(pre.text().await.unwrap());
        }
        assert!(
            texts.iter().any(|t| t.contains("Apache License"))
                && texts
                    .iter()
                    .any(|t| t.contains("Permission is hereby granted")),
            "{texts:?}"
        );

        save_png("about.png", &screenshot(&c).await);
        c.close().await.unwrap();
    });
    drop(driver);
}
