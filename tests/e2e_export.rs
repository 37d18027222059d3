//! End to end: export, share, the audit log and "Delete everything" in the real
//! app under Xvfb, driven through WebDriver. The native save, folder and
//! confirmation dialogs are answered by debug-only hooks in the shell, like
//! `OWNCHART_E2E_PICK_FILES`: `OWNCHART_E2E_PICK_DIR` (the share's folder),
//! `OWNCHART_E2E_SAVE_PATH` (the export's and the log's save dialogs) and
//! `OWNCHART_E2E_CONFIRM=yes` (the erase's native confirmation).

use std::path::Path;

use fantoccini::{Client, Locator};
use ownchart_synth::Generator;

use crate::e2e::*;
use crate::util::*;

async fn attr(c: &Client, css: &str, name: &str) -> String {
    element(c, css, 120)
        .await
        .attr(name)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{css} has no {name}"))
}

/// The `data-event` of every audit row shown, newest first.
async fn ledger_events(c: &Client) -> Vec<String> {
    text(c, "[data-testid=ledger-shown]").await;
    let mut events = vec![];
    for row in c
        .find_all(Locator::Css("[data-testid=ledger-row]"))
        .await
        .unwrap()
    {
        events.push(row.attr("data-event").await.unwrap().unwrap_or_default());
    }
    events
}

async fn scroll_to(c: &Client, css: &str) {
    let _ = c
        .execute(
            &format!("document.querySelector('{css}')?.scrollIntoView({{block: 'start'}})"),
            vec![],
        )
        .await;
}

fn files_in(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
}

#[test]
fn export_share_audit_and_delete_everything_in_the_real_app() {
    if !e2e_or_skip() {
        return;
    }
    let _one_app_at_a_time = app_lock();
    let sb = Sandbox::new();
    let bundle = Generator::new(7).bundle(400);
    let resources = bundle_resources(&bundle);
    let expected = expected_counts(&resources);
    let file = sb.file("my-records.json", &bundle);
    let out = sb.root.path().join("out");
    std::fs::create_dir_all(&out).unwrap();

    let (driver, port) = start_driver(
        &sb,
        &[
            ("OWNCHART_E2E_PICK_FILES", file.display().to_string()),
            ("OWNCHART_E2E_PICK_DIR", out.display().to_string()),
            (
                "OWNCHART_E2E_SAVE_PATH",
                out.join("ownchart-export.zip.age").display().to_string(),
            ),
            ("OWNCHART_E2E_CONFIRM", "yes".to_string()),
        ],
    );

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = connect(port).await;
        click(&c, "[data-testid=create-keyring]").await;
        click(&c, "[data-testid=nav-import]").await;
        click(&c, "[data-testid=import-choose]").await;
        let imported = text(&c, "[data-testid=import-result]").await;
        assert!(imported.contains("400"), "{imported}");

        // Export, protected with a passphrase.
        click(&c, "[data-testid=nav-export]").await;
        type_into(
            &c,
            "[data-testid=export-passphrase]",
            "violet tractor mango lighthouse",
        )
        .await;
        type_into(
            &c,
            "[data-testid=export-passphrase-confirm]",
            "violet tractor mango lighthouse",
        )
        .await;
        text(&c, "[data-testid=passphrase-strength]").await;
        click(&c, "[data-testid=export-start]").await;
        let bytes: u64 = attr(&c, "[data-testid=export-size]", "data-bytes")
            .await
            .parse()
            .unwrap();
        assert_eq!(
            attr(&c, "[data-testid=export-encrypted]", "data-encrypted").await,
            "true"
        );
        let path = text(&c, "[data-testid=export-path]").await;
        let written = Path::new(&path);
        assert!(written.starts_with(&out), "{path}");
        assert!(path.ends_with(".age"), "{path}");
        assert_eq!(std::fs::metadata(written).unwrap().len(), bytes);
        let head = std::fs::read(written).unwrap();
        assert!(
            head.starts_with(b"age-encryption.org/v1"),
            "not an age file"
        );
        save_png("export.png", &screenshot(&c).await);

        // Share: the preview first, then the files.
        click(&c, "[data-testid=nav-share]").await;
        let total = attr(&c, "[data-testid=share-preview-total]", "data-total").await;
        assert_eq!(total, resources.len().to_string());
        let labs = attr(&c, "[data-testid=share-preview-count-labs]", "data-count").await;
        assert_eq!(labs, expected["labs"].to_string());
        save_png("share-preview.png", &screenshot(&c).await);
        click(&c, "[data-testid=share-next]").await;
        type_into(&c, "[data-testid=share-recipient]", "Dr. Ada Lovelace").await;
        type_into(&c, "[data-testid=share-purpose]", "Second opinion").await;
        click(&c, "[data-testid=share-create]").await;
        let dir = text(&c, "[data-testid=share-dir]").await;
        let dir = Path::new(&dir);
        assert!(dir.starts_with(&out), "{}", dir.display());
        let rows = c
            .find_all(Locator::Css("[data-testid=share-file]"))
            .await
            .unwrap();
        assert!(rows.len() >= 3, "{} files listed", rows.len());
        for row in rows {
            let name = row.attr("data-name").await.unwrap().unwrap();
            let bytes: u64 = row
                .attr("data-bytes")
                .await
                .unwrap()
                .unwrap()
                .parse()
                .unwrap();
            let on_disk = std::fs::metadata(dir.join(&name))
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .len();
            assert_eq!(on_disk, bytes, "{name}");
        }
        assert!(!files_in(dir).is_empty());
        // The QR code is a decoded, painted image.
        let qr_width = c
            .execute(
                "const img = document.querySelector('[data-testid=share-qr]');
                 return img && img.complete ? img.naturalWidth : 0;",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            qr_width.as_u64().unwrap_or(0) > 0,
            "QR not shown: {qr_width}"
        );
        let uri = attr(&c, "[data-testid=share-shlink]", "value").await;
        assert!(uri.starts_with("shlink:/"), "{uri}");
        scroll_to(&c, "[data-testid=share-qr]").await;
        save_png("share-result.png", &screenshot(&c).await);
        // The browser opens only the summary of a share this run wrote, whatever
        // folder the webview names.
        let elsewhere = out.join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("patient-summary.html"), "<p>not ours</p>").unwrap();
        let refused = c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.__TAURI_INTERNALS__.invoke('share_open_summary', { dir: arguments[0] })
                   .then(() => done('opened'), (e) => done((e && e.code) || String(e)));",
                vec![serde_json::json!(elsewhere.display().to_string())],
            )
            .await
            .unwrap();
        assert_eq!(refused, "summary_unknown");

        // The audit log lists both disclosures and verifies.
        click(&c, "[data-testid=nav-audit]").await;
        let events = ledger_events(&c).await;
        for e in ["EXPORT", "SHARE", "IMPORT", "VAULT_CREATED"] {
            assert!(events.iter().any(|x| x == e), "{e} missing from {events:?}");
        }
        click(&c, "[data-testid=ledger-verify]").await;
        let status = text(&c, "[data-testid=ledger-status]").await;
        assert!(status.starts_with("Intact"), "{status}");
        save_png("audit.png", &screenshot(&c).await);

        // Delete everything: the word, the (hooked) native confirmation, the report.
        click(&c, "[data-testid=nav-settings]").await;
        type_into(&c, "[data-testid=erase-confirm-input]", "DELETE").await;
        click(&c, "[data-testid=erase-button]").await;
        text(&c, "[data-testid=erase-result]").await;
        scroll_to(&c, "[data-testid=danger-zone]").await;
        save_png("erase.png", &screenshot(&c).await);
        click(&c, "[data-testid=erase-continue]").await;

        // First run again; the log is still there, ending with the deletion.
        click(&c, "[data-testid=first-run-audit]").await;
        let events = ledger_events(&c).await;
        assert_eq!(
            events.first().map(String::as_str),
            Some("DELETE_ALL"),
            "{events:?}"
        );
        for e in ["EXPORT", "SHARE"] {
            assert!(
                events.iter().any(|x| x == e),
                "{e} missing after erase: {events:?}"
            );
        }
        let status = text(&c, "[data-testid=ledger-status]").await;
        assert!(status.starts_with("Intact"), "{status}");
        click(&c, "[data-testid=audit-back]").await;
        text(&c, "[data-testid=create-keyring]").await;

        c.close().await.unwrap();
    });
    drop(driver);
}
